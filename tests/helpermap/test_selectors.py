"""The helper map merges manual entries with what referrals, conferences and pools contribute."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotse.cases.casework import HelperMapEntry
from lotse.cases.models import CaseMember
from lotse.helpermap import selectors, services

pytestmark = pytest.mark.django_db

CONTRIBUTED: list = []


def fake_source(*, actor, case):
    """Stands in for the other areas' ``helper_map_entries``."""
    return list(CONTRIBUTED)


def one_query_source(*, actor, case):
    from lotse.network.models import Partner

    Partner.objects.filter(organisation_id=case.person.organisation_id).count()
    return list(CONTRIBUTED)


@pytest.fixture
def sources(monkeypatch):
    CONTRIBUTED.clear()
    monkeypatch.setattr(selectors, "HELPER_MAP_SOURCES", ("tests.helpermap.test_selectors.fake_source",))
    yield CONTRIBUTED
    CONTRIBUTED.clear()


def test_the_same_partner_becomes_one_node_with_all_roles(sources, add_helper, jobcentre, doctor, case,
                                                          counsellor, today):
    add_helper(partner=jobcentre, role="Arbeitsvermittlung", since=today - timedelta(days=20),
               last_contact_on=today - timedelta(days=15))
    sources += [
        HelperMapEntry(name="Jobcenter Lindenau", role="Vermittlung: Berufssprachkurs", source="Vermittlung",
                       since=today - timedelta(days=40), last_contact=today - timedelta(days=3),
                       partner_id=jobcentre.pk, url="/vermittlungen/1/"),
        HelperMapEntry(name="Jobcenter Lindenau", role="Teilnehmer", source="Fallkonferenz",
                       since=today - timedelta(days=10), last_contact=today - timedelta(days=10),
                       partner_id=jobcentre.pk),
        HelperMapEntry(name="Praxis Dr. Yilmaz", role="Hausarzt", source="Fallkonferenz",
                       partner_id=doctor.pk),
    ]
    nodes = selectors.helper_map(actor=counsellor, case=case)
    assert [node.name for node in nodes] == ["Jobcenter Lindenau", "Praxis Dr. Yilmaz"]
    job = nodes[0]
    assert job.roles == ["Vermittlung: Berufssprachkurs", "Teilnehmer", "Arbeitsvermittlung"]
    assert job.sources == ["Vermittlung", "Fallkonferenz", "manual entry"]
    assert (job.since, job.last_contact) == (today - timedelta(days=40), today - timedelta(days=3))
    assert job.kind == "authority" and nodes[1].kind == "health"
    assert job.url == "/vermittlungen/1/"


def test_entries_without_partner_merge_by_name_and_organisation(sources, add_helper, case, counsellor, today):
    add_helper(name="Frau  Müller", organisation="Patenschaften", role="Patin", kind="volunteers")
    sources += [
        HelperMapEntry(name="frau müller", organisation="PATENSCHAFTEN", role="Ehrenamt: Lesepatin",
                       source="Ehrenamt", since=today - timedelta(days=100)),
        HelperMapEntry(name="Frau Müller", organisation="Stadtbücherei", role="Bibliothekarin",
                       source="Ehrenamt"),
        HelperMapEntry(name="Herr Nasser", role="Sprachmittlung", source="Sprachmittlung"),
    ]
    nodes = selectors.helper_map(actor=counsellor, case=case)
    assert [(node.name, node.organisation, node.kind) for node in nodes] == [
        ("frau müller", "PATENSCHAFTEN", "volunteers"), ("Frau Müller", "Stadtbücherei", "other"),
        ("Herr Nasser", "", "other")]
    assert nodes[0].roles == ["Ehrenamt: Lesepatin", "Patin"]
    assert nodes[0].since == today - timedelta(days=100)


def test_a_contributed_kind_is_used_when_the_area_gives_one(sources, case, counsellor):
    entry = HelperMapEntry(name="Frau Ali", role="Ehrenamt: Begleitung", source="Ehrenamt")
    object.__setattr__(entry, "kind", "volunteers")  # areas may add a kind to HelperMapEntry later
    sources.append(entry)
    assert selectors.helper_map(actor=counsellor, case=case)[0].kind == "volunteers"


def test_ended_manual_entries_are_left_out_unless_asked_for(sources, add_helper, jobcentre, case, counsellor,
                                                            today):
    ended = add_helper(name="Frau Müller", role="Patin", since=today - timedelta(days=30))
    services.helper_entry_end(actor=counsellor, entry=ended, version=1, until=today - timedelta(days=2))
    partner_entry = add_helper(partner=jobcentre, since=today - timedelta(days=30))
    services.helper_entry_end(actor=counsellor, entry=partner_entry, version=1)
    sources.append(HelperMapEntry(name="Jobcenter Lindenau", role="Vermittlung", source="Vermittlung",
                                  partner_id=jobcentre.pk))
    current = selectors.helper_map(actor=counsellor, case=case)
    assert [(node.name, node.is_ended) for node in current] == [("Jobcenter Lindenau", False)]
    everyone = selectors.helper_map(actor=counsellor, case=case, include_ended=True)
    assert [(node.name, node.ended_on) for node in everyone] == [("Jobcenter Lindenau", None),
                                                                ("Frau Müller", today - timedelta(days=2))]


def test_nodes_are_grouped_by_kind(sources, add_helper, jobcentre, doctor, case, counsellor):
    add_helper(name="Zahra", role="Patin", kind="volunteers")
    add_helper(partner=doctor, role="Kinderarzt")
    add_helper(name="Anna", role="Lehrerin", kind="education")
    add_helper(partner=jobcentre)
    kinds = [node.kind for node in selectors.helper_map(actor=counsellor, case=case)]
    assert kinds == ["authority", "education", "health", "volunteers"]


def test_other_teams_see_no_entries(sources, add_helper, case, org_b):
    add_helper(name="Frau Müller", role="Patin")
    assert selectors.helper_map(actor=org_b.user("counsellor"), case=case) == []


def test_family_names_are_first_names_of_client_and_co_counselled_members(case, make_person, today):
    karim = make_person(given_names="Karim Ahmad")
    nour = make_person(given_names="", family_name="Nour")
    CaseMember.objects.create(case=case, person=karim, since=today)
    CaseMember.objects.create(case=case, person=nour, since=today)
    CaseMember.objects.create(case=case, person=make_person(given_names="Ehemals"), since=date(2020, 1, 1),
                              until=date(2021, 1, 1))
    assert selectors.family_names(case=case) == ["Amal", "Karim", "Nour"]


def test_case_summary_costs_the_same_number_of_queries_however_many_helpers(monkeypatch, add_helper,
                                                                             jobcentre, doctor, case,
                                                                             counsellor):
    CONTRIBUTED.clear()
    monkeypatch.setattr(selectors, "HELPER_MAP_SOURCES", ("tests.helpermap.test_selectors.one_query_source",))
    add_helper(partner=jobcentre)
    with CaptureQueriesContext(connection) as queries:
        selectors.case_helper_summary(actor=counsellor, case=case)
    few = len(queries)
    for number in range(12):
        add_helper(name=f"Helfer {number}", role="Ehrenamt")
    add_helper(partner=doctor)
    CONTRIBUTED.extend(HelperMapEntry(name=f"Vermittelt {n}", role="x", source="y", partner_id=jobcentre.pk)
                       for n in range(5))
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.case_helper_summary(actor=counsellor, case=case)
    assert len(queries) == few <= 4
    assert summary["count"] == 14 and summary["more"] == 6
    assert len(summary["nodes"]) == selectors.SUMMARY_NODES
    CONTRIBUTED.clear()


def test_the_real_sources_are_called(add_helper, case, counsellor):
    """Without monkeypatching, the areas' functions are imported and called (whatever they contribute)."""
    add_helper(name="Frau Müller", role="Patin")
    assert "Frau Müller" in [node.name for node in selectors.helper_map(actor=counsellor, case=case)]
