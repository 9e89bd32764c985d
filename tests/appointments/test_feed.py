"""The personal iCal feed: token-protected, no personal data unless initials were chosen, office hours weekly."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from lotse.appointments import services
from lotse.appointments.models import CalendarFeed
from lotse.audit.models import AuditEvent
from lotse.organisations.models import Membership

pytestmark = pytest.mark.django_db


def de(msgid: str) -> str:
    """The German text of a msgid (the feed is in the user's language, German by default)."""
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def planned(case, counsellor, org_a, soon):
    visit = services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                        starts_at=soon, kind="home_visit", location="Lindenstraße 7, 2. OG",
                                        note="Amal Haddad wegen Kita")
    office = services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                         starts_at=soon + timedelta(days=1), location="Caritas-Haus", room="1.04",
                                         interpreter_needed=True, interpreter_language="ara")
    internal = services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team,
                                           starts_at=soon + timedelta(days=2), note="Teamsitzung")
    hour = services.office_hour_create(actor=counsellor, team=org_a.team, user=counsellor, weekday=1,
                                       starts_at=time(9), ends_at=time(12), location="Caritas-Haus", room="1.04",
                                       valid_from=timezone.localdate() - timedelta(days=10),
                                       valid_until=timezone.localdate() + timedelta(days=100))
    return visit, office, internal, hour


def _fetch(token, client=None):
    return (client or Client()).get(reverse("appointments:calendar_feed", args=[token]))


def test_feed_holds_no_personal_data_by_default(planned, counsellor, case, django_assert_max_num_queries):
    visit, office, internal, hour = planned
    _feed, token = services.calendar_feed_create(actor=counsellor)
    with django_assert_max_num_queries(12):
        response = _fetch(token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar") and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    person = case.person
    for secret in (person.family_name, person.given_names, person.file_number, "Lindenstraße", "Kita", "Teamsitzung",
                   "A. H."):
        assert secret not in body
    calendar = Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"{visit.public_id}@lotse.invalid", f"{office.public_id}@lotse.invalid",
                           f"{internal.public_id}@lotse.invalid", f"office-hour-{hour.public_id}@lotse.invalid"}
    visit_event = events[f"{visit.public_id}@lotse.invalid"]
    assert str(visit_event["summary"]) == de("Home visit") == str(visit_event["location"])
    office_event = events[f"{office.public_id}@lotse.invalid"]
    assert str(office_event["summary"]) == de("Counselling appointment")
    assert str(office_event["location"]) == "Caritas-Haus, 1.04"
    assert office_event.decoded("dtstart") == office.starts_at
    hour_event = events[f"office-hour-{hour.public_id}@lotse.invalid"]
    rule = hour_event["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["TU"] and "UNTIL" in rule
    assert hour_event.decoded("dtstart").weekday() == 1 and hour_event.decoded("dtstart").hour == 9
    assert str(hour_event["summary"]) == de("Office hour")
    event = AuditEvent.objects.filter(action="calendar_feed.fetched").get()
    assert event.category == "security" and person.family_name not in str(event.details)
    assert CalendarFeed.objects.get(user=counsellor).last_used_at is not None


def test_initials_only_when_opted_in(planned, counsellor, case):
    _feed, token = services.calendar_feed_create(actor=counsellor, include_initials=True)
    body = _fetch(token).content.decode()
    assert f"{de('Home visit')} (A. H.)" in body and f"{de('Counselling appointment')} (A. H.)" in body
    assert case.person.family_name not in body and case.person.file_number not in body
    services.calendar_feed_set_initials(actor=counsellor, include_initials=False)
    assert "A. H." not in _fetch(token).content.decode()


def test_unknown_regenerated_and_deleted_tokens_answer_404(planned, counsellor):
    _feed, token = services.calendar_feed_create(actor=counsellor)
    for bad in ("kal_abc_def", "nonsense", token[:-1] + ("A" if token[-1] != "A" else "B")):
        assert _fetch(bad).status_code == 404
    _feed, new_token = services.calendar_feed_create(actor=counsellor)
    assert _fetch(token).status_code == 404 and _fetch(new_token).status_code == 200
    services.calendar_feed_delete(actor=counsellor)
    assert _fetch(new_token).status_code == 404


def test_lost_access_empties_the_feed(planned, counsellor, org_a):
    _feed, token = services.calendar_feed_create(actor=counsellor)
    Membership.objects.filter(user=counsellor).update(is_active=False)
    calendar = Calendar.from_ical(_fetch(token).content)
    assert calendar.walk("VEVENT") == []
    counsellor.is_active = False
    counsellor.save()
    assert _fetch(token).status_code == 404


def test_settings_page_shows_the_token_once(cclient, counsellor, django_assert_max_num_queries):
    url = reverse("appointments:calendar_settings")
    with django_assert_max_num_queries(15):
        assert cclient.get(url).status_code == 200
    response = cclient.post(url, {"aktion": "erstellen", "include_initials": "on"})
    assert response.status_code == 200
    feed = CalendarFeed.objects.get(user=counsellor)
    assert feed.include_initials
    html = response.content.decode()
    assert f"/kalender/kal_{feed.token_prefix}_" in html
    again = cclient.get(url).content.decode()
    assert f"kal_{feed.token_prefix}_" not in again
    cclient.post(url, {"aktion": "speichern"})
    feed.refresh_from_db()
    assert not feed.include_initials
    assert cclient.post(url, {"aktion": "unbekannt"}).status_code == 302
    cclient.post(url, {"aktion": "loeschen"})
    assert not CalendarFeed.objects.exists()
