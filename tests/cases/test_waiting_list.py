import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lotse.cases.models import Case
from lotse.cases.services import case_admit, case_request
from lotse.people.services import PersonData, person_create
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_team(org_a):
    org_a.team.full_time_posts = 0.5
    org_a.team.cases_per_post = 4
    org_a.team.save()
    return org_a.team


def _person(org_a, name):
    return person_create(actor=org_a.user("counsellor"), team=org_a.team, data=PersonData(family_name=name))


def test_cases_open_until_capacity_then_queue_by_priority_and_date(org_a, full_team):
    counsellor = org_a.user("counsellor")
    opened = [case_request(actor=counsellor, person=_person(org_a, f"Offen{chr(65 + i)}"), offering=org_a.offering)
              for i in range(2)]
    assert [case.status for case in opened] == ["open", "open"]
    normal = case_request(actor=counsellor, person=_person(org_a, "Wartend"), offering=org_a.offering)
    urgent = case_request(actor=counsellor, person=_person(org_a, "Dringend"), offering=org_a.offering,
                          priority=Case.Priority.PRIORITY)
    assert normal.status == urgent.status == "waiting"
    with pytest.raises(ValidationError, match="Kapazität"):
        case_admit(actor=org_a.user("team_lead"), case=normal)
    Case.objects.filter(pk=opened[0].pk).update(status="closed")
    case_admit(actor=org_a.user("team_lead"), case=urgent)
    urgent.refresh_from_db()
    assert urgent.status == "open" and urgent.opened_on is not None


def test_no_second_active_case_in_the_same_programme(org_a):
    person = _person(org_a, "Haddad")
    case_request(actor=org_a.user("counsellor"), person=person, offering=org_a.offering)
    with pytest.raises(ValidationError):
        case_request(actor=org_a.user("counsellor"), person=person, offering=org_a.offering)


def test_programme_of_another_team_is_refused(org_a, org_b):
    with pytest.raises(ValidationError):
        case_request(actor=org_a.user("counsellor"), person=_person(org_a, "Haddad"), offering=org_b.offering)


def test_team_lead_sees_and_works_the_waiting_list(client, org_a, full_team, django_assert_max_num_queries):
    counsellor = org_a.user("counsellor")
    for i in range(3):
        case_request(actor=counsellor, person=_person(org_a, f"Person{chr(65 + i)}"), offering=org_a.offering)
    login(client, org_a.user("team_lead"))
    with django_assert_max_num_queries(20):
        page = client.get(reverse("cases:waiting_list", args=[full_team.public_id]))
    assert [case.person.family_name for case in page.context["queue"]] == ["PersonC"]
    assert page.context["capacity"] == 2 and page.context["may_admit"]
    login(client, counsellor)
    waiting = page.context["queue"][0]
    assert client.post(reverse("cases:case_admit", args=[waiting.public_id])).status_code == 403


def test_case_request_form(client, org_a):
    person = _person(org_a, "Haddad")
    login(client, org_a.user("counsellor"))
    url = reverse("cases:case_request", args=[person.public_id])
    bad = client.post(url, {"offering": "nonsense", "priority": "7"})
    assert bad.status_code == 422 and "kern-error" in bad.content.decode()
    ok = client.post(url, {"offering": str(org_a.offering.public_id), "priority": "0"})
    assert ok.status_code == 302 and Case.objects.get(person=person).status == "open"
