from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lotse.audit.models import AuditEvent
from lotse.cases.models import Case
from lotse.consent.services import consent_record
from lotse.intake.models import FirstContact
from lotse.people.models import (
    Household,
    HouseholdMember,
    Person,
    PersonName,
    PersonNameKey,
    Relationship,
    ResidenceStatus,
    ResidenceStatusType,
)
from lotse.people.services import (
    household_create_with_member,
    household_member_add,
    person_merge,
    person_name_add,
    relationship_add,
    residence_status_add,
)
from lotse.privacy import guards
from lotse.privacy.guards import ensure_not_restricted
from lotse.privacy.models import CorrectionRecord, ErasedPersonStub
from lotse.privacy.services import (
    legal_hold_set,
    person_correct,
    person_erase,
    person_restrict,
    person_unrestrict,
)
from tests.factories import login

pytestmark = pytest.mark.django_db


# ---- correction -------------------------------------------------------------------------------

def test_correction_changes_the_field_through_person_update_and_keeps_history(counsellor, make_person):
    person = make_person("Hadad", "Amal", birth_date=date(1990, 1, 1), birth_date_precision="year")
    person_correct(actor=counsellor, person=person, field="family_name", value="Haddad", reason="laut Pass")
    person_correct(actor=counsellor, person=person, field="birth_date", value="15.03.1990", reason="laut Pass",
                   requested_by_client=False)
    person.refresh_from_db()
    assert person.family_name == "Haddad" and person.birth_date == date(1990, 3, 15) and person.version == 3
    history = list(CorrectionRecord.objects.filter(person=person).order_by("id").values_list(
        "field", "old_value", "new_value", "requested_by_client"))
    assert history == [("family_name", "Hadad", "Haddad", True),
                       ("birth_date", "1990-01-01", "1990-03-15", False)]
    assert AuditEvent.objects.filter(action="person.updated", object_id=str(person.public_id)).count() == 2
    assert AuditEvent.objects.filter(action="person.corrected").count() == 2
    assert PersonNameKey.objects.filter(person=person, key__contains="had").exists()


@pytest.mark.parametrize("field, value, reason, message", [
    ("family_name", "Haddad", "x", "same as the current"),
    ("file_number", "L-1111-1111", "x", "cannot be corrected"),
    ("birth_date", "31.02.1990", "x", "DD.MM.YYYY"),
    ("birth_date", "01.01.2999", "x", "future"),
    ("sex", "q", "x", "official code list"),
    ("family_name", "Nasser", "   ", "give a reason"),
])
def test_correction_refuses_bad_input(counsellor, make_person, field, value, reason, message, settings):
    settings.LANGUAGE_CODE = "en"
    person = make_person("Haddad", "Amal")
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match=message):
        person_correct(actor=counsellor, person=person, field=field, value=value, reason=reason)
    assert not CorrectionRecord.objects.exists()


def test_correction_view_shows_the_history(cclient, counsellor, make_person, django_assert_max_num_queries):
    person = make_person("Hadad", "Amal")
    url = reverse("privacy:person_correction", args=[person.public_id])
    response = cclient.post(url, {"field": "family_name", "value": "Haddad", "reason": "laut Pass",
                                  "requested_by_client": "on"})
    assert response.status_code == 302
    with django_assert_max_num_queries(19):
        page = cclient.get(url)
    html = page.content.decode()
    assert "Hadad" in html and "laut Pass" in html and str(counsellor) in html


def test_correction_of_a_foreign_person_is_404(client, org_b, make_person):
    person = make_person("Haddad")
    login(client, org_b.user("counsellor"))
    url = reverse("privacy:person_correction", args=[person.public_id])
    assert client.post(url, {"field": "family_name", "value": "X", "reason": "x"}).status_code == 404
    assert Person.objects.get().family_name == "Haddad"


# ---- restriction ------------------------------------------------------------------------------

def test_restriction_blocks_writes_but_not_reads(counsellor, make_person, cclient):
    person = make_person("Haddad", "Amal")
    ensure_not_restricted(person)
    person_restrict(actor=counsellor, person=person, reason="Richtigkeit bestritten")
    person.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        ensure_not_restricted(person)
    assert error.value.code == "restricted" and "Richtigkeit bestritten" in error.value.messages[0]
    with pytest.raises(ValidationError):
        person_correct(actor=counsellor, person=person, field="family_name", value="Hadad", reason="x")
    with pytest.raises(ValidationError, match="bereits|already"):
        person_restrict(actor=counsellor, person=person, reason="nochmal")
    assert cclient.get(reverse("people:person_detail", args=[person.public_id])).status_code == 200
    person_unrestrict(actor=counsellor, person=person)
    person.refresh_from_db()
    ensure_not_restricted(person)
    actions = list(AuditEvent.objects.filter(object_id=str(person.public_id), action__startswith="person.")
                   .values_list("action", flat=True))
    assert "person.restricted" in actions and "person.unrestricted" in actions


def test_restriction_view(cclient, make_person, django_assert_max_num_queries):
    person = make_person("Haddad", "Amal")
    url = reverse("privacy:person_restriction", args=[person.public_id])
    with django_assert_max_num_queries(18):
        assert cclient.get(url).status_code == 200
    assert cclient.post(url, {"reason": ""}).status_code == 422
    assert cclient.post(url, {"reason": "bestritten"}).status_code == 302
    person.refresh_from_db()
    assert person.restricted_at is not None
    assert "bestritten" in cclient.get(url).content.decode()
    cclient.post(url, {"lift": "1"})
    person.refresh_from_db()
    assert person.restricted_at is None


# ---- erasure ----------------------------------------------------------------------------------

def test_erasure_is_refused_with_a_legal_hold_and_the_reason_is_shown(cclient, counsellor, make_person,
                                                                       django_assert_max_num_queries):
    person = make_person("Haddad", "Amal")
    legal_hold_set(actor=counsellor, person=person, reason="Klageverfahren VG Köln",
                   until=date.today() + timedelta(days=30))
    with pytest.raises(ValidationError, match="Klageverfahren VG Köln"):
        person_erase(actor=counsellor, person=person, reason="Wunsch der Person")
    url = reverse("privacy:person_erase", args=[person.public_id])
    with django_assert_max_num_queries(20):
        page = cclient.get(url)
    assert "Klageverfahren VG Köln" in page.content.decode()
    response = cclient.post(url, {"reason": "Wunsch der Person", "file_number": person.file_number})
    assert response.status_code == 422 and "Klageverfahren VG Köln" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_expired_legal_hold_no_longer_blocks(counsellor, make_person):
    person = make_person("Haddad", "Amal")
    hold = legal_hold_set(actor=counsellor, person=person, reason="Frist", until=date.today())
    assert guards.erasure_refusals(person, on=date.today()) != []
    assert guards.erasure_refusals(person, on=hold.until + timedelta(days=1)) == []


def test_erasure_is_refused_while_a_case_is_open_and_by_registered_blockers(counsellor, make_person, org_a,
                                                                             monkeypatch):
    person = make_person("Haddad", "Amal")
    case = Case.objects.create(person=person, team=org_a.team, offering=org_a.offering, status="open",
                               requested_on=date.today())
    with pytest.raises(ValidationError, match="offenen Fall|open case"):
        person_erase(actor=counsellor, person=person, reason="Wunsch")
    Case.objects.filter(pk=case.pk).delete()
    monkeypatch.setattr(guards, "ERASURE_BLOCKERS", [*guards.ERASURE_BLOCKERS, lambda p, on=None: "Gerichtsakte"])
    with pytest.raises(ValidationError, match="Gerichtsakte"):
        person_erase(actor=counsellor, person=person, reason="Wunsch")
    assert Person.objects.filter(pk=person.pk).exists()


def test_erasure_removes_the_person_everywhere_and_keeps_an_anonymous_stub(counsellor, make_person, org_a):
    person = make_person("Haddad", "Amal", birth_date=date(1990, 3, 15), birth_date_precision="exact", sex="w",
                         nationalities=["475"], phone="+49 170 1234567", email="amal@example.org")
    duplicate = make_person("Hadad", "Amal")
    person_merge(actor=counsellor, survivor=person, duplicate=duplicate)
    person_name_add(actor=counsellor, person=person, family_name="Chaddad", given_names="", source="passport")
    residence_status_add(actor=counsellor, person=person, status_type=ResidenceStatusType.objects.get(code="duldung"),
                         paragraph="§ 60a", valid_from=date(2019, 4, 1), valid_until=date(2021, 3, 31), document="")
    sister = make_person("Haddad", "Rana")
    relationship_add(actor=counsellor, person=person, relative=sister, kind="sibling")
    own_household = household_create_with_member(actor=counsellor, person=person, name="Familie Haddad",
                                                 address="", since=date(2020, 1, 1))
    shared = household_create_with_member(actor=counsellor, person=sister, name="WG Lindenau", address="",
                                          since=date(2020, 1, 1))
    consent_record(actor=counsellor, person=person, purpose="statistics", given_on=date.today(), form="paper")
    contact = FirstContact.objects.create(organisation=org_a.organisation, team=org_a.team, person=person,
                                          date=date.today(), channel="phone", concern="Amal Haddad, Duldung",
                                          outcome="answered")
    household_member_add(actor=counsellor, household=shared, person=person, since=date.today())
    public_id = person.public_id

    with pytest.raises(ValidationError, match="name|nennen"):
        person_erase(actor=counsellor, person=person, reason="Frau Haddad wünscht Löschung")
    stub = person_erase(actor=counsellor, person=person, reason="Antrag der Person vom 02.11.")

    assert not Person.objects.filter(pk__in=[person.pk, duplicate.pk]).exists()
    assert not PersonName.objects.filter(family_name="Chaddad").exists()
    assert not PersonNameKey.objects.filter(person_id__in=[person.pk, duplicate.pk]).exists()
    assert not ResidenceStatus.objects.exists() and not Relationship.objects.exists()
    assert not Household.objects.filter(pk=own_household.pk).exists()
    assert Household.objects.filter(pk=shared.pk).exists()
    assert list(HouseholdMember.objects.values_list("person_id", flat=True)) == [sister.pk]
    contact.refresh_from_db()
    assert contact.person_id is None and contact.concern == "" and contact.channel == "phone"
    assert Person.objects.get(pk=sister.pk).family_name == "Haddad"

    stub.refresh_from_db()
    assert (stub.organisation_id, stub.team_id, stub.birth_year, stub.sex_code, stub.nationality_codes) == (
        org_a.organisation.pk, org_a.team.pk, 1990, "w", ["475"])
    assert stub.residence_statuses == [{"type": "duldung", "from_year": 2019, "until_year": 2021}]
    assert stub.consent_count == 1 and stub.cause == ErasedPersonStub.Cause.REQUEST

    erased = AuditEvent.objects.get(action="person.erased")
    assert erased.object_id == str(public_id) and erased.details["merged_records"] == 1
    assert "Haddad" not in str(erased.details) and "Amal" not in erased.actor_label
    for details in AuditEvent.objects.values_list("details", flat=True):
        assert "Haddad" not in str(details) and "Amal" not in str(details)


def test_erasure_view_needs_reauthentication_and_the_file_number(client, counsellor, make_person,
                                                                  django_assert_max_num_queries):
    person = make_person("Haddad", "Amal")
    url = reverse("privacy:person_erase", args=[person.public_id])
    login(client, counsellor, reauthenticated=False)
    response = client.post(url, {"reason": "Antrag", "file_number": person.file_number})
    assert response.status_code == 302 and reverse("accounts:reauth") in response["Location"]
    login(client, counsellor)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Antrag", "file_number": "L-2222-2222"})
    assert response.status_code == 422 and Person.objects.filter(pk=person.pk).exists()
    response = client.post(url, {"reason": "Antrag", "file_number": person.file_number.lower()})
    assert response.status_code == 302 and not Person.objects.filter(pk=person.pk).exists()
    assert client.get(url).status_code == 404


def test_erasure_of_a_foreign_person_is_404(client, org_b, make_person):
    person = make_person("Haddad")
    login(client, org_b.user("counsellor"))
    url = reverse("privacy:person_erase", args=[person.public_id])
    assert client.post(url, {"reason": "x", "file_number": person.file_number}).status_code == 404
    assert Person.objects.filter(pk=person.pk).exists()
