from datetime import timedelta

from django.utils import timezone

from lotse.access import policy
from lotse.access.policy import Action
from lotse.consent.models import Consent, Release
from lotse.network.models import Partner


def consents_for(*, actor, person):
    return policy.scope(actor, Consent.objects.all()).filter(person=person)


def releases_for(*, actor, person):
    return policy.scope(actor, Release.objects.select_related("recipient")).filter(person=person)


def consent_get(*, actor, public_id, action: Action = Action.CHANGE) -> Consent:
    return policy.get_or_404(actor, Consent.objects.select_related("person", "person__organisation"),
                             action=action, public_id=public_id)


def release_get(*, actor, public_id, action: Action = Action.VIEW) -> Release:
    return policy.get_or_404(actor, Release.objects.select_related("person", "person__organisation", "recipient"),
                             action=action, public_id=public_id)


def releases_expiring(*, actor, within_days: int = 30):
    """Valid releases of the actor's clients that end within the next days: for the worklist."""
    today = timezone.localdate()
    return policy.scope(actor, Release.objects.select_related("person", "recipient")).filter(
        revoked_on__isnull=True, valid_until__gte=today, valid_until__lte=today + timedelta(days=within_days),
    ).order_by("valid_until", "id")


def partner_list(*, actor, organisation=None):
    partners = policy.scope(actor, Partner.objects.all())
    return partners.filter(organisation=organisation) if organisation is not None else partners


def partner_choices(*, actor, person):
    """Active partners of the person's organisation: the recipients a release can name."""
    return partner_list(actor=actor, organisation=person.organisation).filter(is_active=True)


def is_current(release: Release, on=None) -> bool:
    on = on or timezone.localdate()
    return release.given_on <= on <= release.valid_until and (release.revoked_on is None or release.revoked_on > on)


def partner_organisation(*, actor):
    """The organisation whose partner list the actor maintains (the first of their organisations)."""
    from lotse.organisations.models import Organisation

    return Organisation.objects.filter(pk__in=policy.grants(actor).all_orgs).order_by("name").first()
