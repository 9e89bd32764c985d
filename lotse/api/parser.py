"""Request bodies of the API are JSON, sent as JSON; bodies and query values are free of control characters.

Ninja turns anything ``parse_body`` raises into ``HttpError(400)`` with the original exception as
``__cause__``; the API's handler for ``HttpError`` reads it to answer with the right status and message.
``parse_querydict`` raises a ``ValidationError`` (400 with the refused parameters) itself.
"""

import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja.parser import Parser

# Control characters except tab, line feed and carriage return (PostgreSQL cannot store NUL at all; the others
# only hide or garble text), and the direction overrides and isolates the forms refuse as well: they make text
# display differently from what is stored.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class UnsupportedMediaType(Exception):
    pass


class ControlCharacters(Exception):
    def __init__(self, fields: list[str]):
        super().__init__(fields)
        self.fields = fields


def contains_control_characters(value) -> bool:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, dict):
        return any(contains_control_characters(k) or contains_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_control_characters(item) for item in value)
    return False


class JsonParser(Parser):
    def parse_body(self, request):
        content_type = request.content_type or ""
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(content_type)
        data = json.loads(request.body)
        if contains_control_characters(data):
            fields = [str(key) for key, value in data.items() if contains_control_characters(key)
                      or contains_control_characters(value)] if isinstance(data, dict) else []
            raise ControlCharacters(fields)
        return data

    def parse_querydict(self, data, list_fields, request):
        values = super().parse_querydict(data, list_fields, request)
        refused = [key for key, value in values.items() if contains_control_characters(key)
                   or contains_control_characters(value)]
        if refused:
            message = _("The text contains control characters. Please type it again without copying it.")
            raise ValidationError({key: message for key in refused})
        return values
