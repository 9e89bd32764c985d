"""An unreachable database gives a German 503 page, an htmx 503 or a JSON 503 – never a 500 – and no half write.

The failure is simulated where it happens in production: at the database cursor (``execute_wrapper``), so
session loading, authentication, the view, the service's transaction and the session save all meet it.
"""

import json
import re
from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from lotse.accounts.services import api_token_create
from lotse.audit.models import AuditEvent
from lotse.audit.selectors import audit_chain_problem
from lotse.contacts.models import Contact
from lotse.core import db_errors
from lotse.core.db_errors import RETRY_AFTER_SECONDS, is_database_unavailable
from lotse.people.models import Person
from tests.factories import german, login

pytestmark = pytest.mark.django_db

PAGE_TITLE = "Database temporarily unavailable"
PAGE_TEXT = "Lotse cannot reach its database at the moment, usually because it is being restarted or maintained."
API_MESSAGE = "The database is temporarily unavailable. Please try again in a few seconds."
NOT_SAVED = ("Your last entry may not have been saved. Nothing is ever saved halfway: once Lotse is available again, "
             "check whether the entry is there before you enter it again.")


class Outage:
    """Fails the statements ``fails(sql)`` selects; counts what was attempted, and when the 503 was built."""

    def __init__(self, fails, error):
        self.fails, self.error = fails, error
        self.attempts = 0
        self.failed = 0
        self.attempts_when_answered = None


def driver_error(db, name: str, message: str = ""):
    """The database driver's own error, as a dropped connection (PostgreSQL) or a locked file (SQLite) raises it."""
    if db.vendor != "sqlite":
        return getattr(db.Database, name)(message or "server closed the connection unexpectedly")
    error = getattr(db.Database, name)(message or "database is locked")
    error.sqlite_errorcode = 0 if message else 5  # SQLITE_BUSY
    return error


@contextmanager
def outage(fails, error="OperationalError"):
    """The driver fails below Django (under every execute wrapper), as a dropped connection does."""
    failure = Outage(fails, error)
    answer = db_errors.database_unavailable_response

    def answering(request, exc):
        if failure.attempts_when_answered is None:
            failure.attempts_when_answered = failure.attempts
        return answer(request, exc)

    def failing(original):
        def execute(cursor, sql, *args):
            failure.attempts += 1
            if failure.fails(sql):
                failure.failed += 1
                with cursor.db.wrap_database_errors:
                    raise driver_error(cursor.db, failure.error)
            return original(cursor, sql, *args)
        return execute

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db_errors, "database_unavailable_response", answering)
        patch.setattr(CursorWrapper, "_execute", failing(CursorWrapper._execute))
        patch.setattr(CursorWrapper, "_executemany", failing(CursorWrapper._executemany))
        yield failure


def everything(sql):
    return True


def writes_to(table):
    return lambda sql: sql.lstrip().upper().startswith(("INSERT", "UPDATE")) and f'"{table}"' in sql


@pytest.fixture
def browser(counsellor):
    """A logged-in browser; exceptions are answered like in production instead of re-raised into the test."""
    client = Client(raise_request_exception=False)
    login(client, counsellor)
    return client


def assert_german_503_page(response, *, after_post=False):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert f'<h1 class="kern-heading-large">{german(PAGE_TITLE)}</h1>' in html
    assert german(PAGE_TEXT) in html
    assert "vendor/kern/kern.min.css" in html and 'class="lotse-header"' in html
    assert (german(NOT_SAVED) in html) is after_post
    assert ('http-equiv="refresh"' in html) is not after_post
    return html


def test_database_down_gives_german_503_page_rendered_without_queries(browser, case):
    url = reverse("cases:case_detail", args=[case.public_id])
    with outage(everything) as failure:
        response = browser.get(url)
    html = assert_german_503_page(response)
    assert f'href="{url}"' in html
    assert failure.failed >= 1
    assert failure.attempts_when_answered == failure.attempts, "the 503 answer must not touch the database"
    assert "csrfmiddlewaretoken" not in html and "Abmelden" not in html
    assert browser.get(url).status_code == 200, "once the database answers again, the page works"


def test_interface_error_and_raw_psycopg_errors_count_as_unavailable(browser):
    with outage(everything, error="InterfaceError"):
        assert browser.get("/").status_code == 503
    assert is_database_unavailable(psycopg.OperationalError("connection refused"))
    assert is_database_unavailable(psycopg.errors.AdminShutdown("terminating connection"))
    try:
        try:
            raise OperationalError("the database system is starting up")
        except OperationalError as exc:
            raise RuntimeError("export failed") from exc
    except RuntimeError as wrapped:
        assert is_database_unavailable(wrapped)
    assert not is_database_unavailable(ValueError("no"))
    assert not is_database_unavailable(ProgrammingError("relation does not exist"))


def test_sqlite_reports_a_missing_table_as_operational_error_which_stays_a_500(browser):
    import sqlite3

    missing = sqlite3.OperationalError("no such table: cases_case")
    missing.sqlite_errorcode = 1  # SQLITE_ERROR
    assert not is_database_unavailable(missing)
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = 5
    assert is_database_unavailable(locked)
    try:
        try:
            raise missing
        except sqlite3.OperationalError as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as wrapped:
        assert not is_database_unavailable(wrapped)


def test_a_programming_error_is_still_a_500(browser):
    """Only an unreachable database is temporary; a broken query must not hide behind a 503."""
    with outage(lambda sql: '"cases_case"' in sql, error="ProgrammingError"):
        response = browser.get(reverse("cases:case_list"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_failure_inside_the_contact_transaction_saves_nothing(browser, case):
    from tests.contacts.conftest import form_data

    events_before = AuditEvent.objects.count()
    url = reverse("contacts:contact_create", args=[case.public_id])
    with outage(writes_to("contacts_contact_topic")) as failure:
        response = browser.post(url, form_data(agreement_rows="3", occasion="Stromausfall"))
    assert failure.failed == 1, "the contact row was written, then the topics failed"
    assert_german_503_page(response, after_post=True)
    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert audit_chain_problem() is None
    response = browser.post(url, form_data(agreement_rows="3", occasion="Stromausfall"))
    assert response.status_code == 302
    assert Contact.objects.get().topics.count() == 1


def test_failure_while_saving_the_session_after_the_view_is_a_503(browser):
    """The session is saved by a middleware after the view; Django answers that error with a 400 first."""
    session = browser.session
    session.pop("lotse_last_activity", None)
    session.save()
    with outage(writes_to("django_session")) as failure:
        response = browser.get("/")
    assert failure.failed == 1
    assert_german_503_page(response)


def test_a_session_deleted_by_a_concurrent_logout_stays_a_400(browser):
    """Django's answer to a session that vanished during the request is not an outage."""
    from django.contrib.sessions.models import Session

    session = browser.session
    session.pop("lotse_last_activity", None)
    session.save()
    original_save = Session.save

    def vanish_then_save(self, *args, **kwargs):
        Session.objects.filter(pk=self.pk).delete()
        return original_save(self, *args, **kwargs)

    from unittest import mock

    with mock.patch.object(Session, "save", vanish_then_save):
        response = browser.get("/")
    assert response.status_code == 400


def test_htmx_request_gets_a_503_fragment_and_a_reload(browser):
    with outage(everything):
        response = browser.get(reverse("people:person_list") + "?q=Haddad", headers={"HX-Request": "true"})
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["HX-Refresh"] == "true"
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="kern-alert kern-alert--danger" role="alert"')
    assert german(PAGE_TEXT) in html and "<html" not in html


def test_api_gets_a_json_503_in_german(counsellor):
    _, secret = api_token_create(actor=counsellor, name="Skript", valid_days=30)
    client = Client(raise_request_exception=False)
    persons_before = Person.objects.count()
    payload = {"family_name": "Haddad", "given_names": "Amal", "confirm_new": True}
    with outage(writes_to("people_person")) as failure:
        response = client.post("/api/persons", json.dumps(payload), content_type="application/json",
                               headers={"Authorization": f"Bearer {secret}"})
    assert failure.failed == 1
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"message": german(API_MESSAGE)}
    assert Person.objects.count() == persons_before
    with outage(everything):
        response = client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 503 and response.json() == {"message": german(API_MESSAGE)}


def test_login_page_during_outage_is_a_503_for_anonymous_visitors():
    client = Client(raise_request_exception=False)
    with outage(everything):
        response = client.post(reverse("accounts:login"), {"username": "a-counsellor", "password": "x"})
    assert_german_503_page(response, after_post=True)


def test_page_follows_the_browser_language_without_a_database(browser):
    with outage(everything):
        response = browser.get("/", headers={"Accept-Language": "en"})
    html = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="en"' in html and PAGE_TITLE in html


def test_retry_link_never_points_to_another_site(browser):
    with outage(everything):
        response = browser.get("/%2Fevil.example/")
    assert response.status_code == 503
    links = [link for link in re.findall(r'href="([^"]*)"', response.content.decode()) if link != "#inhalt"]
    assert links and all(link.startswith("/") and not link.startswith("//") for link in links)
    assert 'href="/">' in response.content.decode().split("<main", 1)[1]


def test_page_survives_a_template_that_cannot_be_rendered(browser, monkeypatch):
    """E.g. a missing static manifest in production: still a German 503."""
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(db_errors, "render_to_string", broken)
    with outage(everything):
        response = browser.get("/")
    assert response.status_code == 503
    assert german(PAGE_TITLE) in response.content.decode()
