"""Access specs of the network URLs: cooperation agreements, network events, indicators (merged into
specs.py).

The policy lets every member of an organisation read its agreements and events (coordinators included: they
organise network meetings); team leads and administrators keep agreements, the staff record events."""

from lotse.organisations.models import Role
from tests.access.walker import EVERYONE, SYSADMIN, Spec

KEEPERS = frozenset({Role.TEAM_LEAD, Role.ORG_ADMIN, SYSADMIN})
STAFF = EVERYONE - {Role.COORDINATOR}

# A minimal PDF: what the download must return for the fixture agreement.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def agreement(fx):
    """An agreement in force of org A with the job centre, with a stored PDF."""
    from datetime import timedelta

    from django.utils import timezone

    from lotse.cooperation import services

    found = fx.extra.get("agreement")
    if found is None:
        lead = fx.a.user(Role.TEAM_LEAD)
        data = services.AgreementData(
            title="Kooperation Jobcenter", subject="Zusammenarbeit bei der Arbeitsmarktintegration",
            partners=[fx.extra["partner"]], starts_on=timezone.localdate() - timedelta(days=100),
            responsible=lead, status="active")
        found = services.agreement_create(actor=lead, organisation=fx.a.organisation, data=data)
        found = services.agreement_document_attach(actor=lead, agreement=found, version=found.version,
                                                   content=PDF, filename="vereinbarung.pdf")
        fx.extra["agreement"] = found
    return {"public_id": found.public_id}


def event(fx):
    from django.utils import timezone

    from lotse.cooperation import services

    found = fx.extra.get("event")
    if found is None:
        found = services.event_create(actor=fx.a.user(Role.COUNSELLOR), organisation=fx.a.organisation,
                                      data=services.EventData(kind="network_meeting", title="Netzwerktreffen",
                                                              date=timezone.localdate(), participants=12,
                                                              partners=[fx.extra["partner"]]))
        fx.extra["event"] = found
    return {"public_id": found.public_id}


SPECS = {
    "cooperation:agreement_list": Spec(allowed=EVERYONE),
    "cooperation:agreement_create": Spec(allowed=KEEPERS),
    "cooperation:agreement_detail": Spec(allowed=EVERYONE, kwargs=agreement),
    "cooperation:agreement_edit": Spec(allowed=KEEPERS, kwargs=agreement),
    "cooperation:agreement_review": Spec(allowed=KEEPERS, kwargs=agreement, method="POST"),
    "cooperation:agreement_document_upload": Spec(allowed=KEEPERS, kwargs=agreement),
    "cooperation:agreement_document": Spec(allowed=EVERYONE, kwargs=agreement),
    "cooperation:event_list": Spec(allowed=EVERYONE),
    "cooperation:event_create": Spec(allowed=STAFF),
    "cooperation:event_edit": Spec(allowed=STAFF, kwargs=event),
    "cooperation:event_delete": Spec(allowed=STAFF, kwargs=event),
    "cooperation:indicators": Spec(allowed=EVERYONE),
}
