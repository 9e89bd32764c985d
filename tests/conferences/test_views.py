"""Case conference pages: the whole flow with plain forms, refusals shown to the user, constant queries,
concurrent edits, the case file section."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotse.cases.models import Task
from lotse.conferences import services
from lotse.conferences.models import Conference, ConferenceStatus, Decision, Participant
from lotse.consent.models import Disclosure
from lotse.planning.models import Step

pytestmark = pytest.mark.django_db


def _detail(conference):
    return reverse("conferences:conference_detail", args=[conference.public_id])


def _form_values(scheduled, **extra):
    values = {"title": "Gemeinsame Planung", "scheduled_at": scheduled.strftime("%Y-%m-%dT%H:%M"),
              "location": "Video", "categories": ["case", "work"], "agenda": "Sprachkurs\nArbeitssuche"}
    values.update(extra)
    return values


def test_the_whole_flow_from_planning_to_the_familys_summary(cclient, case, counsellor, consent, contact, partner,
                                                             make_release, goal, django_assert_max_num_queries):
    # Plan (two hours ago, so decisions can be recorded today).
    started = timezone.localtime() - timedelta(hours=2)
    url = reverse("conferences:conference_create", args=[case.public_id])
    with django_assert_max_num_queries(30):
        assert cclient.get(url).status_code == 200
    with django_assert_max_num_queries(40):
        response = cclient.post(url, _form_values(started, persons=[str(case.person.public_id)]))
    assert response.status_code == 302, response.content.decode()[:2000]
    conference = Conference.objects.get()
    assert response["Location"] == _detail(conference) and conference.categories == ["work", "case"]

    # Invite the job centre's contact person: refused without a release, the refusal is shown and recorded.
    add_url = reverse("conferences:participant_add", args=[conference.public_id]) + "?art=partner"
    with django_assert_max_num_queries(30):
        page = cclient.get(add_url)
    assert page.status_code == 200 and "Frau Berg" in page.content.decode()
    with django_assert_max_num_queries(40):
        response = cclient.post(add_url, {"partner": f"c:{contact.public_id}", "role": "Fallmanagerin"})
    assert response.status_code == 422 and "Jobcenter Lindenau" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Participant.objects.filter(kind="partner").exists()
    assert Disclosure.objects.filter(allowed=False, recipient=partner).count() == 1

    # With a release covering both categories the contact person is invited.
    make_release(case.person, partner, categories=["case", "work"])
    response = cclient.post(add_url, {"partner": f"c:{contact.public_id}", "role": "Fallmanagerin"})
    assert response.status_code == 302
    response = cclient.post(reverse("conferences:participant_add", args=[conference.public_id]) + "?art=familie",
                            {"person": str(case.person.public_id), "role": "Klientin"})
    assert response.status_code == 302
    assert conference.participants.count() == 3  # the counsellor who invited, Frau Berg, Amal

    # The conference page shows the invitation text with date, place and agenda.
    with django_assert_max_num_queries(30):
        html = cclient.get(_detail(conference)).content.decode()
    assert "Frau Berg" in html and "Arbeitssuche" in html and "invitation-text" in html
    assert started.strftime("%d.%m.%Y") in html

    # Minutes and attendance: the conference is held.
    berg, amal = conference.participants.get(partner_contact=contact), conference.participants.get(kind="family")
    minutes_url = reverse("conferences:conference_minutes", args=[conference.public_id])
    with django_assert_max_num_queries(30):
        assert cclient.get(minutes_url).status_code == 200
    response = cclient.post(minutes_url, {"held_on": timezone.localdate().isoformat(), "version": "1",
                                          "minutes": "Intern: Kita-Streit",
                                          "attended": [str(berg.public_id), str(amal.public_id)]})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD

    # Two decisions: one into the plan, one as a task.
    decision_url = reverse("conferences:decision_create", args=[conference.public_id])
    with django_assert_max_num_queries(30):
        page = cclient.get(decision_url).content.decode()
    assert "Frau Berg" in page and "Buchhaltung" in page
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    with django_assert_max_num_queries(60):
        response = cclient.post(decision_url, {"text": "Bildungsgutschein ausstellen",
                                               "responsible": str(berg.public_id), "due_on": due,
                                               "goal": str(goal.public_id)})
    assert response.status_code == 302
    response = cclient.post(decision_url, {"text": "Zeugnisse mitbringen", "responsible": str(amal.public_id),
                                           "due_on": due, "goal": ""})
    assert response.status_code == 302
    assert Step.objects.get(goal=goal, description="Bildungsgutschein ausstellen").responsible_partner == partner
    assert Task.objects.get(source="conference").title == "Zeugnisse mitbringen"

    # The family's summary, in German and Arabic.
    summary_url = reverse("conferences:conference_summary", args=[conference.public_id])
    with django_assert_max_num_queries(30):
        response = cclient.get(summary_url, {"sprache": "ar"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "conference_summary_" in response["Content-Disposition"] and "_ar.pdf" in response["Content-Disposition"]
    assert cclient.get(summary_url, {"sprache": "xx"}).status_code == 400


def test_the_case_file_shows_the_section(cclient, conference, case, django_assert_max_num_queries):
    with django_assert_max_num_queries(60):
        html = cclient.get(reverse("cases:case_detail", args=[case.public_id])).content.decode()
    assert reverse("conferences:conference_create", args=[case.public_id]) in html
    assert _detail(conference) in html and "Rückkehr in Arbeit" in html


def test_detail_and_list_cost_the_same_queries_for_few_and_many(cclient, begun, case, counsellor, add, today):
    urls = [_detail(begun), reverse("conferences:case_conference_list", args=[case.public_id])]

    def counts():
        result = []
        for url in urls:
            cclient.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert cclient.get(url).status_code == 200
            result.append(len(queries))
        return result

    small = counts()
    for number in range(8):
        other = add(begun, kind="other", name=f"Person {number}", role="Pate")
        services.decision_create(actor=counsellor, conference=begun, data=services.DecisionData(
            text=f"Beschluss {number}", responsible=begun.participants.get(kind="staff"),
            due_on=today + timedelta(days=number)))
        assert other.pk
    for _number in range(5):
        services.conference_create(actor=counsellor, case=case, data=services.ConferenceData(
            title="Weitere", scheduled_at=begun.scheduled_at))
    large = counts()
    assert small == large and max(large) <= 30


def test_refused_and_bad_values_show_messages_and_store_nothing(cclient, case, consent, partner):
    url = reverse("conferences:conference_create", args=[case.public_id])
    soon = timezone.localtime() + timedelta(days=3)
    for values in ({"title": ""}, {"categories": []}, {"categories": ["gossip"]}, {"scheduled_at": "31.02.2025"},
                   {"scheduled_at": (timezone.localtime() + timedelta(days=900)).strftime("%Y-%m-%dT%H:%M")}):
        response = cclient.post(url, _form_values(soon, **values))
        assert response.status_code == 422 and 'role="alert"' in response.content.decode(), values
    assert not Conference.objects.exists()


def test_planning_without_consent_is_refused_on_the_page(cclient, case):
    url = reverse("conferences:conference_create", args=[case.public_id])
    response = cclient.post(url, _form_values(timezone.localtime() + timedelta(days=3)))
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not Conference.objects.exists()


def test_unknown_participant_kind_falls_back_to_a_colleague(cclient, conference, lead):
    url = reverse("conferences:participant_add", args=[conference.public_id])
    page = cclient.get(url, {"art": "<script>"}).content.decode()
    assert 'name="user"' in page and lead.get_full_name() in page
    response = cclient.post(url + "?art=weitere", {"name": "Frau Vormund", "role": ""})
    assert response.status_code == 422
    response = cclient.post(url + "?art=kollegin", {"user": str(lead.public_id), "role": "Teamleitung"})
    assert response.status_code == 302 and conference.participants.filter(user=lead).exists()
    response = cclient.post(url + "?art=partner", {"partner": "c:not-a-uuid"})
    assert response.status_code == 422


def test_remove_participant_and_cancel(cclient, conference, add):
    other = add(conference, kind="other", name="Frau Vormund", role="Vormund")
    url = reverse("conferences:participant_remove", args=[conference.public_id, other.public_id])
    assert cclient.post(url).status_code == 302
    assert not Participant.objects.filter(pk=other.pk).exists()
    assert cclient.post(url).status_code == 302  # already removed: no error
    cancel = reverse("conferences:conference_cancel", args=[conference.public_id])
    assert cclient.post(cancel, {"version": "x"}).status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.PLANNED
    assert cclient.post(cancel, {"version": "1", "cancel_reason": "Krankheit"}).status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.CANCELLED
    html = cclient.get(_detail(conference)).content.decode()
    assert "Krankheit" in html and 'id="invitation-text"' not in html
    assert cclient.get(reverse("conferences:conference_summary", args=[conference.public_id])).status_code == 400


def test_concurrent_edit_shows_the_conflict(cclient, conference, counsellor, data):
    url = reverse("conferences:conference_edit", args=[conference.public_id])
    assert cclient.get(url).status_code == 200
    services.conference_update(actor=counsellor, conference=conference, version=1, data=data(title="Von Kollegin"))
    scheduled = timezone.localtime(conference.scheduled_at)
    response = cclient.post(url, {**_form_values(scheduled, title="Meine Änderung", categories=["case"]),
                                  "persons": [str(conference.case.person.public_id)], "version": "1"})
    assert response.status_code == 409 and "stale-warning" in response.content.decode()
    conference.refresh_from_db()
    assert conference.title == "Von Kollegin"


def test_decision_page_refuses_a_conference_that_has_not_begun(cclient, conference, today):
    url = reverse("conferences:decision_create", args=[conference.public_id])
    staff = conference.participants.get()
    response = cclient.post(url, {"text": "Antrag", "responsible": str(staff.public_id),
                                  "due_on": (today + timedelta(days=3)).isoformat()})
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not Decision.objects.exists()


def test_foreign_users_get_404(client, conference, org_b):
    from tests.factories import login

    login(client, org_b.user("counsellor"))
    for name in ("conferences:conference_detail", "conferences:conference_minutes",
                 "conferences:conference_summary"):
        assert client.get(reverse(name, args=[conference.public_id])).status_code == 404
