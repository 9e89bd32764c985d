"""Referral pages: sending (and the refusal without a release), detail and steps, figures, letters."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lotse.cases.models import Case
from lotse.consent.models import Disclosure
from lotse.consent.services import release_revoke
from lotse.referrals.models import Referral
from tests.factories import login

pytestmark = pytest.mark.django_db


def _de(msgid: str) -> str:
    """The text as the German page shows it (English until the lead merges the German catalogue)."""
    with translation.override("de"):
        return gettext(msgid)


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _form(partner_obj, person_obj, today, **extra):
    values = {"person": str(person_obj.public_id), "partner": str(partner_obj.public_id), "service": "",
              "partner_contact": "", "categories": ["master_data", "work"], "reason": "Arbeitssuche",
              "sent_on": today.isoformat()}
    values.update(extra)
    return values


# ---- send --------------------------------------------------------------------------------------------------

def test_create_page_shows_partners_categories_and_the_releases(cclient, case, partner, service, release,
                                                                django_assert_max_num_queries):
    url = reverse("referrals:referral_create", args=[case.public_id])
    with django_assert_max_num_queries(20):
        response = cclient.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{partner.public_id}"' in html and "Jobcenter Lindenau – Integration Point" in html
    assert 'name="categories" value="master_data"' in html
    assert 'value="master_data" class="kern-form-check__input" id="id_categories_0" checked' in html \
        or 'id="id_categories_0" checked' in html
    assert release.valid_until.strftime("%d.%m.%Y") in html  # the hint which releases exist


def test_sending_through_the_form(cclient, case, partner, service, release, today,
                                  django_assert_max_num_queries):
    url = reverse("referrals:referral_create", args=[case.public_id])
    with django_assert_max_num_queries(45):
        response = cclient.post(url, _form(partner, case.person, today, service=str(service.public_id)))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/vermittlungen/{referral.public_id}/"
    assert referral.service == service and referral.categories == ["master_data", "work"]


def test_without_release_the_form_shows_the_refusal_and_the_way_to_a_release(cclient, case, partner, today):
    response = cclient.post(reverse("referrals:referral_create", args=[case.public_id]),
                            _form(partner, case.person, today))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Keine gültige Schweigepflichtentbindung für Jobcenter Lindenau" in html
    assert reverse("consent:release_create", args=[case.person.public_id]) in html
    assert not Referral.objects.exists()
    assert Disclosure.objects.get().allowed is False


@pytest.mark.parametrize("extra", [
    {"partner": "00000000-0000-0000-0000-000000000000"},
    {"categories": ["work"]},
    {"categories": ["nonsense"]},
    {"reason": ""},
    {"sent_on": "31.02.2026"},
    {"person": "kein-uuid"},
])
def test_bad_input_shows_the_form_again_and_saves_nothing(cclient, case, partner, release, today, extra):
    response = cclient.post(reverse("referrals:referral_create", args=[case.public_id]),
                            _form(partner, case.person, today, **extra))
    assert response.status_code == 422
    assert "kern-form-input--error" in response.content.decode() or "kern-fieldset--error" in \
        response.content.decode()
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_a_closed_case_sends_back_to_the_case(cclient, case):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    response = cclient.get(reverse("referrals:referral_create", args=[case.public_id]))
    assert response.status_code == 302 and response["Location"] == f"/faelle/{case.public_id}/"


def test_other_organisations_and_roles_cannot_send(case, partner, release, today, org_b, org_a):
    url = reverse("referrals:referral_create", args=[case.public_id])
    for user in (org_b.user("counsellor"), org_a.user("coordinator"), org_a.user("accommodation")):
        response = _client(user).post(url, _form(partner, case.person, today))
        assert response.status_code in (403, 404)
    assert not Referral.objects.exists()


# ---- detail and steps --------------------------------------------------------------------------------------

def test_detail_shows_course_next_steps_and_letters(cclient, send, django_assert_max_num_queries):
    referral = send()
    with django_assert_max_num_queries(20):
        response = cclient.get(reverse("referrals:referral_detail", args=[referral.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    for step in ("rueckmeldung", "termin", "ergebnis", "zurueckgezogen"):
        assert f'action="/vermittlungen/{referral.public_id}/{step}/"' in html
    assert "verbleib/" not in html
    assert f"/vermittlungen/{referral.public_id}/brief-partner/" in html
    assert 'id="id_accepted_on"' in html and 'id="id_appointment_on"' in html  # ids apart on one page


def test_a_step_through_its_page(cclient, send, today, django_assert_max_num_queries):
    referral = send()
    url = reverse("referrals:referral_accepted", args=[referral.public_id])
    with django_assert_max_num_queries(18):
        assert cclient.get(url).status_code == 200
    response = cclient.post(url, {"on": today.isoformat(), "version": "1"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.accepted_on == today


def test_a_bad_step_shows_the_error_and_a_stale_one_409(cclient, send, today, lead):
    referral = send()
    url = reverse("referrals:referral_outcome", args=[referral.public_id])
    response = cclient.post(url, {"outcome": "rejected", "on": today.isoformat(), "version": "1",
                                  "rejection_reason": ""})
    assert response.status_code == 422 and "kern-form-input--error" in response.content.decode()
    response = cclient.post(url, {"outcome": "took_place", "on": (today + timedelta(days=3)).isoformat(),
                                  "version": "1"})
    assert response.status_code == 422
    _client(lead).post(reverse("referrals:referral_appointment", args=[referral.public_id]),
                       {"on": today.isoformat(), "version": "1"})
    response = cclient.post(url, {"outcome": "took_place", "on": today.isoformat(), "version": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="stale-warning"' in html and 'name="version" value="2"' in html
    referral.refresh_from_db()
    assert referral.status == "appointment" and referral.outcome == ""


def test_a_step_that_is_no_longer_possible_goes_back_to_the_referral(cclient, send, today):
    referral = send()
    referral = Referral.objects.get(pk=referral.pk)
    Referral.objects.filter(pk=referral.pk).update(status="withdrawn", withdrawn_on=today)
    response = cclient.post(reverse("referrals:referral_accepted", args=[referral.public_id]),
                            {"on": today.isoformat(), "version": "1"})
    assert response.status_code == 302 and response["Location"] == f"/vermittlungen/{referral.public_id}/"
    assert Referral.objects.get(pk=referral.pk).status == "withdrawn"


def test_the_list_page(cclient, send, case, django_assert_max_num_queries):
    send()
    send()
    with django_assert_max_num_queries(16):
        response = cclient.get(reverse("referrals:referral_list", args=[case.public_id]))
    assert response.status_code == 200 and response.content.decode().count("Jobcenter Lindenau") >= 2


def test_the_case_file_shows_the_section(cclient, send, case):
    referral = send()
    html = cclient.get(reverse("cases:case_detail", args=[case.public_id])).content.decode()
    assert f"/vermittlungen/{referral.public_id}/" in html
    assert reverse("referrals:referral_create", args=[case.public_id]) in html


# ---- letters -----------------------------------------------------------------------------------------------

def test_the_partner_letter_is_refused_without_a_valid_release(cclient, send, release, counsellor, today):
    referral = send()
    release_revoke(actor=counsellor, release=release, revoked_on=today)
    response = cclient.get(reverse("referrals:referral_letter_partner", args=[referral.public_id]))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Keine gültige Schweigepflichtentbindung für Jobcenter Lindenau" in html
    assert reverse("consent:release_create", args=[referral.person.public_id]) in html
    assert Disclosure.objects.filter(allowed=False).count() == 1


def test_the_partner_letter_of_a_closed_referral_is_not_printed(cclient, send, today):
    referral = send()
    Referral.objects.filter(pk=referral.pk).update(status="withdrawn", withdrawn_on=today)
    response = cclient.get(reverse("referrals:referral_letter_partner", args=[referral.public_id]))
    assert response.status_code == 409
    assert Disclosure.objects.count() == 1  # only the sending


def test_letters_download_as_pdf(cclient, send):
    referral = send()
    response = cclient.get(reverse("referrals:referral_letter_partner", args=[referral.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "referral_letter_partner_" in response["Content-Disposition"]
    letter = reverse("referrals:referral_letter_client", args=[referral.public_id])
    response = cclient.get(letter + "?sprache=ar")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('_ar.pdf"')
    response = cclient.get(letter + "?sprache=xx")
    assert response.status_code == 400


# ---- figures -----------------------------------------------------------------------------------------------

def test_figures_page_for_a_coordinator_with_chart_and_table(send, org_a, today,
                                                             django_assert_max_num_queries):
    referral = send()
    Referral.objects.filter(pk=referral.pk).update(status="outcome", outcome="completed",
                                                  appointment_on=today + timedelta(days=6))
    send()
    client = _client(org_a.user("coordinator"))
    url = reverse("referrals:partner_figures")
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg role="img"' in html and "<title id=\"share-chart-title\">" in html
    assert "Jobcenter Lindenau" in html and "50,0 %" in html and ">6 (1)<" in html
    assert "Haddad" not in html  # no person on the figures page


def test_figures_page_period_and_bad_input(cclient, send, today):
    send()
    url = reverse("referrals:partner_figures")
    html = cclient.get(url, {"von": "2020-01-01", "bis": "2020-12-31"}).content.decode()
    assert _de("No referrals in this period.") in html
    response = cclient.get(url, {"von": "2026-05-01", "bis": "2026-01-01"})
    assert response.status_code == 200 and "kern-form-input--error" in response.content.decode()
    response = cclient.get(url, {"von": "kaputt", "organisation": "<script>"})
    assert response.status_code == 200 and "<script>" not in response.content.decode()


def test_figures_page_is_refused_to_accommodation_management(org_a):
    response = _client(org_a.user("accommodation")).get(reverse("referrals:partner_figures"))
    assert response.status_code == 403


def test_figures_page_lets_someone_in_two_organisations_choose(send, org_a, org_b, today):
    from lotse.organisations.models import Membership

    coordinator = org_a.user("coordinator")
    Membership.objects.create(user=coordinator, organisation=org_b.organisation, role="coordinator")
    send()
    client = _client(coordinator)
    html = client.get(reverse("referrals:partner_figures")).content.decode()
    assert 'name="organisation"' in html and "Jobcenter Lindenau" in html
    html = client.get(reverse("referrals:partner_figures"), {
        "organisation": str(org_b.organisation.public_id), "von": date(2026, 1, 1).isoformat(),
    }).content.decode()
    assert "Jobcenter Lindenau" not in html


def test_steps_of_a_closed_case_go_back_to_the_referral(cclient, send, case, today):
    referral = send()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    url = reverse("referrals:referral_accepted", args=[referral.public_id])
    assert cclient.get(url).status_code == 302
    response = cclient.post(url, {"on": today.isoformat(), "version": "1"})
    assert response.status_code == 302 and Referral.objects.get(pk=referral.pk).status == "sent"
    html = cclient.get(reverse("referrals:referral_detail", args=[referral.public_id])).content.decode()
    assert "/rueckmeldung/" not in html
