"""Writes of the funder report templates (system administrators only): change, copy, (de)activate.

Templates carry no version number; the time of the last change (``updated_at``) the editor loaded serves as
the token against lost updates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.core.versioning import STALE
from lotse.organisations.models import ProgrammeOffering
from lotse.reports.models import ReportTemplate
from lotse.reports.programme import validate_spec


def builtin_kind_codes() -> set[str]:
    from lotse.reports import kinds  # noqa: F401 – registers the built-in kinds
    from lotse.reports.engine import STATIC_KINDS

    return set(STATIC_KINDS)


def loaded_token(template: ReportTemplate) -> str:
    return template.updated_at.isoformat()


def _locked(actor, template: ReportTemplate) -> ReportTemplate:
    return policy.get_or_404(actor, ReportTemplate.objects.select_for_update(), action=Action.CHANGE,
                             pk=template.pk)


def _check(*, name: str, programme: str, spec) -> dict:
    errors: dict[str, list[str]] = {}
    if not name or not name.strip():
        errors["name"] = [_("Enter a name.")]
    if programme not in ProgrammeOffering.Programme.values:
        errors["programme"] = [_("Choose a programme.")]
    spec_errors = validate_spec(spec)
    if spec_errors:
        errors["spec"] = spec_errors
    return errors


@transaction.atomic
def template_update(*, template: ReportTemplate, loaded: str, name: str, funder: str, description: str,
                    programme: str, spec, actor) -> ReportTemplate:
    locked = _locked(actor, template)
    if loaded != loaded_token(locked):
        raise ValidationError(_("Someone else changed this template in the meantime. Your changes have not "
                                "been saved: compare them with the current state and enter them again."),
                              code=STALE)
    errors = _check(name=name, programme=programme, spec=spec)
    if errors:
        raise ValidationError(errors)
    changed = [field for field, value in (("name", name.strip()), ("funder", funder.strip()),
                                          ("description", description.strip()), ("programme", programme),
                                          ("spec", spec)) if getattr(locked, field) != value]
    if not changed:
        return locked
    locked.name, locked.funder, locked.description = name.strip(), funder.strip(), description.strip()
    locked.programme, locked.spec, locked.updated_by = programme, spec, actor
    locked.save(update_fields=["name", "funder", "description", "programme", "spec", "updated_by",
                               "updated_at"])
    audit_record(actor=actor, action="report_template.changed", category=Category.WRITE, obj=locked,
                 details={"code": locked.code, "fields": changed})
    return locked


@transaction.atomic
def template_copy(*, template: ReportTemplate, code: str, name: str, actor) -> ReportTemplate:
    """A new, inactive template with the sections of ``template``: edit it, then activate it."""
    source = _locked(actor, template)
    code, name = (code or "").strip(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if code in builtin_kind_codes():
        errors["code"] = [_("This code names a built-in report.")]
    elif ReportTemplate.objects.filter(code=code).exists():
        errors["code"] = [_("A template with this code exists already.")]
    if not name:
        errors["name"] = [_("Enter a name.")]
    if errors:
        raise ValidationError(errors)
    copy = ReportTemplate.objects.create(code=code, programme=source.programme, name=name,
                                         funder=source.funder, description=source.description,
                                         spec=source.spec, is_active=False, updated_by=actor)
    audit_record(actor=actor, action="report_template.copied", category=Category.WRITE, obj=copy,
                 details={"code": copy.code, "from": source.code})
    return copy


@transaction.atomic
def template_set_active(*, template: ReportTemplate, active: bool, actor) -> ReportTemplate:
    """Deactivate (the report kind disappears; the template stays) or activate again (only a valid one)."""
    locked = _locked(actor, template)
    if active and validate_spec(locked.spec):
        raise ValidationError(_("The template is not valid; correct it before activating it."),
                              code="invalid")
    if locked.is_active == active:
        return locked
    locked.is_active, locked.updated_by = active, actor
    locked.save(update_fields=["is_active", "updated_by", "updated_at"])
    audit_record(actor=actor, action="report_template.activated" if active else "report_template.deactivated",
                 category=Category.WRITE, obj=locked, details={"code": locked.code})
    return locked
