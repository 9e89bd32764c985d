"""Optimistic locking: no silent lost updates when two people edit the same record.

A versioned model has ``version = PositiveIntegerField(default=1)``. The edit form carries the version
the editor saw (hidden field ``version``); the write service locks the row, calls :func:`ensure_current`
and, when something changed, :func:`bump`. On a conflict the view shows the editor what the other person
changed with :func:`differences` and the partial ``core/_stale.html``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils.translation import gettext as _

STALE = "stale"


class VersionField(forms.IntegerField):
    """The hidden version a form was loaded with."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault("error_messages", {"required": _("The form is incomplete. Please reload the page."),
                                             "invalid": _("The form is incomplete. Please reload the page.")})
        super().__init__(**kwargs)


def ensure_current(obj: Model, version: int | None) -> None:
    """Refuse the write when ``obj`` (locked with select_for_update) changed since the editor loaded it."""
    if version is None or obj.version != version:
        raise ValidationError(
            _("Someone else changed this in the meantime. Your changes have not been saved: compare them with "
              "the current state below and enter them again."), code=STALE)


def bump(obj: Model, *, fields: list[str]) -> None:
    """Save ``fields`` and increase the version in the same UPDATE; ``obj.version`` is current afterwards."""
    obj.version = F("version") + 1
    obj.save(update_fields=[*fields, "version"])
    obj.refresh_from_db(fields=["version"])


def is_stale(error: ValidationError) -> bool:
    return any(getattr(item, "code", None) == STALE for item in getattr(error, "error_list", []))


@dataclass(frozen=True)
class Difference:
    label: str
    stored: str
    yours: str


def _display(field: forms.Field, value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(value, (list, tuple, set)) and not hasattr(value, "all"):
        mapping = {str(key): label for key, label in choices if not isinstance(label, (list, tuple))}
        if str(value) in mapping:
            return str(mapping[str(value)])
    if hasattr(value, "all"):
        value = list(value.all())
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(str(item) for item in value)) or "–"
    return str(value)


def differences(form: forms.Form, current: Model, *, skip: tuple[str, ...] = ("version",)) -> list[Difference]:
    """Fields where the stored record differs from what the editor submitted."""
    result = []
    for name, field in form.fields.items():
        if name in skip or not hasattr(current, name) or name not in form.cleaned_data:
            continue
        stored = getattr(current, name)
        if hasattr(stored, "all"):
            stored_cmp = sorted(str(item) for item in stored.all())
            yours_cmp = sorted(str(item) for item in (form.cleaned_data[name] or []))
        else:
            stored_cmp, yours_cmp = stored, form.cleaned_data[name]
        if stored_cmp != yours_cmp and not (stored_cmp in (None, "") and yours_cmp in (None, "")):
            result.append(Difference(label=str(field.label or name), stored=_display(field, stored),
                                     yours=_display(field, form.cleaned_data[name])))
    return result


def stale_context(form: forms.Form, current: Model, *, changed_at=None, changed_by=None,
                  compare: bool = True) -> dict:
    """For the view after a conflict: what differs (when the form edits ``current``'s own fields), and the
    form re-armed with the current version so the editor can save deliberately after checking."""
    result = {"differences": differences(form, current) if compare else [], "changed_at": changed_at,
              "changed_by": changed_by}
    data = form.data.copy()
    data["version"] = str(current.version)
    form.data = data
    return result


def refusal_context(form: forms.Form, error: ValidationError, *, reload, compare: bool = True) -> dict | None:
    """Put a write service's refusal on the form; after a version conflict also return what is stored now
    (``reload()`` reads it again), for ``core/_stale.html`` and a 409 answer."""
    from lotse.core.forms import add_service_errors

    stale = None
    if is_stale(error):
        current = reload()
        stale = stale_context(form, current, changed_at=getattr(current, "updated_at", None), compare=compare)
    add_service_errors(form, error)
    return stale
