"""Reads: the review reminder on hand-checked dates, the network indicators on a fixture with hand-computed
values, who sees which organisation, and staff names hidden from coordinators."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotse.cases.selectors import worklist
from lotse.cooperation import selectors, services
from lotse.cooperation.models import NetworkEvent
from lotse.network.services import partner_create

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


# ---- the review reminder ---------------------------------------------------------------------------------

def _reminded(agreement_data, org_a, lead, **extra):
    data = agreement_data(starts_on=date(2025, 1, 1), **extra)
    return services.agreement_create(actor=lead, organisation=org_a.organisation, data=data)


def test_reminder_for_reviews_due_within_30_days_or_overdue(agreement_data, org_a, org_b, lead, admin):
    due_in_30 = _reminded(agreement_data, org_a, lead, title="In 30 Tagen", review_on=date(2026, 7, 15))
    _reminded(agreement_data, org_a, lead, title="In 31 Tagen", review_on=date(2026, 7, 16))
    overdue = _reminded(agreement_data, org_a, lead, title="Überfällig", review_on=date(2026, 6, 1),
                        status="under_review")
    _reminded(agreement_data, org_a, lead, title="Entwurf", review_on=date(2026, 6, 20), status="draft")
    _reminded(agreement_data, org_a, lead, title="Beendet", review_on=date(2026, 6, 20), status="ended",
              ended_on=date(2026, 1, 31))
    _reminded(agreement_data, org_a, lead, title="Andere Person", review_on=date(2026, 6, 20),
              responsible=admin)
    entries = selectors.user_worklist_entries(actor=lead, today=TODAY)
    assert [(entry.due_on, entry.kind, entry.case, entry.person) for entry in entries] == [
        (date(2026, 6, 1), "agreement_review", None, None),
        (date(2026, 7, 15), "agreement_review", None, None)]
    assert "Überfällig" in entries[0].label and entries[0].url.endswith(f"/{overdue.public_id}/")
    assert entries[1].url.endswith(f"/{due_in_30.public_id}/")
    assert [entry.due_on for entry in selectors.user_worklist_entries(actor=admin, today=TODAY)] == [
        date(2026, 6, 20)]
    assert selectors.user_worklist_entries(actor=org_b.user("team_lead"), today=TODAY) == []


def test_reminder_appears_in_the_worklist_sections(agreement_data, org_a, lead):
    _reminded(agreement_data, org_a, lead, title="Überfällig", review_on=date(2026, 6, 1))
    _reminded(agreement_data, org_a, lead, title="Bald", review_on=date(2026, 7, 1))
    _reminded(agreement_data, org_a, lead, title="Heute", review_on=TODAY)
    result = worklist(actor=lead, today=TODAY)
    assert [entry.label for entry in result["sections"]["overdue"] if entry.kind == "agreement_review"] == [
        "Review the cooperation agreement “Überfällig”"]
    assert len([e for e in result["sections"]["today"] if e.kind == "agreement_review"]) == 1
    assert len([e for e in result["sections"]["soon"] if e.kind == "agreement_review"]) == 1


def test_reminder_costs_one_query(agreement_data, org_a, lead):
    for day in range(5):
        _reminded(agreement_data, org_a, lead, title=f"V{day}", review_on=date(2026, 6, 1 + day))
    with CaptureQueriesContext(connection) as queries:
        assert len(selectors.user_worklist_entries(actor=lead, today=TODAY)) == 5
    assert len(queries) == 1


# ---- network indicators ----------------------------------------------------------------------------------

@pytest.fixture
def indicator_world(org_a, org_b, lead, jobcentre, school, agreement_data, event_data, today):
    """A past year Y with agreements, reviews and events whose figures are counted by hand in the test."""
    year = today.year - 1
    y = lambda month, day, offset=0: date(year + offset, month, day)  # noqa: E731
    debt = partner_create(actor=lead, organisation=org_a.organisation, name="Schuldnerberatung",
                          partner_type="debt_counselling")
    kita = partner_create(actor=lead, organisation=org_a.organisation, name="Kita Sonnenschein",
                          partner_type="kita")
    volunteers = partner_create(actor=lead, organisation=org_a.organisation, name="Ehrenamtsinitiative",
                                partner_type="volunteers")

    def agreement(**extra):
        return services.agreement_create(actor=lead, organisation=org_a.organisation,
                                         data=agreement_data(**extra))

    def review(agreement_, reviewed_on):
        agreement_.refresh_from_db()
        return services.agreement_review_done(actor=lead, agreement=agreement_, version=agreement_.version,
                                              reviewed_on=reviewed_on)

    # A1: in force, review due in Y and not done -> overdue.
    agreement(title="A1", partners=[jobcentre], starts_on=y(3, 1, -1))
    # A2: reviewed on time in Y-1 (not counted), then late in Y.
    a2 = agreement(title="A2", partners=[school], starts_on=y(1, 10, -2), review_on=y(1, 10, -1))
    review(a2, y(1, 5, -1))
    review(a2, y(2, 1))
    # A3: a draft: never counted.
    agreement(title="A3", partners=[kita], starts_on=y(2, 1), status="draft")
    # A4: ended during Y: in force on some days of Y.
    agreement(title="A4", partners=[debt], starts_on=y(1, 1, -3), status="ended", ended_on=y(2, 1))
    # A5: ended before Y.
    agreement(title="A5", partners=[kita], starts_on=y(1, 1, -3), status="ended", ended_on=y(6, 30, -1))
    # A6: starts after Y.
    agreement(title="A6", partners=[kita], starts_on=y(1, 5, 1))
    # A8: reviewed on time in Y.
    a8 = agreement(title="A8", partners=[jobcentre], starts_on=y(2, 1, -1))
    review(a8, y(1, 20))
    # Org B: its own agreement in force, not counted for A.
    b_lead = org_b.user("team_lead")
    b_partner = partner_create(actor=b_lead, organisation=org_b.organisation, name="Partner B",
                               partner_type="other")
    services.agreement_create(actor=b_lead, organisation=org_b.organisation, data=agreement_data(
        partners=[b_partner], responsible=b_lead, starts_on=y(1, 1, -1)))

    def event(organisation=org_a.organisation, actor=lead, **extra):
        return services.event_create(actor=actor, organisation=organisation, data=event_data(**extra))

    event(kind="network_meeting", date=y(3, 4), participants=12, partners=[jobcentre, school])
    event(kind="training", date=y(5, 6), participants=20, partners=[jobcentre])
    event(kind="training", date=y(12, 31), participants=5)
    event(kind="joint_action", date=y(9, 20), participants=30, partners=[volunteers])
    event(kind="network_meeting", date=y(12, 31, -1), participants=99, partners=[kita])
    event(kind="network_meeting", date=y(3, 4), participants=50, organisation=org_b.organisation,
          actor=b_lead)
    return year


def test_network_indicators_match_the_hand_count(indicator_world, org_a, lead, today):
    figures = selectors.network_indicators(actor=lead, organisation=org_a.organisation, year=indicator_world)
    assert figures["agreements_in_force"] == 4  # A1, A2, A4, A8
    assert (figures["reviews_on_time"], figures["reviews_late"], figures["reviews_overdue"]) == (1, 1, 1)
    by_kind = {row["kind"]: (row["count"], row["participants"]) for row in figures["events"]}
    assert by_kind == {"network_meeting": (1, 12), "training": (2, 25), "information_event": (0, 0),
                       "intercultural_week": (0, 0), "volunteers_day": (0, 0), "joint_action": (1, 30),
                       "other": (0, 0)}
    assert (figures["events_total"], figures["participants_total"]) == (4, 67)
    assert figures["joint_actions_and_trainings"] == 3
    assert figures["partners_in_agreements"] == 3 and figures["partners_in_events"] == 3
    assert figures["partners_involved"] == 4


def test_indicators_of_the_previous_year_count_the_review_done_then(indicator_world, org_a, lead):
    figures = selectors.network_indicators(actor=lead, organisation=org_a.organisation,
                                           year=indicator_world - 1)
    assert (figures["reviews_on_time"], figures["reviews_late"]) == (1, 0)
    assert figures["events_total"] == 1 and figures["partners_in_events"] == 1


def test_indicators_are_the_same_for_the_coordinator_and_empty_for_strangers(indicator_world, org_a, org_b,
                                                                             lead):
    mine = selectors.network_indicators(actor=lead, organisation=org_a.organisation, year=indicator_world)
    coordinator = selectors.network_indicators(actor=org_a.user("coordinator"),
                                               organisation=org_a.organisation, year=indicator_world)
    assert coordinator == mine
    stranger = selectors.network_indicators(actor=org_b.user("org_admin"), organisation=org_a.organisation,
                                            year=indicator_world)
    assert stranger["agreements_in_force"] == 0 and stranger["events_total"] == 0
    assert stranger["partners_involved"] == 0


def test_indicators_cost_a_constant_number_of_queries(indicator_world, org_a, lead, make_agreement):
    with CaptureQueriesContext(connection) as queries:
        selectors.network_indicators(actor=lead, organisation=org_a.organisation, year=indicator_world)
    few = len(queries)
    for number in range(3):
        make_agreement(title=f"Mehr {number}", starts_on=date(indicator_world, 1, 1))
    for number in range(10):
        NetworkEvent.objects.create(organisation=org_a.organisation, kind="training", title=f"T{number}",
                                    date=date(indicator_world, 4, 1), participants=1)
    with CaptureQueriesContext(connection) as queries:
        figures = selectors.network_indicators(actor=lead, organisation=org_a.organisation,
                                               year=indicator_world)
    assert len(queries) == few <= 6
    assert figures["events_total"] == 14 and figures["agreements_in_force"] == 7


# ---- organisations and names -----------------------------------------------------------------------------

def test_organisations_follow_the_policy_rules(org_a, org_b, sysadmin):
    a = org_a.organisation
    assert list(selectors.agreement_organisations(actor=org_a.user("team_lead"))) == [a]
    assert list(selectors.agreement_organisations(actor=org_a.user("org_admin"))) == [a]
    assert list(selectors.agreement_organisations(actor=org_a.user("counsellor"))) == []
    assert list(selectors.event_organisations(actor=org_a.user("counsellor"))) == [a]
    assert list(selectors.event_organisations(actor=org_a.user("coordinator"))) == []
    assert list(selectors.network_organisations(actor=org_a.user("coordinator"))) == [a]
    assert set(selectors.network_organisations(actor=sysadmin)) == {a, org_b.organisation}
    org_b.organisation.is_active = False
    org_b.organisation.save()
    assert set(selectors.agreement_organisations(actor=sysadmin)) == {a}


def test_coordinators_do_not_see_staff_names_in_the_history(make_agreement, agreement_data, lead, org_a):
    agreement = make_agreement(status="draft")
    services.agreement_update(actor=lead, agreement=agreement, version=1,
                              data=agreement_data(status="draft", responsible=org_a.user("org_admin")))
    rows = selectors.agreement_revisions(actor=org_a.user("coordinator"), agreement=agreement)
    assert [revision.author for revision in rows] == ["", ""]
    change = [row for row in rows[0].rows if row.field == "responsible"][0]
    assert change.old == change.new == "(name hidden)"
    shown = selectors.agreement_revisions(actor=org_a.user("counsellor"), agreement=agreement)
    assert shown[0].author == str(lead)
    change = [row for row in shown[0].rows if row.field == "responsible"][0]
    assert (change.old, change.new) == (str(lead), str(org_a.user("org_admin")))


def test_list_filter_and_review_state(make_agreement, lead, today):
    make_agreement(title="Bald", review_on=today + timedelta(days=10))
    make_agreement(title="Später", review_on=today + timedelta(days=200))
    make_agreement(title="Entwurf", status="draft", review_on=today + timedelta(days=5))
    listed = selectors.agreement_list(actor=lead, today=today)
    assert [(a.title, a.review_state) for a in listed["agreements"]] == [
        ("Entwurf", ""), ("Bald", "due"), ("Später", "")]
    due = selectors.agreement_list(actor=lead, status="due", today=today)["agreements"]
    drafts = selectors.agreement_list(actor=lead, status="draft", today=today)["agreements"]
    assert [a.title for a in due] == ["Bald"] and [a.title for a in drafts] == ["Entwurf"]
    assert "document" in listed["agreements"][0].get_deferred_fields()


def test_years_to_choose_from(make_event, counsellor, today):
    assert selectors.event_years(actor=counsellor, today=today) == [today.year + 1, today.year]
    make_event(date=today.replace(year=today.year - 3, month=1, day=15))
    make_event(date=today.replace(year=today.year + 3, month=1, day=15))
    years = selectors.event_years(actor=counsellor, today=today)
    assert years == list(range(today.year + 3, today.year - 4, -1))
