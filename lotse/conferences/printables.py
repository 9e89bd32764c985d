"""The family's summary of a case conference (DOMAIN.md §6: topics and results are made transparent to the
family): bilingual, plain language — when, who took part, what was talked about, who does what by when.

The minutes are internal and never part of it."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.conferences.models import Conference, ConferenceStatus, ParticipantKind
from lotse.documents.services import DocumentKind, base_context, format_date, register_kind

KIND = "conference_summary"


def _person_of(conference: Conference):
    return conference.case.person


def _who(participant, texts) -> dict:
    return {"name": participant.display_name, "role": participant.role,
            "organisation": participant.organisation_name, "kind": texts["kinds"][participant.kind]}


def _context(conference: Conference, language: str) -> dict:
    if conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError(_("The case conference was cancelled: there is no summary."), code="cancelled")
    case = conference.case
    context = base_context(KIND, case.person, language, {})
    texts = context["texts"]
    held = conference.status == ConferenceStatus.HELD
    participants = list(conference.participants.select_related("user", "partner", "partner_contact", "person")
                        .order_by("created_at", "pk"))
    if held and any(participant.attended is not None for participant in participants):
        participants = [participant for participant in participants if participant.attended]
    order = {ParticipantKind.FAMILY: 0, ParticipantKind.OTHER: 1, ParticipantKind.STAFF: 2, ParticipantKind.PARTNER: 3}
    participants.sort(key=lambda participant: order.get(participant.kind, 9))
    decisions = conference.decisions.select_related(
        "responsible__user", "responsible__partner", "responsible__partner_contact", "responsible__person"
    ).order_by("due_on", "pk")
    when = timezone.localtime(conference.scheduled_at)
    owner = case.owner
    topics = conference.agenda_items()
    context["summary"] = {
        "held": held,
        "occasion": conference.title,
        "date": format_date(conference.held_on) if held and conference.held_on else
        f"{format_date(when.date())}, {when:%H:%M}",
        "place": conference.location,
        "participants": [_who(participant, texts) for participant in participants],
        "topics": topics,
        "categories": [texts["category_labels"][code] for code in conference.categories
                       if code in texts["category_labels"]] if not topics else [],
        "decisions": [{"what": decision.text, "who": _who(decision.responsible, texts),
                       "by_when": format_date(decision.due_on)} for decision in decisions],
        "counsellor": (owner.get_full_name() or owner.get_username()) if owner else "",
    }
    return context


register_kind(KIND, DocumentKind("conferences.conference", _context, _person_of))
