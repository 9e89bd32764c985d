"""The decisions every other feature must ask before it uses or passes on a person's data.

``release_allows`` is the one function that decides a disclosure to a partner; ``consent_active``
decides uses that need a consent (contact by messenger, statistics, …). Both read the database
afresh, so a withdrawal or revocation recorded a second ago already counts.
"""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from lotse.consent.models import Consent, Purpose, Release


def consent_active(person, purpose: str, *, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return Consent.objects.filter(person=person, purpose=purpose, given_on__lte=on).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)).exists()


def _sharing_withdrawn(person, on: date) -> bool:
    """A withdrawn consent to sharing stops every disclosure, whatever the releases say."""
    latest = Consent.objects.filter(person=person, purpose=Purpose.SHARING, given_on__lte=on).order_by(
        "-given_on", "-id").first()
    return latest is not None and latest.withdrawn_on is not None and latest.withdrawn_on <= on


def valid_release(person, recipient, category: str, *, on: date | None = None) -> Release | None:
    """The release that covers passing ``category`` to ``recipient`` on ``on``, or None."""
    on = on or timezone.localdate()
    if _sharing_withdrawn(person, on):
        return None
    candidates = Release.objects.filter(
        person=person, recipient=recipient, given_on__lte=on, valid_until__gte=on,
    ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)).order_by("-valid_until")
    return next((release for release in candidates if category in release.categories), None)


def release_allows(person, recipient, category: str, *, on: date | None = None) -> bool:
    return valid_release(person, recipient, category, on=on) is not None
