"""Checks other apps call before they write: restriction of processing (Art. 18) and erasure blockers."""

from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def ensure_not_restricted(person) -> None:
    """Every write service that changes a person's data calls this first (the person stays readable)."""
    if getattr(person, "restricted_at", None) is not None:
        raise ValidationError(
            _("Processing of this person's data is restricted (Art. 18 GDPR): the data may be viewed but not "
              "changed. Reason: %(reason)s") % {"reason": person.restriction_reason or "–"},
            code="restricted")


# ---- erasure blockers -------------------------------------------------------------------------
# Each blocker takes the person and returns a German/translated reason why the person must not be
# erased yet, or None. Apps register theirs with ``erasure_blocker`` (e.g. case management: open case).

ErasureBlocker = Callable[[object], str | None]
ERASURE_BLOCKERS: list[ErasureBlocker] = []


def erasure_blocker(function: ErasureBlocker) -> ErasureBlocker:
    if function not in ERASURE_BLOCKERS:
        ERASURE_BLOCKERS.append(function)
    return function


def erasure_refusals(person, *, on=None) -> list[str]:
    """Every reason that currently forbids erasing the person (empty: erasure allowed)."""
    return [reason for blocker in ERASURE_BLOCKERS if (reason := blocker(person, on=on))]


@erasure_blocker
def _legal_hold(person, *, on=None) -> str | None:
    from lotse.privacy.models import LegalHold

    today = on or timezone.localdate()
    holds = [hold for hold in LegalHold.objects.filter(person=person).order_by("id")
             if hold.until is None or hold.until >= today]
    if not holds:
        return None
    return _("A legal hold applies: %(reasons)s") % {"reasons": "; ".join(
        f"{hold.reason} ({_('until %(date)s') % {'date': hold.until.strftime('%d.%m.%Y')}})" if hold.until
        else hold.reason for hold in holds)}


@erasure_blocker
def _restricted(person, *, on=None) -> str | None:
    if getattr(person, "restricted_at", None) is None:
        return None
    return _("Processing is restricted (Art. 18 GDPR). Lift the restriction before erasing the person.")


@erasure_blocker
def _open_case(person, *, on=None) -> str | None:
    """Open or waiting cases block erasure; closed cases are erased with the person (cases.services)."""
    case = apps.get_model("cases", "Case")
    if case._default_manager.filter(person=person).exclude(status="closed").exists():
        return _("The person has an open case. Close the case before erasing the person.")
    return None
