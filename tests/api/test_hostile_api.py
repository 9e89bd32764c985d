"""Hostile input for every request body and query parameter of the API, derived from the OpenAPI schema (new
endpoints are covered without touching this file).

For every operation with a body and every property in it, the test starts from a body that works (the one
``build_world`` used, or one built from the schema) and spoils that property: oversized text and numbers,
wrong types, markup, SQL metacharacters, impossible dates, control and direction-override characters. The
body as a whole is also sent as broken JSON, with the wrong content type, as ``null``, an array, nested too
deep and too big.

The API must answer with 4xx (never 5xx) and a German message and store nothing (row counts of every table
compared), or, where it accepts a value its schema allows, return it verbatim. Values the schema forbids must
be refused. Every request runs in a savepoint that is rolled back, so each starts from the same world.
"""

import json
import re
import threading
from datetime import timedelta

import jsonschema_rs
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.models import ApiToken
from lotse.core.models import SubmissionClaim
from lotse.core.services import api_submission_token
from lotse.people.models import Person
from tests.api.conftest import ApiWorld, bearer
from tests.factories import german, login

pytestmark = pytest.mark.django_db

LONG_TEXT = "x" * 10_000
SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE people_person; --"
HUGE = 10**40
NO_SUCH_ID = "00000000-0000-0000-0000-000000000000"

TEXT_VALUES = [("oversized", LONG_TEXT), ("script", SCRIPT), ("sql", SQL), ("control", "Text\x00\x07"),
               ("bidi override", "Text\u202eevil"), ("bidi isolate", "Text\u2066evil")]
DATE_VALUES = [("31 February", "2025-02-31"), ("German date", "31.02.2025")]
LIST_VALUES = [("oversized list", ["x"] * 10_000), ("script item", [SCRIPT]), ("control item", ["a\x00"])]
WRONG_TYPES = [("list", ["x"]), ("object", {"x": 1}), ("number", HUGE), ("bool", True)]
# Refused whatever the schema says: the API takes no control or direction-override characters.
ALWAYS_REFUSED = {"control", "bidi override", "bidi isolate"}
QUERY_VALUES = [("NUL", "\x00"), ("NUL inside", "a\x00b"), ("oversized", LONG_TEXT), ("script", SCRIPT),
                ("sql", SQL), ("wildcards", "%_\\"), ("bidi override", "\u202e"),
                ("31 February", "2025-02-31"), ("German date", "31.02.2025"), ("huge number", str(HUGE)),
                ("negative", "-1")]
# None: built from the operation's working body.
UNREADABLE = [("truncated JSON", None, "application/json"), ("not JSON", "name=Haddad", "application/json"),
              ("plain text", None, "text/plain"),
              ("form", "family_name=Haddad&given_names=Amal", "application/x-www-form-urlencoded"),
              ("null", "null", "application/json"), ("array", None, "application/json"),
              ("string", json.dumps(SCRIPT), "application/json"),
              ("nested too deep", '{"a": ' * 5000 + "1" + "}" * 5000, "application/json"),
              ("too big", json.dumps({"note": "x" * 3_000_000}), "application/json")]

# Logs that record a refusal on purpose: audit events, refused disclosures (who tried to pass what to whom).
LOG_TABLES = {"audit_auditevent", "consent_disclosure", "django_session"}

GERMAN_WORDS = {
    "bitte", "sie", "der", "die", "das", "nicht", "ist", "ein", "eine", "und", "kein", "keine", "zu", "mit",
    "für", "oder", "den", "dem", "des", "ungültige", "anfrage", "enthält", "wählen", "geben", "gefunden",
    "zugriff", "text", "werte", "ihre", "ihrer", "einen", "im", "als", "nur", "wurde", "unbekanntes",
    "unbekannte", "thema", "auswahl", "darf", "kann", "liegt", "höchstens", "zeichen"}
ENGLISH_WORDS = {
    "the", "please", "is", "not", "a", "of", "and", "to", "request", "your", "this", "with", "or", "invalid",
    "field", "required", "value", "found", "send", "be", "must", "was", "could"}


def looks_german(message: str) -> bool:
    """A heuristic good enough to tell the catalogue's German from an untranslated English msgid."""
    for hostile in (SCRIPT, SQL):
        message = message.replace(hostile, "")
    words = re.findall(r"[a-zäöüß]+", message.lower())
    german_signs = sum(word in GERMAN_WORDS for word in words) + len(re.findall("[äöüß]", message.lower()))
    return german_signs > sum(word in ENGLISH_WORDS for word in words)


def body_operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, operation["requestBody"]["content"]["application/json"]["schema"])
            for path, item in schema["paths"].items() for method, operation in item.items()
            if isinstance(operation, dict) and "requestBody" in operation]


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node or len(node.get("allOf", [])) == 1:
        node = node["allOf"][0] if "allOf" in node else (
            schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
    options = [option for option in node.get("anyOf", []) if option.get("type") != "null"]
    return resolve(schema, options[0]) if len(options) == 1 else node


def kind_of(prop: dict) -> str:
    if prop.get("format") in ("date", "date-time", "uuid"):
        return prop["format"]
    return "enum" if "enum" in prop else prop.get("type", "any")


def hostile_values(kind: str) -> list[tuple[str, object]]:
    values = TEXT_VALUES + (DATE_VALUES if kind in ("date", "date-time") else []) + (
        LIST_VALUES if kind == "array" else [])
    return values + [(label, value) for label, value in WRONG_TYPES
                     if (kind, label) not in {("array", "list"), ("object", "object")}]


def example(schema: dict, prop: dict, name: str, world):
    """A plausible value for a required property of an operation the world did not call."""
    prop = resolve(schema, prop)
    kind = kind_of(prop)
    if kind == "uuid":
        kinds = {"team": "teams", "person": "persons", "case": "cases", "partner": "partners",
                 "offering": "offerings"}
        return (world.ids.get(kinds.get(name, "")) or [NO_SUCH_ID])[0]
    return {"date": timezone.localdate().isoformat(), "date-time": timezone.now().isoformat(),
            "enum": (prop.get("enum") or [""])[0], "string": "Test", "integer": 1, "number": 1,
            "boolean": False, "array": [], "object": {}}.get(kind)


def baseline(schema: dict, method: str, path: str, body_schema: dict, world) -> dict:
    if (method, path) in world.bodies:
        return dict(world.bodies[(method, path)])
    model = resolve(schema, body_schema)
    return {name: example(schema, prop, name, world) for name, prop in model.get("properties", {}).items()
            if name in model.get("required", [])}


def url_for(method: str, path: str, world) -> str:
    if (method, path) in world.urls:
        return world.urls[(method, path)]
    ids = world.ids.get(path.removeprefix("/api/").split("/")[0]) or [NO_SUCH_ID]
    return re.sub(r"\{[^}]+\}", ids[0], path)


class TableCounts:
    """Row counts of every table (but the logs), in one query."""

    def __init__(self):
        self.tables = sorted({model._meta.db_table for model in apps.get_models()
                              if model._meta.managed and not model._meta.proxy} - LOG_TABLES)
        quote = connection.ops.quote_name
        self.sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in self.tables)

    def snapshot(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql)
            return dict(zip(self.tables, cursor.fetchone()))


class Probe:
    """Sends requests that leave no trace and collects what is wrong with the answers."""

    def __init__(self, world):
        self.client, self.world = Client(), world
        self.counts = TableCounts()
        self.before = self.counts.snapshot()
        self.failures: list[str] = []

    def send(self, method, path, data, content_type="application/json"):
        """The response (or the exception behind a 500) and the tables whose row count changed."""
        cache.clear()
        url, headers = url_for(method, path, self.world), self.world.headers_for(method, path)
        with transaction.atomic():
            try:
                if method == "GET":
                    response = self.client.get(url, data, headers=headers)
                else:
                    response = self.client.generic(method, url, data, content_type=content_type,
                                                   headers=headers)
            except Exception as error:  # the test client re-raises what became a 500
                response = error
            difference = {}
            refused = not isinstance(response, Exception) and response.status_code >= 400
            # 422: ninja refused the input before the operation ran; every other refusal is counted.
            if refused and response.status_code != 422:
                after = self.counts.snapshot()
                difference = {table: (count, after[table]) for table, count in self.before.items()
                              if after[table] != count}
            transaction.set_rollback(True)
        return response, difference

    def refused(self, label, response, difference) -> bool:
        """Checks an answer that must be a refusal; False (and a failure noted) if it is not."""
        if isinstance(response, Exception):
            self.failures.append(f"{label}: server error {type(response).__name__}: {response}")
            return False
        if not 400 <= response.status_code < 500:
            self.failures.append(f"{label}: expected 4xx, got {response.status_code} "
                                 f"{response.content[:200]!r}")
            return False
        self.check_error(label, response, difference)
        return True

    def check_error(self, label, response, difference) -> None:
        try:
            data = response.json()
        except ValueError:
            self.failures.append(f"{label}: {response.status_code} without JSON: {response.content[:120]!r}")
            return
        message = (data.get("message") or data.get("detail")) if isinstance(data, dict) else None
        if not isinstance(message, str) or not looks_german(message):
            self.failures.append(f"{label}: {response.status_code} without a German message: {data!r:.200}")
        if difference:
            self.failures.append(f"{label}: refused ({response.status_code}) but stored rows: {difference}")


def test_every_body_property_withstands_hostile_values(api_world, openapi_schema):
    probe = Probe(api_world)
    operations = body_operations(openapi_schema)
    assert len(operations) >= 29
    checked = 0
    for method, path, body_schema in operations:
        validator = jsonschema_rs.Draft202012Validator(
            {**body_schema, "components": openapi_schema["components"]}, validate_formats=True)
        base = baseline(openapi_schema, method, path, body_schema, api_world)
        response, _ = probe.send(method, path, json.dumps(base))
        ok = not isinstance(response, Exception) and response.status_code < 300
        unchanged = response.json() if ok else {}
        if (method, path) in api_world.bodies and not unchanged:
            probe.failures.append(f"{method} {path}: the body that built the world fails now: {response}")
        for name, prop in resolve(openapi_schema, body_schema).get("properties", {}).items():
            prop = resolve(openapi_schema, prop)
            kind = kind_of(prop)
            # Pydantic reads true/false as 1/0 where an integer is expected (its documented lax mode).
            lax_integer = kind in ("integer", "number") or kind == "enum" and all(
                isinstance(option, int) for option in prop["enum"])
            for label, value in hostile_values(kind):
                body = {**base, name: value}
                response, difference = probe.send(method, path, json.dumps(body))
                where = f"{method} {path} {name}={label}"
                checked += 1
                schema_allows = (label == "bool" and lax_integer) or validator.is_valid(body)
                if label in ALWAYS_REFUSED or not schema_allows or isinstance(response, Exception) \
                        or response.status_code >= 500:
                    probe.refused(where, response, difference)
                elif response.status_code >= 400:
                    probe.check_error(where, response, difference)
                else:
                    data = response.json()
                    returned = data.get(name) if isinstance(data, dict) else None
                    ignored = name in unchanged and returned == unchanged[name]
                    mangled = isinstance(value, str) and isinstance(returned, str) and returned != value
                    if mangled and not ignored:
                        probe.failures.append(f"{where}: accepted but returned {returned[:80]!r}")
    assert checked > 29 * 10
    assert not probe.failures, "\n".join(probe.failures)


def test_unreadable_bodies_are_refused_in_german(client, api_headers, openapi_schema):
    """Refused while the body is read, before any object is looked up: no world needed."""
    world = ApiWorld(client, api_headers)
    probe = Probe(world)
    expected = {"plain text": 415, "form": 415, "too big": 413}
    for method, path, body_schema in body_operations(openapi_schema):
        valid = json.dumps(baseline(openapi_schema, method, path, body_schema, world))
        built = {"truncated JSON": valid[:-3], "plain text": valid, "array": f"[{valid}]"}
        for label, data, content_type in UNREADABLE:
            response, difference = probe.send(method, path, built.get(label, data), content_type)
            where = f"{method} {path} {label}"
            if probe.refused(where, response, difference) and response.status_code != expected.get(
                    label, response.status_code):
                probe.failures.append(f"{where}: {response.status_code}, expected {expected[label]}")
    assert not probe.failures, "\n".join(probe.failures)


def test_every_query_parameter_withstands_hostile_values(api_world, openapi_schema):
    """Query parameters only select: hostile values are refused or select harmlessly, never a 5xx."""
    probe = Probe(api_world)
    checked = 0
    for path, item in openapi_schema["paths"].items():
        parameters = [parameter["name"] for parameter in item.get("get", {}).get("parameters", [])
                      if parameter["in"] == "query"]
        for name in parameters:
            for label, value in QUERY_VALUES:
                where = f"GET {path}?{name}={label}"
                response, difference = probe.send("GET", path, {name: value})
                checked += 1
                if isinstance(response, Exception) or response.status_code >= 400:
                    probe.refused(where, response, difference)
                elif not response["Content-Type"].startswith("application/json"):
                    probe.failures.append(f"{where}: answered {response['Content-Type']}")
    assert checked > 100
    assert not probe.failures, "\n".join(probe.failures)


def test_error_messages_of_the_api_are_german(client, api_headers):
    """The API's own messages (parser, duplicates) are in the German catalogue."""
    for msgid in ("The request body is not valid JSON.",
                  "Please send the request body as JSON (Content-Type: application/json).",
                  "This request was already sent with the same Idempotency-Key. Nothing was saved again.",
                  "Please send an Idempotency-Key of at most %(max)d printable characters.",
                  "The request could not be processed.",
                  "The request is too large.",
                  "The text contains control characters. Please type it again without copying it."):
        assert german(msgid) != msgid, f"no German translation for {msgid!r}"
    response = client.post("/api/persons", "{", content_type="application/json", headers=api_headers)
    assert response.status_code == 400
    assert response.json() == {"message": german("The request body is not valid JSON.")}
    english = client.post("/api/persons", "{", content_type="application/json",
                          headers={**api_headers, "Accept-Language": "en"})
    assert english.json() == {"message": "The request body is not valid JSON."}


def test_accepted_markup_is_returned_as_json_and_escaped_in_the_html_ui(client, api_headers, counsellor):
    name = "<script>alert(x)</script>"
    response = client.post("/api/persons", {"family_name": "Haddad", "given_names": name,
                                            "address": SCRIPT, "confirm_new": True},
                           content_type="application/json", headers=api_headers)
    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["given_names"] == name
    person = Person.objects.get(public_id=response.json()["id"])
    assert person.given_names == name and person.address == SCRIPT
    login(client, counsellor)
    html = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(x)&lt;/script&gt;" in html


# ---- duplicate submissions (Idempotency-Key) -------------------------------------------------------------

def _person_body(**extra):
    return {"family_name": "Nasser", "given_names": "Omar", "confirm_new": True, **extra}


def _post(client, headers, body, key=None):
    headers = {**headers, **({"Idempotency-Key": key} if key else {})}
    return client.post("/api/persons", body, content_type="application/json", headers=headers)


def _prefix(headers) -> str:
    return headers["Authorization"].split("_")[1]


def _claim(headers, key: str):
    return SubmissionClaim.objects.filter(token=api_submission_token(token_prefix=_prefix(headers), key=key))


def test_a_repeated_idempotency_key_is_refused_and_stores_nothing(client, api_headers):
    assert _post(client, api_headers, _person_body(), key="anlage-nasser-1").status_code == 201
    again = _post(client, api_headers, _person_body(), key="anlage-nasser-1")
    assert again.status_code == 409
    assert again.json()["message"] == german(
        "This request was already sent with the same Idempotency-Key. Nothing was saved again.")
    assert Person.objects.filter(family_name="Nasser").count() == 1
    assert _post(client, api_headers, _person_body(), key="anlage-nasser-2").status_code == 201
    assert _post(client, api_headers, _person_body()).status_code == 201
    assert Person.objects.filter(family_name="Nasser").count() == 3


def test_a_failed_request_releases_its_key(client, api_headers):
    assert _post(client, api_headers, _person_body(family_name="Nasser1"), key="k-1").status_code == 400
    assert not SubmissionClaim.objects.exists()
    assert _post(client, api_headers, _person_body(), key="k-1").status_code == 201
    assert _claim(api_headers, "k-1").exists() and SubmissionClaim.objects.count() == 1


def test_keys_belong_to_one_token_and_expire_after_a_day(client, api_headers, counsellor):
    assert _post(client, api_headers, _person_body(), key="k").status_code == 201
    other_token = {"Authorization": f"Bearer {bearer(counsellor, 'Zweites Skript')}"}
    assert _post(client, other_token, _person_body(), key="k").status_code == 201
    assert _post(client, api_headers, _person_body(), key="k").status_code == 409
    _claim(api_headers, "k").update(claimed_at=timezone.now() - timedelta(hours=25))
    assert _post(client, api_headers, _person_body(), key="k").status_code == 201
    assert _post(client, other_token, _person_body(), key="k").status_code == 409
    assert _claim(api_headers, "k").get().claimed_at > timezone.now() - timedelta(minutes=5)
    assert _claim(other_token, "k").exists() and SubmissionClaim.objects.count() == 2
    assert Person.objects.filter(family_name="Nasser").count() == 3


@pytest.mark.parametrize("key", ["x" * 201, "a\tb"])
def test_unusable_keys_are_refused_in_german(client, api_headers, key):
    response = _post(client, api_headers, _person_body(), key=key)
    assert response.status_code == 400 and looks_german(response.json()["message"])
    assert not Person.objects.exists() and not SubmissionClaim.objects.exists()


def test_keys_only_apply_to_post(client, api_headers):
    person = _post(client, api_headers, _person_body()).json()
    headers = {**api_headers, "Idempotency-Key": "lesen"}
    assert client.get(f"/api/persons/{person['id']}", headers=headers).status_code == 200
    assert client.get(f"/api/persons/{person['id']}", headers=headers).status_code == 200
    assert not SubmissionClaim.objects.exists()


def test_the_schema_declares_the_key_and_the_409(openapi_schema):
    for path, item in openapi_schema["paths"].items():
        for method, operation in item.items():
            if method == "post" and operation.get("security"):
                names = [parameter["name"] for parameter in operation.get("parameters", [])]
                assert "Idempotency-Key" in names, path
                assert "409" in operation["responses"], path


def test_a_key_claimed_elsewhere_refuses_the_request(client, api_headers):
    """The unique constraint decides: a claim committed by a concurrent request (here: made directly) wins."""
    SubmissionClaim.objects.create(token=api_submission_token(token_prefix=_prefix(api_headers), key="gleichzeitig"),
                                   claimed_at=timezone.now())
    assert _post(client, api_headers, _person_body(), key="gleichzeitig").status_code == 409
    assert not Person.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submission_stores_once(reference_data, org_a, counsellor, monkeypatch):
    """Two requests with the same key at the same time: the second arrives while the first is inside the
    operation (held at its first step, before any write, so that SQLite's single writer does not serialise
    the two) and is refused; the first then completes. Each request has its own connection."""
    from lotse.people import api as people_api

    headers = {"Authorization": f"Bearer {bearer(counsellor)}", "Idempotency-Key": "doppelt"}
    inside, release = threading.Event(), threading.Event()
    original = people_api.policy.client_team_ids

    def held(user):
        if threading.current_thread() is not threading.main_thread():
            inside.set()
            assert release.wait(30)
        return original(user)

    monkeypatch.setattr(people_api.policy, "client_team_ids", held)
    answers = {}

    def submit(name):
        try:
            answers[name] = _post(Client(), headers, _person_body()).status_code
        finally:
            connection.close()

    first = threading.Thread(target=submit, args=("first",))
    first.start()
    assert inside.wait(30)
    submit("second")
    release.set()
    first.join(30)
    assert answers == {"first": 201, "second": 409}
    assert Person.objects.filter(family_name="Nasser").count() == 1
    assert ApiToken.objects.count() == 1
