"""Access specs of the partner report URLs (merged into tests/access/specs.py).

The report form, its confirmation and the report API are public: they answer to the secret of a report link,
not to a login (tested in tests/partnerreports)."""

from lotse.organisations.models import Role
from tests.access.specs_cases import open_case
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})
LINK_ISSUERS = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.ORG_ADMIN})


def report_link(fx):
    """A report link of the fixture's partner (org A), issued by the counsellor."""
    from lotse.partnerreports.services import link_create

    found = fx.extra.get("report_link")
    if found is None:
        found, _token = link_create(actor=fx.a.user(Role.COUNSELLOR), partner=fx.extra["partner"],
                                    label="Integrationskurs B1 vormittags")
        fx.extra["report_link"] = found
    return found


def partner_report(fx):
    """An accepted report in the open case of the fixture, with its task."""
    from django.utils import timezone

    from lotse.cases.models import Task
    from lotse.partnerreports.models import PartnerReport

    found = fx.extra.get("partner_report")
    if found is None:
        case = open_case(fx)
        today = timezone.localdate()
        task = Task.objects.create(case=case, title="Meldung: ferngeblieben", responsible="counsellor",
                                   due_on=today, source=Task.Source.PARTNER_REPORT)
        found = PartnerReport.objects.create(link=report_link(fx), case=case, person=case.person,
                                             kind="absent", occurred_on=today,
                                             note="Seit Montag nicht im Kurs.", task=task)
        fx.extra["partner_report"] = found
    return found


partner = lambda fx: {"public_id": fx.extra["partner"].public_id}  # noqa: E731
link_id = lambda fx: {"public_id": report_link(fx).public_id}  # noqa: E731
report_id = lambda fx: {"public_id": partner_report(fx).public_id}  # noqa: E731

SPECS = {
    "partnerreports:link_list": Spec(allowed=LINK_ISSUERS, kwargs=partner),
    "partnerreports:link_revoke": Spec(allowed=LINK_ISSUERS, method="POST", kwargs=link_id),
    "partnerreports:report_detail": Spec(allowed=CASEWORK, kwargs=report_id),
    "partnerreports:report_form": Spec(public=True),
    "partnerreports:report_thanks": Spec(public=True),
    "api:partner_report_create": Spec(public=True, api=True),
}
