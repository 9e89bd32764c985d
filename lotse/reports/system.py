"""Reports built by the system itself (``manage.py report``): no user, so no role decides — the operator who
can run management commands already has the database. The figures are exact unless ``protected`` asks for
the version that may leave the organisation; every run is audited with the label "manage.py report"."""

from __future__ import annotations

from lotse.organisations.models import Organisation, Team
from lotse.reports.periods import Period
from lotse.reports.selectors import report_produce, report_scope
from lotse.reports.tables import Audience, Report

ACTOR_LABEL = "manage.py report"


def report_build_system(*, kind: str, period: Period, organisations: list[Organisation], team: Team | None = None,
                        protected: bool = False, output_format: str = "") -> Report:
    """Build ``kind`` for the organisations (or one team); the same checks of the combination as
    ``report_build``, none of the actor's rights. Raises ValidationError with a German message."""
    report_kind_, scope = report_scope(kind=kind, period=period, organisations=organisations, team=team)
    return report_produce(report_kind_, scope, audience=Audience.EXTERNAL if protected else Audience.INTERNAL,
                          actor=None, actor_label=ACTOR_LABEL, purpose="exported", output_format=output_format)
