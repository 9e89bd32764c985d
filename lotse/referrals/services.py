"""Every write to referrals.

Sending a referral passes data to a partner, so :func:`referral_send` asks the disclosure gate
(``lotse.consent.services.disclosure_check``) before it opens its own write transaction: a refusal
raises ``DisclosureRefused``, nothing is saved and the refusal stays on record. A referral always
passes on who is referred, so master data and contact details are always among its categories.

The later steps record what the partner or the client reported (accepted, appointment, outcome,
whereabouts, withdrawn). Each checks that the step is possible in the referral's status (a referral
never goes back), that its date is not before the earlier ones and not in the future (only the
appointment may lie ahead), and the version the user saw. A release revoked or run out after sending
does not undo the referral; a new referral, and printing the letter to the partner, are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cases.casework import case_for_work
from lotse.cases.models import Case, CaseMember
from lotse.consent.models import InformationCategory
from lotse.consent.services import disclosure_check
from lotse.core.versioning import bump, ensure_current
from lotse.network.models import Partner, PartnerContact, PartnerService
from lotse.organisations.programme_settings import programme_settings
from lotse.privacy.guards import ensure_not_restricted
from lotse.referrals.models import (Referral, ReferralOutcome, ReferralStatus, ReferralStatusChange, Step,
                                    Whereabouts)

REASON_MAX = 2000
NOTE_MAX = 1000
APPOINTMENT_AHEAD_DAYS = 730
REQUIRED_CATEGORY = InformationCategory.MASTER_DATA
STEP_STATUSES = {
    Step.ACCEPTED: {ReferralStatus.SENT},
    Step.APPOINTMENT: {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT},
    Step.OUTCOME: {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT,
                   ReferralStatus.OUTCOME},
    Step.WHEREABOUTS: {ReferralStatus.OUTCOME},
    Step.WITHDRAWN: {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT},
}
# After "took place" the measure can still be completed or ended by the partner; everything else is final.
LATER_OUTCOMES = {ReferralOutcome.TOOK_PLACE: {ReferralOutcome.COMPLETED, ReferralOutcome.REJECTED}}
CLOSING_OUTCOMES = frozenset({ReferralOutcome.NO_SHOW, ReferralOutcome.REJECTED})


@dataclass
class ReferralData:
    person: object | None
    partner: Partner | None
    reason: str
    categories: list
    sent_on: date | None
    service: PartnerService | None = None
    partner_contact: PartnerContact | None = None


def person_choices(case: Case):
    """Who can be referred: the main client and the family members counselled in the case now."""
    from lotse.people.models import Person

    members = CaseMember.objects.filter(case=case, until__isnull=True).values("person_id")
    return Person.objects.filter(Q(pk=case.person_id) | Q(pk__in=members), merged_into__isnull=True).order_by(
        "family_name", "given_names", "pk")


def allowed_steps(referral: Referral) -> list[str]:
    """The steps that can be recorded next, in the order of the course."""
    steps = [step for step, statuses in STEP_STATUSES.items() if referral.status in statuses]
    if referral.status == ReferralStatus.OUTCOME and not LATER_OUTCOMES.get(referral.outcome):
        steps.remove(Step.OUTCOME)
    return steps


def outcome_choices(referral: Referral) -> list[str]:
    if referral.status == ReferralStatus.OUTCOME:
        return sorted(LATER_OUTCOMES.get(referral.outcome, set()))
    return list(ReferralOutcome.values)


def _validated(case: Case, data: ReferralData) -> dict:
    errors: dict[str, str] = {}
    person = data.person
    if person is None or not person_choices(case).filter(pk=getattr(person, "pk", None)).exists():
        errors["person"] = _("Please choose the main client or a family member counselled in the case.")
    partner = data.partner
    if not isinstance(partner, Partner) or not partner.is_active \
            or partner.organisation_id != case.person.organisation_id:
        errors["partner"] = _("Please choose an active partner from your organisation's partner list.")
        partner = None
    service, contact = data.service, data.partner_contact
    if service is not None and partner is not None and (not isinstance(service, PartnerService)
                                                        or service.partner_id != partner.pk
                                                        or not service.is_active):
        errors["service"] = _("Please choose a service of the chosen partner.")
    if contact is not None and partner is not None and (not isinstance(contact, PartnerContact)
                                                        or contact.partner_id != partner.pk
                                                        or not contact.is_active):
        errors["partner_contact"] = _("Please choose a contact person of the chosen partner.")
    reason = (data.reason or "").strip()
    if not reason:
        errors["reason"] = _("Please say why the person is referred.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("Please use at most %(max)d characters.") % {"max": REASON_MAX}
    categories = list(dict.fromkeys(data.categories or []))
    if not categories or any(category not in InformationCategory.values for category in categories):
        errors["categories"] = _("Please choose which information goes with the referral.")
    elif REQUIRED_CATEGORY not in categories:
        errors["categories"] = _(
            "A referral always passes on who is referred: please include “%(category)s”.") % {
            "category": InformationCategory(REQUIRED_CATEGORY).label}
    sent_on, today = data.sent_on, timezone.localdate()
    if sent_on is None:
        errors["sent_on"] = _("Please enter the date the referral was sent.")
    elif sent_on > today:
        errors["sent_on"] = _("The date cannot be in the future.")
    elif case.opened_on and sent_on < case.opened_on:
        errors["sent_on"] = _("The referral cannot be sent before the case was opened (%(date)s).") % {
            "date": case.opened_on.strftime("%d.%m.%Y")}
    if errors:
        raise ValidationError(errors)
    # Keep the order of the catalogue, whatever order the categories came in.
    ordered = [category for category in InformationCategory.values if category in categories]
    return {"person": person, "partner": partner, "service": service, "partner_contact": contact,
            "reason": reason, "categories": ordered, "sent_on": sent_on}


def disclosure_purpose(partner: Partner, service: PartnerService | None, *, letter: bool = False) -> str:
    """The purpose recorded with the disclosure decision (stored in German, like the releases)."""
    label = "Vermittlungsschreiben" if letter else "Vermittlung"
    return f"{label}: {partner.name}" + (f" – {service.name}" if service is not None else "")


def referral_send(*, actor, case: Case, data: ReferralData) -> Referral:
    """Refer a person of the case to a partner; without a release DisclosureRefused, nothing saved."""
    with transaction.atomic():
        # Access, restriction and an open case first: nothing is checked or recorded for a refused user.
        locked = case_for_work(actor=actor, case=case)
        values = _validated(locked, data)
        ensure_not_restricted(values["person"])
    disclosure_check(actor=actor, person=values["person"], recipient=values["partner"],
                     categories=values["categories"],
                     purpose=disclosure_purpose(values["partner"], values["service"]))
    with transaction.atomic():
        locked = case_for_work(actor=actor, case=case)
        values = _validated(locked, data)
        referral = Referral.objects.create(case=locked, created_by=actor, status=ReferralStatus.SENT,
                                           **values)
        ReferralStatusChange.objects.create(referral=referral, step=Step.SENT, to_status=ReferralStatus.SENT,
                                            on=referral.sent_on, changed_by=actor)
        audit_record(actor=actor, action="referral.sent", category=Category.WRITE, obj=referral.person,
                     organisation=referral.person.organisation,
                     details={"case": str(locked.public_id), "referral": str(referral.public_id),
                              "partner": str(referral.partner.public_id), "categories": referral.categories})
    return referral


def partner_letter_check(*, actor, referral: Referral) -> None:
    """Printing the letter to the partner is a disclosure: the releases must still cover the categories.

    Raises DisclosureRefused (and the refusal is on record) when they do not."""
    disclosure_check(actor=actor, person=referral.person, recipient=referral.partner,
                     categories=list(referral.categories),
                     purpose=disclosure_purpose(referral.partner, referral.service, letter=True))


# ---- the course of a referral ----------------------------------------------------------------------------

def _for_step(*, actor, referral: Referral, version: int, step: str) -> tuple[Referral, Case]:
    case = case_for_work(actor=actor, case=referral.case)
    locked = Referral.objects.select_for_update().get(pk=referral.pk, case=case)
    ensure_current(locked, version)
    if step not in allowed_steps(locked):
        raise ValidationError(_("This step is not possible any more: the referral is “%(status)s”.") % {
            "status": locked.get_status_display()}, code="step")
    return locked, case


def _not_before(errors: dict, field: str, day: date, earlier: date | None, message: str) -> None:
    if field not in errors and earlier is not None and day < earlier:
        errors[field] = message % {"date": earlier.strftime("%d.%m.%Y")}


def _day(errors: dict, field: str, day: date | None, referral: Referral, *, future_days: int = 0) -> None:
    today = timezone.localdate()
    if day is None:
        errors[field] = _("Please enter the date.")
    elif day > today + timedelta(days=future_days):
        errors[field] = (_("The date cannot be in the future.") if not future_days else
                         _("Please enter a date within the next two years."))
    else:
        _not_before(errors, field, day, referral.sent_on,
                    _("The date cannot be before the referral was sent (%(date)s)."))


def _note(errors: dict, field: str, note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors[field] = _("Please use at most %(max)d characters.") % {"max": NOTE_MAX}
    return note


def _record(*, actor, referral: Referral, case: Case, step: str, on: date, changes: dict, value: str = "",
            note: str = "") -> Referral:
    previous = referral.status
    for name, new in changes.items():
        setattr(referral, name, new)
    bump(referral, fields=[*changes, "updated_at"])
    ReferralStatusChange.objects.create(referral=referral, step=step, from_status=previous,
                                        to_status=referral.status, on=on, value=value, note=note[:NOTE_MAX],
                                        changed_by=actor)
    audit_record(actor=actor, action=f"referral.{step}", category=Category.WRITE, obj=referral.person,
                 organisation=referral.person.organisation,
                 details={"case": str(case.public_id), "referral": str(referral.public_id),
                          "status": referral.status, **({"value": value} if value else {})})
    return referral


@transaction.atomic
def referral_accept(*, actor, referral: Referral, version: int, on: date | None) -> Referral:
    """The partner accepted the referral or contacted the client."""
    locked, case = _for_step(actor=actor, referral=referral, version=version, step=Step.ACCEPTED)
    errors: dict[str, str] = {}
    _day(errors, "on", on, locked)
    if errors:
        raise ValidationError(errors)
    return _record(actor=actor, referral=locked, case=case, step=Step.ACCEPTED, on=on,
                   changes={"status": ReferralStatus.ACCEPTED, "accepted_on": on})


@transaction.atomic
def referral_appointment(*, actor, referral: Referral, version: int, on: date | None,
                         note: str = "") -> Referral:
    """The first appointment at the partner (may lie ahead; recording it again moves it)."""
    locked, case = _for_step(actor=actor, referral=referral, version=version, step=Step.APPOINTMENT)
    errors: dict[str, str] = {}
    _day(errors, "on", on, locked, future_days=APPOINTMENT_AHEAD_DAYS)
    if on is not None:
        _not_before(errors, "on", on, locked.accepted_on,
                    _("The appointment cannot be before the referral was accepted (%(date)s)."))
    note = _note(errors, "note", note)
    if errors:
        raise ValidationError(errors)
    return _record(actor=actor, referral=locked, case=case, step=Step.APPOINTMENT, on=on,
                   value=on.isoformat(), note=note,
                   changes={"status": ReferralStatus.APPOINTMENT, "appointment_on": on})


@transaction.atomic
def referral_outcome(*, actor, referral: Referral, version: int, outcome: str, on: date | None,
                     rejection_reason: str = "") -> Referral:
    """What came of it. "Took place" and "completed" lead to the whereabouts check after the programme's
    number of weeks; "did not come" and "rejected" close the referral (a new attempt is a new referral)."""
    locked, case = _for_step(actor=actor, referral=referral, version=version, step=Step.OUTCOME)
    errors: dict[str, str] = {}
    if outcome not in ReferralOutcome.values:
        errors["outcome"] = _("Please choose the outcome.")
    elif outcome not in outcome_choices(locked):
        errors["outcome"] = _("After “%(outcome)s” only “completed” or “rejected” can follow.") % {
            "outcome": locked.get_outcome_display()}
    _day(errors, "on", on, locked)
    if on is not None:
        _not_before(errors, "on", on, locked.accepted_on,
                    _("The date cannot be before the referral was accepted (%(date)s)."))
        _not_before(errors, "on", on, locked.outcome_on,
                    _("The date cannot be before the outcome recorded earlier (%(date)s)."))
        if outcome != ReferralOutcome.REJECTED:
            _not_before(errors, "on", on, locked.appointment_on,
                        _("The appointment at the partner is on %(date)s: record the outcome after it, or "
                          "change the appointment first."))
    reason = _note(errors, "rejection_reason", rejection_reason)
    if outcome == ReferralOutcome.REJECTED and not reason and "rejection_reason" not in errors:
        errors["rejection_reason"] = _("Please give the reason for the rejection.")
    elif outcome in ReferralOutcome.values and outcome != ReferralOutcome.REJECTED and reason:
        errors["rejection_reason"] = _("Only a rejection has a reason.")
    if errors:
        raise ValidationError(errors)
    closing = outcome in CLOSING_OUTCOMES
    due = None if closing else programme_settings(case.offering).whereabouts_due(on)
    return _record(actor=actor, referral=locked, case=case, step=Step.OUTCOME, on=on, value=outcome,
                   note=reason,
                   changes={"status": ReferralStatus.CLOSED if closing else ReferralStatus.OUTCOME,
                            "outcome": outcome, "outcome_on": on, "rejection_reason": reason,
                            "whereabouts_due_on": due})


@transaction.atomic
def referral_whereabouts(*, actor, referral: Referral, version: int, whereabouts: str, on: date | None,
                         note: str = "") -> Referral:
    """Whether the person stayed with the partner (Verbleib); closes the referral."""
    locked, case = _for_step(actor=actor, referral=referral, version=version, step=Step.WHEREABOUTS)
    errors: dict[str, str] = {}
    if whereabouts not in Whereabouts.values:
        errors["whereabouts"] = _("Please choose the whereabouts.")
    _day(errors, "on", on, locked)
    if on is not None:
        _not_before(errors, "on", on, locked.outcome_on,
                    _("The date cannot be before the outcome was recorded (%(date)s)."))
    note = _note(errors, "note", note)
    if errors:
        raise ValidationError(errors)
    return _record(actor=actor, referral=locked, case=case, step=Step.WHEREABOUTS, on=on, value=whereabouts,
                   note=note, changes={"status": ReferralStatus.CLOSED, "whereabouts": whereabouts,
                                       "whereabouts_checked_on": on, "whereabouts_note": note})


@transaction.atomic
def referral_cancel(*, actor, referral: Referral, version: int, on: date | None, note: str = "") -> Referral:
    """The client withdrew the referral before an outcome was recorded."""
    locked, case = _for_step(actor=actor, referral=referral, version=version, step=Step.WITHDRAWN)
    errors: dict[str, str] = {}
    _day(errors, "on", on, locked)
    note = _note(errors, "note", note)
    if errors:
        raise ValidationError(errors)
    return _record(actor=actor, referral=locked, case=case, step=Step.WITHDRAWN, on=on, note=note,
                   changes={"status": ReferralStatus.WITHDRAWN, "withdrawn_on": on})


STEP_SERVICES = {
    Step.ACCEPTED: referral_accept,
    Step.APPOINTMENT: referral_appointment,
    Step.OUTCOME: referral_outcome,
    Step.WHEREABOUTS: referral_whereabouts,
    Step.WITHDRAWN: referral_cancel,
}
