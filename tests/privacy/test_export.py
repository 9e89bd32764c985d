import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from lotse.accounts.services import api_token_create
from lotse.audit.models import AuditEvent
from lotse.consent.services import consent_record, release_record
from lotse.network.services import partner_create
from lotse.intake.models import FirstContact
from lotse.people.models import ResidenceStatusType
from lotse.people.selectors import person_get
from lotse.people.services import (
    household_create_with_member,
    person_language_set,
    person_name_add,
    relationship_add,
    residence_status_add,
)
from lotse.privacy import export
from lotse.privacy.services import person_correct, person_export
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_person(make_person, counsellor, org_a):
    person = make_person("Haddad", "Amal", name_original_script="أمل حداد", birth_date=date(1990, 3, 15),
                         birth_date_precision="exact", sex="w", nationalities=["475"], phone="+49 170 1234567",
                         health_notes="Diabetes")
    person_name_add(actor=counsellor, person=person, family_name="Hadad", given_names="Amal", source="passport")
    person_language_set(actor=counsellor, person=person, language="ara", level="native", interpreter_needed=True)
    residence_status_add(actor=counsellor, person=person, status_type=ResidenceStatusType.objects.get(code="duldung"),
                         paragraph="§ 60a AufenthG", valid_from=date(2020, 1, 1), valid_until=None, document="")
    partner = make_person("Haddad", "Karim", birth_date=date(1988, 1, 2), birth_date_precision="exact")
    relationship_add(actor=counsellor, person=person, relative=partner, kind="partner")
    household_create_with_member(actor=counsellor, person=person, name="Familie Haddad", address="Weg 1",
                                 since=date(2021, 5, 1))
    today = date.today()
    consent_record(actor=counsellor, person=person, purpose="statistics", given_on=today, form="paper")
    jobcentre = partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                               partner_type="job_centre")
    release_record(actor=counsellor, person=person, recipient=jobcentre, categories=["master_data"],
                   purpose="Vermittlung", given_on=today, valid_until=today + timedelta(days=300), form="paper")
    FirstContact.objects.create(organisation=org_a.organisation, team=org_a.team, person=person, date=today,
                                channel="phone", concern="Aufenthalt", outcome="answered")
    person_correct(actor=counsellor, person=person, field="phone", value="+49 170 7654321",
                   reason="Neue Nummer laut Person")
    person.refresh_from_db()
    return person


def test_export_contains_everything_and_only_this_person(rich_person, make_person, counsellor, org_b):
    stranger = make_person("Schewtschenko", "Olena")
    foreign = make_person("Nasser", "Rami", actor=org_b.user("counsellor"), team=org_b.team)
    person_get(actor=counsellor, public_id=rich_person.public_id)  # a read shows up in the access log
    data = json.loads(person_export(actor=counsellor, person=rich_person, formats=("json",))["json"].content)

    assert data["format"] == "lotse-art15-export" and data["version"] == 1
    master = data["person"]
    assert master["family_name"] == "Haddad" and master["name_original_script"] == "أمل حداد"
    assert master["sex"]["code"] == "w" and master["sex"]["label"]
    assert master["nationalities"][0]["code"] == "475"
    assert master["phone"] == "+49 170 7654321" and master["health_notes"] == "Diabetes"
    assert master["birth_date_precision"] == {"code": "exact", "label": "genaues Datum"} or \
        master["birth_date_precision"]["code"] == "exact"
    assert [n["family_name"] for n in data["other_names"]] == ["Hadad"]
    assert data["languages"][0]["language"]["code"] == "ara"
    assert data["residence_statuses"][0]["status"]["code"] == "duldung"
    assert data["households"][0]["name"] == "Familie Haddad"
    assert data["relations"][0]["other_person"] == "Karim Haddad"
    assert data["consents"][0]["purpose"]["code"] == "statistics"
    assert data["releases"][0]["recipient"] == "Jobcenter Lindenau"
    assert data["first_contacts"][0]["concern"] == "Aufenthalt"
    assert data["corrections"][0]["old_value"] == "+49 170 1234567"
    actions = [entry["action"] for entry in data["access_log"]]
    assert "person.created" in actions and "people.person.view" in actions
    assert all(set(entry) == {"at", "by", "action", "organisation"} for entry in data["access_log"])

    text = json.dumps(data, ensure_ascii=False)
    for other in (stranger, foreign):
        assert other.family_name not in text and str(other.public_id) not in text and other.file_number not in text
    assert "Karim" in text  # the relation names the relative, nothing more
    partner = rich_person.relations_out.get().relative
    assert str(partner.public_id) not in text and partner.file_number not in text


def test_pdf_is_a_readable_document(rich_person, counsellor):
    files = person_export(actor=counsellor, person=rich_person, formats=("pdf",))
    assert files["pdf"].content.startswith(b"%PDF")
    html = export.render_html(export.collect(rich_person))
    assert "Haddad" in html and "Jobcenter Lindenau" in html and "Aufenthalt" in html


def test_export_view_offers_both_downloads_and_audits(cclient, rich_person, django_assert_max_num_queries):
    url = reverse("privacy:person_export", args=[rich_person.public_id])
    with django_assert_max_num_queries(18):
        page = cclient.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="pdf"' in html and 'value="json"' in html
    with django_assert_max_num_queries(60):
        response = cclient.post(url, {"format": "json"})
    assert response["Content-Disposition"] == f'attachment; filename="{rich_person.file_number}.json"'
    assert json.loads(response.content)["person"]["file_number"] == rich_person.file_number
    response = cclient.post(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="person.exported", object_id=str(rich_person.public_id)).count() == 2


def test_export_view_demands_reauthentication(client, counsellor, rich_person):
    login(client, counsellor, reauthenticated=False)
    response = client.get(reverse("privacy:person_export", args=[rich_person.public_id]))
    assert response.status_code == 302 and reverse("accounts:reauth") in response["Location"]


def test_export_of_a_foreign_person_is_404(client, org_b, rich_person):
    login(client, org_b.user("counsellor"))
    url = reverse("privacy:person_export", args=[rich_person.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"format": "json"}).status_code == 404
    assert not AuditEvent.objects.filter(action="person.exported").exists()


def test_api_export_checks_the_policy_and_audits(client, counsellor, org_b, rich_person,
                                                 django_assert_max_num_queries):
    url = f"/api/persons/{rich_person.public_id}/export"
    token = api_token_create(actor=counsellor, name="t", valid_days=1)[1]
    with django_assert_max_num_queries(60):
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["person"]["family_name"] == "Haddad"
    assert AuditEvent.objects.filter(action="person.exported", details__channel="api").count() == 1
    foreign = api_token_create(actor=org_b.user("counsellor"), name="t", valid_days=1)[1]
    assert client.get(url, headers={"Authorization": f"Bearer {foreign}"}).status_code == 404
    assert client.get(url).status_code == 401


def test_command_writes_json_and_pdf(tmp_path, rich_person):
    call_command("export_person_data", str(rich_person.public_id), "--output", str(tmp_path / "out"),
                 stdout=open("/dev/null", "w"))
    data = json.loads((tmp_path / "out" / f"{rich_person.file_number}.json").read_text())
    assert data["person"]["public_id"] == str(rich_person.public_id)
    assert (tmp_path / "out" / f"{rich_person.file_number}.pdf").read_bytes().startswith(b"%PDF")
    event = AuditEvent.objects.get(action="person.exported")
    assert event.actor_id is None and event.actor_label == "manage.py export_person_data"


def test_command_refuses_an_unknown_id(tmp_path, db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("export_person_data", "not-a-uuid", "--output", str(tmp_path))
    with pytest.raises(CommandError):
        call_command("export_person_data", "00000000-0000-0000-0000-000000000000", "--output", str(tmp_path))
