"""Access specs of the planning URLs: assessment, integration plan, goal agreement (merged into specs.py)."""

import json

from lotse.organisations.models import Role
from tests.access.specs_cases import open_case
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})


def planning_world(fx) -> dict:
    """An assessment, a plan with a goal and a step, and an agreement in the fixture's open case."""
    world = fx.extra.get("planning")
    if world is None:
        from datetime import timedelta

        from lotse.planning import services

        case = open_case(fx)
        actor = fx.a.user(Role.COUNSELLOR)
        today = case.opened_on
        assessment = services.assessment_create(actor=actor, case=case, assessed_on=today,
                                                items={"language": {"rating": 2, "needs": "Deutsch B1"}})
        goal = services.goal_create(actor=actor, case=case, version=0, domain="language", category="german",
                                    client_words="Deutsch B1", target_on=today + timedelta(days=90))
        step = services.step_create(actor=actor, goal=goal, version=1, description="Kurs suchen",
                                    responsible="counsellor", due_on=today + timedelta(days=7))
        agreement = services.agreement_create(actor=actor, case=case, language="de")
        world = {"case": case, "assessment": assessment, "goal": goal, "step": step, "agreement": agreement}
        fx.extra["planning"] = world
    return world


def _kwargs(name):
    return lambda fx: {"public_id": planning_world(fx)[name].public_id}


case = _kwargs("case")
assessment = _kwargs("assessment")
goal = _kwargs("goal")
step = _kwargs("step")
agreement = _kwargs("agreement")

SPECS = {
    "planning:assessment_list": Spec(allowed=CASEWORK, kwargs=case),
    "planning:assessment_create": Spec(allowed=CASEWORK, kwargs=case),
    "planning:assessment_detail": Spec(allowed=CASEWORK, kwargs=assessment),
    "planning:assessment_edit": Spec(allowed=CASEWORK, kwargs=assessment),
    "planning:plan_detail": Spec(allowed=CASEWORK, kwargs=case),
    "planning:plan_review": Spec(allowed=CASEWORK, kwargs=case),
    "planning:goal_create": Spec(allowed=CASEWORK, kwargs=case),
    "planning:plan_versions": Spec(allowed=CASEWORK, kwargs=case),
    "planning:plan_compare": Spec(allowed=CASEWORK, kwargs=case),
    "planning:goal_edit": Spec(allowed=CASEWORK, kwargs=goal),
    "planning:step_create": Spec(allowed=CASEWORK, kwargs=goal),
    "planning:step_edit": Spec(allowed=CASEWORK, kwargs=step),
    "planning:agreement_create": Spec(allowed=CASEWORK, kwargs=case),
    "planning:agreement_sign": Spec(allowed=CASEWORK, kwargs=agreement),
    "planning:agreement_document": Spec(allowed=CASEWORK, kwargs=agreement),
    "api:assessment_list": Spec(allowed=CASEWORK, api=True, kwargs=case),
    "api:assessment_create": Spec(allowed=CASEWORK, api=True, kwargs=case, method="POST",
                                  body='{"assessed_on": "2000-01-01", "items": {"language": {"rating": 3}}}'),
    "api:assessment_detail": Spec(allowed=CASEWORK, api=True, kwargs=assessment),
    "api:plan_detail": Spec(allowed=CASEWORK, api=True, kwargs=case),
    "api:goal_create": Spec(allowed=CASEWORK, api=True, kwargs=case, method="POST", body=json.dumps({
        "version": 1, "domain": "work", "category": "labour_market", "client_words": "Arbeit",
        "target_on": "2000-01-01"})),
    "api:goal_update": Spec(allowed=CASEWORK, api=True, kwargs=goal, method="PUT",
                            body='{"version": 1, "priority": 2}'),
    "api:step_create": Spec(allowed=CASEWORK, api=True, kwargs=goal, method="POST",
                            body='{"version": 1, "description": "x", "responsible": "client", "due_on": "2000-01-01"}'),
    "api:step_update": Spec(allowed=CASEWORK, api=True, kwargs=step, method="PUT",
                            body='{"version": 1, "status": "done"}'),
}
