"""Report templates: validation of specifications (German messages, English msgids checked) and the editor."""

import copy
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lotse.audit.models import AuditEvent
from lotse.reports.engine import report_kinds
from lotse.reports.models import ReportTemplate
from lotse.reports.programme import validate_spec
from lotse.reports.template_forms import parse_spec
from tests.factories import login

pytestmark = pytest.mark.django_db

TITLE = {"de": "Alter", "en": "Age"}
S1 = "Section 1 (“age”): "


def section(**extra):
    values = {"key": "age", "title": TITLE, "unit": "persons", "dimension": "age_group",
              "params": {"bounds": [18, 27]}}
    values.update(extra)
    return {key: value for key, value in values.items() if value is not None}


def errors(spec):
    with translation.override("en"):
        return validate_spec(spec)


# ---- validate_spec -----------------------------------------------------------------------------------------

def test_the_installed_templates_are_valid():
    for code in ("mbe", "jmd", "im_bw"):
        template = ReportTemplate.objects.get(code=code)
        assert template.is_active and errors(template.spec) == []
    assert {"mbe", "jmd", "im_bw", "monthly", "monitoring", "indicators"} <= set(report_kinds())


def test_a_valid_section():
    assert errors({"sections": [section()]}) == []


@pytest.mark.parametrize("spec, expected", [
    (None, "The specification must be a JSON object with a list “sections”."),
    ([], "The specification must be a JSON object with a list “sections”."),
    ({}, "The specification needs a non-empty list “sections”."),
    ({"sections": []}, "The specification needs a non-empty list “sections”."),
    ({"sections": "age"}, "The specification needs a non-empty list “sections”."),
    ({"sections": [section()], "extra": 1}, "Unknown entries in the specification: extra."),
    ({"sections": ["age"]}, "Section 1 must be an object."),
    ({"sections": [section()] * 61}, "A template can have at most 60 sections."),
])
def test_the_shape_of_the_specification(spec, expected):
    assert expected in errors(spec)


@pytest.mark.parametrize("changes, expected", [
    ({"dimension": "colour"}, S1 + "unknown dimension “colour”. Known dimensions: "),
    ({"dimension": None}, S1 + "the dimension is missing."),
    ({"unit": None}, S1 + "the unit is missing."),
    ({"dimension": ["age_group"]}, S1 + "unknown dimension “['age_group']”."),
    ({"unit": "cats"}, S1 + "unknown unit “cats”. Known units: "),
    ({"unit": "contacts"}, S1 + "the dimension “age_group” cannot break down the unit “contacts”"),
    ({"title": None}, S1 + "the title must be an object with a German (\"de\") and an English"),
    ({"title": "Alter"}, S1 + "the title must be an object"),
    ({"title": {"de": "Alter"}}, S1 + "the title in “en” is missing."),
    ({"title": {"de": " ", "en": "Age"}}, S1 + "the title in “de” is missing."),
    ({"title": {"de": "A" * 201, "en": "Age"}}, S1 + "the title in “de” is longer than 200"),
    ({"title": {"de": "Alter", "en": "Age", "fr": "Âge"}}, S1 + "unknown languages in the title: fr."),
    ({"key": "Alter!"}, "Section 1 (“Alter!”): the key must consist of lower-case letters"),
    ({"key": 7}, "Section 1: the key must consist of lower-case letters"),
    ({"params": [18]}, S1 + "“params” must be an object."),
    ({"params": {}}, S1 + "the parameter “bounds” is missing."),
    ({"params": {"bounds": [18], "colour": "red"}}, S1 + "the dimension “age_group” has no "
                                                    "parameters colour."),
    ({"params": {"bounds": "18-27"}}, S1 + "“bounds” must be a non-empty list of whole numbers."),
    ({"params": {"bounds": []}}, S1 + "“bounds” must be a non-empty list of whole numbers."),
    ({"params": {"bounds": [18.5]}}, S1 + "“bounds” must be a non-empty list of whole numbers."),
    ({"params": {"bounds": [True]}}, S1 + "“bounds” must be a non-empty list of whole numbers."),
    ({"params": {"bounds": [27, 18]}}, S1 + "the bounds must be in strictly increasing order."),
    ({"params": {"bounds": [18, 18]}}, S1 + "the bounds must be in strictly increasing order."),
    ({"params": {"bounds": [0, 18]}}, S1 + "the bounds must lie between 1 and 130."),
    ({"params": {"bounds": [18, 10 ** 100]}}, S1 + "the bounds must lie between 1 and 130."),
    ({"params": {"bounds": list(range(1, 30))}}, S1 + "at most 20 bounds are allowed."),
    ({"chart": "yes"}, S1 + "“chart” must be true or false."),
    ({"note": "Hinweis"}, S1 + "the note must be an object"),
    ({"colour": "red"}, S1 + "unknown entries colour."),
    ({"age_range": {"from": 64, "to": 18}}, S1 + "the age range must go from a lower to a higher"),
    ({"age_range": {"from": "18", "to": 64}}, S1 + "the age range must be an object with"),
    ({"age_range": {"from": 18, "to": 64}, "unit": "contacts", "dimension": "total"},
     S1 + "an age range is only possible for cases, family members and persons."),
])
def test_section_errors(changes, expected):
    problems = errors({"sections": [section(**changes)]})
    assert any(problem.startswith(expected) for problem in problems), problems


def test_duplicate_keys_and_numbering():
    problems = errors({"sections": [section(), section(), section(key="x", unit="nonsense")]})
    assert "Section 2 (“age”): the key “age” is used twice." in problems
    assert any(problem.startswith("Section 3 (“x”): unknown unit “nonsense”") for problem in problems)


@pytest.mark.parametrize("groups, expected", [
    ("asylum", "“groups” must be a non-empty list of groups."),
    ([], "“groups” must be a non-empty list of groups."),
    (["asylum"], "group 1: a group must be an object with key, title and codes."),
    ([{"key": "other", "title": TITLE, "codes": ["duldung"]}], "group 1: the key “other” is reserved."),
    ([{"key": "a", "title": TITLE, "codes": ["duldung"]}, {"key": "a", "title": TITLE, "codes": ["visum"]}],
     "group 2: the key “a” is used twice."),
    ([{"key": "a", "title": TITLE, "codes": ["duldung"]}, {"key": "b", "title": TITLE, "codes": ["duldung"]}],
     "group 2: the code “duldung” is already in another group."),
    ([{"key": "a", "title": TITLE, "codes": []}], "group 1: the group lists no codes."),
    ([{"key": "a", "title": TITLE, "codes": "duldung"}], "group 1: “codes” must be a list of codes."),
    ([{"key": "a", "title": TITLE, "codes": [3]}], "group 1: “codes” must be a list of codes."),
    ([{"key": "a", "title": TITLE, "codes": ["x"], "prefixes": ["1"]}], "group 1: unknown entries prefixes."),
    ([{"key": "a", "codes": ["x"]}], "group 1: the title must be an object"),
])
def test_residence_group_errors(groups, expected):
    problems = errors({"sections": [section(dimension="residence_group", params={"groups": groups})]})
    assert any(problem.startswith("Section 1 (“age”), " + expected) or problem.endswith(expected)
               for problem in problems), problems


def test_region_and_other_parameter_errors():
    regions = [{"key": "asia", "title": TITLE, "prefixes": ["4x"]}]
    assert errors({"sections": [section(dimension="region_of_origin", params={"regions": regions})]}) == [
        "Section 1 (“age”), group 1: “prefixes” must be a list of codes."]
    assert errors({"sections": [section(dimension="within_years_of_entry", params={"years": 0})]}) == [
        "Section 1 (“age”): “years” must be a whole number from 1 to 50."]
    assert errors({"sections": [section(dimension="life_situation", params={"field": "religion"})]}) == [
        ("Section 1 (“age”): “field” must be one of accommodation, livelihood, labour_market, education, "
         "integration_course, participation.")]
    assert errors({"sections": [section(dimension="contacts_per_case", unit="cases",
                                        params={"bounds": [0, 2]})]}) == [
        "Section 1 (“age”): the bounds must lie between 1 and 10000."]
    assert errors({"sections": [section(dimension="sex", params={"bounds": [1]})]}) == [
        "Section 1 (“age”): the dimension “sex” has no parameters bounds."]


# ---- parsing hostile JSON ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("{", "The sections are not valid JSON (line 1, column 2)."),
    ("", "The sections are not valid JSON (line 1, column 1)."),
    ('{"sections": [NaN]}', "The sections contain a number that JSON does not allow (NaN or Infinity)."),
    ('{"sections": [Infinity]}', "The sections contain a number that JSON does not allow (NaN or Infinity)."),
    ("[" * 100000 + "]" * 100000, "The sections are nested too deeply."),
    ('{"a":' * 20 + "1" + "}" * 20, "The sections are nested too deeply."),
    ('{"sections": "\\u0000"}', "The sections contain a null character."),
])
def test_hostile_json_is_refused_with_a_message(text, expected):
    from django.forms import ValidationError

    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            parse_spec(text)
        assert raised.value.messages == [expected]


# ---- the editor --------------------------------------------------------------------------------------------

def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


@pytest.fixture
def mbe():
    return ReportTemplate.objects.get(code="mbe")


def form_data(template, **changes):
    values = {"name": template.name, "funder": template.funder, "programme": template.programme,
              "description": template.description, "spec": json.dumps(template.spec),
              "loaded": template.updated_at.isoformat()}
    values.update(changes)
    return values


def test_list_and_detail_for_everyone_with_figures(org_a, org_b, mbe, django_assert_max_num_queries):
    client = client_for(org_a.user("counsellor"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("report_templates:list"))
    html = response.content.decode()
    assert response.status_code == 200 and mbe.name in html and "Integrationsmanagement BW" in html
    assert reverse("report_templates:edit", args=[mbe.public_id]) not in html
    filtered = client.get(reverse("report_templates:list"), {"programme": "jmd"}).content.decode()
    assert "JMD – Statistik" in filtered and mbe.name not in filtered
    odd = client.get(reverse("report_templates:list"), {"programme": "<x>", "status": "?"})
    assert odd.status_code == 200
    foreign = client_for(org_b.user("coordinator"))
    with django_assert_max_num_queries(12):
        detail = foreign.get(reverse("report_templates:detail", args=[mbe.public_id]))
    assert detail.status_code == 200 and 'id="section-table"' in detail.content.decode()
    assert 'id="deactivate"' not in detail.content.decode()
    refused = client_for(org_a.user("accommodation"))
    assert refused.get(reverse("report_templates:list")).status_code == 403
    assert refused.get(reverse("report_templates:detail", args=[mbe.public_id])).status_code == 404


def test_only_system_administrators_change(org_a, mbe):
    admin = client_for(org_a.user("org_admin"))
    assert admin.get(reverse("report_templates:edit", args=[mbe.public_id])).status_code in (403, 404)
    assert admin.post(reverse("report_templates:edit", args=[mbe.public_id]),
                      form_data(mbe, name="X")).status_code in (403, 404)
    assert admin.post(reverse("report_templates:deactivate", args=[mbe.public_id])).status_code in (403, 404)
    mbe.refresh_from_db()
    assert mbe.name != "X" and mbe.is_active


def test_edit_saves_a_valid_specification_and_audits(sysadmin, mbe, django_assert_max_num_queries):
    client = client_for(sysadmin)
    url = reverse("report_templates:edit", args=[mbe.public_id])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "age_group" in page.content.decode()
    spec = copy.deepcopy(mbe.spec)
    spec["sections"][3]["params"]["bounds"] = [18, 30, 50]
    with django_assert_max_num_queries(20):
        response = client.post(url, form_data(mbe, spec=json.dumps(spec), name="MBE neu"))
    assert response.status_code == 302
    mbe.refresh_from_db()
    assert mbe.name == "MBE neu" and mbe.spec["sections"][3]["params"]["bounds"] == [18, 30, 50]
    assert mbe.updated_by == sysadmin
    event = AuditEvent.objects.filter(action="report_template.changed").latest("id")
    assert event.details["fields"] == ["name", "spec"]


def test_edit_refuses_a_bad_specification_with_every_message(sysadmin, mbe):
    client = client_for(sysadmin)
    url = reverse("report_templates:edit", args=[mbe.public_id])
    bad = {"sections": [section(dimension="colour"), section(key="b", params={"bounds": [5, 3]})]}
    response = client.post(url, form_data(mbe, spec=json.dumps(bad)))
    html = response.content.decode()
    assert response.status_code == 422
    with translation.override("de"):
        expected = [message.replace('"', "&quot;") for message in validate_spec(bad)]
    assert len(expected) == 2 and all(message in html for message in expected)
    mbe.refresh_from_db()
    assert mbe.spec["sections"][0]["key"] == "cases"
    for hostile in ("{", '{"sections": [NaN]}', "[" * 50000, '{"sections": "\\u0000"}',
                    "<script>alert(1)</script>"):
        response = client.post(url, form_data(mbe, spec=hostile))
        assert response.status_code == 422 and "<script>alert(1)</script>" not in response.content.decode()
    mbe.refresh_from_db()
    assert mbe.spec["sections"][0]["key"] == "cases"


def test_edit_conflict(sysadmin, mbe):
    client = client_for(sysadmin)
    url = reverse("report_templates:edit", args=[mbe.public_id])
    stale = form_data(mbe, name="Mein Name")
    later = mbe.updated_at.replace(year=2030)
    ReportTemplate.objects.filter(pk=mbe.pk).update(name="Ihr Name", updated_at=later)
    response = client.post(url, stale)
    assert response.status_code == 409 and 'id="stale-warning"' in response.content.decode()
    mbe.refresh_from_db()
    assert mbe.name == "Ihr Name"
    again = client.post(url, form_data(mbe, name="Mein Name"))
    assert again.status_code == 302
    mbe.refresh_from_db()
    assert mbe.name == "Mein Name"


def test_copy_then_activate_gives_a_new_report_kind(sysadmin, mbe, django_assert_max_num_queries):
    client = client_for(sysadmin)
    url = reverse("report_templates:copy", args=[mbe.public_id])
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(20):
        response = client.post(url, {"code": "mbe-land", "name": "MBE Landesstatistik"})
    copy_ = ReportTemplate.objects.get(code="mbe-land")
    assert response.status_code == 302 and response["Location"].endswith(f"{copy_.public_id}/")
    assert not copy_.is_active and copy_.spec == mbe.spec and "mbe-land" not in report_kinds()
    assert client.post(reverse("report_templates:activate", args=[copy_.public_id])).status_code == 302
    copy_.refresh_from_db()
    assert copy_.is_active and "mbe-land" in report_kinds()
    assert AuditEvent.objects.filter(action="report_template.copied").exists()
    for code in ("mbe", "monthly", "Groß", ""):
        refused = client.post(url, {"code": code, "name": "X"})
        assert refused.status_code == 422
    assert ReportTemplate.objects.count() == 4


def test_deactivate_and_refuse_to_activate_an_invalid_template(sysadmin, mbe):
    client = client_for(sysadmin)
    assert client.post(reverse("report_templates:deactivate", args=[mbe.public_id])).status_code == 302
    mbe.refresh_from_db()
    assert not mbe.is_active and "mbe" not in report_kinds()
    assert AuditEvent.objects.filter(action="report_template.deactivated").exists()
    ReportTemplate.objects.filter(pk=mbe.pk).update(spec={"sections": []})
    response = client.post(reverse("report_templates:activate", args=[mbe.public_id]), follow=True)
    mbe.refresh_from_db()
    assert not mbe.is_active and response.status_code == 200
    assert client.get(reverse("report_templates:detail", args=[mbe.public_id])).status_code == 200
    assert client.get(reverse("report_templates:deactivate", args=[mbe.public_id])).status_code == 405
