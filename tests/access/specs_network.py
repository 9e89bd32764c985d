"""Access specs of the partner directory (merged into tests/access/specs.py).

Every member of an organisation sees its directory, coordinators included (it holds no client data); the
organisation admins and the team roles keep it — the same set that could add partners before the directory
moved out of the consent pages. System administrators are no members of an organisation and are refused."""

import json

from lotse.organisations.models import Role
from tests.access.walker import Spec

VIEWERS = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.COORDINATOR, Role.ACCOMMODATION, Role.ORG_ADMIN})
MAINTAINERS = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.ACCOMMODATION, Role.ORG_ADMIN})


def _partner(fx):
    return {"public_id": fx.extra["partner"].public_id}


def _service(fx):
    from lotse.network.models import PartnerService

    service = fx.extra.get("partner_service")
    if service is None:
        service = PartnerService.objects.create(partner=fx.extra["partner"], name="Eingliederungsleistungen")
        fx.extra["partner_service"] = service
    return {"public_id": service.public_id}


def _contact(fx):
    from lotse.network.models import PartnerContact

    contact = fx.extra.get("partner_contact")
    if contact is None:
        contact = PartnerContact.objects.create(partner=fx.extra["partner"], name="Frau Berg",
                                                function="Fallmanagerin")
        fx.extra["partner_contact"] = contact
    return {"public_id": contact.public_id}


BODY = json.dumps({"name": "Jobcenter Lindenau", "partner_type": "job_centre", "city": "Lindenau",
                   "version": 1})

SPECS = {
    "network:partner_list": Spec(allowed=VIEWERS),
    "network:partner_create": Spec(allowed=MAINTAINERS),
    "network:partner_detail": Spec(allowed=VIEWERS, kwargs=_partner),
    "network:partner_edit": Spec(allowed=MAINTAINERS, kwargs=_partner),
    "network:partner_set_active": Spec(allowed=MAINTAINERS, kwargs=_partner, method="POST"),
    "network:partner_programmes": Spec(allowed=MAINTAINERS, kwargs=_partner),
    "network:partner_service_create": Spec(allowed=MAINTAINERS, kwargs=_partner),
    "network:partner_service_edit": Spec(allowed=MAINTAINERS, kwargs=_service),
    "network:partner_contact_create": Spec(allowed=MAINTAINERS, kwargs=_partner),
    "network:partner_contact_edit": Spec(allowed=MAINTAINERS, kwargs=_contact),
    "network:partner_import": Spec(allowed=MAINTAINERS),
    "network:partner_import_preview": Spec(allowed=MAINTAINERS),
    "network:partner_export_csv": Spec(allowed=VIEWERS),
    "network:partner_export_xlsx": Spec(allowed=VIEWERS),
    "api:partner_list": Spec(allowed=VIEWERS, api=True),
    "api:partner_detail": Spec(allowed=VIEWERS, api=True, kwargs=_partner),
    "api:partner_create": Spec(allowed=MAINTAINERS, api=True, method="POST", body=json.dumps(
        {"name": "Schuldnerberatung Diakonie", "partner_type": "debt_counselling"})),
    "api:partner_update": Spec(allowed=MAINTAINERS, api=True, kwargs=_partner, method="PUT", body=BODY),
}
