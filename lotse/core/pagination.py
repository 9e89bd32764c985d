"""Keyset pagination: each page costs one query however deep the user has paged."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Q, QuerySet

DEFAULT_PAGE_SIZE = 50


@dataclass
class Page:
    items: list
    next_cursor: str | None
    is_first: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def _encode(values: list) -> str:
    def plain(value):
        if isinstance(value, datetime):
            return {"dt": value.isoformat()}
        if isinstance(value, UUID):
            return str(value)
        return value

    raw = json.dumps([plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != size:
        return None
    decoded = []
    for value in values:
        if isinstance(value, dict):
            try:
                value = datetime.fromisoformat(value["dt"])
            except (KeyError, TypeError, ValueError):
                return None
        elif value is not None and not isinstance(value, (str, int)):
            return None
        decoded.append(value)
    return decoded


def _after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (a lexicographic tuple comparison)."""
    condition = Q(pk__in=[])
    equal = Q()
    for field, value in zip(ordering, values):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    return condition


def keyset_page(queryset: QuerySet, *, ordering: tuple[str, ...], cursor: str | None = None,
                page_size: int = DEFAULT_PAGE_SIZE) -> Page:
    """``ordering`` must end in a unique field (usually ``pk`` or ``-pk``) and hold no NULLs.

    A cursor that cannot be read starts again at the first page rather than failing.
    """
    values = _decode(cursor, len(ordering)) if cursor else None
    rows = queryset.order_by(*ordering)
    if values is not None:
        rows = rows.filter(_after(ordering, values))
    items = list(rows[: page_size + 1])
    next_cursor = None
    if len(items) > page_size:
        items = items[:page_size]
        last = items[-1]
        next_cursor = _encode([_value(last, field.lstrip("-")) for field in ordering])
    return Page(items=items, next_cursor=next_cursor, is_first=values is None)


def _value(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
