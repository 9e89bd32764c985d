"""Pool pages: list with filters and constant queries, create and edit (bad input, conflicts), deactivate,
interpreter search and booking for an appointment, volunteers in the case file and their links."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lotse.appointments.models import Appointment
from lotse.audit.models import AuditEvent
from lotse.pools import services
from lotse.pools.models import PoolMember, VolunteerAssignment
from tests.factories import login

pytestmark = pytest.mark.django_db

LIST = reverse("pools:pool_member_list")


def de(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


# ---- the pool list ---------------------------------------------------------------------------------

def test_list_filters_by_kind_and_language(make_member, cclient, org_b):
    make_member()
    make_member(name="Saba Tesfay", languages=(("tir", "native"),))
    make_member(name="Gisela Brandt", kind="volunteer", languages=(("deu", "native"),))
    make_member(name="Fremde Person", organisation=org_b.organisation, actor=org_b.user("counsellor"))
    html = cclient.get(LIST).content.decode()
    assert "Rania Nasser" in html and "Saba Tesfay" in html and "Gisela Brandt" in html
    assert "Fremde Person" not in html
    html = cclient.get(LIST, {"art": "interpreter", "sprache": "tir"}).content.decode()
    assert "Saba Tesfay" in html and "Rania Nasser" not in html and "Gisela Brandt" not in html
    html = cclient.get(LIST, {"art": "volunteer"}).content.decode()
    assert "Gisela Brandt" in html and "Rania Nasser" not in html
    assert cclient.get(LIST, {"art": "<script>", "sprache": "x" * 500, "seite": "%%%"}).status_code == 200


def test_list_costs_the_same_queries_and_pages_by_keyset(make_member, cclient):
    for i in range(3):
        make_member(name=f"Person {i:02d}")
    small, _html = _queries(cclient, LIST)
    for i in range(3, 53):
        make_member(name=f"Person {i:02d}", languages=(("ara", "native"), ("deu", "good")))
    large, html = _queries(cclient, LIST)
    assert small == large <= 20
    assert "Person 49" in html and "Person 50" not in html and 'rel="next"' in html
    cursor = html.split("seite=")[1].split('"')[0]
    second = cclient.get(LIST, {"seite": cursor}).content.decode()
    assert "Person 50" in second and "Person 52" in second and "Person 49" not in second


def test_inactive_members_only_on_request(make_member, cclient, counsellor):
    member = make_member()
    services.pool_member_set_active(actor=counsellor, member=member, version=1, active=False)
    assert "Rania Nasser" not in cclient.get(LIST).content.decode()
    assert "Rania Nasser" in cclient.get(LIST, {"status": "inaktiv"}).content.decode()


@pytest.mark.parametrize("role", ["coordinator"])
def test_roles_without_the_pool_are_refused(client, org_a, sysadmin, role):
    login(client, org_a.user(role))
    assert client.get(LIST).status_code == 403
    login(client, sysadmin)
    assert client.get(reverse("pools:pool_member_create")).status_code == 403


# ---- create and edit -------------------------------------------------------------------------------

def _form(**extra):
    values = {"kind": "interpreter", "name": "Dariush Karimi", "phone": "0171 1234", "email": "",
              "availability": "Di und Do", "topics": ["authorities"], "confidentiality_signed_on": "",
              "notes": "", "language_1": "pes", "level_1": "native", "language_2": "prs", "level_2": ""}
    values.update(extra)
    return values


def test_create_through_the_form(cclient, org_a):
    response = cclient.post(reverse("pools:pool_member_create"), _form())
    assert response.status_code == 302
    member = PoolMember.objects.get()
    assert member.organisation == org_a.organisation and member.topics == ["authorities"]
    assert [(row.language.code, row.level) for row in member.language_rows.all()] == [
        ("pes", "native"), ("prs", "")]
    assert member.partner.name.startswith("Dariush Karimi")


@pytest.mark.parametrize("bad", [
    {"name": ""}, {"kind": "boss"}, {"language_1": "", "language_2": ""}, {"language_1": "zzz"},
    {"level_1": "perfect"}, {"language_1": "", "level_1": "good", "language_2": ""}, {"name": "Nul\x00"},
    {"confidentiality_signed_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
    {"confidentiality_signed_on": "31.02.2025"}, {"email": "nicht-gültig"}, {"topics": ["magic"]},
    {"language_2": "pes"},
])
def test_bad_input_shows_errors_and_stores_nothing(cclient, bad):
    response = cclient.post(reverse("pools:pool_member_create"), _form(**bad))
    assert response.status_code == 422
    html = response.content.decode()
    assert "kern-form-input--error" in html or "kern-alert--danger" in html
    assert not PoolMember.objects.exists()


def test_organisation_is_chosen_when_the_user_works_in_two(client, org_a, org_b):
    from lotse.organisations.models import Membership

    user = org_a.user("org_admin")
    Membership.objects.create(user=user, organisation=org_b.organisation, role="org_admin")
    login(client, user)
    html = client.get(reverse("pools:pool_member_create")).content.decode()
    assert 'name="organisation"' in html
    response = client.post(reverse("pools:pool_member_create"),
                           _form(organisation=str(org_b.organisation.public_id)))
    assert response.status_code == 302 and PoolMember.objects.get().organisation == org_b.organisation


def test_edit_with_conflict_and_deactivate(interpreter, cclient, counsellor):
    url = reverse("pools:pool_member_edit", args=[interpreter.public_id])
    form = cclient.get(url).content.decode()
    assert 'value="Rania Nasser"' in form and 'value="ara" selected' in form
    services.pool_member_update(actor=counsellor, member=interpreter, version=1, data=services.MemberData(
        kind="interpreter", name="Rania Nasser", phone="0170 999", languages=(services.LanguageEntry("ara"),),
        confidentiality_signed_on=interpreter.confidentiality_signed_on))
    stale = cclient.post(url, _form(name="Rania N.", language_1="ara", version="1"))
    assert stale.status_code == 409 and "0170 999" in stale.content.decode()
    assert PoolMember.objects.get().name == "Rania Nasser"
    saved = cclient.post(url, _form(name="Rania N.", language_1="ara", version="2"))
    assert saved.status_code == 302 and PoolMember.objects.get().name == "Rania N."
    status = reverse("pools:pool_member_set_active", args=[interpreter.public_id])
    assert cclient.post(status, {"active": "0", "version": "1"}).status_code == 302
    assert PoolMember.objects.get().is_active  # stale version: nothing changed
    assert cclient.post(status, {"active": "0", "version": "3"}).status_code == 302
    member = PoolMember.objects.get()
    assert not member.is_active and not member.partner.is_active
    assert cclient.post(status, {"active": "vielleicht", "version": "x"}).status_code == 302


def test_foreign_member_is_not_found(interpreter, client, org_b):
    login(client, org_b.user("counsellor"))
    assert client.get(reverse("pools:pool_member_edit", args=[interpreter.public_id])).status_code == 404


# ---- interpreters for an appointment ---------------------------------------------------------------

def test_search_lists_signed_active_interpreters_of_the_language_with_their_bookings(
        make_member, make_appointment, cclient, counsellor, org_b):
    rania = make_member()
    busy = make_member(name="Yasmin Busy")
    make_member(name="Ohne Vereinbarung", confidentiality_signed_on=None)
    make_member(name="Nur Tigrinya", languages=(("tir", "native"),))
    retired = make_member(name="Im Ruhestand")
    services.pool_member_set_active(actor=counsellor, member=retired, version=1, active=False)
    make_member(name="Fremd Arabisch", organisation=org_b.organisation, actor=org_b.user("counsellor"))
    other = make_appointment(hour=9, minutes=120)
    services.interpreter_book(actor=counsellor, appointment=other, member=busy, version=1)
    appointment = make_appointment(hour=10)
    url = reverse("pools:interpreter_search", args=[appointment.public_id])
    html = cclient.get(url).content.decode()
    assert "Rania Nasser" in html and "Yasmin Busy" in html
    for absent in ("Ohne Vereinbarung", "Nur Tigrinya", "Im Ruhestand", "Fremd Arabisch"):
        assert absent not in html
    assert html.count('name="member"') == 1 and f'value="{rania.public_id}"' in html
    assert de("already booked elsewhere") in html
    tigrinya = cclient.get(url, {"sprache": "tir"}).content.decode()
    assert "Nur Tigrinya" in tigrinya and "Rania Nasser" not in tigrinya
    everyone = cclient.get(url, {"sprache": ""}).content.decode()
    assert "Nur Tigrinya" in everyone and "Rania Nasser" in everyone
    assert cclient.get(url, {"sprache": "<script>"}).status_code == 200


def test_search_costs_the_same_queries_for_a_large_pool(make_member, make_appointment, cclient):
    make_member()
    appointment = make_appointment()
    url = reverse("pools:interpreter_search", args=[appointment.public_id])
    small, _html = _queries(cclient, url)
    for i in range(25):
        make_member(name=f"Dolmetscherin {i:02d}", languages=(("ara", "good"), ("deu", "native")))
    large, html = _queries(cclient, url)
    assert small == large <= 25 and "Dolmetscherin 24" in html


def test_book_and_cancel_through_the_page(interpreter, make_appointment, cclient):
    appointment = make_appointment()
    book = reverse("pools:interpreter_book", args=[appointment.public_id])
    response = cclient.post(book, {"member": str(interpreter.public_id), "version": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"/termine/{appointment.public_id}/")
    assert Appointment.objects.get(pk=appointment.pk).interpreter == interpreter
    detail = cclient.get(response["Location"]).content.decode()
    assert "Rania Nasser" in detail
    assert reverse("pools:interpreter_search", args=[appointment.public_id]) in detail
    cancel = reverse("pools:interpreter_cancel", args=[appointment.public_id])
    assert cclient.post(cancel, {"version": "2"}).status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).interpreter is None


def test_booking_conflict_and_bad_posts_show_a_message(make_member, make_appointment, cclient, counsellor):
    rania = make_member()
    first, second = make_appointment(hour=10), make_appointment(hour=10, minutes=30)
    services.interpreter_book(actor=counsellor, appointment=first, member=rania, version=1)
    book = reverse("pools:interpreter_book", args=[second.public_id])
    response = cclient.post(book, {"member": str(rania.public_id), "version": "1"}, follow=True)
    assert "Rania Nasser" in response.content.decode()
    assert Appointment.objects.get(pk=second.pk).interpreter is None
    for bad in ({}, {"member": "kein-uuid", "version": "1"},
                {"member": str(first.public_id), "version": "1"}):
        assert cclient.post(book, bad).status_code == 302
    assert Appointment.objects.get(pk=second.pk).interpreter is None


def test_unsigned_interpreter_cannot_be_booked_through_the_page(make_member, make_appointment, cclient):
    unsigned = make_member(name="Ohne Vereinbarung", confidentiality_signed_on=None)
    appointment = make_appointment()
    cclient.post(reverse("pools:interpreter_book", args=[appointment.public_id]),
                 {"member": str(unsigned.public_id), "version": "1"})
    assert Appointment.objects.get(pk=appointment.pk).interpreter is None


# ---- volunteers in the case ------------------------------------------------------------------------

def test_assign_a_volunteer_from_the_case(volunteer, make_member, case, cclient):
    make_member(name="Ohne Vereinbarung", kind="volunteer", languages=(), confidentiality_signed_on=None)
    url = reverse("pools:volunteer_assign", args=[case.public_id])
    html = cclient.get(url).content.decode()
    assert "Gisela Brandt" in html and "Ohne Vereinbarung" not in html
    empty = cclient.post(url, {"member": str(volunteer.public_id), "purpose": "", "since": ""})
    assert empty.status_code == 422 and not VolunteerAssignment.objects.exists()
    response = cclient.post(url, {"member": str(volunteer.public_id), "purpose": "Begleitung Jobcenter",
                                  "since": ""})
    assert response.status_code == 302
    assignment = VolunteerAssignment.objects.get()
    assert assignment.purpose == "Begleitung Jobcenter" and assignment.member == volunteer


def test_case_section_shows_volunteers_with_constant_queries(volunteer, make_member, case, counsellor):
    from lotse.pools.selectors import case_volunteer_summary

    services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Begleitung")
    with CaptureQueriesContext(connection) as small:
        summary = case_volunteer_summary(actor=counsellor, case=case)
    assert [a.member.name for a in summary["active"]] == ["Gisela Brandt"] and summary["may_change"]
    for i in range(8):
        other = make_member(name=f"Ehrenamt {i}", kind="volunteer", languages=())
        assignment = services.volunteer_assign(actor=counsellor, case=case, member=other, purpose="Hilfe")
        if i % 2:
            services.volunteer_assignment_end(actor=counsellor, assignment=assignment)
    with CaptureQueriesContext(connection) as large:
        summary = case_volunteer_summary(actor=counsellor, case=case)
    assert len(small) == len(large) == 1
    assert len(summary["active"]) == 5 and len(summary["ended"]) == 4


def test_case_file_renders_the_section(volunteer, case, counsellor, cclient):
    from django.template.loader import render_to_string

    from lotse.pools.selectors import case_volunteer_summary

    services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Begleitung Jobcenter")
    html = render_to_string("pools/_case_section.html", {
        "summary": case_volunteer_summary(actor=counsellor, case=case), "case": case})
    assert "Gisela Brandt" in html and "Begleitung Jobcenter" in html
    assert reverse("pools:volunteer_assign", args=[case.public_id]) in html


def test_link_is_shown_once(volunteer, case, counsellor, cclient):
    assignment = services.volunteer_assign(actor=counsellor, case=case, member=volunteer,
                                           purpose="Begleitung")
    url = reverse("pools:volunteer_link", args=[assignment.public_id])
    assert cclient.post(url, {"valid_days": "365"}).status_code == 422
    assert not VolunteerAssignment.objects.get().has_link
    response = cclient.post(url, {"valid_days": "30"})
    html = response.content.decode()
    stored = VolunteerAssignment.objects.get()
    assert stored.has_link and f"/ehrenamt/eh_{stored.token_prefix}_" in html
    assert f"eh_{stored.token_prefix}_" not in cclient.get(url).content.decode()
    assert AuditEvent.objects.filter(action="volunteer.link_created").exists()
    revoke = reverse("pools:volunteer_link_revoke", args=[assignment.public_id])
    assert cclient.post(revoke).status_code == 302 and not VolunteerAssignment.objects.get().has_link
    end = reverse("pools:volunteer_assignment_end", args=[assignment.public_id])
    assert cclient.post(end).status_code == 302 and VolunteerAssignment.objects.get().until is not None
    assert cclient.post(end).status_code == 302
    assert cclient.get(url).status_code == 302


def test_closed_case_refuses_new_volunteers(volunteer, case, cclient):
    type(case).objects.filter(pk=case.pk).update(status="closed")
    response = cclient.get(reverse("pools:volunteer_assign", args=[case.public_id]))
    assert response.status_code == 302 and not VolunteerAssignment.objects.exists()


def test_case_file_page_shows_the_volunteers(volunteer, case, counsellor, cclient):
    services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Begleitung Jobcenter")
    response = cclient.get(reverse("cases:case_detail", args=[case.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="volunteers"' in html and "Begleitung Jobcenter" in html
