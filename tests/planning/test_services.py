"""Assessment, plan and agreement services: good and bad paths, versions, comparison, closure helpers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lotse.audit.models import AuditEvent
from lotse.cases.models import Case
from lotse.network.services import partner_create
from lotse.organisations.models import Membership
from lotse.planning import selectors, services
from lotse.planning.models import Assessment, AssessmentItem, Goal, GoalAgreement, Plan, PlanVersion, Step
from lotse.planning.snapshot import compare
from tests.planning.conftest import plan_version

pytestmark = pytest.mark.django_db


# ---- assessment ------------------------------------------------------------------------------------

def test_assessment_stores_all_ten_domains_and_is_audited(case, counsellor, today):
    assessment = services.assessment_create(actor=counsellor, case=case, assessed_on=today, note="Motiviert",
                                            items={"language": {"rating": 2, "needs": "B1"},
                                                   "housing": {"rating": None, "strengths": "Eigene Wohnung"}})
    items = {item.domain: item for item in assessment.items.all()}
    assert len(items) == 10
    assert items["language"].rating == 2 and items["language"].needs == "B1"
    assert items["housing"].rating is None and items["work"].rating is None
    assert AuditEvent.objects.filter(action="assessment.created").exists()


@pytest.mark.parametrize("values, field", [
    ({"assessed_on": "future"}, "assessed_on"),
    ({"items": {"language": {"rating": 9}}}, "language_rating"),
    ({"items": {"language": {"rating": "abc"}}}, "language_rating"),
    ({"items": {"nonsense": {"rating": 2}}}, "items"),
    ({"items": {}}, "__all__"),
    ({"items": {"language": {"rating": 2, "needs": "x" * 5001}}}, "language_needs"),
])
def test_bad_assessments_are_refused_and_nothing_is_saved(case, counsellor, today, values, field):
    data = {"assessed_on": today, "items": {"language": {"rating": 3}}, **values}
    if data["assessed_on"] == "future":
        data["assessed_on"] = today + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.assessment_create(actor=counsellor, case=case, **data)
    assert field in error.value.message_dict
    assert not Assessment.objects.exists() and not AssessmentItem.objects.exists()


def test_rating_follows_the_programmes_scale(case, counsellor, today, org_a):
    org_a.offering.settings = {"scale_min": 0, "scale_max": 3}
    org_a.offering.save()
    case = Case.objects.get(pk=case.pk)
    services.assessment_create(actor=counsellor, case=case, assessed_on=today, items={"work": {"rating": 0}})
    with pytest.raises(ValidationError):
        services.assessment_create(actor=counsellor, case=case, assessed_on=today, items={"work": {"rating": 4}})


def test_assessment_update_checks_the_version(case, counsellor, today):
    assessment = services.assessment_create(actor=counsellor, case=case, assessed_on=today,
                                            items={"language": {"rating": 2}})
    services.assessment_update(actor=counsellor, assessment=assessment, version=1, assessed_on=today,
                               items={"language": {"rating": 3}})
    with pytest.raises(ValidationError) as error:
        services.assessment_update(actor=counsellor, assessment=assessment, version=1, assessed_on=today,
                                   items={"language": {"rating": 5}})
    assert error.value.error_list[0].code == "stale"
    assert AssessmentItem.objects.get(assessment=assessment, domain="language").rating == 3


# ---- plan: goals and steps -------------------------------------------------------------------------

def test_every_change_makes_a_version_with_a_snapshot(case, counsellor, partner, add_goal, add_step, today):
    goal = add_goal(case)
    plan = Plan.objects.get(case=case)
    assert plan.version == 1
    add_step(goal, responsible="partner", responsible_partner=partner)
    services.goal_update(actor=counsellor, goal=goal, version=2, priority=2)
    services.plan_review_set(actor=counsellor, case=case, version=3, review_on=today + timedelta(days=30))
    plan.refresh_from_db()
    assert plan.version == 4
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    assert [version.number for version in versions] == [1, 2, 3, 4]
    assert all(version.change_summary for version in versions)
    snapshot = versions[-1].snapshot
    assert snapshot["review_on"] == (today + timedelta(days=30)).isoformat()
    assert snapshot["goals"][0]["priority"] == 2
    assert snapshot["goals"][0]["steps"][0]["partner"] == "Jobcenter Lindenau"
    assert versions[0].snapshot["goals"][0]["steps"] == []
    assert AuditEvent.objects.filter(action="plan.changed").count() == 4


def test_nothing_changed_makes_no_version(case, counsellor, add_goal):
    goal = add_goal(case)
    services.goal_update(actor=counsellor, goal=goal, version=1, priority=goal.priority)
    assert Plan.objects.get(case=case).version == 1


@pytest.mark.parametrize("values, field", [
    ({"target_on": "past"}, "target_on"),
    ({"target_on": None}, "target_on"),
    ({"client_words": "   "}, "client_words"),
    ({"domain": "moon"}, "domain"),
    ({"category": "moon"}, "category"),
    ({"priority": 7}, "priority"),
    ({"review_on": "past"}, "review_on"),
])
def test_bad_goals_are_refused_with_german_messages(case, counsellor, today, values, field):
    data = {"domain": "language", "category": "german", "client_words": "Deutsch B1",
            "target_on": today + timedelta(days=30), **values}
    for name, value in data.items():
        if value == "past":
            data[name] = today - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.goal_create(actor=counsellor, case=case, version=0, **data)
    assert field in error.value.message_dict
    assert not Plan.objects.exists() and not Goal.objects.exists()


def test_target_date_in_the_past_message_is_german(case, counsellor, today):
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as error:
        services.goal_create(actor=counsellor, case=case, version=0, domain="language", category="german",
                             client_words="x", target_on=today - timedelta(days=3))
    assert "Vergangenheit" in error.value.message_dict["target_on"][0]


def test_an_old_target_date_may_stay_but_not_be_moved_into_the_past(case, counsellor, add_goal, today):
    goal = add_goal(case)
    Goal.objects.filter(pk=goal.pk).update(target_on=today - timedelta(days=10))
    goal.refresh_from_db()
    services.goal_update(actor=counsellor, goal=goal, version=1, status="in_progress")
    with pytest.raises(ValidationError) as error:
        services.goal_update(actor=counsellor, goal=goal, version=2, target_on=today - timedelta(days=5))
    assert "target_on" in error.value.message_dict


@pytest.mark.parametrize("status", ["not_reached", "partly_reached", "discarded"])
def test_a_reason_is_needed_for_not_reached_partly_reached_discarded(case, counsellor, add_goal, status):
    goal = add_goal(case)
    with pytest.raises(ValidationError) as error:
        services.goal_update(actor=counsellor, goal=goal, version=1, status=status, status_reason=" ")
    assert "status_reason" in error.value.message_dict
    services.goal_update(actor=counsellor, goal=goal, version=1, status=status, status_reason="Umzug")
    goal.refresh_from_db()
    assert goal.status == status and goal.status_reason == "Umzug"


@pytest.mark.parametrize("values, field", [
    ({"responsible": ""}, "responsible"),
    ({"responsible": "nobody"}, "responsible"),
    ({"responsible": "partner"}, "responsible_partner"),
    ({"description": ""}, "description"),
    ({"due_on": "past"}, "due_on"),
])
def test_bad_steps_are_refused_and_nothing_is_saved(case, counsellor, add_goal, today, values, field):
    goal = add_goal(case)
    data = {"description": "Kurs suchen", "responsible": "client", "due_on": today + timedelta(days=3), **values}
    if data["due_on"] == "past":
        data["due_on"] = today - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.step_create(actor=counsellor, goal=goal, version=1, **data)
    assert field in error.value.message_dict
    assert not Step.objects.exists() and Plan.objects.get(case=case).version == 1


def test_a_partner_of_another_organisation_is_refused(case, counsellor, add_goal, org_b, today):
    goal = add_goal(case)
    foreign = partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation, name="Jobcenter B",
                             partner_type="job_centre")
    with pytest.raises(ValidationError) as error:
        services.step_create(actor=counsellor, goal=goal, version=1, description="x", responsible="partner",
                             responsible_partner=foreign, due_on=today)
    assert "responsible_partner" in error.value.message_dict


def test_a_stale_plan_version_is_refused(case, counsellor, add_goal, today):
    goal = add_goal(case)
    add_goal(case, client_words="Arbeit finden", domain="work", category="labour_market")
    with pytest.raises(ValidationError) as error:
        services.goal_update(actor=counsellor, goal=goal, version=1, priority=2)
    assert error.value.error_list[0].code == "stale"
    with pytest.raises(ValidationError):
        services.goal_create(actor=counsellor, case=case, version=0, domain="work", category="labour_market",
                             client_words="x", target_on=today)
    assert Goal.objects.get(pk=goal.pk).priority == 1 and Plan.objects.get(case=case).version == 2


def test_a_user_who_lost_access_meanwhile_is_refused_and_nothing_is_saved(case, counsellor, add_goal, today):
    goal = add_goal(case)
    Membership.objects.filter(user=counsellor).update(is_active=False)
    counsellor = type(counsellor).objects.get(pk=counsellor.pk)
    with pytest.raises(PermissionDenied):
        services.goal_update(actor=counsellor, goal=goal, version=1, priority=2)
    with pytest.raises(PermissionDenied):
        services.assessment_create(actor=counsellor, case=case, assessed_on=today, items={"work": {"rating": 2}})
    assert Plan.objects.get(case=case).version == 1 and not Assessment.objects.exists()


def test_a_restricted_person_and_a_closed_case_are_refused(case, counsellor, add_goal, today):
    goal = add_goal(case)
    type(case.person).objects.filter(pk=case.person_id).update(restricted_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.goal_update(actor=counsellor, goal=goal, version=1, priority=2)
    assert error.value.error_list[0].code == "restricted"
    type(case.person).objects.filter(pk=case.person_id).update(restricted_at=None)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.step_create(actor=counsellor, goal=goal, version=1, description="x", responsible="client",
                             due_on=today)
    assert error.value.error_list[0].code == "case_not_open"
    assert Plan.objects.get(case=case).version == 1


# ---- comparison ------------------------------------------------------------------------------------

def test_compare_names_added_removed_and_changed_goals_and_steps(case, counsellor, add_goal, add_step, today):
    goal = add_goal(case)
    step = add_step(goal)
    other = add_goal(case, client_words="Kita-Platz", domain="family", category="kindergarten")
    services.step_update(actor=counsellor, step=step, version=3, status="done")
    services.goal_update(actor=counsellor, goal=goal, version=4, target_on=today + timedelta(days=200))
    plan = Plan.objects.get(case=case)
    comparison = selectors.plan_compare(actor=counsellor, plan=plan, older=2, newer=5)
    kinds = {diff.title: diff.kind for diff in comparison.goals}
    assert kinds == {"Ich möchte Deutsch B1 lernen.": "changed", "Kita-Platz": "added"}
    changed = next(diff for diff in comparison.goals if diff.kind == "changed")
    assert len(changed.changes) == 1
    assert changed.changes[0].new == (today + timedelta(days=200)).strftime("%d.%m.%Y")
    assert changed.steps[0].kind == "changed"
    assert any(change.new for change in changed.steps[0].changes)
    backwards = compare(PlanVersion.objects.get(plan=plan, number=5).snapshot,
                        PlanVersion.objects.get(plan=plan, number=2).snapshot)
    assert {diff.kind for diff in backwards.goals} == {"changed", "removed"}
    assert selectors.plan_compare(actor=counsellor, plan=plan, older=1, newer=99) is None
    assert other.plan_id == plan.pk


# ---- closure helpers -------------------------------------------------------------------------------

def test_open_items_and_closing_them_in_one_version(case, counsellor, add_goal, add_step):
    goal = add_goal(case)
    add_step(goal)
    done = add_step(goal, description="Erledigt")
    services.step_update(actor=counsellor, step=done, version=plan_version(case), status="done")
    items = selectors.plan_open_items(case=case)
    assert len(items["goals"]) == 1 and len(items["steps"]) == 1
    version_before = plan_version(case)
    services.plan_close_open_items(actor=counsellor, case=case, outcome="discarded", reason="Umzug")
    assert plan_version(case) == version_before + 1
    assert selectors.plan_open_items(case=case) == {"goals": [], "steps": []}
    goal.refresh_from_db()
    assert goal.status == "discarded" and goal.status_reason == "Umzug"
    assert Step.objects.get(pk=done.pk).status == "done"
    assert services.plan_close_open_items(actor=counsellor, case=case, outcome="done", reason="x") is None


def test_goal_evaluations_for_the_closure(case, counsellor, add_goal):
    first, second = add_goal(case), add_goal(case, client_words="Arbeit")
    assert [goal.pk for goal in selectors.goal_evaluations(actor=counsellor, case=case)] == [first.pk, second.pk]
    with pytest.raises(ValidationError) as error:
        services.goal_evaluate_many(actor=counsellor, case=case, evaluations={
            str(first.public_id): ("reached", ""), str(second.public_id): ("not_reached", "")})
    assert f"goal_{second.public_id}_reason" in error.value.message_dict
    assert Goal.objects.get(pk=first.pk).status == "open"
    services.goal_evaluate_many(actor=counsellor, case=case, evaluations={
        str(first.public_id): ("reached", ""), str(second.public_id): ("not_reached", "Kein Platz")})
    assert plan_version(case) == 3
    assert set(Goal.objects.values_list("status", flat=True)) == {"reached", "not_reached"}


# ---- agreement -------------------------------------------------------------------------------------

def test_agreement_needs_goals_and_references_the_current_version(case, counsellor, add_goal, add_step, partner,
                                                                   today):
    with pytest.raises(ValidationError):
        services.agreement_create(actor=counsellor, case=case, language="de")
    goal = add_goal(case)
    add_step(goal, responsible="client", description="Zum Einstufungstest gehen")
    add_step(goal, responsible="partner", responsible_partner=partner, description="Bildungsgutschein prüfen")
    first = services.agreement_create(actor=counsellor, case=case, language="ar")
    assert first.plan_version.number == 3
    content = selectors.agreement_obligations(first)
    assert [item["text"] for item in content["client"]] == ["Zum Einstufungstest gehen"]
    assert content["partners"][0]["partner"] == "Jobcenter Lindenau" and content["service"] == []
    summary = selectors.case_planning_summary(actor=counsellor, case=case)
    assert not summary["agreements"][0].is_outdated
    add_step(goal)
    summary = selectors.case_planning_summary(actor=counsellor, case=case)
    assert summary["agreements"][0].is_outdated and summary["plan_version"] == 4
    second = services.agreement_create(actor=counsellor, case=case, language="de")
    assert second.plan_version.number == 4
    summary = selectors.case_planning_summary(actor=counsellor, case=case)
    assert [agreement.pk for agreement in summary["agreements"]] == [second.pk, first.pk]
    assert not summary["agreements"][0].is_outdated and summary["agreements"][1].is_outdated
    with pytest.raises(ValidationError) as error:
        services.agreement_create(actor=counsellor, case=case, language="xx")
    assert "language" in error.value.message_dict


def test_agreement_signature(case, counsellor, add_goal, today, org_b):
    add_goal(case)
    agreement = services.agreement_create(actor=counsellor, case=case, language="de")
    for values, field in (({"signed_on": today + timedelta(days=1)}, "signed_on"),
                          ({"signed_on": today - timedelta(days=1)}, "signed_on"),
                          ({"signed_by_client": " "}, "signed_by_client"),
                          ({"signed_by_counsellor": org_b.user("counsellor")}, "signed_by_counsellor")):
        data = {"signed_on": today, "signed_by_client": "Amal Haddad", "signed_by_counsellor": counsellor, **values}
        with pytest.raises(ValidationError) as error:
            services.agreement_sign(actor=counsellor, agreement=agreement, **data)
        assert field in error.value.message_dict
    assert GoalAgreement.objects.get(pk=agreement.pk).signed_on is None
    services.agreement_sign(actor=counsellor, agreement=agreement, signed_on=today, signed_by_client="Amal Haddad",
                            signed_by_counsellor=counsellor, copy_handed_over=True)
    agreement.refresh_from_db()
    assert agreement.signed_on == today and agreement.copy_handed_over
    assert AuditEvent.objects.filter(action="goal_agreement.signed").exists()


def test_timeline_items(case, counsellor, add_goal, today):
    services.assessment_create(actor=counsellor, case=case, assessed_on=today, items={"work": {"rating": 2}})
    add_goal(case)
    agreement = services.agreement_create(actor=counsellor, case=case, language="de")
    services.agreement_sign(actor=counsellor, agreement=agreement, signed_on=today, signed_by_client="A")
    kinds = sorted(item.kind for item in selectors.timeline_items(actor=counsellor, case=case))
    assert kinds == ["agreement", "agreement_signed", "assessment", "plan_version"]


def test_demo_seeds_once(case, counsellor, partner):
    from lotse.planning.demo import seed_demo

    seed_demo(case=case, actor=counsellor)
    seed_demo(case=case, actor=counsellor)
    assert Assessment.objects.filter(case=case).count() == 1
    assert Goal.objects.filter(plan__case=case).count() == 3
    assert Step.objects.filter(goal__plan__case=case, responsible_partner=partner).exists()
    agreement = GoalAgreement.objects.get(case=case)
    assert agreement.signed_on is not None and not selectors.agreement_is_outdated(agreement)
