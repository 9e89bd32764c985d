"""Access specs of the report pages, downloads and API (/statistik/, /api/reports), merged into specs.py.

Everyone with figures opens the overview (counsellors their own, team leads their team's, administrators their
organisation's exactly; coordinators and system administrators protected); accommodation management has none.
The organisation, team and counsellor of a report are query parameters, which the walker cannot vary, so the
kind in the path carries the "own organisation": the JMD programme report, offered here only by organisation
A — for everyone of organisation B it does not exist (404), and counsellors have no programme reports (no
counsellor level). Foreign organisations, teams and counsellors in the query string are tested in
tests/reports/test_views.py and test_api.py (403).
"""

from lotse.organisations.models import Role
from tests.access.walker import EVERYONE, SYSADMIN, Spec

FIGURES = EVERYONE - {Role.ACCOMMODATION}
PROGRAMME_FIGURES = frozenset({Role.TEAM_LEAD, Role.COORDINATOR, Role.ORG_ADMIN, SYSADMIN})


def jmd_report(fx):
    """The JMD programme report, with a JMD offering of organisation A (and of no other)."""
    from lotse.organisations.models import ProgrammeOffering
    from lotse.reports.models import ReportTemplate

    found = fx.extra.get("jmd_report")
    if found is None:
        offering, _ = ProgrammeOffering.objects.get_or_create(organisation=fx.a.organisation, programme="jmd",
                                                              defaults={"name": "JMD A"})
        fx.a.team.offerings.add(offering)
        template = ReportTemplate.objects.filter(programme="jmd", is_active=True).order_by("code").first()
        if template is None:
            template = ReportTemplate.objects.create(code="jmd", programme="jmd", name="JMD", spec={"sections": []})
        found = fx.extra["jmd_report"] = {"kind": template.code}
    return found


SPECS = {
    "reports:overview": Spec(allowed=FIGURES),
    "reports:report": Spec(allowed=PROGRAMME_FIGURES, kwargs=jmd_report),
    "reports:report_xlsx": Spec(allowed=PROGRAMME_FIGURES, kwargs=jmd_report),
    "reports:report_pdf": Spec(allowed=PROGRAMME_FIGURES, kwargs=jmd_report),
    "reports:report_csv": Spec(allowed=PROGRAMME_FIGURES, kwargs=jmd_report),
    "reports:report_json": Spec(allowed=PROGRAMME_FIGURES, kwargs=jmd_report),
    "api:report_kinds": Spec(allowed=FIGURES, api=True),
    "api:report_detail": Spec(allowed=PROGRAMME_FIGURES, api=True, kwargs=jmd_report),
}
