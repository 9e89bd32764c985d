"""Life situation (Lebenslage): the chain of records, validation, access, audit, page, API and Art. 15 export."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from lotse.accounts.services import api_token_create
from lotse.audit.models import AuditEvent
from lotse.people import selectors
from lotse.people.models import LifeSituation
from lotse.people.services import LifeSituationData, life_situation_record
from lotse.privacy.services import person_restrict
from tests.factories import german, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_person):
    return make_person("Haddad", "Amal", birth_date=date(1990, 3, 15), birth_date_precision="exact")


def _record(actor, person, on, **areas):
    return life_situation_record(actor=actor, person=person, data=LifeSituationData(recorded_on=on, **areas))


def _chain(person):
    return list(LifeSituation.objects.filter(person=person).order_by("recorded_on").values_list(
        "recorded_on", "superseded_on", "accommodation"))


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _api(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user, name='t', valid_days=1)[1]}"}


# ---- service -----------------------------------------------------------------------------------------------

def test_a_new_record_supersedes_the_previous_one(counsellor, person, today):
    first = _record(counsellor, person, today - timedelta(days=100), accommodation="shared", livelihood="asylblg")
    assert first.superseded_on is None and first.recorded_by == counsellor
    second = _record(counsellor, person, today - timedelta(days=10), accommodation="own_flat")
    assert second.superseded_on is None
    assert _chain(person) == [(today - timedelta(days=100), today - timedelta(days=10), "shared"),
                              (today - timedelta(days=10), None, "own_flat")]


def test_a_record_inserted_between_keeps_the_chain_consistent(counsellor, person):
    _record(counsellor, person, date(2024, 1, 10), accommodation="reception_centre")
    _record(counsellor, person, date(2026, 3, 1), accommodation="own_flat")
    middle = _record(counsellor, person, date(2025, 6, 15), accommodation="follow_up")
    assert middle.superseded_on == date(2026, 3, 1)
    assert _chain(person) == [(date(2024, 1, 10), date(2025, 6, 15), "reception_centre"),
                              (date(2025, 6, 15), date(2026, 3, 1), "follow_up"),
                              (date(2026, 3, 1), None, "own_flat")]
    # an even earlier record is superseded by the first one
    _record(counsellor, person, date(2023, 5, 5), accommodation="shared")
    assert _chain(person)[0] == (date(2023, 5, 5), date(2024, 1, 10), "shared")
    assert [row[1] for row in _chain(person)] == [date(2024, 1, 10), date(2025, 6, 15), date(2026, 3, 1), None]


def test_a_second_record_on_the_same_day_replaces_the_first(counsellor, person, today):
    _record(counsellor, person, today - timedelta(days=30), accommodation="shared")
    first = _record(counsellor, person, today, accommodation="shared", livelihood="asylblg")
    again = _record(counsellor, person, today, accommodation="own_flat", livelihood="")
    assert again.pk == first.pk
    assert LifeSituation.objects.filter(person=person).count() == 2
    again.refresh_from_db()
    assert (again.accommodation, again.livelihood, again.superseded_on) == ("own_flat", "", None)
    event = AuditEvent.objects.filter(action="person.life_situation_recorded").order_by("-id").first()
    assert event.details == {"recorded_on": today.isoformat(), "replaced": True,
                             "fields": ["accommodation", "livelihood"]}


def test_every_record_is_audited_on_the_person_and_an_unchanged_repeat_is_not(counsellor, person, today):
    before = AuditEvent.objects.filter(action="person.life_situation_recorded").count()
    _record(counsellor, person, today, education="none")
    _record(counsellor, person, today, education="none")
    events = AuditEvent.objects.filter(action="person.life_situation_recorded")
    assert events.count() == before + 1
    event = events.order_by("-id").first()
    assert (event.object_type, event.object_id) == ("people.person", str(person.public_id))
    assert event.actor_id == counsellor.pk and event.details["replaced"] is False


@pytest.mark.parametrize("on, field", [
    (lambda today: today + timedelta(days=1), "recorded_on"),
    (lambda today: date(1990, 3, 14), "recorded_on"),
    (lambda today: None, "recorded_on"),
])
def test_dates_in_the_future_or_before_birth_are_refused(counsellor, person, today, on, field):
    with pytest.raises(ValidationError) as refused:
        _record(counsellor, person, on(today), accommodation="shared")
    assert field in refused.value.message_dict
    assert not LifeSituation.objects.filter(person=person).exists()


def test_the_day_of_birth_itself_is_accepted(counsellor, person):
    assert _record(counsellor, person, date(1990, 3, 15), education="not_yet").recorded_on == date(1990, 3, 15)


@pytest.mark.parametrize("areas, field", [
    ({"accommodation": "palace"}, "accommodation"),
    ({"livelihood": 7}, "livelihood"),
    ({"education": "<script>"}, "education"),
])
def test_values_outside_the_lists_are_refused(counsellor, person, today, areas, field):
    with pytest.raises(ValidationError) as refused:
        _record(counsellor, person, today, **areas)
    assert field in refused.value.message_dict


def test_an_empty_record_is_refused(counsellor, person, today):
    with pytest.raises(ValidationError):
        _record(counsellor, person, today)
    with pytest.raises(ValidationError):
        life_situation_record(actor=counsellor, person=person, data={"recorded_on": today, "colour": "blue"})


def test_a_foreign_team_cannot_record(org_b, person, today):
    with pytest.raises(PermissionDenied):
        _record(org_b.user("counsellor"), person, today, accommodation="shared")
    with pytest.raises(PermissionDenied):
        _record(org_b.user("team_lead"), person, today, accommodation="shared")
    assert not LifeSituation.objects.exists()


def test_restricted_persons_are_not_changed(counsellor, person, today):
    person_restrict(actor=counsellor, person=person, reason="Widerspruch gegen die Verarbeitung")
    person.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _record(counsellor, person, today, accommodation="shared")
    assert refused.value.error_list[0].code == "restricted"


def test_selectors_current_history_and_valid_on(counsellor, person, org_b):
    _record(counsellor, person, date(2024, 1, 1), accommodation="shared")
    _record(counsellor, person, date(2025, 1, 1), accommodation="follow_up")
    history = list(selectors.life_situation_history(actor=counsellor, person=person))
    assert [r.recorded_on for r in history] == [date(2025, 1, 1), date(2024, 1, 1)]
    assert selectors.life_situation_current(actor=counsellor, person=person).accommodation == "follow_up"
    assert selectors.life_situation_current(actor=counsellor, person=person,
                                            on=date(2024, 12, 31)).accommodation == "shared"
    assert selectors.life_situation_current(actor=counsellor, person=person, on=date(2023, 12, 31)) is None
    assert selectors.life_situation_valid_on(history, date(2025, 1, 1)).accommodation == "follow_up"
    assert selectors.life_situation_valid_on(history, date(2024, 12, 31)).accommodation == "shared"
    assert list(selectors.life_situation_history(actor=org_b.user("counsellor"), person=person)) == []


# ---- pages -------------------------------------------------------------------------------------------------

def test_person_page_shows_current_situation_and_history(counsellor, person, today, django_assert_max_num_queries):
    _record(counsellor, person, date(2024, 1, 1), accommodation="shared", livelihood="asylblg")
    _record(counsellor, person, date(2025, 2, 1), accommodation="own_flat", livelihood="sgb2")
    client = _client(counsellor)
    url = reverse("people:person_detail", args=[person.public_id])
    client.get(url)
    with django_assert_max_num_queries(18):
        html = client.get(url).content.decode()
    current = html[html.index('id="life-situation-current"'):html.index('id="life-situation-history"')]
    assert german("Own flat") in current and german("Shared accommodation (Gemeinschaftsunterkunft)") not in current
    history = html[html.index('id="life-situation-history"'):]
    assert history.count('<th scope="row" class="kern-table__cell">') >= 2
    assert "01.02.2025" in history and "01.01.2024" in history
    assert reverse("people:life_situation_add", args=[person.public_id]) in html


@pytest.mark.parametrize("records", [1, 25])
def test_person_page_costs_the_same_queries_with_many_records(counsellor, person, records,
                                                              django_assert_num_queries):
    for i in range(records):
        LifeSituation.objects.create(person=person, recorded_on=date(2000, 1, 1) + timedelta(days=30 * i),
                                     accommodation="shared", recorded_by=counsellor)
    client = _client(counsellor)
    url = reverse("people:person_detail", args=[person.public_id])
    client.get(url)
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200


def test_form_is_prefilled_with_the_current_situation_and_saves(counsellor, person, today,
                                                                 django_assert_max_num_queries):
    _record(counsellor, person, date(2024, 1, 1), accommodation="shared", livelihood="asylblg")
    client = _client(counsellor)
    url = reverse("people:life_situation_add", args=[person.public_id])
    client.get(url)
    with django_assert_max_num_queries(15):
        html = client.get(url).content.decode()
    assert '<option value="shared" selected>' in html and '<option value="asylblg" selected>' in html
    assert f'value="{today.isoformat()}"' in html
    with django_assert_max_num_queries(30):
        response = client.post(url, {"recorded_on": today.isoformat(), "accommodation": "own_flat",
                                     "livelihood": "sgb2"})
    assert response.status_code == 302
    current = selectors.life_situation_current(actor=counsellor, person=person)
    assert (current.recorded_on, current.accommodation, current.livelihood) == (today, "own_flat", "sgb2")
    assert _chain(person)[0][1] == today


@pytest.mark.parametrize("values", [
    {"recorded_on": "2999-01-01", "accommodation": "shared"},
    {"recorded_on": "1990-03-14", "accommodation": "shared"},
    {"recorded_on": "31.02.2025", "accommodation": "shared"},
    {"recorded_on": "2025-01-01", "accommodation": "palace"},
    {"recorded_on": "2025-01-01"},
])
def test_bad_form_input_is_shown_not_saved(counsellor, person, values):
    response = _client(counsellor).post(reverse("people:life_situation_add", args=[person.public_id]), values)
    assert response.status_code == 422
    assert "kern-alert--danger" in response.content.decode()
    assert not LifeSituation.objects.filter(person=person).exists()


def test_foreign_and_aggregate_roles_get_no_form(org_a, org_b, person):
    url = reverse("people:life_situation_add", args=[person.public_id])
    for user in (org_b.user("counsellor"), org_a.user("coordinator"), org_a.user("org_admin"),
                 org_a.user("accommodation")):
        assert _client(user).get(url).status_code == 404
        assert _client(user).post(url, {"recorded_on": "2025-01-01", "accommodation": "shared"}).status_code == 404
    assert not LifeSituation.objects.exists()


# ---- API ---------------------------------------------------------------------------------------------------

def test_api_records_lists_and_replaces(counsellor, person, today, django_assert_max_num_queries):
    client, headers = Client(), _api(counsellor)
    url = reverse("api:life_situation_list", args=[person.public_id])
    with django_assert_max_num_queries(30):
        created = client.post(url, {"recorded_on": "2025-01-01", "accommodation": "shared",
                                    "livelihood": "asylblg"}, content_type="application/json", headers=headers)
    assert created.status_code == 201
    assert created.json()["superseded_on"] is None and created.json()["current"] is True
    newer = client.post(url, {"accommodation": "own_flat"}, content_type="application/json", headers=headers)
    assert newer.status_code == 201 and newer.json()["recorded_on"] == today.isoformat()
    replaced = client.post(url, {"accommodation": "follow_up"}, content_type="application/json", headers=headers)
    assert replaced.status_code == 200 and replaced.json()["id"] == newer.json()["id"]
    with django_assert_max_num_queries(12):
        listed = client.get(url, headers=headers).json()
    assert [(r["recorded_on"], r["superseded_on"], r["accommodation"], r["current"]) for r in listed] == [
        (today.isoformat(), None, "follow_up", True), ("2025-01-01", today.isoformat(), "shared", False)]
    assert listed[1]["labels"]["livelihood"]


@pytest.mark.parametrize("body", [
    {"recorded_on": "2999-01-01", "accommodation": "shared"},
    {"recorded_on": "1990-03-14", "accommodation": "shared"},
    {"accommodation": "palace"},
    {},
])
def test_api_refuses_bad_values_with_400(counsellor, person, body):
    response = Client().post(reverse("api:life_situation_list", args=[person.public_id]), body,
                             content_type="application/json", headers=_api(counsellor))
    assert response.status_code == 400 and response.json()["message"]
    assert not LifeSituation.objects.exists()


def test_api_of_a_foreign_person_is_404(org_b, person):
    headers = _api(org_b.user("counsellor"))
    url = reverse("api:life_situation_list", args=[person.public_id])
    assert Client().get(url, headers=headers).status_code == 404
    assert Client().post(url, {"accommodation": "shared"}, content_type="application/json",
                         headers=headers).status_code == 404
    assert Client().post(url, {"recorded_on": "x" * 5000}, content_type="application/json",
                         headers=headers).status_code in (404, 422)


# ---- Art. 15 export ---------------------------------------------------------------------------------------

def test_life_situations_are_part_of_the_art_15_export(counsellor, person):
    from lotse.privacy.services import person_export

    _record(counsellor, person, date(2024, 1, 1), accommodation="shared", livelihood="asylblg")
    data = json.loads(person_export(actor=counsellor, person=person, formats=("json",))["json"].content)
    rows = data["life_situations"]
    assert len(rows) == 1
    assert rows[0]["recorded_on"] == "2024-01-01" and rows[0]["accommodation"]["code"] == "shared"
    assert rows[0]["recorded_by"] == counsellor.username
