"""Access specs of the export URLs (merged into specs.py).

An export is its requester's own: the status page, the download and their API counterparts answer only the
counsellor of org A who requested the fixture export (everyone else, administrators included, gets 404).
Requesting is open to every user — a POST without a list is a 400 for all — and the list of one's own exports
too. Who may export which list is the list page's rule (tests/exports)."""

from lotse.organisations.models import Role
from tests.access.walker import EVERYONE, Spec

OWNER = frozenset({Role.COUNSELLOR})
CLIENT_WORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.ACCOMMODATION})


def job(fx):
    """A finished CSV export of org A's persons, requested by org A's counsellor."""
    from lotse.exports.services import export_request

    found = fx.extra.get("export_job")
    if found is None:
        found = export_request(actor=fx.a.user(Role.COUNSELLOR), kind="persons", parameters="", format="csv")
        fx.extra["export_job"] = found
    return {"public_id": found.public_id}


SPECS = {
    "exports:export_list": Spec(allowed=EVERYONE),
    "exports:export_create": Spec(allowed=EVERYONE, method="POST"),
    "exports:export_detail": Spec(allowed=OWNER, kwargs=job),
    "exports:export_download": Spec(allowed=OWNER, kwargs=job, method="POST"),
    "api:export_create": Spec(allowed=CLIENT_WORK, api=True, method="POST",
                              body='{"kind": "persons", "format": "csv", "parameters": {}}'),
    "api:export_detail": Spec(allowed=OWNER, api=True, kwargs=job),
    "api:export_download": Spec(allowed=OWNER, api=True, kwargs=job),
}
