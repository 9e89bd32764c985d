"""Declares in the OpenAPI schema what every operation can answer besides its own responses.

The API's exception handlers (``lotse.api.api``) answer errors the same way for every operation; declaring
them here, for every operation at once, keeps the schema honest without repeating them in each router.
"""

from ninja.openapi.schema import OpenAPISchema

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "Meldung in der Sprache der Anfrage (Accept-Language)"},
        "errors": {
            "description": "je Feld die Meldungen (400) oder die Prüfergebnisse der Eingabe (422)",
            "anyOf": [
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                {"type": "array", "items": {"type": "object"}},
            ],
        },
    },
    "required": ["message"],
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}

DESCRIPTIONS = {
    400: "Ungültige Angaben oder nicht erlaubte Steuerzeichen; nichts wurde gespeichert",
    401: "Zugangstoken fehlt, ist ungültig, abgelaufen oder widerrufen",
    403: "Die Rolle erlaubt diese Aktion nicht",
    404: "Nicht gefunden oder kein Zugriff",
    409: "Zwischenzeitlich geändert (veraltete Version) oder Idempotency-Key bereits verwendet",
    413: "Die Anfrage ist zu groß",
    415: "Der Inhalt der Anfrage ist kein JSON (Content-Type: application/json)",
    422: "Die Anfrage passt nicht zum Schema",
}

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Frei gewählter Schlüssel gegen doppelte Übermittlung: Wird derselbe Schlüssel mit "
                   "demselben Token innerhalb von 24 Stunden erneut gesendet, antwortet Lotse mit 409 und "
                   "speichert nichts. Scheitert die Anfrage (4xx), ist der Schlüssel wieder frei.",
    "schema": {"type": "string", "maxLength": 200},
}

WRITE_METHODS = {"post", "put", "patch", "delete"}


def _error_codes(method: str, operation: dict) -> set[int]:
    codes = {400}
    if operation.get("parameters") or operation.get("requestBody"):
        codes.add(422)
    if operation.get("requestBody"):
        codes |= {413, 415}
    if operation.get("security"):
        codes |= {401, 403, 404}
        if method in WRITE_METHODS:
            codes.add(409)
    return codes


def _declare(responses: dict, code: int) -> None:
    existing = responses.get(code, responses.get(str(code)))
    if existing is None:
        responses[code] = {"description": DESCRIPTIONS[code],
                                "content": {"application/json": {"schema": ERROR_REF}}}
        return
    content = existing.setdefault("content", {}).setdefault("application/json", {})
    schema = content.get("schema")
    if schema is None:
        content["schema"] = ERROR_REF
    elif schema != ERROR_REF and ERROR_REF not in schema.get("anyOf", []):
        content["schema"] = {"anyOf": [schema, ERROR_REF]}
    if DESCRIPTIONS[code] not in existing.get("description", ""):
        existing["description"] = f"{existing.get('description', '')}; {DESCRIPTIONS[code]}".strip("; ")


def document_errors(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in WRITE_METHODS | {"get", "head", "options"}:
                continue
            responses = operation.setdefault("responses", {})
            for code in sorted(_error_codes(method, operation)):
                _declare(responses, code)
            if method == "post" and operation.get("security"):
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == IDEMPOTENCY_PARAMETER["name"] for p in parameters):
                    parameters.append(dict(IDEMPOTENCY_PARAMETER))
    return schema


class CheckedOpenAPISchema(OpenAPISchema):
    """Ninja keys component schemas by class name: two different classes of the same name would silently share
    one entry (and one of the operations would be documented with the other's fields). Collected here; a test
    keeps the list empty."""

    def __init__(self, api, path_prefix: str) -> None:
        self.name_collisions: set[str] = set()
        super().__init__(api, path_prefix)

    def add_schema_definitions(self, definitions: dict) -> None:
        self.name_collisions |= {name for name, definition in definitions.items()
                                 if name in self.schemas and self.schemas[name] != definition}
        super().add_schema_definitions(definitions)
