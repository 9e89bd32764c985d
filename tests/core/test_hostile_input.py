"""Hostile input in every form: never a server error, rejected with 4xx and a German message, nothing stored,
never rendered raw; the same submission sent twice is stored once.

The pages are all GET pages of the access specs; each page's own POST form (and its search or filter form) is
read from its HTML, so a new form is covered without touching this file. Pages without a form of their own
refuse a POST.
"""

import html as html_lib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotse.core.middleware import FORM_TOKEN_FIELD
from tests.access.specs import SPECS
from tests.access.walker import SYSADMIN, build_fixture
from tests.factories import german, login

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
BIDI = "\u202e\u2066"
TEXT_KINDS = {
    "oversized": "x" * 10000,
    "script": SCRIPT,
    "sql": "'; DROP TABLE accounts_user; --",
    "date_de": "31.02.2025",
    "date_iso": "2025-02-31",
    "control": "\x00\x07",
    "bidi": BIDI,
}
KINDS = [*TEXT_KINDS, "wrong_type"]
TYPED_INPUTS = {"number", "date", "datetime-local", "time", "month", "week", "email", "url", "tel"}

# Downloads (no HTML page) and the import preview (needs an uploaded file in the session; its form is tested
# in tests/network/test_import.py).
NOT_PAGES = {
    "documents:person_document", "documents:release_document", "planning:agreement_document",
    "contacts:contact_document", "cooperation:agreement_document", "conferences:conference_summary",
    "network:partner_export_csv", "network:partner_export_xlsx", "network:partner_import_preview",
    "referrals:referral_letter_client", "referrals:referral_letter_partner",
    "reports:report_xlsx", "reports:report_pdf", "reports:report_csv", "reports:report_json",
}
REPEATABLE = {"privacy:person_export"}  # a download: {% form_guard repeatable %}
FORM_PAGES = sorted(key for key, spec in SPECS.items()
                    if not spec.public and not spec.api and spec.method == "GET" and key not in NOT_PAGES)

# Not stored data in the sense of "nothing stored": sessions, the audit trail (refusals are recorded),
# the claimed form tokens and the login-attempt records.
UNCOUNTED_PREFIXES = ("django_session", "audit_", "core_submissionclaim", "axes_")
ENGLISH = re.compile(r"\b(the|this|field|enter|select|ensure|must|please|is|are|not|valid|value|required|"
                     r"characters|invalid|choice|date)\b", re.I)


# ---- reading a form from its page --------------------------------------------------------------------------

@dataclass
class Control:
    name: str
    tag: str
    type: str = "text"
    value: str = ""
    required: bool = False
    checked: bool = False
    options: list = field(default_factory=list)
    selected: list = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    controls: list = field(default_factory=list)


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(action=attrs.get("action") or "", method=(attrs.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            self._form.controls.append(Control(name, tag, kind, attrs.get("value") or "", "required" in attrs,
                                               "checked" in attrs))
        elif tag == "select" and name:
            self._select = Control(name, tag, "select", required="required" in attrs)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select.options.append(value)
            if "selected" in attrs:
                self._select.selected.append(value)
        elif tag == "textarea" and name:
            self._textarea = Control(name, tag, "textarea", required="required" in attrs)
            self._form.controls.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(page: str, url: str, method: str) -> list[Form]:
    """The forms of ``page`` sent with ``method`` to the page itself (its own URL or no action)."""
    parser = FormParser()
    parser.feed(page)
    return [form for form in parser.forms
            if form.method == method and form.action in ("", url, urlsplit(url).path)]


def main_form(page: str, url: str) -> Form | None:
    """The page's own POST form; of several, the one with the most fields."""
    own = page_forms(page, url, "post")
    return max(own, key=lambda form: len(form.controls)) if own else None


def guard_token(form: Form) -> str | None:
    return next((c.value for c in form.controls if c.name == FORM_TOKEN_FIELD), None)


def hostile_data(form: Form, kind: str) -> dict:
    """``kind`` in every field; "wrong_type": letters for typed inputs, numbers for choices and text."""
    data = {}
    for control in form.controls:
        if control.name in ("csrfmiddlewaretoken", FORM_TOKEN_FIELD):
            continue
        if kind == "wrong_type":
            choice = control.type in ("select", "radio", "checkbox")
            data[control.name] = "987654321" if choice else "abc" if control.type in TYPED_INPUTS else "-1e309"
        else:
            data[control.name] = TEXT_KINDS[kind]
    token = guard_token(form)
    if token:
        data[FORM_TOKEN_FIELD] = token
    return data


def plausible_data(form: Form) -> dict:
    """What a user sends who fills in the required fields sensibly and leaves the rest as shown."""
    today = timezone.localdate()
    data: dict[str, list] = {}
    for control in form.controls:
        if control.name == "csrfmiddlewaretoken":
            continue
        values = data.setdefault(control.name, [])
        if control.type in ("checkbox", "radio"):
            if control.checked:
                values.append(control.value or "on")
            elif control.required and control.type == "radio" and not values:
                values.append(control.value)
            continue
        if control.type == "select":
            chosen = control.selected or ([next((o for o in control.options if o), "")] if control.required
                                          else [])
            values.extend(chosen)
            continue
        value = control.value.strip("\n") if control.tag == "textarea" else control.value
        if not value and control.required:
            value = {"date": today.isoformat(), "datetime-local": f"{today.isoformat()}T10:00",
                     "time": "10:00", "number": "1", "email": "test@example.org",
                     "password": "Lotse-Test-2026!x"}.get(control.type, "Testeintrag")
        values.append(value)
    for control in form.controls:
        if control.type == "radio" and not data[control.name] and control.value:
            data[control.name] = [control.value]
    return {name: values for name, values in data.items() if values}


# ---- what is stored ----------------------------------------------------------------------------------------

def _counted_tables() -> list[str]:
    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)
                     if model._meta.managed and not model._meta.proxy})
    return [table for table in tables if not table.startswith(UNCOUNTED_PREFIXES)]


def row_counts() -> dict[str, int]:
    """The number of rows of every table that holds data, in one query."""
    tables = _counted_tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)
SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|ROLLBACK TO SAVEPOINT|RELEASE SAVEPOINT)\s+"?([A-Za-z0-9_]+)"?', re.I)


def written_tables(queries) -> list[str]:
    """Tables an INSERT, UPDATE or DELETE changed for good (not rolled back to a savepoint), leaving out
    sessions, audit trail and claimed tokens."""
    writes: list[str] = []
    marks: dict[str, int] = {}
    for query in queries:
        savepoint = SAVEPOINT.match(query["sql"])
        if savepoint:
            statement, name = savepoint.group(1).upper(), savepoint.group(2)
            if statement == "SAVEPOINT":
                marks[name] = len(writes)
            elif statement.startswith("ROLLBACK"):
                del writes[marks[name]:]
            continue
        write = WRITE.match(query["sql"])
        if write and not write.group(1).startswith(UNCOUNTED_PREFIXES):
            writes.append(write.group(1))
    return sorted(set(writes))


@dataclass
class Outcome:
    response: object
    status: int
    stored: bool  # a successful submission (redirect, or a page showing what was just created)
    changed_rows: dict
    writes: list


def send(client, url, data, user, context) -> Outcome:
    """POST ``data``; whatever the answer, it is never a 5xx and never shows a live script.

    A refusal (4xx) changes nothing: no row more or less in any table, no UPDATE either. An answer 200 must be a
    download or a page showing what the submission just stored; a form shown again with errors is 422.
    """
    before = row_counts()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    changed_rows = {table: (count, after) for (table, count), after in zip(before.items(), row_counts().values())
                    if count != after}
    writes = written_tables(queries.captured_queries)
    status = response.status_code
    assert status < 500, context
    body = response.content.decode(errors="replace")
    assert_not_raw(body, context)
    download = status == 200 and response.get("Content-Disposition", "").startswith("attachment")
    stored = 300 <= status < 400 or (status == 200 and not download and bool(writes))
    if stored:
        login(client, user)  # the submission may have ended the session (password, second factor)
        if status != 200:
            shown = client.get(response["Location"])
            assert shown.status_code < 500, context
            body = shown.content.decode(errors="replace")
        assert_not_raw(body, context, stored=True)
    elif not download:
        assert 400 <= status < 500, (context, status, "a form shown again with errors must answer 422")
        assert changed_rows == {} and writes == [], (context, status, changed_rows, writes)
    return Outcome(response, status, stored, changed_rows, writes)


# ---- what is shown ------------------------------------------------------------------------------------------

def _text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def error_texts(page: str) -> list[str]:
    fields = re.findall(r'<p class="kern-error"[^>]*>(.*?)</p>', page, re.S)
    alerts = re.findall(r'<div class="kern-alert kern-alert--danger"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    return [_text(fragment) for fragment in fields + alerts]


def assert_german_rejection(page: str, context) -> None:
    """The page is German and every error it shows is German (no English words)."""
    assert '<html lang="de"' in page, context
    texts = error_texts(page)
    assert texts, (context, "no error message shown")
    english = [text[:200] for text in texts if ENGLISH.search(text.replace(SCRIPT, ""))]
    assert english == [], context


def assert_not_raw(page: str, context, *, stored: bool = False) -> None:
    """Never a live script tag; a page showing stored data never shows a NUL (Django refuses to store one)."""
    assert SCRIPT not in page, context
    if stored:
        assert "\x00" not in page, context


# ---- the tests ----------------------------------------------------------------------------------------------

@pytest.fixture
def fx(org_a, org_b, sysadmin):
    return build_fixture(org_a, org_b, sysadmin)


def _actor(key, fx):
    spec = SPECS[key]
    role = SYSADMIN if SYSADMIN in spec.allowed and len(spec.allowed) == 1 else sorted(spec.allowed - {SYSADMIN})[0]
    return fx.sysadmin if role == SYSADMIN else fx.a.user(role)


def _client(key, fx):
    user = _actor(key, fx)
    client = Client()
    login(client, user)
    return client, user, reverse(key, kwargs=SPECS[key].kwargs(fx) if SPECS[key].kwargs else {})


def _hostile_searches(client, page: str, url: str, key) -> None:
    """The page's GET forms (search, filters) with hostile values: answered, never a server error."""
    for form in page_forms(page, url, "get"):
        for kind in KINDS:
            response = client.get(url, hostile_data(form, kind))
            assert response.status_code == 200 or 400 <= response.status_code < 500, (key, "GET", kind)
            assert_not_raw(response.content.decode(errors="replace"), (key, "GET", kind))


def _same_submission_twice(client, user, url, key) -> None:
    """The form filled in as a user would, sent twice with the same token: stored once, the second time 409."""
    form = main_form(client.get(url).content.decode(), url)
    data = plausible_data(form)
    first = send(client, url, data, user, (key, "first"))
    second = send(client, url, data, user, (key, "second"))
    if first.stored and guard_token(form):
        assert second.status == 409, (key, second.status)
        assert german("Form already sent") in second.response.content.decode()
    else:  # refused (or a download): the same answer again
        assert second.status == first.status, key
    assert not second.stored and second.changed_rows == {} and second.writes == [], key


@pytest.mark.parametrize("key", FORM_PAGES)
def test_hostile_values_in_every_field(key, fx):
    """Each kind of hostile value in all fields of the page's form at once; then the form sent twice."""
    client, user, url = _client(key, fx)
    page = client.get(url)
    assert page.status_code == 200
    _hostile_searches(client, page.content.decode(), url, key)
    form = main_form(page.content.decode(), url)
    if form is None:  # a list or detail page: a POST to it is refused and changes nothing
        outcome = send(client, url, dict.fromkeys(("name", "version", "note"), SCRIPT), user, (key, "POST"))
        assert 400 <= outcome.status < 500
        return
    assert guard_token(form) or key in REPEATABLE, f"{key}: the form has no {{% form_guard %}} token"
    for kind in KINDS:
        outcome = send(client, url, hostile_data(form, kind), user, (key, kind))
        if outcome.status == 422:
            assert_german_rejection(outcome.response.content.decode(), (key, kind))
        if outcome.stored:  # its token is used up now; a refused submission gave its token back
            form = main_form(client.get(url).content.decode(), url)
            if form is None:  # done for good (two persons merged)
                return
    _same_submission_twice(client, user, url, key)


ACTIONS = sorted(key for key, spec in SPECS.items() if not spec.public and not spec.api and spec.method == "POST")
ACTION_FIELDS = ("version", "status", "active", "member", "reason", "valid_days", "language", "next", "kind",
                 "format", "parameters")


@pytest.mark.parametrize("key", ACTIONS)
def test_hostile_values_in_inline_actions(key, fx):
    """The buttons that post straight from a list or detail page (no form page of their own)."""
    client, user, url = _client(key, fx)
    for kind in KINDS:
        value = "987654321" if kind == "wrong_type" else TEXT_KINDS[kind]
        send(client, url, dict.fromkeys(ACTION_FIELDS, value), user, (key, kind))


# ---- stored free text is shown escaped ----------------------------------------------------------------------

ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


def _shown_escaped(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert SCRIPT not in body and ESCAPED in body
    return body


def test_a_person_name_with_markup_is_shown_escaped_and_bidi_controls_are_refused(cclient, org_a):
    from lotse.people.models import Person

    url = reverse("people:person_create")
    refused = cclient.post(url, {"team": str(org_a.team.public_id), "family_name": SCRIPT + BIDI,
                                 "given_names": "Amal"})
    assert refused.status_code == 422
    assert_german_rejection(refused.content.decode(), "bidi in a name")
    assert not Person.objects.exists()
    saved = cclient.post(url, {"team": str(org_a.team.public_id), "family_name": SCRIPT, "given_names": "Amal"})
    assert saved.status_code == 302
    _shown_escaped(cclient, saved["Location"])
    _shown_escaped(cclient, reverse("people:person_list") + "?q=Amal")


def test_a_contact_note_with_markup_and_bidi_controls_is_shown_escaped(cclient, case):
    from lotse.contacts.models import Contact
    from tests.contacts.conftest import form_data

    response = cclient.post(reverse("contacts:contact_create", args=[case.public_id]),
                            form_data(notes=SCRIPT + BIDI + " Ende", occasion=SCRIPT))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.notes == SCRIPT + BIDI + " Ende"
    body = _shown_escaped(cclient, reverse("contacts:contact_detail", args=[contact.public_id]))
    assert body.count(ESCAPED) == 2


def test_a_partner_name_with_markup_is_shown_escaped_and_bidi_controls_are_refused(cclient, org_a):
    from lotse.network.models import Partner

    url = reverse("network:partner_create")
    data = {"name": SCRIPT + BIDI, "partner_type": "kita", "street": "", "postal_code": "", "city": "Lindenau",
            "phone": "", "email": "", "website": "", "opening_hours": "", "contact": "", "notes": SCRIPT,
            "languages": ["deu"]}
    refused = cclient.post(url, data)
    assert refused.status_code == 422
    assert_german_rejection(refused.content.decode(), "bidi in a partner name")
    assert not Partner.objects.exists()
    saved = cclient.post(url, {**data, "name": SCRIPT})
    assert saved.status_code == 302
    partner = Partner.objects.get()
    assert partner.name == SCRIPT
    body = _shown_escaped(cclient, reverse("network:partner_detail", args=[partner.public_id]))
    assert body.count(ESCAPED) >= 2  # name and notes
    _shown_escaped(cclient, reverse("network:partner_list"))
