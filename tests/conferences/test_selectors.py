"""Reads for the case file: section summary (constant queries), timeline, helper map, invitation text."""

import pytest
from django.utils import timezone

from lotse.cases.casework import HelperMapEntry
from lotse.conferences import selectors, services

pytestmark = pytest.mark.django_db


def test_case_summary_costs_one_query_however_many_conferences(conference, case, counsellor, lead,
                                                                django_assert_num_queries, data):
    assert selectors.case_conference_summary(actor=lead, case=case) == {"count": 1, "recent": [conference]}
    conference.delete()
    with django_assert_num_queries(1):
        assert selectors.case_conference_summary(actor=counsellor, case=case) == {"count": 0, "recent": []}
    for _number in range(9):
        services.conference_create(actor=counsellor, case=case, data=data())
    with django_assert_num_queries(1):
        summary = selectors.case_conference_summary(actor=counsellor, case=case)
    assert summary["count"] == 9 and len(summary["recent"]) == selectors.RECENT


def test_other_teams_see_nothing(conference, case, org_b, org_a):
    assert selectors.case_conference_summary(actor=org_b.user("counsellor"), case=case)["count"] == 0
    assert selectors.timeline_items(actor=org_a.user("accommodation"), case=case) == []
    assert selectors.helper_map_entries(actor=org_b.user("counsellor"), case=case) == []


def test_timeline_items(conference, case, counsellor):
    [item] = selectors.timeline_items(actor=counsellor, case=case)
    assert item.kind == "conference" and conference.title in item.label
    assert item.url.endswith(f"/fallkonferenzen/{conference.public_id}/")


def test_helper_map_lists_partners_contacts_and_colleagues_once(begun, conference, add, counsellor, partner, contact,
                                                                release, today, case, django_assert_num_queries):
    add(begun, kind="partner", partner_contact=contact, role="Fallmanagerin")
    add(begun, kind="partner", partner=partner)
    add(begun, kind="family", person=case.person)
    add(conference, kind="partner", partner_contact=contact, role="Fallmanagerin Ü25")
    services.conference_record_minutes(actor=counsellor, conference=begun, version=1, held_on=today, minutes="",
                                       attended=list(begun.participants.all()))
    with django_assert_num_queries(1):
        entries = selectors.helper_map_entries(actor=counsellor, case=case)
    assert all(isinstance(entry, HelperMapEntry) for entry in entries)
    by_name = {entry.name: entry for entry in entries}
    assert set(by_name) == {"Frau Berg", "Jobcenter Lindenau", counsellor.get_full_name()}
    berg = by_name["Frau Berg"]
    assert berg.organisation == "Jobcenter Lindenau" and berg.partner_id == partner.pk
    assert berg.role == "Fallmanagerin Ü25" and berg.last_contact == today and berg.source == "conference"
    assert berg.since == timezone.localtime(begun.scheduled_at).date()
    assert by_name[counsellor.get_full_name()].organisation == case.team.name


def test_cancelled_conferences_are_not_in_the_helper_map(conference, counsellor, case):
    services.conference_cancel(actor=counsellor, conference=conference, version=1)
    assert selectors.helper_map_entries(actor=counsellor, case=case) == []


def test_invitation_text_names_date_place_agenda_and_participants(conference, counsellor, add, case):
    add(conference, kind="family", person=case.person, role="Klientin")
    detail = selectors.conference_detail(actor=counsellor, conference=selectors.conference_get(
        actor=counsellor, public_id=conference.public_id))
    text = detail["invitation"]
    scheduled = timezone.localtime(conference.scheduled_at)
    assert scheduled.strftime("%d.%m.%Y") in text and "Caritas-Haus, Raum 1.04" in text
    assert "1. Sprachkurs B1" in text and "3. Arbeitssuche" in text
    assert "Amal Haddad (Klientin)" in text and counsellor.get_full_name() in text


def test_the_agenda_items_ignore_bullets_and_blank_lines(conference):
    conference.agenda = "- Sprachkurs\n\n• Kita\n  * Arbeit  \n"
    assert conference.agenda_items() == ["Sprachkurs", "Kita", "Arbeit"]
