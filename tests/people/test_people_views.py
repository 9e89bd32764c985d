from datetime import date, timedelta

import pytest
from django.urls import reverse

from lotse.audit.models import AuditEvent
from lotse.people.models import DatePrecision, HouseholdMember, Person, PersonName, ResidenceStatus
from lotse.people.services import household_create_with_member, relationship_add
from tests.factories import login

pytestmark = pytest.mark.django_db
CREATE = reverse("people:person_create")


def _html(response):
    return response.content.decode()


def _post_new(client, org_a, **fields):
    data = {"team": str(org_a.team.public_id), "family_name": "Haddad", "given_names": "Amal", **fields}
    return client.post(CREATE, data)


def test_register_a_person_with_full_master_data(cclient, org_a):
    response = _post_new(cclient, org_a, name_original_script="أمل حداد", birth_date="15.03.1990", sex="w",
                         nationalities=["475", "997"], marital_status="VH", entry_date="2016",
                         preferred_language="ara", phone="+49 170 1234567", health_notes="Diabetes")
    assert response.status_code == 302, _html(response)
    person = Person.objects.get(family_name="Haddad")
    assert person.birth_date == date(1990, 3, 15) and person.birth_date_precision == DatePrecision.EXACT
    assert person.entry_date == date(2016, 1, 1) and person.entry_date_precision == DatePrecision.YEAR
    assert sorted(c.code for c in person.nationalities.all()) == ["475", "997"]
    assert person.file_number.startswith("L-")
    assert AuditEvent.objects.filter(action="person.created", object_id=str(person.public_id)).exists()
    detail = cclient.get(response["Location"])
    assert "أمل حداد" in _html(detail) and "Diabetes" in _html(detail)


def test_first_of_january_is_kept_as_year_only_unless_confirmed(cclient, org_a):
    _post_new(cclient, org_a, birth_date="01.01.1985")
    assert Person.objects.get().birth_date_precision == DatePrecision.YEAR
    _post_new(cclient, org_a, family_name="Nasser", birth_date="01.01.1985", birth_date_confirmed="on",
              confirm_new="on")
    assert Person.objects.get(family_name="Nasser").birth_date_precision == DatePrecision.EXACT


@pytest.mark.parametrize("fields, field, message", [
    ({"family_name": ""}, "family_name", "Dieses Feld ist zwingend erforderlich."),
    ({"family_name": "x" * 201}, "family_name", "höchstens 200 Zeichen"),
    ({"family_name": "Haddad\u202e"}, "family_name", "Steuerzeichen"),
    ({"family_name": "Haddad حداد"}, "family_name", "lateinischen Buchstaben"),
    ({"family_name": "Haddad2"}, "family_name", "Ziffern"),
    ({"name_original_script": "Haddad"}, "name_original_script", "Originalschrift"),
    ({"birth_date": "31.02.1990"}, "birth_date", "gibt es nicht"),
    ({"birth_date": "1.1"}, "birth_date", "TT.MM.JJJJ"),
    ({"birth_date": (date.today() + timedelta(days=2)).strftime("%d.%m.%Y")}, "birth_date", "Zukunft"),
    ({"birth_date": "12.12.1899"}, "birth_date", "1900"),
    ({"entry_date": "01.01.1980", "birth_date": "01.06.1990"}, "entry_date", "vor dem Geburtsdatum"),
    ({"nationalities": ["123456"]}, "nationalities", "gültige"),
    ({"sex": "q"}, "sex", "gültige"),
    ({"email": "keine-mail"}, "email", "gültige E-Mail"),
])
def test_bad_input_gives_a_german_message_and_saves_nothing(cclient, org_a, fields, field, message):
    response = _post_new(cclient, org_a, **fields)
    assert response.status_code == 422
    html = _html(response)
    assert f'id="id_{field}_error"' in html, html[html.find("kern-error"):][:300]
    assert message in html
    assert not Person.objects.exists()


def test_a_name_with_one_part_and_200_characters_is_accepted(cclient, org_a):
    response = _post_new(cclient, org_a, family_name="A" * 200, given_names="")
    assert response.status_code == 302
    assert Person.objects.get().family_name == "A" * 200


def test_invisible_characters_are_removed(cclient, org_a):
    _post_new(cclient, org_a, family_name="Had\u200bdad\ufeff")
    assert Person.objects.get().family_name == "Haddad"


def test_duplicate_warning_on_create_with_reasons(cclient, org_a, make_person):
    existing = make_person("Al-Hassan", "Mohammed", birth_date=date(1988, 5, 1), birth_date_precision="exact")
    response = _post_new(cclient, org_a, family_name="Alhasan", given_names="Muhammad", birth_date="01.05.1988")
    html = _html(response)
    assert response.status_code == 200 and "bereits erfasst" in html
    assert str(existing.public_id) in html and "gleiches Geburtsdatum" in html
    assert Person.objects.count() == 1
    confirmed = _post_new(cclient, org_a, family_name="Alhasan", given_names="Muhammad", birth_date="01.05.1988",
                          confirm_new="on")
    assert confirmed.status_code == 302 and Person.objects.count() == 2


def test_rename_leads_to_duplicate_check_and_dismissal_is_remembered(cclient, make_person):
    first = make_person("Shevchenko", "Olena")
    second = make_person("Kovalenko", "Olena")
    form = cclient.get(reverse("people:person_edit", args=[second.public_id])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(family_name="Schewtschenko", version=second.version)
    response = cclient.post(reverse("people:person_edit", args=[second.public_id]), data)
    assert response["Location"] == reverse("people:person_duplicates", args=[second.public_id])
    page = cclient.get(response["Location"])
    assert [c.person for c in page.context["candidates"]] == [first]
    cclient.post(reverse("people:duplicate_dismiss", args=[second.public_id, first.public_id]))
    assert cclient.get(response["Location"]).context["candidates"] == []


def test_concurrent_edits_are_detected(client, org_a, make_person):
    person = make_person("Haddad", "Amal")
    url = reverse("people:person_edit", args=[person.public_id])
    login(client, org_a.user("counsellor"))
    first = {"family_name": "Haddad", "given_names": "Amal", "phone": "111", "version": person.version}
    second = {"family_name": "Haddad", "given_names": "Amal", "phone": "222", "version": person.version}
    assert client.post(url, first).status_code == 302
    stale = client.post(url, second)
    assert stale.status_code == 422 and "inzwischen geändert" in _html(stale)
    person.refresh_from_db()
    assert person.phone == "111" and person.version == 2


def test_merge_moves_everything_and_is_audited(cclient, counsellor, make_person):
    survivor = make_person("Haddad", "Amal")
    duplicate = make_person("Hadad", "Amal", phone="0170", birth_date=date(1990, 1, 2), birth_date_precision="exact")
    child = make_person("Haddad", "Sami")
    relationship_add(actor=counsellor, person=duplicate, relative=child, kind="parent")
    ResidenceStatus.objects.create(person=duplicate, status_type_id=2, valid_from=date(2020, 1, 1))
    preview = cclient.get(reverse("people:person_merge", args=[survivor.public_id, duplicate.public_id]))
    assert preview.context["preview"]["relations"] == 1 and preview.context["preview"]["residence_statuses"] == 1
    response = cclient.post(reverse("people:person_merge", args=[survivor.public_id, duplicate.public_id]))
    assert response.status_code == 302
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor and survivor.phone == "0170"
    assert survivor.birth_date == date(1990, 1, 2)
    assert ResidenceStatus.objects.filter(person=survivor).count() == 1
    assert PersonName.objects.filter(person=survivor, family_name="Hadad").exists()
    assert survivor.relations_out.get().relative == child
    assert cclient.get(reverse("people:person_detail", args=[duplicate.public_id])).status_code == 404
    assert AuditEvent.objects.filter(action="person.merged", object_id=str(survivor.public_id)).exists()


def test_residence_status_history_and_current_status(cclient, make_person):
    person = make_person("Haddad", "Amal")
    url = reverse("people:residence_status_add", args=[person.public_id])
    missing_paragraph = cclient.post(url, {"status_type": "aufenthaltserlaubnis", "valid_from": "01.01.2020"})
    assert 'id="id_paragraph_error"' in _html(missing_paragraph)
    reversed_dates = cclient.post(url, {"status_type": "duldung", "valid_from": "01.01.2020",
                                        "valid_until": "01.01.2019"})
    assert 'id="id_valid_until_error"' in _html(reversed_dates)
    unknown = cclient.post(url, {"status_type": "kaiserlich", "valid_from": "01.01.2020"})
    assert 'id="id_status_type_error"' in _html(unknown)
    cclient.post(url, {"status_type": "aufenthaltsgestattung", "valid_from": "01.03.2016", "valid_until": "01.03.2018"})
    cclient.post(url, {"status_type": "aufenthaltserlaubnis", "paragraph": "§ 25 Abs. 2 AufenthG",
                       "valid_from": "02.03.2018"})
    detail = cclient.get(reverse("people:person_detail", args=[person.public_id]))
    assert detail.context["current_status"].status_type.code == "aufenthaltserlaubnis"
    assert len(detail.context["statuses"]) == 2


def test_household_history_and_genogram(cclient, counsellor, make_person):
    mother = make_person("Haddad", "Amal", sex="w")
    father = make_person("Haddad", "Karim", sex="m")
    child = make_person("Haddad", "Lina", sex="w", birth_date=date(2015, 4, 1), birth_date_precision="exact")
    relationship_add(actor=counsellor, person=mother, relative=father, kind="partner")
    relationship_add(actor=counsellor, person=mother, relative=child, kind="parent")
    first = household_create_with_member(actor=counsellor, person=mother, name="Unterkunft Nord", address="",
                                         since=date(2017, 1, 1))
    second = household_create_with_member(actor=counsellor, person=mother, name="Familie Haddad", address="",
                                          since=date(2020, 1, 1))
    assert HouseholdMember.objects.get(person=mother, household=first).until == date(2020, 1, 1)
    add = cclient.post(reverse("people:household_member_add", args=[second.public_id]),
                       {"person": str(child.public_id), "since": "01.01.2020"})
    assert add.status_code == 302
    page = cclient.get(reverse("people:household_detail", args=[second.public_id]))
    html = _html(page)
    assert page.status_code == 200 and 'role="img"' in html and "<svg" in html
    assert "Lina Haddad" in html and "style=" not in html
    assert any("Lina" in sentence for sentence in page.context["genogram_text"])
    assert len(page.context["current"]) == 2


def test_foreign_team_cannot_see_or_find_persons(client, org_b, make_person):
    person = make_person("Haddad", "Amal")
    login(client, org_b.user("counsellor"))
    assert client.get(reverse("people:person_detail", args=[person.public_id])).status_code == 404
    result = client.get(reverse("people:person_list"), {"q": "Haddad"})
    assert result.context["result"].hits == []


def test_org_admin_and_coordinator_see_no_clients(client, org_a, make_person):
    person = make_person("Haddad", "Amal")
    for role in ("org_admin", "coordinator"):
        login(client, org_a.user(role))
        assert client.get(reverse("people:person_list")).status_code == 403
        assert client.get(reverse("people:person_detail", args=[person.public_id])).status_code == 404


@pytest.mark.parametrize("extra", [0, 30])
def test_person_detail_costs_constant_queries(cclient, counsellor, make_person, extra, django_assert_num_queries):
    person = make_person("Haddad", "Amal")
    for i in range(extra):
        PersonName.objects.create(person=person, family_name=f"Hadad{i}", source="passport")
        ResidenceStatus.objects.create(person=person, status_type_id=1, valid_from=date(2000 + i % 20, 1, 1))
    cclient.get(reverse("people:person_detail", args=[person.public_id]))
    with django_assert_num_queries(16):
        assert cclient.get(reverse("people:person_detail", args=[person.public_id])).status_code == 200


def test_system_admin_maintains_the_residence_status_catalogue(client, sysadmin, org_a):
    login(client, sysadmin)
    url = reverse("people:status_type_create")
    bad_code = client.post(url, {"code": "mit leerzeichen", "label": "X", "sort_order": 1})
    assert 'id="id_code_error"' in _html(bad_code)
    taken = client.post(url, {"code": "duldung", "label": "Doppelt", "sort_order": 1})
    assert "bereits verwendet" in _html(taken)
    created = client.post(url, {"code": "chancen_neu", "label": "Neuer Status § 104d", "is_active": "on",
                                "sort_order": 5})
    assert created.status_code == 302
    client.post(reverse("people:status_type_edit", args=["duldung"]),
                {"code": "duldung", "label": "Duldung (§ 60a AufenthG)", "sort_order": 10})
    from lotse.people.models import ResidenceStatusType

    assert not ResidenceStatusType.objects.get(code="duldung").is_active
    assert ResidenceStatusType.objects.get(code="chancen_neu").label == "Neuer Status § 104d"
    login(client, org_a.user("counsellor"))
    assert client.get(reverse("people:status_type_list")).status_code == 403


def test_duplicate_reasons_include_family_links(cclient, counsellor, make_person):
    from lotse.people.selectors import duplicate_candidates

    mother = make_person("Haddad", "Amal")
    child = make_person("Haddad", "Sami")
    twin = make_person("Hadad", "Sami")
    relationship_add(actor=counsellor, person=mother, relative=child, kind="parent")
    relationship_add(actor=counsellor, person=mother, relative=twin, kind="parent")
    found = duplicate_candidates(actor=counsellor, family_name=child.family_name, given_names=child.given_names,
                                 exclude=child)
    assert [c.person for c in found] == [twin]
    assert "in derselben Familie oder demselben Haushalt erfasst" in found[0].reasons
