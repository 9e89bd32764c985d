"""POST /api/partner-reports: the key in X-Report-Token, no account, the same 202 answer for every outcome."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lotse.accounts.services import api_token_create
from lotse.cases.models import Case, Task
from lotse.partnerreports import services
from lotse.partnerreports.models import PartnerReport, ReportLink
from tests.partnerreports.conftest import BIRTH

pytestmark = pytest.mark.django_db

URL = "/api/partner-reports"


def de(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def body(**extra) -> dict:
    values = {"family_name": "Haddad", "given_names": "Amal", "birth_date": BIRTH.isoformat(),
              "kind": "absent",
              "occurred_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
              "note": "Seit Montag nicht im Kurs."}
    values.update(extra)
    return {key: value for key, value in values.items() if value is not None}


def post(token, payload=None, client=None, raw=None, **headers):
    if token is not None:
        headers["X-Report-Token"] = token
    data = raw if raw is not None else json.dumps(payload if payload is not None else body())
    return (client or Client()).post(URL, data, content_type="application/json", headers=headers)


def _nothing_stored():
    assert not PartnerReport.objects.exists()
    assert not Task.objects.filter(source=Task.Source.PARTNER_REPORT).exists()


def test_url_name():
    assert reverse("api:partner_report_create") == URL


def test_accepted_report(token, case, release, counsellor, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = post(token)
    assert response.status_code == 202
    assert response.json() == {"detail": de("Thank you. Your report has been received.")}
    report = PartnerReport.objects.get()
    assert report.case == case and report.task.responsible_user == counsellor


def test_every_outcome_gives_the_same_answer(token, case, release, make_person):
    accepted = post(token)
    answers = [post(token), post(token, body(family_name="Niemand")),
               post(token, body(birth_date="1990-01-01"))]
    make_person(family_name="Haddad", given_names="Amal", birth_date=BIRTH)
    answers.append(post(token, body(kind="other")))
    for answer in answers:
        assert (answer.status_code, answer.content) == (accepted.status_code, accepted.content)
    assert PartnerReport.objects.count() == 1


def test_no_release_same_answer_nothing_stored(token, case):
    response = post(token)
    assert response.status_code == 202
    assert response.json()["detail"] == de("Thank you. Your report has been received.")
    _nothing_stored()


def test_no_open_case_same_answer_nothing_stored(token, case, release):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert post(token).status_code == 202
    _nothing_stored()


def test_missing_key(case, release):
    response = post(None)
    assert response.status_code == 401
    assert response.json() == {"detail": de("Please send the key of the report link in the header "
                                            "X-Report-Token.")}
    _nothing_stored()


def test_a_personal_api_token_is_no_report_key(case, release, counsellor):
    _token, raw = api_token_create(actor=counsellor, name="x", valid_days=1)
    response = post(None, Authorization=f"Bearer {raw}")
    assert response.status_code == 401
    assert post(raw).status_code == 404
    _nothing_stored()


@pytest.mark.parametrize("token", ["mld_000000000000_unbekannt", "falsch", "x" * 500, "mld_' OR 1=1"])
def test_unknown_key(issued, case, release, token):
    response = post(token)
    assert response.status_code == 404
    assert response.json() == {"detail": de("This report link is invalid or has expired. Please contact the "
                                            "counselling service.")}
    _nothing_stored()


def test_revoked_or_expired_key(issued, case, release, counsellor):
    link, token = issued
    ReportLink.objects.filter(pk=link.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert post(token).status_code == 410
    ReportLink.objects.filter(pk=link.pk).update(expires_on=timezone.localdate() + timedelta(days=1))
    assert post(token).status_code == 202
    PartnerReport.objects.all().delete()
    Task.objects.all().delete()
    services.link_revoke(actor=counsellor, link=link)
    response = post(token)
    assert response.status_code == 410 and "detail" in response.json()
    _nothing_stored()


@pytest.mark.parametrize("payload", [
    body(family_name=None),
    body(family_name="x" * 201),
    body(birth_date="31.02.2001"),
    body(birth_date="2001-02-31"),
    body(kind="krank"),
    body(note="x" * 1001),
    body(occurred_on=None),
    {"family_name": 17, "birth_date": [], "kind": {}, "occurred_on": True},
])
def test_invalid_bodies_are_422(token, case, release, payload):
    response = post(token, payload)
    assert response.status_code == 422
    assert response.json()["message"] == de("The request contains invalid values.")
    _nothing_stored()


@pytest.mark.parametrize(("payload", "field"), [
    (body(family_name=""), "family_name"),
    (body(family_name="Had\u202edad"), "family_name"),
    (body(given_names="Amal\x00"), "given_names"),
    (body(birth_date="1850-01-01"), "birth_date"),
    (body(occurred_on=(timezone.localdate() + timedelta(days=2)).isoformat()), "occurred_on"),
    (body(occurred_on="2001-01-01"), "occurred_on"),
    (body(note="Hallo\x1b"), "note"),
])
def test_values_the_service_refuses_are_400_with_german_messages(token, case, release, payload, field):
    response = post(token, payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    _nothing_stored()


@pytest.mark.parametrize("raw", ["", "{", "null", "[]", "\x00", '{"family_name": "' + "x" * 100000 + '"}'])
def test_broken_json_never_breaks_anything(token, case, release, raw):
    response = post(token, raw=raw)
    assert 400 <= response.status_code < 500
    _nothing_stored()


def test_rate_limit(token, case, release, settings):
    settings.LOTSE_PARTNER_REPORTS_PER_LINK_PER_HOUR = 2
    assert post(token, body(family_name="Niemand")).status_code == 202
    assert post(token, body(family_name="Keiner")).status_code == 202
    response = post(token)
    assert response.status_code == 429
    assert response.json() == {"detail": de("Too many reports in a short time. Please try again in an hour.")}
    _nothing_stored()


def test_form_and_api_share_the_limit(token, case, release, settings):
    from tests.partnerreports.conftest import form_data

    settings.LOTSE_PARTNER_REPORTS_PER_LINK_PER_HOUR = 1
    assert Client().post(reverse("partnerreports:report_form", args=[token]),
                         form_data(family_name="Niemand")).status_code == 302
    assert post(token).status_code == 429
    _nothing_stored()


def test_openapi_documents_the_header_and_needs_no_account():
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/partner-reports"]["post"]
    assert "security" not in operation or operation["security"] in ([], [{}])
    assert any(parameter["name"] == "X-Report-Token" and parameter["in"] == "header"
               for parameter in operation["parameters"])
    assert "X-Report-Token" in operation["description"]
