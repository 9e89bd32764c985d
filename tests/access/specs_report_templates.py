"""Access specs of the report template editor (/statistik/vorlagen/), merged into specs.py.

Templates hold no personal data and belong to no organisation: everyone who works with figures reads them
(counsellors, team leads, coordinators, organisation administrators — of any organisation), only system
administrators change, copy and (de)activate them. Accommodation management has no figures."""

from dataclasses import dataclass

from lotse.organisations.models import Role
from tests.access.walker import SYSADMIN, Spec

READERS = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.COORDINATOR, Role.ORG_ADMIN, SYSADMIN})
KEEPERS = frozenset({SYSADMIN})


@dataclass(frozen=True)
class SharedSpec(Spec):
    """A URL of an object shared by all organisations: the allowed roles of the foreign organisation may use
    it too (the walker reads ``shared``)."""

    shared: bool = True


def mbe(fx):
    from lotse.reports.models import ReportTemplate

    return {"public_id": ReportTemplate.objects.get(code="mbe").public_id}


SPECS = {
    "report_templates:list": Spec(allowed=READERS),
    "report_templates:detail": SharedSpec(allowed=READERS, kwargs=mbe),
    "report_templates:edit": Spec(allowed=KEEPERS, kwargs=mbe),
    "report_templates:copy": Spec(allowed=KEEPERS, kwargs=mbe),
    "report_templates:deactivate": Spec(allowed=KEEPERS, kwargs=mbe, method="POST"),
    "report_templates:activate": Spec(allowed=KEEPERS, kwargs=mbe, method="POST"),
}
