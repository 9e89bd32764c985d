"""Writes to the partner directory: validation with German messages, rights, versions, audit, no deletion."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from lotse.audit.models import AuditEvent
from lotse.network import services
from lotse.network.models import Partner, PartnerContact, PartnerProgramme, PartnerService
from lotse.network.services import PartnerData

pytestmark = pytest.mark.django_db


def _data(**extra):
    values = {"name": "Jobcenter Lindenau", "partner_type": "job_centre"}
    values.update(extra)
    return PartnerData(**values)


def test_create_with_every_field(organisation, counsellor):
    partner = services.partner_create(
        actor=counsellor, organisation=organisation, name="  Volkshochschule   Lindenau ",
        partner_type="course_provider",
        is_internal=False, street="Schulstraße 4", postal_code="88045", city="Lindenau", phone="07541 3300-0",
        email="kurse@vhs.invalid", website="www.vhs-lindenau.de", opening_hours="Mo–Do 9–12 Uhr\nFr 9–11 Uhr",
        languages=["deu", "ara", "ara"], notes="Kinderbetreuung auf Anfrage")
    partner.refresh_from_db()
    assert partner.name == "Volkshochschule Lindenau"
    assert partner.website == "https://www.vhs-lindenau.de"
    assert partner.opening_hours == "Mo–Do 9–12 Uhr\nFr 9–11 Uhr"
    assert sorted(partner.languages.values_list("code", flat=True)) == ["ara", "deu"]
    assert partner.version == 1 and partner.is_active
    event = AuditEvent.objects.get(action="partner.created")
    assert event.object_id == str(partner.public_id) and event.organisation_id == organisation.pk


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"name": "   "}, "name", "Please enter the name."),
    ({"partner_type": "wizard"}, "partner_type", "Please choose the type."),
    ({"email": "kein-mail"}, "email", "valid e-mail address"),
    ({"website": "http://"}, "website", "valid web address"),
    ({"website": "javascript:alert(1)"}, "website", "valid web address"),
    ({"postal_code": "1" * 11}, "postal_code", "at most 10 characters"),
    ({"notes": "x" * 5001}, "notes", "at most 5000 characters"),
    ({"name": "Job\x00center"}, "name", "control characters"),
    ({"languages": ["xx-unbekannt"]}, "languages", "xx-unbekannt"),
])
def test_create_refuses_bad_values_with_a_clear_message(organisation, counsellor, extra, field, message):
    """Messages are English msgids here; the German catalogue translates them."""
    values = {"name": "Jobcenter", "partner_type": "job_centre", **extra}
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.partner_create(actor=counsellor, organisation=organisation, **values)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not Partner.objects.exists()
    assert not AuditEvent.objects.filter(action="partner.created").exists()


def test_the_same_name_twice_is_refused_whatever_the_case(organisation, counsellor, partner):
    with pytest.raises(ValidationError) as error:
        services.partner_create(actor=counsellor, organisation=organisation, name="JOBCENTER  lindenau",
                                partner_type="job_centre")
    assert "name" in error.value.message_dict
    assert Partner.objects.count() == 1


def test_the_same_name_in_another_organisation_is_fine(org_b, partner):
    other = services.partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation,
                                    name=partner.name, partner_type="job_centre")
    assert other.organisation == org_b.organisation


@pytest.mark.parametrize("role", ["coordinator"])
def test_coordinators_do_not_keep_the_directory(org_a, role):
    with pytest.raises(PermissionDenied):
        services.partner_create(actor=org_a.user(role), organisation=org_a.organisation, name="X",
                                partner_type="other")
    assert not Partner.objects.exists()


@pytest.mark.parametrize("role", ["counsellor", "team_lead", "accommodation", "org_admin"])
def test_admins_and_team_roles_keep_the_directory(org_a, role):
    partner = services.partner_create(actor=org_a.user(role), organisation=org_a.organisation,
                                      name=f"P {role}", partner_type="other")
    assert partner.pk


def test_nobody_writes_into_a_foreign_directory(org_b, organisation, partner):
    foreigner = org_b.user("org_admin")
    with pytest.raises(PermissionDenied):
        services.partner_create(actor=foreigner, organisation=organisation, name="Fremd",
                                partner_type="other")
    with pytest.raises(PermissionDenied):
        services.partner_update(actor=foreigner, partner=partner, version=1, data=_data(name="Übernommen"))
    with pytest.raises(PermissionDenied):
        services.service_create(actor=foreigner, partner=partner, name="Fremdleistung")
    partner.refresh_from_db()
    assert partner.name == "Jobcenter Lindenau" and not partner.services.exists()


def test_update_checks_the_version_and_records_the_changed_fields(counsellor, partner):
    updated = services.partner_update(actor=counsellor, partner=partner, version=1, data=_data(
        city="Lindenau", phone="07541 204-0", email="info@jobcenter.invalid", languages=["tur"]))
    assert updated.version == 2 and updated.email == "info@jobcenter.invalid"
    event = AuditEvent.objects.filter(action="partner.updated").get()
    assert event.details["fields"] == ["email", "languages"]
    with pytest.raises(ValidationError) as error:
        services.partner_update(actor=counsellor, partner=partner, version=1, data=_data(city="Haanfeld"))
    assert error.value.error_list[0].code == "stale"
    partner.refresh_from_db()
    assert partner.city == "Lindenau" and partner.version == 2


def test_update_without_change_keeps_the_version(counsellor, partner):
    services.partner_update(actor=counsellor, partner=partner, version=1, data=_data(city="Lindenau",
                                                                                      phone="07541 204-0"))
    partner.refresh_from_db()
    assert partner.version == 1
    assert not AuditEvent.objects.filter(action="partner.updated").exists()


def test_renaming_onto_another_partner_is_refused(organisation, counsellor, partner):
    other = services.partner_create(actor=counsellor, organisation=organisation, name="Ausländerbehörde",
                                    partner_type="foreigners_authority")
    with pytest.raises(ValidationError):
        services.partner_update(actor=counsellor, partner=other, version=1, data=_data(
            name="jobcenter lindenau", partner_type="foreigners_authority"))
    other.refresh_from_db()
    assert other.name == "Ausländerbehörde"


def test_deactivate_and_reactivate(counsellor, partner):
    services.partner_set_active(actor=counsellor, partner=partner, version=1, active=False)
    partner.refresh_from_db()
    assert not partner.is_active and partner.version == 2
    with pytest.raises(ValidationError):
        services.partner_set_active(actor=counsellor, partner=partner, version=1, active=True)
    services.partner_set_active(actor=counsellor, partner=partner, version=2, active=True)
    partner.refresh_from_db()
    assert partner.is_active
    actions = AuditEvent.objects.filter(action__startswith="partner.").order_by("id").values_list("action",
                                                                                                   flat=True)
    assert list(actions)[-2:] == ["partner.deactivated", "partner.reactivated"]


def test_services_have_no_delete_function():
    """Partners named in releases cannot be deleted: the directory only deactivates."""
    assert not [name for name in dir(services) if "delete" in name]


def test_services_add_edit_deactivate(counsellor, partner):
    service = services.service_create(actor=counsellor, partner=partner, name=" Bürgergeld ",
                                      description="Antrag und Bescheid")
    assert service.name == "Bürgergeld"
    with pytest.raises(ValidationError) as error:
        services.service_create(actor=counsellor, partner=partner, name="BÜRGERGELD")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.service_create(actor=counsellor, partner=partner, name="")
    services.service_update(actor=counsellor, service=service, name="Bürgergeld", description="",
                            is_active=False)
    service.refresh_from_db()
    partner.refresh_from_db()
    assert not service.is_active and partner.version == 3  # each change moves the entry's version on
    assert PartnerService.objects.count() == 1


def test_contact_persons_add_edit_deactivate(counsellor, partner):
    contact = services.contact_create(actor=counsellor, partner=partner, name="Frau Berg",
                                      function="Fallmanagerin", phone="07541 204-118",
                                      email="berg@jc.invalid")
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, partner=partner, name="Herr X", email="kaputt@")
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, partner=partner, name="", function="Leitung")
    assert "name" in error.value.message_dict
    services.contact_update(actor=counsellor, contact=contact, name="Frau Berg", function="Teamleitung",
                            phone="", email="berg@jc.invalid", is_active=False)
    contact.refresh_from_db()
    assert contact.function == "Teamleitung" and contact.phone == "" and not contact.is_active
    assert PartnerContact.objects.count() == 1
    assert AuditEvent.objects.filter(action="partner.contact_updated").get().details["fields"] == [
        "function", "is_active", "phone"]


def test_programme_cooperation(org_a, org_b, counsellor, partner):
    from lotse.organisations.models import ProgrammeOffering

    jmd = ProgrammeOffering.objects.create(organisation=org_a.organisation, programme="jmd", name="JMD A")
    services.programmes_set(actor=counsellor, partner=partner, version=1,
                            levels={org_a.offering: "mandatory", jmd: "optional"})
    assert dict(PartnerProgramme.objects.values_list("offering__name", "level")) == {
        "MBE A": "mandatory", "JMD A": "optional"}
    services.programmes_set(actor=counsellor, partner=partner, version=2,
                            levels={org_a.offering: "", jmd: "optional"})
    assert list(PartnerProgramme.objects.values_list("offering__name", flat=True)) == ["JMD A"]
    with pytest.raises(ValidationError):
        services.programmes_set(actor=counsellor, partner=partner, version=3,
                                levels={org_b.offering: "optional"})
    with pytest.raises(ValidationError):
        services.programmes_set(actor=counsellor, partner=partner, version=3, levels={jmd: "sometimes"})
    with pytest.raises(ValidationError):  # stale version
        services.programmes_set(actor=counsellor, partner=partner, version=1, levels={jmd: ""})
    assert PartnerProgramme.objects.get().level == "optional"
