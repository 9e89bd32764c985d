"""Schemathesis fuzzes every operation of the JSON API in-process (Django's WSGI handler, test database).

The schema is read from the app itself (``api:openapi-json``). Org A's counsellor calls every operation with
generated data, valid (positive) and invalid (negative); in about half of the valid examples path parameters
and reference fields name objects that exist (``build_world``), so the fuzzer gets past the 404s into the
services. Every response must not be a server error, must have a documented status code and content type, and
must match the documented schema. Each example runs in a savepoint that is rolled back: the world stays as
built.

Bounded for CI: a fixed number of examples per operation and mode, derandomised, no example database.
"""

import re

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from lotse.api.api import api
from lotse.api.parser import CONTROL_CHARACTERS

pytestmark = pytest.mark.django_db

EXAMPLES_PER_MODE = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}

# Body fields that name another object: the fuzzer sometimes puts the id of an existing one there.
REFERENCE_FIELDS = {
    "team": "teams", "offering": "offerings", "person": "persons", "case": "cases", "partner": "partners",
    "recipient": "partners", "responsible_partner": "partners", "handover_to": "partners", "owner": "staff",
    "user": "staff", "goal": "goals", "organisation": "organisations",
}


def _operations(schema: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in schema["paths"].items() for method in item
            if method in HTTP_METHODS}


@pytest.fixture
def wsgi_app(api_world, openapi_schema):
    """Django's own WSGI handler; like the test client, it must not close the test's connection per request.

    Set up after the fixtures that use the test client: the client connects the signal again after each
    request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Rollback(Exception):
    pass


def _printable(value):
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, dict):
        return {_printable(key): _printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable(item) for item in value]
    return value


def _aim(draw, case, world) -> None:
    """Point path parameters and reference fields at existing objects, and drop the control characters the API
    refuses anyway (each about half of the time), so more examples get into the services."""
    segment = case.operation.path.removeprefix("/api/").split("/")[0]
    for name in list(case.path_parameters or {}):
        if world.ids.get(segment) and draw(st.booleans()):
            case.path_parameters[name] = draw(st.sampled_from(world.ids[segment]))
    if isinstance(case.body, dict):
        for name, kind in REFERENCE_FIELDS.items():
            if name in case.body and world.ids.get(kind) and draw(st.booleans()):
                case.body[name] = draw(st.sampled_from(world.ids[kind]))
        if "version" in case.body and draw(st.booleans()):
            case.body["version"] = draw(st.integers(0, 3))
    if draw(st.booleans()):
        case.body = _printable(case.body)


def _fuzz(operation, mode, world, headers, calls) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(max_examples=EXAMPLES_PER_MODE, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
              report_multiple_bugs=False)
    @given(data=st.data())
    def run(data):
        case = data.draw(strategy)
        if mode is schemathesis.GenerationMode.POSITIVE:
            _aim(data.draw, case, world)
        try:
            with transaction.atomic():
                calls[operation.label] = calls.get(operation.label, 0) + 1
                case.call_and_validate(headers=headers, checks=CHECKS)
                raise Rollback()
        except Rollback:
            pass

    run()


def test_the_schema_declares_unique_component_names():
    assert api.get_openapi_schema().name_collisions == set()


def test_every_operation_survives_fuzzing(api_world, api_headers, openapi_schema, wsgi_app):
    schema = schemathesis.openapi.from_wsgi(reverse("api:openapi-json"), wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} == _operations(openapi_schema)
    calls: dict[str, int] = {}
    failures = []
    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, api_world, api_headers, calls)
            except (Exception, BaseExceptionGroup) as error:  # one run reports every failing operation
                message = re.sub(r"\s+", " ", str(error))[:1500]
                failures.append(f"{operation.label} ({mode.value}): {message}")
    assert not failures, "\n\n".join(failures)
    assert {label for label, count in calls.items() if count} == {op.label for op in operations}
