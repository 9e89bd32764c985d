"""The appointment letter (Terminbrief): bilingual, printable, for appointments that belong to a case."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.documents.services import DocumentKind, base_context, format_date, register_kind

KIND = "appointment_letter"


def _person_of(appointment):
    if appointment.case_id is None:
        raise ValidationError(_("An appointment letter can only be printed for an appointment with a client (a case). "
                                "This is an internal appointment."), code="no_case")
    return appointment.case.person


def _context(appointment, language: str) -> dict:
    person = _person_of(appointment)
    starts = timezone.localtime(appointment.starts_at)
    ends = timezone.localtime(appointment.ends_at)
    owner = appointment.owner
    context = base_context(KIND, person, language, {})
    texts = context["texts"]
    kind = appointment.kind
    if kind == "home_visit":
        place = texts["places"]["home_visit"]
    elif kind == "phone":
        place = texts["places"]["phone"]
    elif kind == "video":
        place = texts["places"]["video"]
    else:
        place = None
    context["appointment"] = {
        "kind": texts["kinds"][kind] if kind in texts["kinds"] else texts["kinds"]["appointment"],
        "date": format_date(starts.date()),
        "weekday": texts["weekdays"][starts.weekday()],
        "time": f"{starts:%H:%M}–{ends:%H:%M}",
        "place_text": place,
        "location": appointment.location,
        "room": appointment.room,
        "counsellor": owner.get_full_name() or owner.get_username(),
        "counsellor_email": owner.email,
        "interpreter": appointment.interpreter_needed,
        "interpreter_language": appointment.interpreter_language.label if appointment.interpreter_language else "",
    }
    return context


register_kind(KIND, DocumentKind("appointments.appointment", _context, _person_of))
