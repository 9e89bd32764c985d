"""Reports built by the system itself (``manage.py report``): no user, so no role decides — the operator who
can run management commands already has the database. The figures are exact unless ``protected`` asks for
the version that may leave the organisation; every run is audited with the label "manage.py report"."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.organisations.models import Organisation, ProgrammeOffering, Team
from lotse.reports.engine import ReportScope
from lotse.reports.periods import Period
from lotse.reports.selectors import report_kind
from lotse.reports.suppression import protect
from lotse.reports.tables import Audience, Report

ACTOR_LABEL = "manage.py report"


def report_build_system(*, kind: str, period: Period, organisations: list[Organisation], team: Team | None = None,
                        protected: bool = False, output_format: str = "") -> Report:
    """Build ``kind`` for the organisations (or one team); the same checks of the combination as
    ``report_build``, none of the actor's rights. Raises ValidationError with a German message."""
    report_kind_ = report_kind(kind)
    if not organisations:
        raise ValidationError(_("Choose an organisation."), code="organisation")
    if team is not None and (len(organisations) != 1 or team.organisation_id != organisations[0].pk):
        raise ValidationError(_("The team does not belong to the organisation."), code="team")
    scope = ReportScope(organisations=tuple(organisations), period=period, team=team,
                        template=report_kind_.template)
    if scope.level not in report_kind_.levels:
        raise ValidationError(_("This report is not available at this level."), code="level")
    template = report_kind_.template
    if template is not None and not ProgrammeOffering.objects.filter(
            organisation__in=organisations, programme=template.programme).exists():
        raise ValidationError(_("The organisation does not offer this programme."), code="programme")
    report = report_kind_.builder(scope)
    if protected:
        report = protect(report)
    audience = Audience.EXTERNAL if protected else Audience.INTERNAL
    audit_record(actor=None, actor_label=ACTOR_LABEL, action="report.exported", category=Category.READ,
                 object_type="reports.report", object_id=kind,
                 organisation=organisations[0] if len(organisations) == 1 else None,
                 details={"kind": kind, "period": period.code, "audience": str(audience), "format": output_format,
                          "organisations": [str(o.public_id) for o in organisations],
                          "team": str(team.public_id) if team else None, "counsellor": None})
    return report
