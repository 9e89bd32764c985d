"""Access specs of the referral URLs (merged into tests/access/specs.py)."""

import json

from lotse.organisations.models import Role
from tests.access.specs_cases import open_case
from tests.access.walker import SYSADMIN, Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})
FIGURES = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.COORDINATOR, Role.ORG_ADMIN, SYSADMIN})


def _release(fx):
    """The main client of the open case releases master data and work for the partner."""
    from datetime import timedelta

    from django.utils import timezone

    from lotse.consent.services import release_record

    if "referral_release" not in fx.extra:
        today = timezone.localdate()
        fx.extra["referral_release"] = release_record(
            actor=fx.a.user(Role.COUNSELLOR), person=open_case(fx).person, recipient=fx.extra["partner"],
            categories=["master_data", "work"], purpose="Vermittlung", given_on=today,
            valid_until=today + timedelta(days=365), form="paper")
    return fx.extra["referral_release"]


def referral(fx, key: str = "referral"):
    """A referral of the open case's main client, just sent."""
    from django.utils import timezone

    from lotse.referrals.services import ReferralData, referral_send

    found = fx.extra.get(key)
    if found is None:
        case = open_case(fx)
        _release(fx)
        found = referral_send(actor=fx.a.user(Role.COUNSELLOR), case=case, data=ReferralData(
            person=case.person, partner=fx.extra["partner"], reason="Beratung zur Arbeitsaufnahme",
            categories=["master_data"], sent_on=timezone.localdate()))
        fx.extra[key] = found
    return found


def referral_with_outcome(fx):
    """A second referral whose first appointment took place: the whereabouts can be recorded."""
    from django.utils import timezone

    from lotse.referrals.services import referral_outcome

    found = fx.extra.get("referral_outcome")
    if found is None:
        found = referral(fx, key="referral_outcome")
        found = referral_outcome(actor=fx.a.user(Role.COUNSELLOR), referral=found, version=found.version,
                                 outcome="took_place", on=timezone.localdate())
        fx.extra["referral_outcome"] = found
    return found


case = lambda fx: {"public_id": open_case(fx).public_id}  # noqa: E731
referral_id = lambda fx: {"public_id": referral(fx).public_id}  # noqa: E731
outcome_id = lambda fx: {"public_id": referral_with_outcome(fx).public_id}  # noqa: E731


def _create_body(fx) -> str:
    from django.utils import timezone

    _release(fx)
    return json.dumps({"partner": str(fx.extra["partner"].public_id),
                       "reason": "Sprachkurs", "categories": ["master_data"],
                       "sent_on": timezone.localdate().isoformat()})


def _status_body(fx) -> str:
    from django.utils import timezone

    found = referral(fx)
    found.refresh_from_db()
    return json.dumps({"step": "accepted", "on": timezone.localdate().isoformat(), "version": found.version})


SPECS = {
    "referrals:referral_list": Spec(allowed=CASEWORK, kwargs=case),
    "referrals:referral_create": Spec(allowed=CASEWORK, kwargs=case),
    "referrals:referral_detail": Spec(allowed=CASEWORK, kwargs=referral_id),
    "referrals:referral_accepted": Spec(allowed=CASEWORK, kwargs=referral_id),
    "referrals:referral_appointment": Spec(allowed=CASEWORK, kwargs=referral_id),
    "referrals:referral_outcome": Spec(allowed=CASEWORK, kwargs=referral_id),
    "referrals:referral_whereabouts": Spec(allowed=CASEWORK, kwargs=outcome_id),
    "referrals:referral_withdrawn": Spec(allowed=CASEWORK, kwargs=referral_id),
    "referrals:referral_letter_client": Spec(allowed=CASEWORK, kwargs=referral_id),
    "referrals:referral_letter_partner": Spec(allowed=CASEWORK, kwargs=referral_id),
    "referrals:partner_figures": Spec(allowed=FIGURES),
    "api:referral_list": Spec(allowed=CASEWORK, api=True, kwargs=case),
    "api:referral_create": Spec(allowed=CASEWORK, api=True, kwargs=case, method="POST", body=_create_body),
    "api:referral_detail": Spec(allowed=CASEWORK, api=True, kwargs=referral_id),
    "api:referral_status": Spec(allowed=CASEWORK, api=True, kwargs=referral_id, method="POST",
                                body=_status_body),
}
