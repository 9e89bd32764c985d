"""Manual entries of the helper map: add, change, end. Every write starts with ``case_for_work``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cases.casework import case_for_work
from lotse.core.versioning import bump, ensure_current
from lotse.helpermap.models import HelperEntry, HelperKind

EARLIEST = date(1950, 1, 1)
TEXT_LIMITS = {"name": 200, "organisation": 200, "role": 200, "note": 500}


@dataclass
class HelperData:
    role: str
    since: date | None
    partner: object | None = None
    name: str = ""
    organisation: str = ""
    kind: str = ""
    last_contact_on: date | None = None
    until: date | None = None
    note: str = ""


def _validated(case, data: HelperData, *, current: HelperEntry | None = None) -> dict:
    from lotse.network.models import Partner

    errors: dict[str, str] = {}
    today = timezone.localdate()
    values = {}
    for name, limit in TEXT_LIMITS.items():
        text = " ".join((getattr(data, name) or "").split()) if name != "note" else (data.note or "").strip()
        if "\x00" in text:
            errors[name] = _("Please remove the control characters from the text.")
        elif len(text) > limit:
            errors[name] = _("Please use at most %(max)d characters.") % {"max": limit}
        values[name] = text
    partner = data.partner
    if partner is not None:
        same = isinstance(partner, Partner) and partner.organisation_id == case.person.organisation_id
        if not same or (not partner.is_active and (current is None or current.partner_id != partner.pk)):
            errors["partner"] = _("Please choose a partner from your organisation's partner directory.")
        elif values["organisation"]:
            errors["organisation"] = _("Leave the organisation empty when you choose a partner: it comes "
                                       "from the partner directory.")
    elif not values["name"] and "name" not in errors:
        errors["name"] = _("Please choose a partner or enter a name.")
    values["partner"] = partner
    if not values["role"] and "role" not in errors:
        errors["role"] = _("Please enter the role, e.g. “Schuldnerberatung” or “Patin”.")
    if data.kind and data.kind not in HelperKind.values:
        errors["kind"] = _("Please choose a group from the list.")
    values["kind"] = data.kind or ""
    since = data.since
    if since is None:
        errors["since"] = _("Please enter since when the helper is involved.")
    elif since > today:
        errors["since"] = _("The date lies in the future. Enter helpers once they are involved.")
    elif since < EARLIEST:
        errors["since"] = _("Please check the date.")
    for name in ("last_contact_on", "until"):
        value = getattr(data, name)
        if value is None:
            continue
        if value > today:
            errors[name] = _("The date lies in the future.")
        elif since is not None and "since" not in errors and value < since:
            errors[name] = _("The date lies before the helper became involved.")
    values.update({"since": since, "last_contact_on": data.last_contact_on, "until": data.until})
    if errors:
        raise ValidationError(errors)
    return values


def _details(case, entry: HelperEntry, **extra) -> dict:
    return {"case": str(case.public_id), "entry": str(entry.public_id),
            "partner": str(entry.partner.public_id) if entry.partner_id else "", **extra}


@transaction.atomic
def helper_entry_create(*, actor, case, data: HelperData) -> HelperEntry:
    locked = case_for_work(actor=actor, case=case)
    values = _validated(locked, data)
    entry = HelperEntry.objects.create(case=locked, created_by=actor, **values)
    audit_record(actor=actor, action="helper_entry.created", category=Category.WRITE, obj=locked.person,
                 organisation=locked.person.organisation, details=_details(locked, entry))
    return entry


def _locked_entry(actor, entry: HelperEntry):
    locked_case = case_for_work(actor=actor, case=entry.case)
    locked = HelperEntry.objects.select_for_update(of=("self",)).select_related("partner").get(pk=entry.pk)
    return locked_case, locked


@transaction.atomic
def helper_entry_update(*, actor, entry: HelperEntry, version: int | None, data: HelperData) -> HelperEntry:
    locked_case, locked = _locked_entry(actor, entry)
    ensure_current(locked, version)
    values = _validated(locked_case, data, current=locked)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        bump(locked, fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="helper_entry.updated", category=Category.WRITE,
                     obj=locked_case.person, organisation=locked_case.person.organisation,
                     details=_details(locked_case, locked, fields=sorted(changed)))
    return locked


@transaction.atomic
def helper_entry_end(*, actor, entry: HelperEntry, version: int | None,
                     until: date | None = None) -> HelperEntry:
    """The helper is no longer involved (from ``until``, default today); the entry stays for the record."""
    locked_case, locked = _locked_entry(actor, entry)
    ensure_current(locked, version)
    until = until or timezone.localdate()
    if locked.until is not None:
        raise ValidationError(_("This helper has already been ended."))
    if until > timezone.localdate():
        raise ValidationError({"until": _("The date lies in the future.")})
    if until < locked.since:
        raise ValidationError({"until": _("The date lies before the helper became involved.")})
    locked.until = until
    bump(locked, fields=["until", "updated_at"])
    audit_record(actor=actor, action="helper_entry.ended", category=Category.WRITE, obj=locked_case.person,
                 organisation=locked_case.person.organisation,
                 details=_details(locked_case, locked, until=until.isoformat()))
    return locked
