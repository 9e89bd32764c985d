"""Network pages: agreements (list, create, edit with conflict, review, document up- and download), events
(list by year, create, edit, delete with confirmation) and the indicators page — with query counts."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lotse.audit.models import AuditEvent
from lotse.cooperation import services
from lotse.cooperation.models import AgreementRevision, CooperationAgreement, NetworkEvent
from tests.cooperation.conftest import PDF, docx_bytes
from tests.factories import german, login

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _form(agreement=None, **extra):
    values = {"title": "Kooperation Schule", "subject": "Sprachförderung der Kinder",
              "starts_on": "2026-02-01", "review_on": "", "status": "active", "ended_on": "",
              "division_of_tasks": "", "joint_tasks": "", "note": ""}
    if agreement is not None:
        values.update({"title": agreement.title, "subject": agreement.subject,
                       "starts_on": agreement.starts_on.isoformat(),
                       "review_on": agreement.review_on.isoformat(),
                       "status": agreement.status, "version": str(agreement.version),
                       "division_of_tasks": agreement.division_of_tasks, "agreed_in_writing_on": ""})
    values.update(extra)
    return values


# ---- agreements ------------------------------------------------------------------------------------------

def test_list_marks_due_and_overdue_reviews(make_agreement, lead, today, django_assert_max_num_queries):
    make_agreement(title="Überfällige Vereinbarung", starts_on=today - timedelta(days=400),
                   review_on=today - timedelta(days=2))
    make_agreement(title="Bald fällig", review_on=today + timedelta(days=20))
    client = _client(lead)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cooperation:agreement_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert german("review overdue") in html and german("review due soon") in html
    assert html.index("Überfällige Vereinbarung") < html.index("Bald fällig")
    filtered = client.get(reverse("cooperation:agreement_list"), {"status": "draft"}).content.decode()
    assert "Bald fällig" not in filtered
    assert client.get(reverse("cooperation:agreement_list"), {"status": "<script>"}).status_code == 200


def test_create_page_and_post(lead, jobcentre, school, org_a, django_assert_max_num_queries):
    client = _client(lead)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("cooperation:agreement_create"))
    assert page.status_code == 200 and 'name="organisation"' not in page.content.decode()
    response = client.post(reverse("cooperation:agreement_create"), _form(
        partners=[str(school.public_id), str(jobcentre.public_id)], responsible=str(lead.public_id)))
    agreement = CooperationAgreement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cooperation:agreement_detail",
                                                                         args=[agreement.public_id])
    assert agreement.organisation == org_a.organisation and agreement.review_on.isoformat() == "2027-02-01"
    assert set(agreement.partners.all()) == {school, jobcentre}


def test_create_with_errors_saves_nothing(lead, foreign_partner, jobcentre):
    client = _client(lead)
    response = client.post(reverse("cooperation:agreement_create"), _form(
        partners=[str(foreign_partner.public_id)], responsible=str(lead.public_id), starts_on="2026-02-01",
        review_on="2026-01-01"))
    assert response.status_code == 422 and not CooperationAgreement.objects.exists()
    response = client.post(reverse("cooperation:agreement_create"), _form(
        partners=[str(jobcentre.public_id)], responsible=str(lead.public_id), review_on="2026-01-01"))
    assert response.status_code == 422 and not CooperationAgreement.objects.exists()
    assert german("The review date must lie after the start date.") in response.content.decode()


def test_detail_shows_the_history_and_the_review_form(make_agreement, lead, org_a,
                                                      django_assert_max_num_queries):
    agreement = make_agreement(note="Unterzeichnet")
    client = _client(lead)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cooperation:agreement_detail", args=[agreement.public_id]))
    html = response.content.decode()
    assert "Unterzeichnet" in html and 'name="reviewed_on"' in html and str(lead) in html
    assert "style=" not in html and "<script>" not in html
    coordinator = _client(org_a.user("coordinator")).get(
        reverse("cooperation:agreement_detail", args=[agreement.public_id])).content.decode()
    assert 'name="reviewed_on"' not in coordinator and str(lead) not in coordinator
    assert german("Team leads and organisation administrators record the review.") in coordinator


def test_edit_conflict_shows_what_changed_and_saves_nothing(make_agreement, lead, admin, jobcentre):
    agreement = make_agreement(status="draft")
    base = _form(agreement, partners=[str(jobcentre.public_id)], responsible=str(lead.public_id))
    first = _client(admin).post(reverse("cooperation:agreement_edit", args=[agreement.public_id]),
                                {**base, "title": "Titel der Admin"})
    assert first.status_code == 302
    second = _client(lead).post(reverse("cooperation:agreement_edit", args=[agreement.public_id]),
                                {**base, "title": "Titel der Teamleitung"})
    assert second.status_code == 409
    html = second.content.decode()
    assert 'id="stale-warning"' in html and "Titel der Admin" in html
    assert CooperationAgreement.objects.get().title == "Titel der Admin"
    assert AgreementRevision.objects.count() == 2


def test_edit_of_an_agreement_in_force_asks_for_the_written_agreement(make_agreement, lead, jobcentre, today):
    agreement = make_agreement()
    base = _form(agreement, partners=[str(jobcentre.public_id)], responsible=str(lead.public_id))
    url = reverse("cooperation:agreement_edit", args=[agreement.public_id])
    refused = _client(lead).post(url, {**base, "subject": "Neu"})
    assert refused.status_code == 422 and CooperationAgreement.objects.get().subject != "Neu"
    saved = _client(lead).post(url, {**base, "subject": "Neu", "agreed_in_writing_on": today.isoformat(),
                                     "note": "Protokoll vom Netzwerktreffen"})
    assert saved.status_code == 302
    revision = AgreementRevision.objects.get(number=2)
    assert revision.agreed_in_writing_on == today and revision.note == "Protokoll vom Netzwerktreffen"


def test_review_done_via_the_detail_page(make_agreement, lead, today):
    agreement = make_agreement(starts_on=today - timedelta(days=300), review_on=today + timedelta(days=10))
    url = reverse("cooperation:agreement_review", args=[agreement.public_id])
    response = _client(lead).post(url, {"reviewed_on": today.isoformat(), "note": "", "version": "1"})
    assert response.status_code == 302
    next_year = agreement.review_on.replace(year=agreement.review_on.year + 1)
    assert CooperationAgreement.objects.get().review_on == next_year
    stale = _client(lead).post(url, {"reviewed_on": today.isoformat(), "version": "1"}, follow=True)
    assert AgreementRevision.objects.filter(kind="reviewed").count() == 1
    assert "alert" in stale.content.decode()
    bad = _client(lead).post(url, {"reviewed_on": "31.02.2026", "version": "2"})
    assert bad.status_code == 302 and AgreementRevision.objects.filter(kind="reviewed").count() == 1


def test_document_upload_and_download(make_agreement, lead, org_a, org_b, django_assert_max_num_queries):
    agreement = make_agreement()
    url = reverse("cooperation:agreement_document_upload", args=[agreement.public_id])
    page = _client(lead).get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="document"' in page
    upload = SimpleUploadedFile("Kooperation Jobcenter.pdf", PDF, content_type="application/octet-stream")
    response = _client(lead).post(url, {"document": upload, "version": "1", "note": "unterschrieben"})
    assert response.status_code == 302
    download = reverse("cooperation:agreement_document", args=[agreement.public_id])
    client = _client(org_a.user("coordinator"))
    client.get(download)
    with django_assert_max_num_queries(12):
        file = client.get(download)
    assert file.status_code == 200 and file.content == PDF
    assert file["Content-Type"] == "application/pdf"
    assert file["Content-Disposition"] == 'attachment; filename="Kooperation Jobcenter.pdf"'
    assert file["X-Content-Type-Options"] == "nosniff" and "no-store" in file["Cache-Control"]
    assert AuditEvent.objects.filter(action="cooperation_agreement.document_downloaded").exists()
    assert _client(org_b.user("org_admin")).get(download).status_code == 404


def test_download_without_a_document_is_404(make_agreement, lead):
    agreement = make_agreement()
    url = reverse("cooperation:agreement_document", args=[agreement.public_id])
    assert _client(lead).get(url).status_code == 404


def test_upload_of_a_disguised_file_is_refused(make_agreement, lead):
    agreement = make_agreement()
    url = reverse("cooperation:agreement_document_upload", args=[agreement.public_id])
    upload = SimpleUploadedFile("vertrag.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    response = _client(lead).post(url, {"document": upload, "version": "1"})
    assert response.status_code == 422
    assert german("The file is not a readable PDF, ODT or DOCX document.") in response.content.decode()
    assert CooperationAgreement.objects.get().document is None
    response = _client(lead).post(url, {"version": "1"})
    assert response.status_code == 422 and CooperationAgreement.objects.get().document is None


def test_upload_with_a_stale_version_is_a_conflict(make_agreement, lead):
    agreement = services.agreement_document_attach(actor=lead, agreement=make_agreement(), version=1,
                                                   content=docx_bytes(), filename="a.docx")
    url = reverse("cooperation:agreement_document_upload", args=[agreement.public_id])
    response = _client(lead).post(url, {"document": SimpleUploadedFile("b.pdf", PDF), "version": "1"})
    assert response.status_code == 409
    stored = CooperationAgreement.objects.get()
    assert stored.document_sha256 == hashlib.sha256(docx_bytes()).hexdigest()


# ---- events ----------------------------------------------------------------------------------------------

def test_event_list_by_year(make_event, counsellor, today, django_assert_max_num_queries):
    make_event(title="Netzwerktreffen Frühjahr")
    make_event(title="Altes Treffen", date=today.replace(year=today.year - 2))
    client = _client(counsellor)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cooperation:event_list"))
    html = response.content.decode()
    assert "Netzwerktreffen Frühjahr" in html and "Altes Treffen" not in html
    older = client.get(reverse("cooperation:event_list"), {"jahr": today.year - 2}).content.decode()
    assert "Altes Treffen" in older and "Netzwerktreffen Frühjahr" not in older
    for bad in ("abc", "1800", "9" * 30, "-1"):
        assert client.get(reverse("cooperation:event_list"), {"jahr": bad}).status_code == 200


def test_event_create_edit_and_delete(counsellor, jobcentre, today):
    client = _client(counsellor)
    response = client.post(reverse("cooperation:event_create"), {
        "kind": "volunteers_day", "title": "Tag des Ehrenamts", "date": today.isoformat(), "end_date": "",
        "participants": "40", "partners": [str(jobcentre.public_id)], "note": ""})
    event = NetworkEvent.objects.get()
    assert response.status_code == 302 and event.participants == 40
    assert list(event.partners.all()) == [jobcentre]
    edit = reverse("cooperation:event_edit", args=[event.public_id])
    response = client.post(edit, {"kind": "volunteers_day", "title": "Tag des Ehrenamts",
                                  "date": today.isoformat(), "participants": "45", "version": "1"})
    assert response.status_code == 302 and NetworkEvent.objects.get().participants == 45
    stale = client.post(edit, {"kind": "training", "title": "x", "date": today.isoformat(),
                               "participants": "1", "version": "1"})
    assert stale.status_code == 409 and NetworkEvent.objects.get().kind == "volunteers_day"
    delete = reverse("cooperation:event_delete", args=[event.public_id])
    confirm = client.get(delete)
    assert confirm.status_code == 200 and "Tag des Ehrenamts" in confirm.content.decode()
    assert client.post(delete, {"version": "1"}).status_code == 200 and NetworkEvent.objects.exists()
    assert client.post(delete, {"version": "2"}).status_code == 302 and not NetworkEvent.objects.exists()


def test_event_create_with_bad_input_saves_nothing(counsellor, today):
    response = _client(counsellor).post(reverse("cooperation:event_create"), {
        "kind": "training", "title": "Schulung", "date": today.isoformat(),
        "end_date": (today - timedelta(days=1)).isoformat(), "participants": "100001"})
    assert response.status_code == 422 and not NetworkEvent.objects.exists()


# ---- indicators ------------------------------------------------------------------------------------------

def test_indicators_page(make_event, make_agreement, org_a, today, django_assert_max_num_queries):
    make_agreement()
    make_event(kind="training", participants=17)
    client = _client(org_a.user("coordinator"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("cooperation:indicators"), {"jahr": today.year})
    figures = response.context["figures"]
    assert figures["agreements_in_force"] == 1 and figures["participants_total"] == 17
    assert response.context["referrals"].sent == 0 and "Gesendete Vermittlungen" in response.content.decode()
    assert response.status_code == 200 and str(today.year) in response.content.decode()
    bad = client.get(reverse("cooperation:indicators"), {"jahr": "x", "organisation": "y"})
    assert bad.status_code == 200


def test_indicators_for_someone_in_two_organisations(make_event, org_a, org_b, counsellor):
    from lotse.organisations.models import Membership

    Membership.objects.create(user=counsellor, organisation=org_b.organisation, team=org_b.team,
                              role="counsellor")
    services.event_create(actor=counsellor, organisation=org_b.organisation, data=services.EventData(
        kind="training", title="B", date=make_event().date, participants=3))
    client = _client(counsellor)
    first = client.get(reverse("cooperation:indicators"))
    assert first.context["figures"]["organisation"] == org_a.organisation
    other = client.get(reverse("cooperation:indicators"), {"organisation": str(org_b.organisation.public_id)})
    assert other.context["figures"]["organisation"] == org_b.organisation
    assert other.context["figures"]["participants_total"] == 3
    page = client.get(reverse("cooperation:event_create")).content.decode()
    assert 'name="organisation"' in page
