"""When the database cannot be reached, answer 503 with a page that needs no database.

A restart, failover or crash of PostgreSQL makes queries fail with ``OperationalError`` or
``InterfaceError``: while connecting, in the middle of a query or on commit. (SQLite raises
``OperationalError`` for a missing table too; there only a busy, locked or unreadable file counts.)
Services are atomic, so nothing is left half-saved; what the user needs is an honest "try again in a
moment" instead of the generic 500 page – and a status that proxies, load balancers and API clients
treat as temporary.

Such errors reach this middleware in four ways. Raised by a view, Django hands them to
``process_exception``. Raised by a middleware (the session and the user are loaded lazily, the session
is saved on the way out), Django turns them into a 500 inside the middleware chain before this
middleware sees them; the ``got_request_exception`` signal marks the request, and the 500 is replaced
on the way out. If the 500 handler itself needs the database and fails, the error reaches ``__call__``
directly. A failed session save is answered 400 (``SessionInterrupted``) without the cause; an execute
wrapper notes the cause for the whole request.

The answer is rendered without a request context (no context processor, no session, no user), and
``request.user`` is replaced by an anonymous user so that middlewares further out do not query either.
"""

from __future__ import annotations

import logging
import sqlite3
import sys

import psycopg

from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

logger = logging.getLogger("lotse.database")

RETRY_AFTER_SECONDS = 10
UNAVAILABLE_TEXT = gettext_noop("Lotse cannot reach its database at the moment, usually because it is being "
                                "restarted or maintained.")
_FAILURE_ATTRIBUTE = "_lotse_database_failure"
# SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN (primary result codes).
SQLITE_UNAVAILABLE_CODES = {5, 6, 10, 14}

# psycopg's own errors, should one escape Django's wrapping (e.g. while a broken connection is closed).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def _sqlite_unavailable(exc: sqlite3.Error) -> bool:
    """SQLite reports missing tables and syntax errors as OperationalError too; only these are temporary."""
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF in SQLITE_UNAVAILABLE_CODES


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The error itself, or an error it was explicitly raised from, says the database is unreachable."""
    for _depth in range(10):
        if exc is None:
            return False
        if isinstance(exc, sqlite3.Error):
            return isinstance(exc, sqlite3.OperationalError) and _sqlite_unavailable(exc)
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return not isinstance(exc.__cause__, sqlite3.Error) or _sqlite_unavailable(exc.__cause__)
        exc = exc.__cause__
    return False


def _remember_failure(sender, request=None, **kwargs):
    failure = sys.exc_info()[1]
    if request is not None and is_database_unavailable(failure):
        setattr(request, _FAILURE_ATTRIBUTE, failure)


got_request_exception.connect(_remember_failure, dispatch_uid="lotse.core.db_errors")


class _FailureRecorder:
    """Marks the request when one of its queries finds the database unreachable, however that was handled."""

    def __init__(self, request):
        self.request = request

    def __call__(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except Exception as exc:
            if is_database_unavailable(exc):
                setattr(self.request, _FAILURE_ATTRIBUTE, exc)
            raise


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def _page(request) -> str:
    is_get = request.method in ("GET", "HEAD")
    retry_url = request.get_full_path()
    if not url_has_allowed_host_and_scheme(retry_url, allowed_hosts=None):
        retry_url = "/"
    context = {"retry_after": RETRY_AFTER_SECONDS, "is_get": is_get, "retry_url": retry_url}
    try:
        return render_to_string("core/database_unavailable.html", context)
    except Exception:  # noqa: BLE001 - e.g. a missing static manifest; the answer must still be a 503
        logger.exception("The page for an unavailable database could not be rendered")
        title = escape(_("Database temporarily unavailable"))
        return (f'<!DOCTYPE html><html lang="{escape(translation.get_language())}"><meta charset="utf-8">'
                f"<title>{title} – Lotse</title><h1>{title}</h1><p>{escape(_(UNAVAILABLE_TEXT))} "
                f"{escape(_('Please try again in a few seconds.'))}</p></html>")


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    """503 with Retry-After: a page, an htmx fragment, or ``{"message": …}`` for the API."""
    logger.error("Database unavailable, answered 503 to %s %s: %s: %s", request.method, request.path,
                 type(exc).__name__, str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    request.user = AnonymousUser()
    with translation.override(_language(request)):
        if request.path.startswith("/api/"):
            response = JsonResponse({"message": _("The database is temporarily unavailable. Please try again "
                                                  "in a few seconds.")}, status=503)
        elif request.headers.get("HX-Request") == "true":
            response = HttpResponse(render_to_string("core/_database_unavailable.html", {
                "is_get": request.method in ("GET", "HEAD")}), status=503)
            # htmx does not swap error responses; a reload shows the full page (or the page again, once the
            # database is back) instead of a click that silently does nothing.
            response["HX-Refresh"] = "true"
        else:
            response = HttpResponse(_page(request), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Place it above the session middleware: the session is loaded and saved inside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            with connection.execute_wrapper(_FailureRecorder(request)):
                response = self.get_response(request)
        except Exception as exc:
            if is_database_unavailable(exc):
                return database_unavailable_response(request, exc)
            raise
        failure = getattr(request, _FAILURE_ATTRIBUTE, None)
        if failure is not None and response.status_code in (400, 500):
            return database_unavailable_response(request, failure)
        return response

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable_response(request, exception)
        return None
