from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from lotse.audit.models import AuditEvent
from lotse.intake import eligibility
from lotse.intake.models import EligibilityCheck, EligibilityRule
from lotse.intake.selectors import override_count
from lotse.intake.services import eligibility_evaluate, eligibility_override
from lotse.organisations.models import ProgrammeOffering
from lotse.people.models import ResidenceStatusType
from lotse.people.services import residence_status_add
from tests.factories import login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def years_ago(years: int, days: int = 0) -> date:
    return eligibility.years_before(TODAY, years) + timedelta(days=days)


def rule(check: EligibilityCheck, code: str) -> dict:
    return next(entry for entry in check.explanations if entry["code"] == code)


@pytest.fixture
def evaluate(counsellor):
    def run(person, programme="mbe", **kwargs):
        return eligibility_evaluate(actor=counsellor, person=person, programme=programme, **kwargs)
    return run


@pytest.fixture
def status(counsellor):
    def add(person, code, valid_from):
        return residence_status_add(actor=counsellor, person=person, status_type=ResidenceStatusType.objects.get(
            code=code), paragraph="§ 9 AufenthG" if code == "niederlassungserlaubnis" else "", valid_from=valid_from,
            valid_until=None, document="")
    return add


# ---- age boundaries ------------------------------------------------------------------------------

@pytest.mark.parametrize("birth, expected", [
    (years_ago(28), "met"),             # 28th birthday today: older than 27
    (years_ago(28, days=1), "not_met"),  # 28 tomorrow: still 27
    (years_ago(27), "not_met"),
    (years_ago(60), "met"),
])
def test_mbe_age_over_27(make_person, evaluate, birth, expected):
    person = make_person(birth_date=birth, birth_date_precision="exact")
    assert rule(evaluate(person), "age")["status"] == expected


@pytest.mark.parametrize("birth, expected", [
    (years_ago(12), "met"),
    (years_ago(12, days=1), "not_met"),  # 11 until tomorrow
    (years_ago(27), "met"),
    (years_ago(28, days=1), "met"),      # 27, turns 28 tomorrow
    (years_ago(28), "not_met"),
])
def test_jmd_age_12_to_27(make_person, evaluate, birth, expected):
    person = make_person(birth_date=birth, birth_date_precision="exact")
    check = evaluate(person, "jmd")
    assert check.result == expected and rule(check, "age")["status"] == expected


def test_year_only_birth_date_makes_the_age_rule_unclear_when_the_year_does_not_decide(make_person, evaluate):
    undecided = make_person(birth_date=date(TODAY.year - 28, 1, 1), birth_date_precision="year")
    entry = rule(evaluate(undecided), "age")
    assert entry["status"] == "unclear" and entry["missing"] == ["birth_date_exact"]
    with override("de"):
        text = eligibility.status_text(entry)
        assert text == gettext("unclear — missing: %(missing)s") % {"missing": gettext("exact date of birth")}
    decided = make_person("Nasser", birth_date=date(TODAY.year - 40, 1, 1), birth_date_precision="year")
    assert rule(evaluate(decided), "age")["status"] == "met"
    unknown = make_person("Karimi")
    entry = rule(evaluate(unknown), "age")
    assert entry["status"] == "unclear" and entry["missing"] == ["birth_date"]


# ---- arrival and status --------------------------------------------------------------------------

@pytest.mark.parametrize("entry, expected", [
    (years_ago(3), "met"),
    (years_ago(3, days=1), "met"),
    (years_ago(3, days=-1), "not_met"),
])
def test_mbe_entry_within_three_years(make_person, evaluate, entry, expected):
    person = make_person(birth_date=years_ago(40), birth_date_precision="exact", entry_date=entry,
                         entry_date_precision="exact")
    check = evaluate(person)
    assert rule(check, "recent-arrival")["status"] == expected
    assert check.result == ("met" if expected == "met" else "unclear")  # crisis clause stays open


def test_permanent_status_within_three_years_counts_like_an_entry(make_person, evaluate, status):
    person = make_person(birth_date=years_ago(40), birth_date_precision="exact", entry_date=years_ago(12),
                         entry_date_precision="exact")
    status(person, "duldung", years_ago(10))
    assert rule(evaluate(person), "recent-arrival")["status"] == "not_met"  # not a secure status
    status(person, "niederlassungserlaubnis", years_ago(3))
    check = evaluate(person)
    assert rule(check, "recent-arrival")["status"] == "met"
    assert rule(check, "recent-arrival")["reason"] == "secure_status_recent" and check.result == "met"


def test_permanent_status_one_day_too_early(make_person, evaluate, status):
    person = make_person(birth_date=years_ago(40), birth_date_precision="exact", entry_date=years_ago(12),
                         entry_date_precision="exact")
    status(person, "niederlassungserlaubnis", years_ago(3, days=-1))
    assert rule(evaluate(person), "recent-arrival")["status"] == "not_met"


def test_entry_year_only_is_unclear_near_the_limit(make_person, evaluate):
    person = make_person(birth_date=years_ago(40), birth_date_precision="exact",
                         entry_date=date(TODAY.year - 3, 1, 1), entry_date_precision="year")
    entry = rule(evaluate(person), "recent-arrival")
    if (TODAY.month, TODAY.day) == (1, 1):
        assert entry["status"] == "met"
    else:
        assert entry["status"] == "unclear" and entry["missing"] == ["entry_date_exact"]


def test_spaetaussiedler_status_makes_mbe_eligible(make_person, evaluate, status):
    person = make_person(birth_date=years_ago(50), birth_date_precision="exact", entry_date=years_ago(20),
                         entry_date_precision="exact")
    status(person, "spaetaussiedler", years_ago(20))
    check = evaluate(person)
    assert rule(check, "spaetaussiedler")["status"] == "met" and check.result == "met"


def test_crisis_clause_needs_the_counsellors_judgement(make_person, evaluate):
    person = make_person(birth_date=years_ago(45), birth_date_precision="exact", entry_date=years_ago(15),
                         entry_date_precision="exact")
    check = evaluate(person)
    crisis = rule(check, "crisis")
    assert check.result == "unclear" and crisis["status"] == "unclear" and crisis["missing"] == ["judgement"]
    assert evaluate(person, answers={"crisis": True}).result == "met"
    assert evaluate(person, answers={"crisis": False}).result == "not_met"
    assert evaluate(person).answers == {"crisis": False}  # the last answers are used again


def test_integration_course_obligation_is_a_priority_not_a_condition(make_person, evaluate, counsellor):
    person = make_person(birth_date=years_ago(30), birth_date_precision="exact", entry_date=years_ago(1),
                         entry_date_precision="exact")
    check = evaluate(person, answers={"integration_course_obligation": True})
    assert check.result == "met" and rule(check, "course-obligation")["status"] == "met"
    assert check.answers == {"integration_course_obligation": True}
    check = evaluate(person, answers={"integration_course_obligation": False})
    assert check.result == "met"


@pytest.mark.parametrize("programme, answers, expected", [
    ("im", None, "unclear"),
    ("im", {"follow_up_accommodation": True}, "met"),
    ("im", {"follow_up_accommodation": False}, "not_met"),
    ("sim", None, "unclear"),
    ("sim", {"homeless_in_municipality": True}, "met"),
    ("sim", {"municipal_accommodation": False, "homeless_in_municipality": False}, "not_met"),
    ("sim", {"municipal_accommodation": False}, "unclear"),
])
def test_im_and_sim_are_unclear_unless_confirmed(make_person, evaluate, programme, answers, expected):
    assert evaluate(make_person(), programme, answers=answers).result == expected


@pytest.mark.parametrize("answers", [{"nonsense": True}, {"crisis": "ja"}, ["crisis"]])
def test_bad_answers_are_refused(make_person, evaluate, answers):
    with pytest.raises(ValidationError):
        evaluate(make_person(), answers=answers)
    assert not EligibilityCheck.objects.exists()


def test_unknown_programme_and_foreign_person_are_refused(make_person, evaluate, org_b):
    from django.core.exceptions import PermissionDenied

    person = make_person()
    with pytest.raises(ValidationError):
        evaluate(person, "xyz")
    with pytest.raises(PermissionDenied):
        eligibility_evaluate(actor=org_b.user("counsellor"), person=person, programme="mbe")


# ---- rules in time -------------------------------------------------------------------------------

def test_rule_versions_apply_from_their_valid_from_date(make_person, evaluate):
    person = make_person(birth_date=years_ago(29), birth_date_precision="exact")
    change = TODAY + timedelta(days=30)
    EligibilityRule.objects.create(programme="mbe", code="age", label="Älter als 30 Jahre", valid_from=change,
                                   parameters={"check": "age", "min_age": 31})
    assert rule(evaluate(person), "age")["status"] == "met"  # not applied yet
    assert rule(evaluate(person, on=change - timedelta(days=1)), "age")["status"] == "met"
    later = evaluate(person, on=change)
    assert rule(later, "age")["status"] == "not_met" and rule(later, "age")["label"] == "Älter als 30 Jahre"
    assert later.evaluated_on == change


def test_expired_and_inactive_rules_are_not_applied(make_person, evaluate):
    EligibilityRule.objects.filter(programme="jmd").update(valid_until=TODAY - timedelta(days=1))
    check = evaluate(make_person(birth_date=years_ago(20), birth_date_precision="exact"), "jmd")
    assert check.explanations == [] and check.result == "unclear"
    EligibilityRule.objects.filter(programme="jmd").update(valid_until=None, active=False)
    assert evaluate(make_person("Nasser"), "jmd").explanations == []


def test_a_person_before_entry_on_an_earlier_date(make_person, evaluate):
    person = make_person(birth_date=years_ago(40), birth_date_precision="exact", entry_date=years_ago(1),
                         entry_date_precision="exact")
    assert rule(evaluate(person, on=years_ago(2)), "recent-arrival")["status"] == "not_met"


# ---- override ------------------------------------------------------------------------------------

@pytest.mark.parametrize("result, reason", [("met", ""), ("met", "   "), ("met", "ok"), ("unclear", "Weil es so ist"),
                                            ("met", "Grund\x00"), ("met", "x" * 2001)])
def test_override_needs_a_decision_and_a_reason(make_person, evaluate, counsellor, result, reason):
    check = evaluate(make_person())
    with pytest.raises(ValidationError):
        eligibility_override(actor=counsellor, check=check, result=result, reason=reason)
    check.refresh_from_db()
    assert not check.override


def test_override_is_recorded_audited_and_counted(make_person, evaluate, counsellor, org_a, org_b):
    check = evaluate(make_person(birth_date=years_ago(26), birth_date_precision="exact"))
    assert check.result == "not_met"
    eligibility_override(actor=counsellor, check=check, result="met",
                         reason="Familie in akuter Krise, JMD nicht erreichbar")
    check.refresh_from_db()
    assert check.override and check.effective_result == "met" and check.result == "not_met"
    assert check.overridden_by == counsellor and check.override_reason.startswith("Familie")
    event = AuditEvent.objects.get(action="eligibility.overridden")
    assert event.details["decided"] == "met" and "Krise" not in str(event.details)
    period = (TODAY - timedelta(days=1), TODAY)
    assert override_count(organisation=org_a.organisation, period=period) == 1
    assert override_count(organisation=org_b.organisation, period=period) == 0
    assert override_count(organisation=org_a.organisation, period=(TODAY - timedelta(days=9),
                                                                   TODAY - timedelta(days=2))) == 0


def test_foreign_counsellor_cannot_override(make_person, evaluate, org_b):
    from django.core.exceptions import PermissionDenied

    check = evaluate(make_person())
    with pytest.raises(PermissionDenied):
        eligibility_override(actor=org_b.user("counsellor"), check=check, result="met", reason="Ein guter Grund")


# ---- the page on the person ----------------------------------------------------------------------

def test_eligibility_page_shows_each_programme_of_the_team(cclient, org_a, make_person, django_assert_max_num_queries):
    jmd = ProgrammeOffering.objects.create(organisation=org_a.organisation, programme="jmd", name="JMD A")
    org_a.team.offerings.add(jmd)
    person = make_person(birth_date=date(TODAY.year - 28, 1, 1), birth_date_precision="year")
    url = reverse("intake:person_eligibility", args=[person.public_id])
    cclient.get(url)
    with django_assert_max_num_queries(25):
        response = cclient.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="programme-mbe"' in html and 'id="programme-jmd"' in html and 'id="programme-sim"' not in html
    with override("de"):
        assert gettext("exact date of birth") in html
        assert gettext("Cannot be decided from the data: needs the counsellor's judgement.").replace(
            "'", "&#x27;") in html
    assert not EligibilityCheck.objects.exists()  # looking is not checking
    assert AuditEvent.objects.filter(action="people.person.view", object_id=str(person.public_id)).exists()


def test_answers_and_override_through_the_page(cclient, make_person, django_assert_max_num_queries):
    person = make_person(birth_date=years_ago(45), birth_date_precision="exact", entry_date=years_ago(15),
                         entry_date_precision="exact")
    answers = reverse("intake:eligibility_answers", args=[person.public_id, "mbe"])
    with django_assert_max_num_queries(30):
        response = cclient.post(answers, {"mbe-crisis": "yes", "mbe-integration_course_obligation": "",
                                          "mbe-spaetaussiedler_relative": "no"})
    assert response.status_code == 302
    check = EligibilityCheck.objects.get()
    assert check.result == "met" and check.answers == {"crisis": True, "spaetaussiedler_relative": False}
    decide = reverse("intake:eligibility_override", args=[person.public_id, "mbe"])
    refused = cclient.post(decide, {"mbe-override-result": "not_met", "mbe-override-reason": ""})
    assert refused.status_code == 422 and 'id="id_mbe-override-reason_error"' in refused.content.decode()
    assert EligibilityCheck.objects.count() == 1
    with django_assert_max_num_queries(35):
        response = cclient.post(decide, {"mbe-override-result": "not_met",
                                         "mbe-override-reason": "Die Krise ist bereits gelöst."})
    assert response.status_code == 302
    latest = EligibilityCheck.objects.latest("pk")
    assert latest.override and latest.effective_result == "not_met" and latest.answers == check.answers
    page = cclient.get(reverse("intake:person_eligibility", args=[person.public_id])).content.decode()
    assert "Die Krise ist bereits gelöst." in page


def test_bad_answer_values_and_programmes_outside_the_team(cclient, make_person):
    person = make_person()
    response = cclient.post(reverse("intake:eligibility_answers", args=[person.public_id, "mbe"]),
                            {"mbe-crisis": "vielleicht"})
    assert response.status_code == 422 and not EligibilityCheck.objects.exists()
    assert cclient.post(reverse("intake:eligibility_answers", args=[person.public_id, "jmd"]),
                        {}).status_code == 404
    assert cclient.post(reverse("intake:eligibility_override", args=[person.public_id, "nope"]),
                        {}).status_code == 404


def test_eligibility_of_a_foreign_person_is_404(client, org_b, make_person):
    person = make_person()
    login(client, org_b.user("counsellor"))
    assert client.get(reverse("intake:person_eligibility", args=[person.public_id])).status_code == 404
    assert client.post(reverse("intake:eligibility_override", args=[person.public_id, "mbe"]),
                       {"mbe-override-result": "met", "mbe-override-reason": "Weil ich es will"}).status_code == 404
    assert not EligibilityCheck.objects.exists()
