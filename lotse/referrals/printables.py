"""The two referral letters.

- ``referral_letter_client``: to the client, German and the client's language: where to go, how to reach the
  partner, the appointment if known, what to bring. No reason and no information category: nothing about the
  person's situation is printed, only the way to the partner.
- ``referral_letter_partner``: to the partner, in German: who is referred and why, and only the information of
  the categories that went with the referral. The view checks the releases through the disclosure gate (and
  records the decision) before it prints; the context builder refuses as well when a release no longer
  covers a category, so the letter cannot be made without a release by any other way either.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.consent.models import InformationCategory, Release
from lotse.consent.rules import valid_release
from lotse.documents.services import DocumentKind, base_context, format_date, register_kind

CLIENT_KIND = "referral_letter_client"
PARTNER_KIND = "referral_letter_partner"


def _person_of(referral):
    return referral.person


def _staff(user) -> dict:
    if user is None:
        return {"name": "", "email": ""}
    return {"name": user.get_full_name() or user.get_username(), "email": user.email}


def _counsellor(referral) -> dict:
    case = referral.case
    return _staff(case.owner if case.owner_id else referral.created_by)


def _address(partner) -> str:
    town = " ".join(part for part in (partner.postal_code, partner.city) if part)
    return ", ".join(part for part in (partner.street, town) if part)


def _client_context(referral, language: str) -> dict:
    partner = referral.partner
    context = base_context(CLIENT_KIND, referral.person, language, {})
    texts = context["texts"]
    appointment = None
    if referral.appointment_on is not None:
        appointment = {"date": format_date(referral.appointment_on),
                       "weekday": texts["weekdays"][referral.appointment_on.weekday()]}
    contact = referral.partner_contact
    context["referral"] = {
        "partner": partner.name,
        "service": referral.service.name if referral.service_id else "",
        "address": _address(partner),
        "phone": partner.phone,
        "email": partner.email,
        "website": partner.website,
        "opening_hours": partner.opening_hours,
        "general_contact": partner.contact if not (partner.phone or partner.email) else "",
        "contact_person": ", ".join(part for part in (contact.name, contact.phone, contact.email) if part)
        if contact else "",
        "appointment": appointment,
        "counsellor": _counsellor(referral),
    }
    return context


def _residence(person) -> str:
    from lotse.people.models import ResidenceStatus

    status = ResidenceStatus.objects.filter(person=person).select_related("status_type").order_by(
        "-valid_from", "-id").first()
    if status is None:
        return ""
    text = status.status_type.label + (f" ({status.paragraph})" if status.paragraph else "")
    return text + (f", {format_date(status.valid_until)}" if status.valid_until else "")


def _released_data(referral, labels: dict) -> list[dict]:
    """Per category that went with the referral: the items the letter shows. Categories the letter has no
    items for (e.g. family, finances) are named, and the counsellor gives the details when asked."""
    person = referral.person
    items = {
        InformationCategory.MASTER_DATA: [
            ("phone", person.phone), ("email", person.email), ("address", person.address),
            ("language", person.preferred_language.label if person.preferred_language_id else "")],
        InformationCategory.RESIDENCE: [("residence", _residence(person))],
        InformationCategory.EDUCATION: [("school", person.school_qualification),
                                        ("vocational", person.vocational_qualification)],
        InformationCategory.WORK: [("profession", person.profession)],
        InformationCategory.HEALTH: [("health", person.health_notes)],
    }
    result = []
    for category in InformationCategory.values:
        if category not in referral.categories:
            continue
        rows = [{"label": labels[name], "value": value} for name, value in items.get(category, []) if value]
        result.append({"category": labels["categories"][category], "rows": rows})
    return result


def _ensure_released(referral) -> None:
    for category in referral.categories:
        if valid_release(referral.person, referral.partner, category) is None:
            what = InformationCategory(category).label if category in InformationCategory.values else category
            raise ValidationError(
                _("No valid release from confidentiality for %(recipient)s covers: %(what)s. "
                  "Nothing has been passed on.") % {"recipient": referral.partner.name, "what": what},
                code="no_release")


def _feedback_released(referral) -> bool:
    """Whether a mutual release covers every category: only then the partner is asked to report back."""
    from django.db.models import Q

    today = timezone.localdate()
    mutual = [release.categories for release in Release.objects.filter(
        person=referral.person, recipient=referral.partner, direction=Release.Direction.MUTUAL,
        given_on__lte=today, valid_until__gte=today).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=today))]
    return all(any(category in categories for categories in mutual) for category in referral.categories)


def _partner_context(referral, language: str) -> dict:
    _ensure_released(referral)
    partner = referral.partner
    context = base_context(PARTNER_KIND, referral.person, language, {})
    texts = context["texts"]
    contact = referral.partner_contact
    context["referral"] = {
        "recipient": partner.name,
        "recipient_address": _address(partner),
        "service": referral.service.name if referral.service_id else "",
        "contact_person": contact.name if contact else "",
        "sent_on": format_date(referral.sent_on),
        "reason": referral.reason,
        "released": _released_data(referral, texts),
        "feedback": _feedback_released(referral),
        "counsellor": _counsellor(referral),
        "printed_on": format_date(timezone.localdate()),
    }
    return context


register_kind(CLIENT_KIND, DocumentKind("referrals.referral", _client_context, _person_of))
register_kind(PARTNER_KIND, DocumentKind("referrals.referral", _partner_context, _person_of))
