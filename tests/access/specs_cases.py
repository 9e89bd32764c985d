"""Access specs of the case URLs (merged into tests/access/specs.py)."""

from lotse.organisations.models import Role
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})
LEAD = frozenset({Role.TEAM_LEAD})


def _waiting_case(fx):
    from lotse.cases.models import Case

    case = fx.extra.get("waiting_case")
    if case is None:
        person = fx.extra["person"]
        case = Case.objects.create(person=person, team=person.team, offering=fx.a.offering, status="waiting",
                                   requested_on=person.created_at.date())
        fx.extra["waiting_case"] = case
    return {"public_id": case.public_id}


def open_case(fx):
    """An open case of the fixture's person with a co-counselled family member and a task."""
    from datetime import timedelta

    from lotse.cases.models import Case, CaseMember, Task
    from lotse.cases.services import case_request
    from lotse.organisations.models import ProgrammeOffering

    case = fx.extra.get("open_case")
    if case is None:
        person = fx.extra["other"]
        offering = ProgrammeOffering.objects.create(organisation=fx.a.organisation, programme="mbe",
                                                    name="MBE (Zugriffstest)")
        fx.a.team.offerings.add(offering)
        case = case_request(actor=fx.a.user(Role.COUNSELLOR), person=person, offering=offering)
        assert case.status == Case.Status.OPEN
        fx.extra["open_case"] = case
        fx.extra["member"] = CaseMember.objects.create(case=case, person=fx.extra["person"],
                                                       since=case.opened_on)
        fx.extra["task"] = Task.objects.create(case=case, title="Antrag Wohngeld", responsible="client",
                                               due_on=case.opened_on + timedelta(days=7))
    return case


def closed_case_closure(fx):
    from lotse.cases.models import Case, Closure

    closure = fx.extra.get("closure")
    if closure is None:
        case = open_case(fx)
        closure = Closure.objects.create(case=case, closed_on=case.opened_on, reason="goals_reached",
                                         follow_up_on=case.opened_on)
        fx.extra["closure"] = closure
    return closure


case = lambda fx: {"public_id": open_case(fx).public_id}  # noqa: E731

SPECS = {
    "cases:case_request": Spec(allowed=CASEWORK, kwargs=lambda fx: {"public_id": fx.extra["person"].public_id}),
    "cases:waiting_list": Spec(allowed=CASEWORK, kwargs=lambda fx: {"public_id": fx.a.team.public_id}),
    "cases:case_admit": Spec(allowed=LEAD, method="POST", kwargs=_waiting_case),
    "cases:worklist": Spec(allowed=CASEWORK),
    "cases:case_list": Spec(allowed=CASEWORK),
    "cases:case_detail": Spec(allowed=CASEWORK, kwargs=case),
    "cases:case_edit": Spec(allowed=CASEWORK, kwargs=case),
    "cases:case_phase": Spec(allowed=CASEWORK, kwargs=case),
    "cases:case_member_add": Spec(allowed=CASEWORK, kwargs=case),
    "cases:case_member_end": Spec(allowed=CASEWORK, method="POST", kwargs=lambda fx: {
        "public_id": open_case(fx).public_id, "member_id": fx.extra["member"].public_id}),
    "cases:task_create": Spec(allowed=CASEWORK, kwargs=case),
    "cases:task_status": Spec(allowed=CASEWORK, method="POST",
                              kwargs=lambda fx: {"public_id": (open_case(fx), fx.extra["task"])[1].public_id}),
    "cases:case_close": Spec(allowed=CASEWORK, kwargs=case),
    "cases:case_reopen": Spec(allowed=CASEWORK, kwargs=case),
    "cases:follow_up": Spec(allowed=CASEWORK, kwargs=lambda fx: {"public_id": closed_case_closure(fx).public_id}),
}

SPECS.update({
    "api:case_list": Spec(allowed=CASEWORK, api=True),
    "api:case_create": Spec(allowed=CASEWORK, api=True, method="POST",
                            kwargs=lambda fx: {"public_id": fx.extra["person"].public_id},
                            body=lambda fx: '{"offering": "%s"}' % fx.a.offering.public_id),
    "api:case_detail": Spec(allowed=CASEWORK, api=True, kwargs=case),
    "api:case_phase": Spec(allowed=CASEWORK, api=True, kwargs=case, method="POST",
                           body='{"phase": "counselling", "on": "2000-01-01", "version": 1}'),
    "api:case_tasks": Spec(allowed=CASEWORK, api=True, kwargs=case),
    "api:task_create": Spec(allowed=CASEWORK, api=True, kwargs=case, method="POST",
                            body='{"title": "x", "responsible": "client", "due_on": "2000-01-01"}'),
    "api:case_close": Spec(allowed=CASEWORK, api=True, kwargs=case, method="POST",
                           body='{"reason": "goals_reached", "indicators": {}, "version": 1}'),
})
