"""The built-in report kinds; programme reports come from the templates (see engine.report_kinds)."""

from django.utils.translation import gettext_lazy as _

from lotse.reports.engine import Level, ReportKind, register

MONTHLY = register(ReportKind(
    code="monthly", label=_("Monthly controlling"), builder_path="lotse.reports.monthly.build_monthly_report",
    levels=frozenset({Level.ORGANISATION, Level.TEAM, Level.COUNSELLOR}),
    description=_("Contacts by topic, persons reached, cases and referrals, compared with the previous month "
                  "and the same month last year.")))
MONITORING = register(ReportKind(
    code="monitoring", label=_("Annual monitoring"), builder_path="lotse.reports.monitoring.build_monitoring_report",
    levels=frozenset({Level.ORGANISATION}),
    description=_("Structural integration and social participation on 31 December, per organisation and team.")))
INDICATORS = register(ReportKind(
    code="indicators", label=_("Indicators of goal achievement and network work"),
    builder_path="lotse.reports.indicators.build_indicator_report",
    levels=frozenset({Level.ORGANISATION, Level.TEAM}),
    description=_("Goals reached, indicators evaluated at closure, referrals and network work.")))
