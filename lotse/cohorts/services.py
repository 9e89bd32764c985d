"""Every write of target groups: create, change (author only, with version check), delete (author only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cohorts.criteria import criteria_clean
from lotse.cohorts.models import Cohort
from lotse.core.versioning import bump, ensure_current

NAME_MAX = 200
DESCRIPTION_MAX = 2000
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass
class CohortData:
    """``scope`` is the key of one of ``cohort_scopes(actor=...)``: "team:<uuid>" or "org:<uuid>"."""

    name: str
    scope: str
    unit: str = Cohort.Unit.PERSONS
    criteria: dict = field(default_factory=dict)
    description: str = ""
    is_shared: bool = False


def _text(value, limit: int, name: str, errors: dict, *, required: str | None = None) -> str:
    text = " ".join((value or "").split()) if name == "name" else (value or "").strip()
    if any((ord(ch) < 32 and ch not in "\n\r\t") or ch in BIDI_CONTROLS for ch in text):
        errors[name] = _("Please remove the control characters from the text.")
    elif required and not text:
        errors[name] = required
    elif len(text) > limit:
        errors[name] = _("Please use at most %(max)d characters.") % {"max": limit}
    return text


def _validated(actor, data: CohortData) -> dict:
    from lotse.cohorts.selectors import cohort_scopes

    errors: dict[str, str] = {}
    values = {
        "name": _text(data.name, NAME_MAX, "name", errors, required=_("Please give the target group a name.")),
        "description": _text(data.description, DESCRIPTION_MAX, "description", errors),
    }
    if data.unit not in Cohort.Unit.values:
        errors["unit"] = _("Please choose whether persons or families are counted.")
    scope = next((s for s in cohort_scopes(actor=actor) if s.key == data.scope), None)
    if scope is None:
        errors["scope"] = _("Please choose one of your teams or organisations.")
    try:
        criteria = criteria_clean(data.criteria)
    except ValidationError as error:
        for key, messages in error.message_dict.items() if hasattr(error, "error_dict") else [
                ("criteria", error.messages)]:
            errors.setdefault(key, " ".join(messages))
        criteria = {}
    if errors:
        raise ValidationError(errors)
    values.update({"unit": data.unit, "criteria": criteria, "is_shared": bool(data.is_shared),
                   "organisation": scope.organisation, "team": scope.team})
    return values


def _ensure_may_create(actor) -> None:
    from lotse.cohorts.selectors import may_use_cohorts

    if not may_use_cohorts(actor):
        policy.deny(actor, "cohort.create")


@transaction.atomic
def cohort_create(*, actor, data: CohortData) -> Cohort:
    _ensure_may_create(actor)
    values = _validated(actor, data)
    cohort = Cohort.objects.create(created_by=actor, **values)
    audit_record(actor=actor, action="cohort.created", category=Category.WRITE, obj=cohort,
                 organisation=cohort.organisation_id,
                 details={"unit": cohort.unit, "criteria": sorted(cohort.criteria), "shared": cohort.is_shared})
    return cohort


def _locked(actor, cohort: Cohort, what: str) -> Cohort:
    locked = policy.scope(actor, Cohort.objects.select_for_update(), Action.CHANGE).filter(pk=cohort.pk).first()
    if locked is None:
        policy.deny(actor, what)
    return locked


@transaction.atomic
def cohort_update(*, actor, cohort: Cohort, data: CohortData, version: int | None) -> Cohort:
    """Change a group; ``version`` is what the author saw, so a change in another tab is not overwritten."""
    locked = _locked(actor, cohort, "cohort.update")
    ensure_current(locked, version)
    values = _validated(actor, data)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, values[name])
    bump(locked, fields=[*changed, "updated_at"])
    audit_record(actor=actor, action="cohort.updated", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation_id, details={"fields": sorted(changed)})
    return locked


@transaction.atomic
def cohort_delete(*, actor, cohort: Cohort, version: int | None) -> None:
    locked = _locked(actor, cohort, "cohort.delete")
    ensure_current(locked, version)
    audit_record(actor=actor, action="cohort.deleted", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation_id, details={"name": locked.name})
    locked.delete()
