"""Every write to consents, releases and partners, and the disclosure gate the sharing features call."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.consent.models import Consent, Disclosure, Form, InformationCategory, Purpose, Release
from lotse.consent.rules import valid_release
from lotse.network.models import Partner
from lotse.people.dates import youngest_age_on
from lotse.privacy.guards import ensure_not_restricted


class DisclosureRefused(ValidationError):
    """Raised when data may not go to a recipient; the message says why, in the user's language."""


def _check_given(person, *, given_on: date, form: str, by_guardian: bool, guardian_name: str) -> None:
    ensure_not_restricted(person)
    today = timezone.localdate()
    if given_on is None:
        raise ValidationError({"given_on": _("Please enter the date the person gave it.")})
    if given_on > today:
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    if person.birth_date and given_on < person.birth_date:
        raise ValidationError({"given_on": _("The date cannot be before the date of birth.")})
    if form not in Form.values:
        raise ValidationError({"form": _("Please choose how it was given.")})
    age = youngest_age_on(person, given_on)
    if age is not None and age < settings.LOTSE_CONSENT_AGE and not by_guardian:
        raise ValidationError({"by_guardian": _(
            "The person was under %(age)d on that day: a guardian must give it.") % {"age": settings.LOTSE_CONSENT_AGE}})
    if by_guardian and not guardian_name.strip():
        raise ValidationError({"guardian_name": _("Please enter the name of the guardian.")})


@transaction.atomic
def consent_record(*, actor, person, purpose: str, given_on: date, form: str, by_guardian: bool = False,
                   guardian_name: str = "", text_version: str | None = None) -> Consent:
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    _check_given(person, given_on=given_on, form=form, by_guardian=by_guardian, guardian_name=guardian_name)
    consent = Consent.objects.create(
        person=person, purpose=purpose, given_on=given_on, form=form, by_guardian=by_guardian,
        guardian_name=guardian_name.strip() if by_guardian else "",
        text_version=text_version or settings.LOTSE_CONSENT_TEXT_VERSION, recorded_by=actor)
    audit_record(actor=actor, action="consent.given", category=Category.WRITE, obj=person,
                 organisation=person.organisation, details={"purpose": purpose, "consent": str(consent.public_id)})
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, withdrawn_on: date) -> Consent:
    """Takes effect at once: every check reads the withdrawal from the database."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": _("This consent has already been withdrawn.")})
    if withdrawn_on is None or withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("The date cannot be in the future.")})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("A consent cannot be withdrawn before it was given.")})
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_recorded_by = actor
    consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by"])
    audit_record(actor=actor, action="consent.withdrawn", category=Category.WRITE, obj=consent.person,
                 organisation=consent.person.organisation,
                 details={"purpose": consent.purpose, "consent": str(consent.public_id)})
    return consent


@transaction.atomic
def release_record(*, actor, person, recipient: Partner, categories: list[str], purpose: str, given_on: date,
                   valid_until: date, form: str, direction: str = Release.Direction.ONE_WAY,
                   by_guardian: bool = False, guardian_name: str = "", text_version: str | None = None) -> Release:
    if recipient is None or not isinstance(recipient, Partner) or not recipient.is_active \
            or recipient.organisation_id != person.organisation_id:
        raise ValidationError({"recipient": _("Please choose a recipient from your organisation's partner list.")})
    categories = list(dict.fromkeys(categories or []))
    if not categories or any(category not in InformationCategory.values for category in categories):
        raise ValidationError({"categories": _("Please choose which information may be passed on.")})
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise ValidationError({"purpose": _("Please describe what the information is passed on for.")})
    if direction not in Release.Direction.values:
        raise ValidationError({"direction": _("Please choose the direction.")})
    _check_given(person, given_on=given_on, form=form, by_guardian=by_guardian, guardian_name=guardian_name)
    if valid_until is None or valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("A release must be valid until today or later.")})
    if valid_until < given_on:
        raise ValidationError({"valid_until": _("“Valid until” must not be before the date it was given.")})
    release = Release.objects.create(
        person=person, recipient=recipient, categories=categories, purpose=purpose[:500], direction=direction,
        given_on=given_on, valid_until=valid_until, form=form, by_guardian=by_guardian,
        guardian_name=guardian_name.strip() if by_guardian else "",
        text_version=text_version or settings.LOTSE_CONSENT_TEXT_VERSION, recorded_by=actor)
    audit_record(actor=actor, action="release.given", category=Category.WRITE, obj=person,
                 organisation=person.organisation,
                 details={"release": str(release.public_id), "recipient": str(recipient.public_id),
                          "categories": categories})
    return release


@transaction.atomic
def release_revoke(*, actor, release: Release, revoked_on: date) -> Release:
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.revoked_on is not None:
        raise ValidationError({"revoked_on": _("This release has already been revoked.")})
    if revoked_on is None or revoked_on > timezone.localdate():
        raise ValidationError({"revoked_on": _("The date cannot be in the future.")})
    if revoked_on < release.given_on:
        raise ValidationError({"revoked_on": _("A release cannot be revoked before it was given.")})
    release.revoked_on = revoked_on
    release.revocation_recorded_by = actor
    release.save(update_fields=["revoked_on", "revocation_recorded_by"])
    audit_record(actor=actor, action="release.revoked", category=Category.WRITE, obj=release.person,
                 organisation=release.person.organisation, details={"release": str(release.public_id)})
    return release


def disclosure_check(*, actor, person, recipient: Partner, categories: list[str], purpose: str) -> list[Release]:
    """Gate for every feature that passes data on (referrals, conferences, hand-overs, partner reports).

    Returns the releases that cover each category, or raises DisclosureRefused naming what is missing.
    Allowed and refused decisions are both recorded; call it before opening the feature's own write
    transaction, so that a refusal stays on record when that transaction is rolled back.
    """
    covering, missing = [], []
    for category in categories:
        release = valid_release(person, recipient, category)
        if release is None:
            missing.append(category)
        else:
            covering.append(release)
    allowed = not missing and bool(categories)
    with transaction.atomic():
        Disclosure.objects.create(person=person, recipient=recipient, categories=list(categories),
                                  purpose=purpose[:200], allowed=allowed, release=covering[0] if covering else None,
                                  decided_by=actor)
        audit_record(actor=actor, action="disclosure.allowed" if allowed else "disclosure.refused",
                     category=Category.WRITE, obj=person, organisation=person.organisation,
                     details={"recipient": str(recipient.public_id), "categories": list(categories),
                              "missing": missing, "purpose": purpose[:200]})
    if not allowed:
        labels = ", ".join(str(InformationCategory(category).label) for category in missing if
                           category in InformationCategory.values)
        raise DisclosureRefused(_("No valid release from confidentiality for %(recipient)s covers: %(what)s. "
                                  "Nothing has been passed on.") % {"recipient": recipient.name, "what": labels})
    return covering
