"""Checking spreadsheet rows before they are imported into the partner directory.

The same check serves the preview (step 2) and the import itself (step 3, inside its transaction), so what the
preview promises is checked again against the directory as it is at that moment. Every row gets one status —
new, updated, unchanged, skipped (already in the directory) or error — and, for errors, messages that name the
column. The check costs a constant number of queries however many rows the file has."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.intake.services import clean_text
from lotse.network.models import Partner, PartnerContact, PartnerService, PartnerType
from lotse.network.services import CONTACT_LIMITS, LIMITS, MULTILINE, SERVICE_LIMITS, normalised_email, \
    normalised_website
from lotse.network.spreadsheets import COLUMNS, Row, split_values

NEW, UPDATED, UNCHANGED, SKIPPED, ERROR = "new", "updated", "unchanged", "skipped", "error"
STATUS_LABELS = {
    NEW: gettext_lazy("new"),
    UPDATED: gettext_lazy("updated"),
    UNCHANGED: gettext_lazy("unchanged"),
    SKIPPED: gettext_lazy("already in the list – skipped"),
    ERROR: gettext_lazy("error"),
}
HEADING = {column.key: column.heading for column in COLUMNS}
SCALARS = ("contact", "street", "postal_code", "city", "phone", "email", "website", "opening_hours", "notes")
YES = {"ja", "j", "yes", "y", "x", "1", "wahr", "true"}
NO = {"nein", "n", "no", "0", "falsch", "false"}
CODE_IN_BRACKETS = re.compile(r"^(?P<label>.*?)\s*\((?P<code>[A-Za-z0-9-]{2,12})\)$")
SERVICES_MAX = 50
CONTACTS_MAX = 20


@dataclass
class CheckedRow:
    number: int
    name: str
    status: str = NEW
    messages: list[str] = field(default_factory=list)
    partner_type: str = ""
    fields: dict = field(default_factory=dict)
    languages: list = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    existing: Partner | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def partner_type_label(self) -> str:
        return str(PartnerType(self.partner_type).label) if self.partner_type else ""


def type_aliases() -> dict[str, str]:
    """Code, English and German label of every partner type (case-insensitive) → code."""
    aliases = {}
    for code, label in PartnerType.choices:
        aliases[code.casefold()] = code
        for language in ("en", "de"):
            with translation.override(language):
                aliases[" ".join(str(label).split()).casefold()] = code
    return aliases


def type_labels_de() -> list[str]:
    with translation.override("de"):
        return [str(label) for _code, label in PartnerType.choices]


class _Languages:
    """The code list "language", read once: by code, by label (when unique) and as "Label (code)"."""

    def __init__(self):
        from lotse.codelists.models import Code

        self.by_code, self.by_label = {}, {}
        for code in Code.objects.filter(code_list__slug="language"):
            self.by_code[code.code.casefold()] = code
            self.by_label.setdefault(code.label.casefold(), []).append(code)

    def find(self, text: str):
        """The code for ``text``, or a message why there is none."""
        match = CODE_IN_BRACKETS.match(text)
        if match and match["code"].casefold() in self.by_code:
            return self.by_code[match["code"].casefold()], None
        if text.casefold() in self.by_code:
            return self.by_code[text.casefold()], None
        found = self.by_label.get(text.casefold(), [])
        if len(found) == 1:
            return found[0], None
        if found:
            return None, _("“%(value)s” is ambiguous; please add the code in brackets, e.g. "
                           "“%(example)s”.") % {"value": text[:40],
                                                "example": f"{found[0].label} ({found[0].code})"}
        return None, _("unknown language “%(value)s”.") % {"value": text[:40]}


def _flag(value: str) -> bool | None:
    text = value.strip().casefold()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValidationError(_("please write “ja” or “nein”."))


def _problem(row: CheckedRow, key: str, error) -> None:
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    for message in messages:
        row.messages.append(f"{HEADING[key]}: {message}")


def _text(row: CheckedRow, values: dict, key: str, limit: int, *, multiline: bool = False) -> str:
    try:
        return clean_text(values.get(key, ""), field_name=key, max_length=limit, multiline=multiline)
    except ValidationError as error:
        _problem(row, key, error)
        return ""


def _check_scalars(row: CheckedRow, values: dict) -> None:
    for key in SCALARS:
        if key == "email":
            try:
                row.fields[key] = normalised_email(values.get(key, ""))
            except ValidationError as error:
                _problem(row, key, error)
        elif key == "website":
            try:
                row.fields[key] = normalised_website(values.get(key, ""))
            except ValidationError as error:
                _problem(row, key, error)
        else:
            row.fields[key] = _text(row, values, key, LIMITS[key], multiline=key in MULTILINE)
    for key in ("is_internal", "is_active"):
        try:
            flag = _flag(values.get(key, ""))
        except ValidationError as error:
            _problem(row, key, error)
            continue
        if flag is not None:
            row.fields[key] = flag


def _check_languages(row: CheckedRow, values: dict, languages: _Languages) -> None:
    found = {}
    for text in split_values(values.get("languages", ""), commas=True):
        if not text:
            continue
        code, problem = languages.find(text)
        if problem:
            _problem(row, "languages", problem)
        else:
            found[code.pk] = code
    row.languages = list(found.values())


def _check_services(row: CheckedRow, values: dict) -> None:
    names = {}
    for text in split_values(values.get("services", "")):
        if not text:
            continue
        if len(text) > SERVICE_LIMITS["name"]:
            _problem(row, "services", _("“%(value)s…” is longer than %(max)d characters.")
                     % {"value": text[:30], "max": SERVICE_LIMITS["name"]})
            continue
        names.setdefault(text.casefold(), text)
    if len(names) > SERVICES_MAX:
        _problem(row, "services", _("at most %(max)d services per partner.") % {"max": SERVICES_MAX})
    row.services = list(names.values())


def _check_contacts(row: CheckedRow, values: dict) -> None:
    columns = {key: split_values(values.get(key, "")) for key in ("contact_name", "contact_function",
                                                                  "contact_phone", "contact_email")}
    names = columns["contact_name"]
    for key in ("contact_function", "contact_phone", "contact_email"):
        if len(columns[key]) > len(names):
            _problem(row, key, _("more entries than contact persons in the column “%(column)s”; put several "
                                 "contact persons on separate lines or separate them with semicolons.")
                     % {"column": HEADING["contact_name"]})
            return
    if len(names) > CONTACTS_MAX:
        _problem(row, "contact_name",
                 _("at most %(max)d contact persons per partner.") % {"max": CONTACTS_MAX})
        return
    contacts = {}
    for index, name in enumerate(names):
        entry = {"name": name}
        for key, model_key in (("contact_function", "function"), ("contact_phone", "phone"),
                               ("contact_email", "email")):
            entry[model_key] = columns[key][index] if index < len(columns[key]) else ""
        if not name:
            if any(entry.values()):
                _problem(row, "contact_name", _("entry %(number)d has no name.") % {"number": index + 1})
            continue
        problems = False
        for model_key, key in (("name", "contact_name"), ("function", "contact_function"),
                               ("phone", "contact_phone")):
            if len(entry[model_key]) > CONTACT_LIMITS[model_key]:
                _problem(row, key, _("“%(value)s…” is longer than %(max)d characters.")
                         % {"value": entry[model_key][:30], "max": CONTACT_LIMITS[model_key]})
                problems = True
        try:
            entry["email"] = normalised_email(entry["email"], field_name="contact_email")
        except ValidationError:
            _problem(row, "contact_email", _("“%(value)s” is not a valid e-mail address.")
                     % {"value": entry["email"][:60]})
            problems = True
        if not problems:
            contacts.setdefault(name.casefold(), entry)
    row.contacts = list(contacts.values())


def _changes(row: CheckedRow, partner: Partner) -> list[str]:
    """What an update would change (headings of the columns), given the stored entry."""
    changes = []
    if row.partner_type and row.partner_type != partner.partner_type:
        changes.append(HEADING["partner_type"])
    for key, value in row.fields.items():
        if key == "partner_type":
            continue
        if key in ("is_internal", "is_active") or value:
            if getattr(partner, key) != value:
                changes.append(HEADING[key])
    stored_languages = {code.pk for code in partner.languages.all()}
    if any(code.pk not in stored_languages for code in row.languages):
        changes.append(HEADING["languages"])
    services = {service.name.casefold(): service for service in partner.services.all()}
    if any(name.casefold() not in services or not services[name.casefold()].is_active
           for name in row.services):
        changes.append(HEADING["services"])
    contacts = {contact.name.casefold(): contact for contact in partner.contacts.all()}
    for entry in row.contacts:
        stored = contacts.get(entry["name"].casefold())
        if stored is None or not stored.is_active or any(
                value and getattr(stored, key) != value for key, value in entry.items()):
            changes.append(HEADING["contact_name"])
            break
    return changes


def check_rows(*, organisation, rows: list[Row], update_existing: bool) -> list[CheckedRow]:
    """Check every row in a constant number of queries (code list, names in the directory, matches)."""
    aliases = type_aliases()
    languages = _Languages()
    stored_names = dict(Partner.objects.filter(organisation=organisation).values_list("name", "pk"))
    by_name = {name.casefold(): pk for name, pk in stored_names.items()}
    checked: list[CheckedRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        values = row.values
        result = CheckedRow(number=row.number, name=" ".join(str(values.get("name", "")).split())[:200])
        checked.append(result)
        if row.extra:
            result.messages.append(_("The row has values in columns without a heading."))
        name = _text(result, values, "name", LIMITS["name"])
        if not name and not any(message.startswith(HEADING["name"]) for message in result.messages):
            result.messages.append(_("%(column)s is missing.") % {"column": HEADING["name"]})
        type_text = " ".join(values.get("partner_type", "").split()).casefold()
        if not type_text:
            result.messages.append(_("%(column)s is missing.") % {"column": HEADING["partner_type"]})
        elif type_text not in aliases:
            result.messages.append(_("%(column)s: unknown type “%(value)s” (the allowed types are listed "
                                     "on the import page).") % {"column": HEADING["partner_type"],
                                                         "value": values["partner_type"][:40]})
        else:
            result.partner_type = aliases[type_text]
        _check_scalars(result, values)
        _check_languages(result, values, languages)
        _check_services(result, values)
        _check_contacts(result, values)
        if name:
            first = seen.setdefault(name.casefold(), row.number)
            if first != row.number:
                result.messages.append(_("The name already appears in row %(number)d of the file.")
                                       % {"number": first})
        if result.messages:
            result.status = ERROR
            continue
        result.name = name
        result.existing = by_name.get(name.casefold())  # a pk for now; replaced by the entry below
        if result.existing is None:
            result.fields = {"name": name, "partner_type": result.partner_type, "is_internal": False,
                             "is_active": True, **result.fields}
        elif not update_existing:
            result.status = SKIPPED
    _attach_existing(checked)
    return checked


def _attach_existing(checked: list[CheckedRow]) -> None:
    """Load the entries that rows would update (with their relations, four queries) and decide the status."""
    pks = {row.existing for row in checked if row.existing is not None and row.status == NEW}
    partners = {partner.pk: partner for partner in Partner.objects.filter(pk__in=pks).prefetch_related(
        "languages", Prefetch("services", queryset=PartnerService.objects.order_by("pk")),
        Prefetch("contacts", queryset=PartnerContact.objects.order_by("pk")))} if pks else {}
    for row in checked:
        if row.existing is None:
            continue
        if row.status != NEW:
            row.existing = None if row.status == ERROR else row.existing
            continue
        partner = partners[row.existing]
        row.existing = partner
        row.fields = {key: value for key, value in row.fields.items()
                      if key in ("is_internal", "is_active") or value}
        row.fields["partner_type"] = row.partner_type
        row.changes = _changes(row, partner)
        row.status = UPDATED if row.changes else UNCHANGED
