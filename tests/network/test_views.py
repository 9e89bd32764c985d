"""Directory pages: list with search, filters and pages; detail; create, edit (two editors at once),
deactivate; services, contact persons and programmes — with query counts and who may do what."""

import pytest
from django.urls import reverse

from lotse.network import services
from lotse.network.models import Partner, PartnerContact, PartnerProgramme, PartnerService

pytestmark = pytest.mark.django_db


def _form(partner=None, **extra):
    values = {"name": "Kita Sonnenblume", "partner_type": "kita", "street": "Gartenweg 7",
              "postal_code": "88046",
              "city": "Lindenau", "phone": "", "email": "", "website": "", "opening_hours": "", "contact": "",
              "notes": "", "languages": ["deu", "tur"]}
    if partner is not None:
        values.update({"name": partner.name, "partner_type": partner.partner_type,
                       "version": str(partner.version)})
    values.update(extra)
    return values


def _many(organisation, counsellor, count, start=0):
    for number in range(start, start + count):
        partner = services.partner_create(actor=counsellor, organisation=organisation,
                                          name=f"Partner {number:03}",
                                          partner_type="other", languages=["deu"])
        services.service_create(actor=counsellor, partner=partner, name=f"Leistung {number}")


def test_list_costs_the_same_queries_however_large(cclient, organisation, counsellor,
                                                   django_assert_num_queries):
    _many(organisation, counsellor, 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("network:partner_list")
    cclient.get(url)
    with CaptureQueriesContext(connection) as small:
        assert cclient.get(url).status_code == 200
    _many(organisation, counsellor, 60, start=3)
    with CaptureQueriesContext(connection) as large:
        response = cclient.get(url)
    assert len(small) == len(large) <= 20
    html = response.content.decode()
    assert "Partner 049" in html and "Partner 050" not in html  # 50 per page
    next_page = html.split('rel="next" href="?')[1].split('"')[0].replace("&amp;", "&")
    second = cclient.get(f"{url}?{next_page}").content.decode()
    assert "Partner 050" in second and "Partner 049" not in second


def test_search_filters_and_status(cclient, organisation, counsellor, partner, org_a):
    kita = services.partner_create(actor=counsellor, organisation=organisation, name="Kita Sonnenblume",
                                   partner_type="kita")
    services.contact_create(actor=counsellor, partner=kita, name="Frau Wagner", function="Kita-Leitung")
    services.service_create(actor=counsellor, partner=partner, name="Bürgergeld")
    services.programmes_set(actor=counsellor, partner=partner, version=2,
                            levels={org_a.offering: "mandatory"})
    url = reverse("network:partner_list")

    def names(query):
        html = cclient.get(f"{url}?{query}").content.decode()
        return [name for name in ("Jobcenter Lindenau", "Kita Sonnenblume") if name in html]

    assert names("q=wagner") == ["Kita Sonnenblume"]  # contact person
    assert names("q=b%C3%BCrgergeld") == ["Jobcenter Lindenau"]  # service
    assert names("q=sonnen") == ["Kita Sonnenblume"]  # name
    assert names("art=kita") == ["Kita Sonnenblume"]
    assert names(f"programm={org_a.offering.public_id}") == ["Jobcenter Lindenau"]
    services.partner_set_active(actor=counsellor, partner=kita, version=2, active=False)
    assert names("") == ["Jobcenter Lindenau"]
    assert names("status=inaktiv") == ["Kita Sonnenblume"]
    assert names("status=alle") == ["Jobcenter Lindenau", "Kita Sonnenblume"]


@pytest.mark.parametrize("query",
                         ["art=zauberer", "programm=kein-uuid", "status=x", "seite=%%%", "q=" + "x" * 500,
                                   "programm=00000000-0000-0000-0000-000000000000", "organisation=x"])
def test_bad_filter_values_never_break_the_list(cclient, partner, query):
    response = cclient.get(f"{reverse('network:partner_list')}?{query}")
    assert response.status_code == 200


def test_foreign_partners_are_not_listed(cclient, org_b, partner):
    services.partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation,
                            name="Fremdes Amt", partner_type="other")
    html = cclient.get(reverse("network:partner_list")).content.decode()
    assert "Jobcenter Lindenau" in html and "Fremdes Amt" not in html


def test_detail_shows_everything_in_constant_queries(cclient, counsellor, partner, org_a,
                                                     django_assert_max_num_queries):
    services.service_create(actor=counsellor, partner=partner, name="Bürgergeld")
    services.contact_create(actor=counsellor, partner=partner, name="Frau Berg", function="Fallmanagerin",
                            email="berg@jc.invalid")
    services.programmes_set(actor=counsellor, partner=partner, version=3,
                            levels={org_a.offering: "mandatory"})
    services.partner_update(actor=counsellor, partner=partner, version=4, data=services.PartnerData(
        name=partner.name, partner_type="job_centre", languages=["ara", "tur"]))
    url = reverse("network:partner_detail", args=[partner.public_id])
    with django_assert_max_num_queries(20):
        response = cclient.get(url)
    html = response.content.decode()
    for text in ("Jobcenter Lindenau", "Bürgergeld", "Frau Berg", "Fallmanagerin", "mailto:berg@jc.invalid",
                 "MBE A", "Arabisch, Türkisch", reverse("network:partner_edit", args=[partner.public_id])):
        assert text in html


def test_detail_does_not_list_releases(cclient, counsellor, partner, make_person):
    """Releases naming the partner are personal data and belong to the person, not to the directory."""
    from datetime import timedelta

    from django.utils import timezone

    from lotse.consent.services import consent_record, release_record

    person = make_person()
    today = timezone.localdate()
    consent_record(actor=counsellor, person=person, purpose="sharing", given_on=today, form="paper")
    release_record(actor=counsellor, person=person, recipient=partner, categories=["work"],
                   purpose="Vermittlung",
                   given_on=today, valid_until=today + timedelta(days=30), form="paper")
    html = cclient.get(reverse("network:partner_detail", args=[partner.public_id])).content.decode()
    assert "Haddad" not in html


def test_coordinators_read_but_do_not_change(client_for, coordinator, partner):
    client = client_for(coordinator)
    html = client.get(reverse("network:partner_detail", args=[partner.public_id])).content.decode()
    assert "Jobcenter Lindenau" in html
    assert reverse("network:partner_edit", args=[partner.public_id]) not in html
    assert client.get(reverse("network:partner_edit", args=[partner.public_id])).status_code == 404
    assert client.get(reverse("network:partner_create")).status_code == 403
    assert f'href="{reverse("network:partner_list")}"' in html  # the directory is in the navigation


def test_create(cclient, organisation, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert cclient.get(reverse("network:partner_create")).status_code == 200
    response = cclient.post(reverse("network:partner_create"), _form(website="www.kita-sonnenblume.de"))
    partner = Partner.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("network:partner_detail",
                                                                           args=[partner.public_id])
    assert partner.organisation == organisation and partner.website == "https://www.kita-sonnenblume.de"
    assert sorted(partner.languages.values_list("code", flat=True)) == ["deu", "tur"]


@pytest.mark.parametrize("extra", [{"name": ""}, {"partner_type": "wizard"}, {"email": "kaputt"},
                                   {"website": "nicht eine adresse"}, {"languages": ["xxx"]},
                                   {"name": "x" * 201}, {"notes": "x" * 5001}])
def test_create_with_bad_values_saves_nothing(cclient, extra):
    response = cclient.post(reverse("network:partner_create"), _form(**extra))
    assert response.status_code == 422
    assert "kern-alert--danger" in response.content.decode()
    assert not Partner.objects.exists()


def test_create_duplicate_shows_the_error_at_the_name(cclient, partner):
    response = cclient.post(reverse("network:partner_create"), _form(name="jobcenter lindenau"))
    assert response.status_code == 422 and Partner.objects.count() == 1
    assert 'id="id_name_error"' in response.content.decode()


def test_edit_and_two_editors_at_once(cclient, partner, django_assert_max_num_queries):
    url = reverse("network:partner_edit", args=[partner.public_id])
    with django_assert_max_num_queries(20):
        assert cclient.get(url).status_code == 200
    response = cclient.post(url, _form(partner, city="Haanfeld"))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.city == "Haanfeld" and partner.version == 2
    response = cclient.post(url, _form(partner, city="Lindenau", version="1"))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="stale-warning"' in html and "Haanfeld" in html
    partner.refresh_from_db()
    assert partner.city == "Haanfeld"


def test_deactivate_and_reactivate(cclient, partner):
    url = reverse("network:partner_set_active", args=[partner.public_id])
    assert cclient.get(url).status_code == 405
    assert cclient.post(url, {"version": "1", "active": "0"}).status_code == 302
    partner.refresh_from_db()
    assert not partner.is_active
    cclient.post(url, {"version": "1", "active": "1"})  # stale: nothing happens
    partner.refresh_from_db()
    assert not partner.is_active
    cclient.post(url, {"version": "2", "active": "1"})
    partner.refresh_from_db()
    assert partner.is_active
    assert cclient.post(url, {"version": "kaputt"}).status_code == 302
    assert Partner.objects.filter(pk=partner.pk).exists()


def test_services_and_contact_persons_pages(cclient, partner, django_assert_max_num_queries):
    url = reverse("network:partner_service_create", args=[partner.public_id])
    with django_assert_max_num_queries(20):
        assert cclient.get(url).status_code == 200
    assert cclient.post(url, {"name": "Bürgergeld", "description": ""}).status_code == 302
    assert cclient.post(url, {"name": "BÜRGERGELD", "description": ""}).status_code == 422
    service = PartnerService.objects.get()
    url = reverse("network:partner_service_edit", args=[service.public_id])
    assert cclient.post(url, {"name": "Bürgergeld", "description": "Anträge"}).status_code == 302
    service.refresh_from_db()
    assert service.description == "Anträge" and not service.is_active  # checkbox left out: switched off

    url = reverse("network:partner_contact_create", args=[partner.public_id])
    assert cclient.post(url, {"name": "Frau Berg", "function": "Fallmanagerin", "phone": "",
                              "email": "berg@jc.invalid"}).status_code == 302
    assert cclient.post(url, {"name": "", "function": "x", "phone": "", "email": ""}).status_code == 422
    contact = PartnerContact.objects.get()
    url = reverse("network:partner_contact_edit", args=[contact.public_id])
    with django_assert_max_num_queries(20):
        assert cclient.get(url).status_code == 200
    assert cclient.post(url, {"name": "Frau Berg", "function": "Teamleitung", "phone": "", "email": "",
                              "is_active": "on"}).status_code == 302
    contact.refresh_from_db()
    assert contact.function == "Teamleitung" and contact.is_active


def test_programmes_page(cclient, partner, org_a, org_b, django_assert_max_num_queries):
    url = reverse("network:partner_programmes", args=[partner.public_id])
    with django_assert_max_num_queries(20):
        response = cclient.get(url)
    field = f"programme_{org_a.offering.public_id.hex}"
    assert field in response.content.decode()
    assert org_b.offering.name not in response.content.decode()
    assert cclient.post(url, {"version": "1", field: "mandatory"}).status_code == 302
    assert PartnerProgramme.objects.get().level == "mandatory"
    assert cclient.post(url, {"version": "2", field: "immer"}).status_code == 422
    assert cclient.post(url, {"version": "1", field: ""}).status_code == 409
    assert PartnerProgramme.objects.get().level == "mandatory"
    assert cclient.post(url, {"version": "2", field: ""}).status_code == 302
    assert not PartnerProgramme.objects.exists()


def test_foreign_partner_pages_answer_404(client_for, org_b, partner):
    client = client_for(org_b.user("org_admin"))
    for name in ("network:partner_detail", "network:partner_edit", "network:partner_programmes",
                 "network:partner_service_create", "network:partner_contact_create"):
        assert client.get(reverse(name, args=[partner.public_id])).status_code == 404
    assert client.post(reverse("network:partner_set_active", args=[partner.public_id]),
                       {"version": "1", "active": "0"}).status_code == 404
    partner.refresh_from_db()
    assert partner.is_active


def test_the_old_consent_urls_are_gone():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("consent:partner_list")
    assert reverse("network:partner_list") == "/partner/"
    assert reverse("network:partner_create") == "/partner/neu/"
