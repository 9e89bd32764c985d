"""Access specs of the intake URLs (merged into tests/access/specs.py)."""

from lotse.organisations.models import Role
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})
CLIENT_WORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.ACCOMMODATION})


def _first_contact(fx):
    """An anonymous first contact of org A's team, created once per fixture."""
    if "first_contact" not in fx.extra:
        from lotse.intake.services import FirstContactData, first_contact_record

        fx.extra["first_contact"] = first_contact_record(
            actor=fx.a.user(Role.COUNSELLOR), team=fx.a.team,
            data=FirstContactData(channel="office_hour", outcome="answered", concern="Frage zum Sprachkurs"))
    return {"public_id": fx.extra["first_contact"].public_id}


def _person(fx):
    return {"public_id": fx.extra["person"].public_id}


def _person_programme(fx):
    return {"public_id": fx.extra["person"].public_id, "programme": "mbe"}


SPECS = {
    "intake:first_contact_list": Spec(allowed=CLIENT_WORK),
    "intake:first_contact_create": Spec(allowed=CLIENT_WORK),
    "intake:first_contact_detail": Spec(allowed=CASEWORK, kwargs=_first_contact),
    "intake:first_contact_link_person": Spec(allowed=CASEWORK, method="POST", kwargs=_first_contact),
    "intake:person_eligibility": Spec(allowed=CASEWORK, kwargs=_person),
    "intake:eligibility_answers": Spec(allowed=CASEWORK, method="POST", kwargs=_person_programme),
    "intake:eligibility_override": Spec(allowed=CASEWORK, method="POST", kwargs=_person_programme),
    "api:first_contact_list": Spec(allowed=CLIENT_WORK, api=True),
    "api:first_contact_create": Spec(allowed=CLIENT_WORK, api=True, method="POST",
                                     body='{"channel": "phone", "outcome": "answered"}'),
    "api:person_eligibility": Spec(allowed=CASEWORK, api=True, kwargs=_person),
}
