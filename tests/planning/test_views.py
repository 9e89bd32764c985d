"""Planning pages: constant query counts, forms, two sessions editing the same plan, compare, history chart."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from lotse.organisations.models import Membership
from lotse.planning import services
from lotse.planning.models import Assessment, Goal, GoalAgreement, Plan, Step
from tests.factories import login
from tests.planning.conftest import plan_version

pytestmark = pytest.mark.django_db


def _plan_with(case, n, add_goal, add_step):
    for index in range(n):
        goal = add_goal(case, client_words=f"Ziel {index}")
        add_step(goal, description=f"Schritt {index}")


def _count(client, url, django_assert_max_num_queries, budget=40):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["planning:plan_detail", "summary"])
def test_plan_pages_cost_the_same_with_2_and_30_goals(name, case, cclient, counsellor, add_goal, add_step, org_a,
                                                     make_person, django_assert_max_num_queries):
    from lotse.cases.services import case_request
    from lotse.planning.selectors import case_planning_summary

    other = case_request(actor=counsellor, person=make_person(given_names="Karim"), offering=org_a.offering)
    _plan_with(case, 2, add_goal, add_step)
    _plan_with(other, 30, add_goal, add_step)
    if name == "planning:plan_detail":
        small = _count(cclient, reverse(name, args=[case.public_id]), django_assert_max_num_queries)
        large = _count(cclient, reverse(name, args=[other.public_id]), django_assert_max_num_queries)
        assert "Ziel 29" in cclient.get(reverse(name, args=[other.public_id])).content.decode()
    else:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = []
        for each in (case, other):
            with CaptureQueriesContext(connection) as queries:
                summary = case_planning_summary(actor=counsellor, case=each)
                for goal in summary["open_goals"]:
                    list(goal.steps.all())
            counts.append(len(queries))
        small, large = counts
        assert len(summary["open_goals"]) == 30
    assert small == large
    assert small <= 30


def test_every_planning_page_renders_within_budget(case, cclient, counsellor, add_goal, add_step, today,
                                                  django_assert_max_num_queries):
    goal = add_goal(case)
    step = add_step(goal)
    assessment = services.assessment_create(actor=counsellor, case=case, assessed_on=today,
                                            items={"language": {"rating": 2}})
    agreement = services.agreement_create(actor=counsellor, case=case, language="de")
    urls = [reverse("planning:plan_detail", args=[case.public_id]),
            reverse("planning:plan_versions", args=[case.public_id]),
            reverse("planning:plan_compare", args=[case.public_id]) + "?von=1&bis=2",
            reverse("planning:goal_create", args=[case.public_id]),
            reverse("planning:goal_edit", args=[goal.public_id]),
            reverse("planning:step_create", args=[goal.public_id]),
            reverse("planning:step_edit", args=[step.public_id]),
            reverse("planning:plan_review", args=[case.public_id]),
            reverse("planning:assessment_create", args=[case.public_id]),
            reverse("planning:assessment_list", args=[case.public_id]),
            reverse("planning:assessment_detail", args=[assessment.public_id]),
            reverse("planning:assessment_edit", args=[assessment.public_id]),
            reverse("planning:agreement_create", args=[case.public_id]),
            reverse("planning:agreement_sign", args=[agreement.public_id])]
    for url in urls:
        with django_assert_max_num_queries(30):
            assert cclient.get(url).status_code == 200, url


def test_goal_and_step_forms_create_versions(case, cclient, partner, today):
    url = reverse("planning:goal_create", args=[case.public_id])
    response = cclient.post(url, {"domain": "language", "category": "german", "client_words": "Deutsch B1",
                                  "target_on": (today + timedelta(days=60)).isoformat(), "priority": "1",
                                  "version": "0"})
    assert response.status_code == 302
    goal = Goal.objects.get()
    response = cclient.post(reverse("planning:step_create", args=[goal.public_id]), {
        "description": "Bildungsgutschein", "responsible": "partner", "responsible_partner": partner.public_id,
        "due_on": today.isoformat(), "version": "1"})
    assert response.status_code == 302
    assert Step.objects.get().responsible_partner == partner
    assert Plan.objects.get().version == 2


def test_bad_goal_input_shows_german_errors_and_saves_nothing(case, cclient, today):
    url = reverse("planning:goal_create", args=[case.public_id])
    response = cclient.post(url, {"domain": "language", "category": "german", "client_words": "Deutsch",
                                  "target_on": (today - timedelta(days=1)).isoformat(), "priority": "1",
                                  "version": "0"})
    assert response.status_code == 422
    assert not Plan.objects.exists()
    response = cclient.post(reverse("planning:plan_review", args=[case.public_id]), {"review_on": "31.02.2025",
                                                                                    "version": "abc"})
    assert response.status_code == 422 and not Plan.objects.exists()


def test_step_without_responsible_party_is_refused_in_the_form(case, cclient, add_goal, today):
    goal = add_goal(case)
    response = cclient.post(reverse("planning:step_create", args=[goal.public_id]), {
        "description": "Kurs suchen", "responsible": "partner", "due_on": today.isoformat(), "version": "1"})
    assert response.status_code == 422
    assert not Step.objects.exists()


def test_two_sessions_editing_the_same_goal(case, counsellor, org_a, add_goal, today):
    goal = add_goal(case)
    lead = org_a.user("team_lead")
    first, second = Client(), Client()
    login(first, counsellor)
    login(second, lead)
    url = reverse("planning:goal_edit", args=[goal.public_id])
    assert first.get(url).status_code == second.get(url).status_code == 200
    base = {"domain": "language", "category": "german", "client_words": goal.client_words,
            "target_on": goal.target_on.isoformat(), "priority": "1", "status": "open", "status_reason": "",
            "version": "1"}
    assert first.post(url, {**base, "priority": "2"}).status_code == 302
    response = second.post(url, {**base, "client_words": "Deutsch C1", "status": "in_progress"})
    assert response.status_code == 409
    text = response.content.decode()
    assert 'id="stale-warning"' in text
    assert "Deutsch C1" in text  # the editor's own entry is kept in the form
    goal.refresh_from_db()
    assert goal.priority == 2 and goal.client_words != "Deutsch C1" and goal.status == "open"
    assert Plan.objects.get(case=case).version == 2
    # The re-armed form carries the current version: a deliberate second submit is saved.
    assert 'name="version" value="2"' in text
    assert second.post(url, {**base, "priority": "2", "client_words": "Deutsch C1", "version": "2"}).status_code == 302


def test_two_sessions_adding_goals_see_what_changed(case, counsellor, org_a, today):
    lead = org_a.user("team_lead")
    first, second = Client(), Client()
    login(first, counsellor)
    login(second, lead)
    url = reverse("planning:goal_create", args=[case.public_id])
    data = {"domain": "work", "category": "labour_market", "target_on": (today + timedelta(days=9)).isoformat(),
            "priority": "1", "version": "0"}
    assert first.post(url, {**data, "client_words": "Arbeit finden"}).status_code == 302
    response = second.post(url, {**data, "client_words": "Ausbildung beginnen"})
    assert response.status_code == 409
    assert "Arbeit finden" in response.content.decode()
    assert list(Goal.objects.values_list("client_words", flat=True)) == ["Arbeit finden"]


def test_a_plan_form_sent_after_losing_access_is_refused(case, cclient, counsellor, add_goal):
    goal = add_goal(case)
    url = reverse("planning:goal_edit", args=[goal.public_id])
    assert cclient.get(url).status_code == 200
    Membership.objects.filter(user=counsellor).update(is_active=False)
    response = cclient.post(url, {"domain": "work", "category": "german", "client_words": "x",
                                  "target_on": goal.target_on.isoformat(), "priority": "1", "status": "open",
                                  "version": "1"})
    assert response.status_code == 404
    assert Goal.objects.get(pk=goal.pk).domain == "language"


def test_compare_page_lists_changes_as_text(case, cclient, counsellor, add_goal, add_step):
    goal = add_goal(case)
    add_step(goal)
    services.goal_update(actor=counsellor, goal=goal, version=2, status="discarded", status_reason="Umzug")
    response = cclient.get(reverse("planning:plan_compare", args=[case.public_id]) + "?von=1&bis=3")
    text = response.content.decode()
    assert response.status_code == 200 and "Umzug" in text and "Sprachkurs suchen" in text
    assert "<caption" in text
    bad = cclient.get(reverse("planning:plan_compare", args=[case.public_id]) + "?von=x&bis=99")
    assert bad.status_code == 200


def test_assessment_history_has_an_accessible_chart_and_a_table(case, cclient, counsellor, today,
                                                               django_assert_max_num_queries):
    for days, rating in ((60, 1), (30, 2), (0, 4)):
        services.assessment_create(actor=counsellor, case=case, assessed_on=today - timedelta(days=days),
                                   items={"language": {"rating": rating}, "work": {"rating": None, "needs": "x"}})
    with django_assert_max_num_queries(25):
        response = cclient.get(reverse("planning:assessment_list", args=[case.public_id]))
    text = response.content.decode()
    assert text.count('role="img"') == 10
    assert "<title id=\"chart-language-title\">" in text and "<desc id=\"chart-language-desc\">" in text
    chart = text.split('id="chart-heading"')[1].split('id="table-heading"')[0]
    assert "<table" in text and "<script" not in chart
    assert Assessment.objects.count() == 3
    one = cclient.get(reverse("planning:assessment_list", args=[case.public_id]) + "?bereich=language")
    assert one.content.decode().count('role="img"') == 1


def test_assessment_edit_conflict(case, counsellor, org_a, today):
    assessment = services.assessment_create(actor=counsellor, case=case, assessed_on=today,
                                            items={"language": {"rating": 2}})
    first, second = Client(), Client()
    login(first, counsellor)
    login(second, org_a.user("team_lead"))
    url = reverse("planning:assessment_edit", args=[assessment.public_id])
    data = {"assessed_on": today.isoformat(), "note": "", "language_rating": "3", "version": "1"}
    assert first.post(url, data).status_code == 302
    response = second.post(url, {**data, "language_rating": "5"})
    assert response.status_code == 409
    assert Assessment.objects.get().items.get(domain="language").rating == 3


def test_agreement_pages_and_signature(case, cclient, counsellor, add_goal, today):
    assert cclient.post(reverse("planning:agreement_create", args=[case.public_id]),
                        {"language": "ar"}).status_code == 422  # no goals yet: refused with a message
    add_goal(case)
    response = cclient.post(reverse("planning:agreement_create", args=[case.public_id]), {"language": "ar"})
    assert response.status_code == 302
    agreement = GoalAgreement.objects.get()
    assert agreement.language == "ar" and agreement.plan_version.number == plan_version(case)
    url = reverse("planning:agreement_sign", args=[agreement.public_id])
    response = cclient.post(url, {"signed_on": today.isoformat(), "signed_by_client": "Amal Haddad",
                                  "signed_by_counsellor": counsellor.public_id, "copy_handed_over": "on"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_on == today and agreement.signed_by_counsellor == counsellor
    pdf = cclient.get(reverse("planning:agreement_document", args=[agreement.public_id]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "_ar.pdf" in pdf["Content-Disposition"]
    assert cclient.get(reverse("planning:agreement_document", args=[agreement.public_id]) + "?sprache=xx"
                       ).status_code == 400


def test_foreign_team_cannot_see_the_plan(case, client, org_b, add_goal):
    goal = add_goal(case)
    login(client, org_b.user("counsellor"))
    assert client.get(reverse("planning:plan_detail", args=[case.public_id])).status_code == 404
    assert client.get(reverse("planning:goal_edit", args=[goal.public_id])).status_code == 404
