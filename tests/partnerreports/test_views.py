"""Report link pages (staff) and the public report form: token once, neutral answers, bad input, limits."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lotse.accounts.models import hash_secret
from lotse.audit.models import AuditEvent
from lotse.cases.models import Case, Task
from lotse.consent.models import Release
from lotse.consent.services import release_revoke
from lotse.partnerreports import services
from lotse.partnerreports.models import PartnerReport, ReportLink
from tests.factories import login
from tests.partnerreports.conftest import BIRTH, form_data

pytestmark = pytest.mark.django_db

THANKS = "Thank you. Your report has been received."
INVALID = "This report link is invalid or has expired. Please contact the counselling service."


def de(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _form_url(token: str) -> str:
    return reverse("partnerreports:report_form", args=[token])


def _links_url(partner) -> str:
    return reverse("partnerreports:link_list", args=[partner.public_id])


def _nothing_stored():
    assert not PartnerReport.objects.exists()
    assert not Task.objects.filter(source=Task.Source.PARTNER_REPORT).exists()


# ---- report links --------------------------------------------------------------------------------

def test_link_list_shows_the_links_without_their_tokens(cclient, provider, issued,
                                                        django_assert_max_num_queries):
    link, token = issued
    with django_assert_max_num_queries(16):
        response = cclient.get(_links_url(provider))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Integrationskurs B1 vormittags" in html and provider.name in html
    assert token not in html and token.split("_", 2)[2] not in html
    assert reverse("partnerreports:link_revoke", args=[link.public_id]) in html
    assert 'name="label"' in html and 'name="expires_on"' in html


def test_link_list_costs_the_same_with_many_links(cclient, provider, counsellor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = _links_url(provider)
    services.link_create(actor=counsellor, partner=provider, label="Kurs 0")
    cclient.get(url)
    with CaptureQueriesContext(connection) as few:
        cclient.get(url)
    for number in range(1, 12):
        link, _token = services.link_create(actor=counsellor, partner=provider, label=f"Kurs {number}")
        if number % 3 == 0:
            services.link_revoke(actor=counsellor, link=link)
    with CaptureQueriesContext(connection) as many:
        cclient.get(url)
    assert len(many) == len(few)


def test_creating_a_link_shows_address_and_key_once(cclient, provider, django_assert_max_num_queries):
    url = _links_url(provider)
    with django_assert_max_num_queries(22):
        response = cclient.post(url, {"label": "Kurs B2 abends", "expires_on": ""})
    assert response.status_code == 200
    html = response.content.decode()
    link = ReportLink.objects.get()
    token = re.search(r'id="report-token" type="text" readonly value="([^"]+)"', html).group(1)
    assert token.startswith(f"mld_{link.token_prefix}_")
    assert link.token_hash == hash_secret(token.split("_", 2)[2])
    assert f"http://testserver{_form_url(token)}" in html
    assert "X-Report-Token: " + token in html and "http://testserver/api/partner-reports" in html
    assert link.label == "Kurs B2 abends" and link.expires_on == timezone.localdate() + timedelta(days=365)
    again = cclient.get(url).content.decode()
    assert token not in again and "Kurs B2 abends" in again
    assert Client().get(_form_url(token)).status_code == 200


@pytest.mark.parametrize(("values", "field"), [
    ({"label": ""}, "label"),
    ({"label": "x" * 201}, "label"),
    ({"label": "Kurs", "expires_on": "31.02.2026"}, "expires_on"),
    ({"label": "Kurs", "expires_on": "2001-01-01"}, "expires_on"),
    ({"label": "Kurs", "expires_on": (timezone.localdate() + timedelta(days=800)).isoformat()}, "expires_on"),
])
def test_bad_link_values_show_messages_and_store_nothing(cclient, provider, values, field):
    response = cclient.post(_links_url(provider), values)
    assert response.status_code == 422
    html = response.content.decode()
    assert "kern-form-input--error" in html and 'id="report-token"' not in html
    assert not ReportLink.objects.exists()


def test_revoking_a_link(cclient, provider, issued):
    link, token = issued
    response = cclient.post(reverse("partnerreports:link_revoke", args=[link.public_id]))
    assert response.status_code == 302 and response["Location"] == _links_url(provider)
    link.refresh_from_db()
    assert link.revoked_on == timezone.localdate()
    assert Client().get(_form_url(token)).status_code == 410
    html = cclient.get(_links_url(provider)).content.decode()
    assert reverse("partnerreports:link_revoke", args=[link.public_id]) not in html


def test_foreign_staff_see_no_links(org_b, provider, issued):
    link, _token = issued
    for role in ("counsellor", "team_lead", "org_admin"):
        client = _client(org_b.user(role))
        assert client.get(_links_url(provider)).status_code == 404
        assert client.post(reverse("partnerreports:link_revoke", args=[link.public_id])).status_code == 404
        assert client.post(_links_url(provider), {"label": "Fremd"}).status_code == 404
    link.refresh_from_db()
    assert link.revoked_on is None and ReportLink.objects.count() == 1


def test_coordination_and_accommodation_may_not_manage_links(org_a, provider, issued):
    for role in ("coordinator", "accommodation"):
        client = _client(org_a.user(role))
        assert client.get(_links_url(provider)).status_code == 403
        assert client.post(_links_url(provider), {"label": "Kurs"}).status_code == 403
    assert ReportLink.objects.count() == 1


# ---- a received report (staff) -------------------------------------------------------------------

@pytest.fixture
def received(token, case, release):
    response = Client().post(_form_url(token), form_data())
    assert response.status_code == 302
    return PartnerReport.objects.get()


def test_report_detail_for_the_case_team(cclient, received, django_assert_max_num_queries):
    url = reverse("partnerreports:report_detail", args=[received.public_id])
    with django_assert_max_num_queries(16):
        response = cclient.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Seit Montag nicht im Kurs." in html and "Sprachschule Lindenau" in html
    assert received.task.title in html
    assert AuditEvent.objects.filter(action="partner_report.viewed",
                                     object_id=str(received.person.public_id)).exists()


def test_report_detail_is_refused_outside_the_case_team(org_a, org_b, received):
    url = reverse("partnerreports:report_detail", args=[received.public_id])
    for user in (org_b.user("counsellor"), org_b.user("team_lead"), org_a.user("coordinator"),
                 org_a.user("accommodation"), org_a.user("org_admin")):
        assert _client(user).get(url).status_code == 404


def test_the_task_is_open_in_the_case_and_the_report_in_the_timeline(received):
    from lotse.partnerreports.selectors import timeline_items

    items = timeline_items(actor=received.case.owner, case=received.case)
    assert [item.kind for item in items] == ["partner_report"]
    assert items[0].url == reverse("partnerreports:report_detail", args=[received.public_id])
    assert "Seit Montag" in items[0].detail
    open_tasks = Task.objects.filter(case=received.case, status=Task.Status.OPEN)
    assert list(open_tasks) == [received.task]


# ---- the public form -----------------------------------------------------------------------------

def test_public_form_needs_no_login_and_is_not_indexed(token, provider, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(4):
        response = client.get(_form_url(token))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    for name in ("family_name", "given_names", "birth_date", "kind", "occurred_on", "note",
                 "csrfmiddlewaretoken"):
        assert f'name="{name}"' in html
    assert provider.name in html and provider.organisation.name in html
    assert "lotse-nav" not in html


@pytest.mark.parametrize("token", ["mld_000000000000_unbekannt", "irgendwas", "x" * 300])
def test_unknown_token_gives_a_clear_page(issued, token):
    for response in (Client().get(_form_url(token)), Client().post(_form_url(token), form_data())):
        assert response.status_code == 404
        assert de(INVALID) in response.content.decode()
    _nothing_stored()


def test_revoked_or_expired_link_gives_a_clear_page(issued, counsellor, case, release):
    link, token = issued
    ReportLink.objects.filter(pk=link.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    for response in (Client().get(_form_url(token)), Client().post(_form_url(token), form_data())):
        assert response.status_code == 410 and de(INVALID) in response.content.decode()
    ReportLink.objects.filter(pk=link.pk).update(expires_on=timezone.localdate() + timedelta(days=9))
    services.link_revoke(actor=counsellor, link=link)
    response = Client().post(_form_url(token), form_data())
    assert response.status_code == 410 and de(INVALID) in response.content.decode()
    _nothing_stored()
    assert AuditEvent.objects.filter(action="partner_report.link_refused", details__state="inactive").exists()


def test_an_accepted_report_redirects_to_the_neutral_confirmation(token, case, release,
                                                                 django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(40):
        response = client.post(_form_url(token), form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerreports:report_thanks", args=[token])
    assert PartnerReport.objects.count() == 1
    with django_assert_max_num_queries(2):
        thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and de(THANKS) in thanks.content.decode()
    assert thanks["X-Robots-Tag"] == "noindex, nofollow"


def _answer(client, token, **extra):
    response = client.post(_form_url(token), form_data(**extra))
    return response.status_code, response.get("Location"), response.content


def test_every_outcome_gives_the_same_answer(token, link, case, release, counsellor, make_person,
                                             other_provider, give_release):
    """Accepted, duplicate, unknown person, two persons, no release, revoked, expired or foreign release,
    no open case: the reporter sees exactly the same response."""
    client = Client()
    accepted = _answer(client, token)
    assert PartnerReport.objects.count() == 1
    answers = {"duplicate": _answer(client, token),
               "unknown person": _answer(client, token, family_name="Niemand"),
               "other birth date": _answer(client, token, birth_date="1990-01-01")}
    twin = make_person(family_name="Haddad", given_names="Amal", birth_date=BIRTH)
    answers["two persons"] = _answer(client, token, kind="other")
    type(twin).objects.filter(pk=twin.pk).update(birth_date=BIRTH - timedelta(days=400))
    release_revoke(actor=counsellor, release=release, revoked_on=timezone.localdate())
    answers["revoked release"] = _answer(client, token, kind="other")
    expired = give_release(case.person, link.partner)
    Release.objects.filter(pk=expired.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    answers["expired release"] = _answer(client, token, kind="other")
    give_release(case.person, other_provider)
    answers["release for another partner"] = _answer(client, token, kind="other")
    give_release(case.person, link.partner)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    answers["no open case"] = _answer(client, token, kind="other")
    for name, answer in answers.items():
        assert answer == accepted, name
    assert PartnerReport.objects.count() == 1
    assert Task.objects.filter(source=Task.Source.PARTNER_REPORT).count() == 1


def test_person_without_release_same_answer_and_nothing_stored(token, case):
    status, location, _body = _answer(Client(), token)
    assert (status, location) == (302, reverse("partnerreports:report_thanks", args=[token]))
    _nothing_stored()


@pytest.mark.parametrize(("values", "field"), [
    ({"family_name": ""}, "family_name"),
    ({"family_name": "Haddad\x01"}, "family_name"),
    ({"birth_date": "31.02.2001"}, "birth_date"),
    ({"birth_date": ""}, "birth_date"),
    ({"occurred_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "occurred_on"),
    ({"occurred_on": "2001-01-01"}, "occurred_on"),
    ({"kind": "krank"}, "kind"),
    ({"note": "x" * 1001}, "note"),
    ({"note": "Text mit Steuerzeichen \x07"}, "note"),
])
def test_invalid_input_shows_field_messages_and_stores_nothing(token, case, release, values, field):
    response = Client().post(_form_url(token), form_data(**values))
    assert response.status_code == 422
    html = response.content.decode()
    assert "kern-form-input--error" in html or "kern-fieldset--error" in html
    assert f'id="id_{field}' in html
    _nothing_stored()


def test_invalid_input_messages_are_german(token, case, release):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = Client().post(_form_url(token), form_data(occurred_on=future, family_name=""))
    html = response.content.decode()
    assert de("The date cannot be in the future.") in html


def test_hostile_values_never_break_the_form(token, case, release):
    hostile = ["x" * 10000, "<script>alert('xss')</script>", "'; DROP TABLE people_person; --",
               "\u202eevil\u202c\u2066\u200b", "\x00\x01\x1f", "31.02.2025", "-1", "9" * 40, "🙂" * 50, ""]
    client = Client()
    fields = ("family_name", "given_names", "birth_date", "kind", "occurred_on", "note")
    for value in hostile:
        response = client.post(_form_url(token), {name: value for name in fields})
        assert response.status_code < 500
        assert "<script>alert('xss')</script>" not in response.content.decode()
        for name in fields:
            response = client.post(_form_url(token), form_data(**{name: value}))
            assert response.status_code < 500
            assert "<script>alert('xss')</script>" not in response.content.decode(errors="replace")
        from django.core.cache import cache

        cache.clear()  # the limit would stop the sweep
    for report in PartnerReport.objects.all():  # harmless values in the note are a valid report
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in report.note) and len(report.note) <= 1000
        assert "\u202e" not in report.note


def test_the_form_is_csrf_protected(token, case, release):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_form_url(token), form_data()).status_code == 403
    _nothing_stored()
    html = client.get(_form_url(token)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(_form_url(token), {**form_data(), "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert PartnerReport.objects.count() == 1


def test_rate_limit_per_link(token, case, release, settings, issued):
    settings.LOTSE_PARTNER_REPORTS_PER_LINK_PER_HOUR = 3
    settings.LOTSE_PARTNER_REPORTS_PER_ADDRESS_PER_HOUR = 100
    client = Client()
    for number in range(3):
        response = client.post(_form_url(token), form_data(family_name=f"Niemand{'x' * number}"))
        assert response.status_code == 302
    response = client.post(_form_url(token), form_data())
    assert response.status_code == 429
    assert de("Too many reports in a short time. Please try again in an hour.") in response.content.decode()
    _nothing_stored()
    # Another link of the same address still works.
    _link, other_token = services.link_create(actor=case.owner, partner=issued[0].partner, label="Kurs C")
    assert client.post(_form_url(other_token), form_data()).status_code == 302
    assert PartnerReport.objects.count() == 1


def test_rate_limit_per_address_counts_bad_tokens_too(token, case, release, settings):
    settings.LOTSE_PARTNER_REPORTS_PER_LINK_PER_HOUR = 100
    settings.LOTSE_PARTNER_REPORTS_PER_ADDRESS_PER_HOUR = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(3):
        assert client.post(_form_url(f"mld_{number:012d}_falsch"), form_data()).status_code == 404
    assert client.post(_form_url(token), form_data()).status_code == 429
    _nothing_stored()
    assert Client(REMOTE_ADDR="203.0.113.8").post(_form_url(token), form_data()).status_code == 302
    assert PartnerReport.objects.count() == 1


def test_the_limit_resets_in_the_next_hour(token, case, release, settings, monkeypatch):
    settings.LOTSE_PARTNER_REPORTS_PER_LINK_PER_HOUR = 1
    client = Client()
    assert client.post(_form_url(token), form_data(family_name="Niemand")).status_code == 302
    assert client.post(_form_url(token), form_data()).status_code == 429
    later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr("lotse.partnerreports.throttle.timezone.now", lambda: later)
    assert client.post(_form_url(token), form_data()).status_code == 302
    assert PartnerReport.objects.count() == 1


def test_a_logged_in_user_reports_like_anyone_else(token, case, release, org_b):
    """A staff member who opens the link (even of another organisation) sees nothing more and acts as
    no one."""
    client = _client(org_b.user("counsellor"))
    assert client.post(_form_url(token), form_data()).status_code == 302
    report = PartnerReport.objects.get()
    assert report.task.created_by is None
    event = AuditEvent.objects.get(action="partner_report.received")
    assert event.actor_id is None and event.actor_label == "report-link"
