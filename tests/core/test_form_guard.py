"""Invalid form submissions answer 422; a form sent twice is refused with 409 and stored once."""

import json
import re
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from lotse.core.middleware import FORM_TOKEN_FIELD, FORM_TOKEN_PATTERN
from lotse.core.models import SubmissionClaim
from lotse.people import services as people_services
from lotse.people.models import Person
from tests.factories import german, login

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2] / "lotse"
CREATE = reverse("people:person_create")
ALREADY_SENT = "This form has already been sent. It was not processed a second time, so nothing has been saved twice."


def _token(html: str) -> str:
    tokens = re.findall(rf'name="{FORM_TOKEN_FIELD}" value="([^"]+)"', html)
    assert len(tokens) == 1, tokens
    return tokens[0]


def _form_data(client, org_a, **fields):
    token = _token(client.get(CREATE).content.decode())
    return {FORM_TOKEN_FIELD: token, "team": str(org_a.team.public_id), "family_name": "Haddad",
            "given_names": "Amal", **fields}


def test_an_invalid_submission_answers_422_with_the_german_error_summary(cclient, org_a):
    response = cclient.post(CREATE, _form_data(cclient, org_a, family_name="", birth_date="31.02.2025"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben" in body and 'aria-invalid="true"' in body
    assert not Person.objects.exists()


def test_field_errors_alone_make_the_answer_422(cclient, case):
    """The contact form has no summary for field errors; the field message marks the request."""
    response = cclient.post(reverse("contacts:contact_create", args=[case.public_id]), {"contact_on": "2025-02-31"})
    assert response.status_code == 422
    assert 'class="kern-error"' in response.content.decode()


def test_htmx_submissions_get_422_as_well_and_htmx_swaps_it(cclient, org_a):
    response = cclient.post(CREATE, _form_data(cclient, org_a, family_name=""), headers={"HX-Request": "true"})
    assert response.status_code == 422
    config = json.loads(re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', cclient.get("/").content.decode())
                        .group(1))
    swapped = {rule["code"]: rule["swap"] for rule in config["responseHandling"]}
    assert swapped["422"] is True and swapped["409"] is True and swapped["[45].."] is False
    assert config["responseHandling"][-1]["code"] == "[45].."
    assert config["allowEval"] is False and config["selfRequestsOnly"] is True


def test_a_bound_form_with_errors_on_get_stays_200(cclient):
    response = cclient.get(reverse("referrals:partner_figures"), {"von": "31.02.2025", "bis": "abc"})
    assert response.status_code == 200
    assert 'class="kern-error"' in response.content.decode()


def test_a_valid_submission_sent_twice_is_stored_once_and_answered_409(cclient, org_a):
    data = _form_data(cclient, org_a)
    first = cclient.post(CREATE, data)
    assert first.status_code == 302
    second = cclient.post(CREATE, data, headers={"Referer": "http://testserver" + CREATE})
    assert second.status_code == 409
    assert Person.objects.count() == 1
    body = second.content.decode()
    assert german(ALREADY_SENT) in body and german("Form already sent") in body
    assert f'href="http://testserver{CREATE}"' in body
    assert SubmissionClaim.objects.filter(token=data[FORM_TOKEN_FIELD]).count() == 1


def test_the_409_page_links_home_when_the_referer_is_foreign(cclient, org_a):
    data = _form_data(cclient, org_a)
    cclient.post(CREATE, data)
    second = cclient.post(CREATE, data, headers={"Referer": "https://evil.example/phish"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "evil.example" not in body and f'href="{reverse("core:home")}"' in body


def test_the_view_is_not_called_for_a_duplicate(cclient, org_a, monkeypatch):
    data = _form_data(cclient, org_a)
    assert cclient.post(CREATE, data).status_code == 302
    calls = []
    monkeypatch.setattr(people_services, "person_create", lambda **kwargs: calls.append(kwargs))
    assert cclient.post(CREATE, data).status_code == 409
    assert calls == []


def test_a_rejected_submission_releases_its_token(cclient, org_a):
    """Nothing was stored, so the same page may be sent again once corrected."""
    data = _form_data(cclient, org_a, family_name="")
    assert cclient.post(CREATE, data).status_code == 422
    assert not SubmissionClaim.objects.filter(token=data[FORM_TOKEN_FIELD]).exists()
    corrected = cclient.post(CREATE, {**data, "family_name": "Haddad"})
    assert corrected.status_code == 302
    assert Person.objects.count() == 1
    assert cclient.post(CREATE, {**data, "family_name": "Haddad"}).status_code == 409


def test_the_rerendered_form_carries_a_fresh_token(cclient, org_a):
    data = _form_data(cclient, org_a, family_name="")
    fresh = _token(cclient.post(CREATE, data).content.decode())
    assert fresh != data[FORM_TOKEN_FIELD]


def test_a_refused_submission_releases_its_token(client, org_a, org_b):
    """403/404 answers store nothing either."""
    login(client, org_b.user("counsellor"))
    person = people_services.person_create(actor=org_a.user("counsellor"), team=org_a.team,
                                           data=people_services.PersonData(family_name="Haddad", given_names="A"))
    response = client.post(reverse("people:person_edit", args=[person.public_id]),
                           {FORM_TOKEN_FIELD: "a" * 32, "family_name": "X"})
    assert response.status_code in (403, 404)
    assert not SubmissionClaim.objects.exists()


def test_posts_without_a_token_still_work(cclient, org_a):
    response = cclient.post(CREATE, {"team": str(org_a.team.public_id), "family_name": "Haddad",
                                     "given_names": "Amal"})
    assert response.status_code == 302
    assert not SubmissionClaim.objects.exists()


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "<script>alert(1)</script>" * 2, "a" * 20 + "\x00",
                                   "a" * 20 + "\u202e"])
def test_a_malformed_token_is_refused_with_400_before_the_view(cclient, org_a, token):
    data = {**_form_data(cclient, org_a), FORM_TOKEN_FIELD: token}
    response = cclient.post(CREATE, data)
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()
    assert not Person.objects.exists() and not SubmissionClaim.objects.exists()


def test_a_token_is_claimed_only_after_login_and_csrf_checks(client, org_a):
    """An anonymous or CSRF-less POST does not use up the token of the form."""
    token = "b" * 32
    anonymous = client.post(CREATE, {FORM_TOKEN_FIELD: token})
    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]
    checked = Client(enforce_csrf_checks=True)
    login(checked, org_a.user("counsellor"))
    assert checked.post(CREATE, {FORM_TOKEN_FIELD: token}).status_code == 403
    assert not SubmissionClaim.objects.exists()


def test_every_form_on_a_page_gets_its_own_token(cclient):
    html = cclient.get(reverse("accounts:account")).content.decode()
    tokens = re.findall(rf'name="{FORM_TOKEN_FIELD}" value="([^"]+)"', html)
    assert len(tokens) >= 2 and len(tokens) == len(set(tokens))
    assert all(FORM_TOKEN_PATTERN.fullmatch(token) for token in tokens)


def test_repeatable_forms_carry_no_token_and_can_be_sent_again(cclient):
    html = cclient.get("/").content.decode()
    for action in (reverse("accounts:logout"), reverse("core:set_language")):
        form = re.search(rf'<form[^>]*action="{action}"[^>]*>(.*?)</form>', html, re.S).group(1)
        assert "csrfmiddlewaretoken" in form and FORM_TOKEN_FIELD not in form
    for _ in range(2):
        assert cclient.post(reverse("core:set_language"), {"language": "de", "next": "/"}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_of_one_form_store_once(reference_data, org_a, monkeypatch):
    """The second POST arrives while the first is still in the view: it is refused without waiting."""
    counsellor = org_a.user("counsellor")
    clients = [Client(), Client()]
    for client in clients:
        login(client, counsellor)
    data = _form_data(clients[0], org_a)
    entered, release = threading.Event(), threading.Event()
    original = people_services.person_create

    def slow_create(**kwargs):
        entered.set()
        assert release.wait(30)
        return original(**kwargs)

    monkeypatch.setattr(people_services, "person_create", slow_create)
    results = {}
    first = threading.Thread(target=lambda: results.setdefault("first", clients[0].post(CREATE, data)))
    first.start()
    try:
        assert entered.wait(30)
        results["second"] = clients[1].post(CREATE, data)
    finally:
        release.set()
        first.join(30)
        connection.close()
    assert results["second"].status_code == 409
    assert results["first"].status_code == 302
    assert Person.objects.filter(family_name="Haddad").count() == 1


# ---- every POST form carries the guard --------------------------------------------------------------------

FORM_OPEN = re.compile(r"<form\b[^>]*>", re.I | re.S)


def _post_forms(text: str):
    for match in FORM_OPEN.finditer(text):
        if re.search(r'method=["\']?post', match.group(0), re.I):
            end = text.find("</form>", match.end())
            yield match.group(0), text[match.end():end if end != -1 else len(text)]


TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))


def test_the_scan_finds_the_post_forms():
    forms = [form for path in TEMPLATES for form in _post_forms(path.read_text(encoding="utf-8"))]
    assert len(forms) >= 60


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_post_form_uses_the_form_guard(path):
    text = path.read_text(encoding="utf-8")
    for opening, body in _post_forms(text):
        assert "{% form_guard" in body, f"{path.relative_to(ROOT)}: {opening} needs {{% form_guard %}}"
        assert "{% csrf_token %}" not in body
    if "{% form_guard" in text or "{% form_invalid" in text:
        assert "{% load lotse_forms %}" in text


ERROR_DISPLAYS = ('<div class="kern-alert kern-alert--danger"', '<p class="kern-error"', "{% for error", "<p",
                  "<div")


def test_error_summaries_mark_the_request():
    """Every template that shows form errors calls {% form_invalid %} there."""
    checked = 0
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\{% (?:el)?if [^%]*\b(?:form\.non_field_errors|form\.errors|field\.errors|"
                                 r"form\.version\.errors)\b[^%]*%\}", text):
            following = text[match.end():].lstrip()
            if following.startswith(ERROR_DISPLAYS):
                pytest.fail(f"{path.relative_to(ROOT)}: {match.group(0)} shows errors without {{% form_invalid %}}")
            checked += following.startswith("{% form_invalid %}")
    assert checked >= 10
