"""Reads of the funder report templates, through the access policy (rule ``reports.reporttemplate``)."""

from __future__ import annotations

from lotse.access import policy
from lotse.access.policy import Action
from lotse.reports.models import ReportTemplate


def _allows(actor, action: Action) -> bool:
    return policy.RULES["reports.reporttemplate"](policy.grants(actor), action) != policy.NOTHING


def may_view_templates(actor) -> bool:
    """Everyone who works with figures may read the templates (they hold no personal data)."""
    return _allows(actor, Action.VIEW)


def may_change_templates(actor) -> bool:
    return _allows(actor, Action.CHANGE)


def template_list(*, actor, programme: str = "", status: str = ""):
    """The templates, active ones first; ``status`` is "active", "inactive" or "" (both)."""
    if not may_view_templates(actor):
        policy.deny(actor, "report_template.list")
    templates = policy.scope(actor, ReportTemplate.objects.all())
    if programme:
        templates = templates.filter(programme=programme)
    if status:
        templates = templates.filter(is_active=status == "active")
    return templates.order_by("-is_active", "programme", "name", "pk")


def template_get(*, actor, public_id, action: Action = Action.VIEW) -> ReportTemplate:
    return policy.get_or_404(actor, ReportTemplate.objects.select_related("updated_by"), action=action,
                             public_id=public_id)
