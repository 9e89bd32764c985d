"""Each criterion against hand-picked persons, boundaries included (exactly five years, a child exactly aged A)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from lotse.cases.models import Case, CaseMember
from lotse.cohorts.criteria import (
    FAMILIES, PRESETS, cohort_queryset, criteria_clean, criteria_summary, household_queryset,
)
from lotse.organisations.models import ProgrammeOffering
from lotse.people.models import Person
from tests.cohorts.conftest import years_ago

pytestmark = pytest.mark.django_db


def _names(criteria, *, unit="persons", on=None, base=None):
    base = base if base is not None else Person.objects.all()
    return sorted(p.given_names for p in cohort_queryset(criteria, base, unit=unit, on=on))


def test_no_criteria_means_everyone_who_can_count(world, counsellor):
    world.person(given="Alive")
    world.person(given="Deceased", is_deceased=True)
    survivor = world.person(given="Survivor")
    world.person(given="Merged", merged_into=survivor)
    world.person(given="Restricted", restricted_at="2026-01-01T00:00:00Z")
    assert _names({}) == ["Alive", "Survivor"]


def test_current_residence_status_is_the_one_valid_today(world, today):
    valid = world.person(given="Valid")
    world.status(valid, "duldung", date(2020, 1, 1), today + timedelta(days=30))
    last_day = world.person(given="LastDay")
    world.status(last_day, "duldung", date(2020, 1, 1), today)
    expired = world.person(given="Expired")
    world.status(expired, "duldung", date(2020, 1, 1), today - timedelta(days=1))
    secured = world.person(given="Secured")
    world.status(secured, "duldung", date(2015, 1, 1))
    world.status(secured, "aufenthaltserlaubnis", date(2024, 1, 1))
    starts_tomorrow = world.person(given="Tomorrow")
    world.status(starts_tomorrow, "duldung", today + timedelta(days=1))
    training = world.person(given="Training")
    world.status(training, "ausbildungsduldung", date(2025, 1, 1))
    assert _names({"status_types": ["duldung"]}) == ["LastDay", "Valid"]
    assert _names({"status_types": ["duldung", "ausbildungsduldung"]}) == ["LastDay", "Training", "Valid"]
    assert _names({"status_types": ["aufenthaltserlaubnis"]}) == ["Secured"]


def test_at_least_five_years_in_the_status(world, today):
    types = ["duldung", "ausbildungsduldung"]
    exactly = world.person(given="Exactly5")
    world.status(exactly, "duldung", years_ago(today, 5))
    one_day_short = world.person(given="OneDayShort")
    world.status(one_day_short, "duldung", years_ago(today, 5, days=1))
    renewed = world.person(given="Renewed")  # Duldung renewed several times, with a gap, then training
    world.status(renewed, "duldung", years_ago(today, 8), years_ago(today, 6))
    world.status(renewed, "duldung", years_ago(today, 6, days=20), years_ago(today, 3))
    world.status(renewed, "ausbildungsduldung", years_ago(today, 3))
    interrupted = world.person(given="Interrupted")
    world.status(interrupted, "duldung", years_ago(today, 8))
    world.status(interrupted, "aufenthaltserlaubnis", years_ago(today, 4), years_ago(today, 2))
    world.status(interrupted, "duldung", years_ago(today, 2))
    after_asylum = world.person(given="AfterAsylum")  # the old Gestattung was never closed
    world.status(after_asylum, "aufenthaltsgestattung", years_ago(today, 9))
    world.status(after_asylum, "duldung", years_ago(today, 6))
    asylum_until_recently = world.person(given="AsylumRecently")
    world.status(asylum_until_recently, "aufenthaltsgestattung", years_ago(today, 9))
    world.status(asylum_until_recently, "duldung", years_ago(today, 4))
    assert _names({"status_types": types, "status_min_years": 5}) == [
        "AfterAsylum", "Exactly5", "Renewed"]
    assert _names({"status_types": ["duldung"], "status_min_years": 5}) == ["AfterAsylum", "Exactly5"]
    assert _names({"status_types": types, "status_min_years": 4}) == [
        "AfterAsylum", "AsylumRecently", "Exactly5", "OneDayShort", "Renewed"]


def test_years_in_germany(world, today):
    world.person(given="Exactly3", entry=years_ago(today, 3))
    world.person(given="AlmostThree", entry=years_ago(today, 3, days=1))
    world.person(given="Four", entry=years_ago(today, 4))
    world.person(given="NearlyFour", entry=years_ago(today, 4, days=1))
    world.person(given="Unknown")
    assert _names({"years_in_germany_min": 3}) == ["Exactly3", "Four", "NearlyFour"]
    assert _names({"years_in_germany_max": 3}) == ["AlmostThree", "Exactly3", "NearlyFour"]
    assert _names({"years_in_germany_min": 3, "years_in_germany_max": 3}) == ["Exactly3", "NearlyFour"]


def test_open_case_in_the_programme(world, org_a, today):
    jmd = ProgrammeOffering.objects.create(organisation=org_a.organisation, programme="jmd", name="JMD A")

    def case(person, offering, status, opened=date(2025, 1, 1), closed=None):
        return Case.objects.create(person=person, team=org_a.team, offering=offering, status=status,
                                   requested_on=date(2025, 1, 1), opened_on=opened if status != "waiting" else None,
                                   closed_on=closed)

    case(world.person(given="Open"), org_a.offering, "open")
    case(world.person(given="Waiting"), org_a.offering, "waiting")
    case(world.person(given="Closed"), org_a.offering, "closed", closed=date(2025, 6, 1))
    case(world.person(given="Youth"), jmd, "open")
    family_case = case(world.person(given="MainClient"), org_a.offering, "open")
    CaseMember.objects.create(case=family_case, person=world.person(given="CoCounselled"), since=date(2025, 2, 1))
    CaseMember.objects.create(case=family_case, person=world.person(given="LeftTheCase"), since=date(2025, 2, 1),
                              until=date(2025, 5, 1))
    assert _names({"programmes": ["mbe"]}) == ["CoCounselled", "MainClient", "Open"]
    assert _names({"programmes": ["mbe", "jmd"]}) == ["CoCounselled", "MainClient", "Open", "Youth"]
    # on a day in the past, the case closed later was still open and the member still counselled
    assert _names({"programmes": ["mbe"]}, on=date(2025, 3, 1)) == [
        "Closed", "CoCounselled", "LeftTheCase", "MainClient", "Open"]


def test_accommodation_and_benefits_from_the_current_life_situation(world):
    now_municipal = world.person(given="Municipal")
    world.life(now_municipal, date(2024, 1, 1), accommodation="municipal_emergency", livelihood="asylblg")
    moved_out = world.person(given="MovedOut")
    world.life(moved_out, date(2023, 1, 1), date(2025, 1, 1), accommodation="shared", livelihood="asylblg")
    world.life(moved_out, date(2025, 1, 1), accommodation="own_flat", livelihood="sgb2")
    citizens_income = world.person(given="CitizensIncome")
    world.life(citizens_income, date(2024, 1, 1), accommodation="shared", livelihood="sgb2")
    world.person(given="NothingRecorded")
    municipal = {"accommodation": ["shared", "follow_up", "municipal_emergency"]}
    assert _names(municipal) == ["CitizensIncome", "Municipal"]
    assert _names({**municipal, "livelihood": ["asylblg"]}) == ["Municipal"]
    assert _names({**municipal, "livelihood": ["asylblg"]}, on=date(2024, 6, 30)) == ["MovedOut", "Municipal"]
    assert _names({"livelihood": ["sgb2"]}) == ["CitizensIncome", "MovedOut"]


def test_children_by_age_with_both_boundaries(world, today):
    def parent_of(name, child_born):
        parent = world.person(given=name)
        world.parent(parent, world.person(family="Kind", given=f"{name}-child", born=child_born))

    parent_of("ChildTurns12Today", years_ago(today, 12))
    parent_of("ChildTurns12Tomorrow", years_ago(today, 12, days=1))
    parent_of("ChildAged17", years_ago(today, 18, days=1))
    parent_of("ChildTurns18Today", years_ago(today, 18))
    parent_of("ChildBirthUnknown", None)
    world.person(given="NoChild")
    parents = Person.objects.exclude(family_name="Kind")
    assert _names({"child_age_min": 12, "child_age_max": 17}, base=parents) == ["ChildAged17", "ChildTurns12Today"]
    assert _names({"has_children": True}, base=parents) == [
        "ChildAged17", "ChildBirthUnknown", "ChildTurns12Today", "ChildTurns12Tomorrow", "ChildTurns18Today"]
    assert _names({"child_age_max": 11}, base=parents) == ["ChildTurns12Tomorrow"]


def test_children_in_secondary_school_and_children_who_do_not_count(world):
    secondary = ["foerderschule", "gesamtschule", "gymnasium", "hauptschule", "realschule"]

    def parent_with(name, **child):
        parent = world.person(given=name)
        kid = world.person(family="Kind", given=f"{name}-child", born=date(2012, 5, 5),
                           **{k: v for k, v in child.items() if k != "school"})
        if child.get("school"):
            world.life(kid, date(2024, 8, 1), education=child["school"])
        world.parent(parent, kid)
        return kid

    parent_with("Realschule", school="realschule")
    parent_with("Primary", school="primary")
    parent_with("Unrecorded")
    parent_with("Deceased", school="gymnasium", is_deceased=True)
    switched = parent_with("Switched", school="primary")
    switched.life_situations.update(superseded_on=date(2025, 8, 1))
    world.life(switched, date(2025, 8, 1), education="gesamtschule")
    parents = Person.objects.exclude(family_name="Kind")
    assert _names({"child_schools": secondary}, base=parents) == ["Realschule", "Switched"]
    assert _names({"child_schools": secondary}, base=parents, on=date(2025, 7, 31)) == ["Realschule"]


def test_families_need_one_member_matching_everything_and_the_child(world, today):
    match, *_ = world.tolerated_family("Krasniqi")
    world.tolerated_family("Berisha", child_school="primary")
    world.tolerated_family("Hoxha", livelihood="sgb2")
    world.tolerated_family("Gashi", years=4)
    # the Morina father is tolerated but lives in his own flat; the mother lives in the municipal
    # accommodation with AsylbLG but holds a residence permit: no single member matches everything
    father = world.person("Morina", "Ilir", born=date(1980, 1, 1))
    mother = world.person("Morina", "Vjosa", born=date(1981, 1, 1))
    child = world.person("Morina", "Lule", born=years_ago(today, 13))
    world.status(father, "duldung", years_ago(today, 7))
    world.life(father, date(2020, 1, 1), accommodation="own_flat", livelihood="asylblg")
    world.status(mother, "aufenthaltserlaubnis", years_ago(today, 7))
    world.life(mother, date(2020, 1, 1), accommodation="municipal_emergency", livelihood="asylblg")
    world.life(child, date(2020, 1, 1), education="realschule")
    world.household(father, mother, child, name="Familie Morina")
    preset = PRESETS["muenster"]
    households = household_queryset(preset["criteria"], Person.objects.all())
    assert list(households.values_list("name", flat=True)) == ["Familie Krasniqi"]
    assert households.get() == match
    persons = _names(preset["criteria"], unit=FAMILIES)
    assert persons == ["Arben", "Drita", "Elira"]


def test_families_list_current_members_only_and_count_each_household_once(world, today):
    household, father, mother, child = world.tolerated_family("Krasniqi")
    grandmother = world.person("Krasniqi", "Shpresa", born=date(1950, 1, 1))  # matches nothing herself
    from lotse.people.models import HouseholdMember

    HouseholdMember.objects.create(household=household, person=grandmother, since=date(2016, 1, 1))
    moved_out = world.person("Krasniqi", "Besnik", born=date(2000, 1, 1))
    HouseholdMember.objects.create(household=household, person=moved_out, since=date(2015, 1, 1),
                                   until=date(2024, 1, 1))
    criteria = PRESETS["muenster"]["criteria"]
    assert household_queryset(criteria, Person.objects.all()).count() == 1
    assert _names(criteria, unit=FAMILIES) == ["Arben", "Drita", "Elira", "Shpresa"]
    assert _names(criteria, unit=FAMILIES, on=date(2023, 12, 31)) == []  # five years not yet reached then
    # persons: both parents match (their child is in secondary school); the child has no child
    assert _names(criteria) == ["Arben", "Drita"]


def test_the_base_limits_the_population(world, org_a, org_b):
    own = world.person(given="Own")
    foreign = world.person(given="Foreign", team=org_b.team)
    for person in (own, foreign):
        world.status(person, "duldung", date(2015, 1, 1))
    criteria = {"status_types": ["duldung"]}
    assert _names(criteria, base=Person.objects.filter(organisation=org_a.organisation)) == ["Own"]
    assert _names(criteria, base=Person.objects.filter(team=org_b.team)) == ["Foreign"]


# ---- validation --------------------------------------------------------------------------------------------

def test_clean_criteria_are_canonical():
    clean = criteria_clean({"livelihood": ["asylblg", "asylblg"], "status_types": ["duldung"],
                            "status_min_years": 5, "child_schools": ["realschule"], "years_in_germany_max": None,
                            "programmes": []})
    assert clean == {"status_types": ["duldung"], "livelihood": ["asylblg"], "status_min_years": 5,
                     "has_children": True, "child_schools": ["realschule"]}
    assert criteria_clean(PRESETS["muenster"]["criteria"]) == PRESETS["muenster"]["criteria"]
    assert criteria_clean(None) == {} and criteria_clean({}) == {}


@pytest.mark.parametrize("raw, key", [
    ({"status_types": "duldung"}, "status_types"),
    ({"status_types": ["no_such_status"]}, "status_types"),
    ({"status_types": ["'; DROP TABLE people_person; --"]}, "status_types"),
    ({"accommodation": ["palace"]}, "accommodation"),
    ({"accommodation": [["shared"]]}, "accommodation"),
    ({"livelihood": ["x" * 10000]}, "livelihood"),
    ({"programmes": ["mbe"] * 51}, "programmes"),
    ({"status_min_years": 5}, "status_min_years"),
    ({"status_types": ["duldung"], "status_min_years": 0}, "status_min_years"),
    ({"years_in_germany_min": -1}, "years_in_germany_min"),
    ({"years_in_germany_min": "3"}, "years_in_germany_min"),
    ({"years_in_germany_min": True}, "years_in_germany_min"),
    ({"years_in_germany_min": 2.5}, "years_in_germany_min"),
    ({"years_in_germany_min": 10**40}, "years_in_germany_min"),
    ({"years_in_germany_min": 5, "years_in_germany_max": 4}, "years_in_germany_max"),
    ({"child_age_min": 14, "child_age_max": 12}, "child_age_max"),
    ({"has_children": "yes"}, "has_children"),
    ({"evil": 1}, "criteria"),
])
def test_hostile_criteria_are_refused_with_a_message(raw, key):
    with pytest.raises(ValidationError) as refused:
        criteria_clean(raw)
    assert key in refused.value.message_dict


@pytest.mark.parametrize("raw", ["duldung", ["duldung"], 42, None])
def test_criteria_that_are_not_an_object_are_refused(raw):
    if raw is None:
        assert criteria_clean(raw) == {}
    else:
        with pytest.raises(ValidationError):
            criteria_clean(raw)


@pytest.mark.parametrize("stored", [
    "duldung", {"status_types": "duldung"}, {"status_min_years": "5"}, {"unknown": 1}, {"accommodation": [1]},
    {"has_children": "yes"},
])
def test_unreadable_stored_criteria_find_nobody_rather_than_everybody(world, stored):
    world.person(given="Anyone")
    assert _names(stored) == []
    assert _names(stored, unit=FAMILIES) == []
    assert criteria_summary(stored)[0][1]


def test_summary_names_every_criterion():
    from django.utils import translation

    with translation.override("en"):
        lines = dict(criteria_summary(PRESETS["muenster"]["criteria"]))
        assert "Duldung (§ 60a AufenthG)" in lines["Residence status"]
        assert "5 years" in lines["Residence status"]
        assert "Benefits under the AsylbLG" in lines["Main livelihood / benefits"]
        assert "Realschule" in lines["Children"]
        assert dict(criteria_summary({"years_in_germany_min": 2}))["Years in Germany"] == "at least 2 years"
        assert dict(criteria_summary({"has_children": True}))["Children"] == "at least one child"
