"""Load XÖV code lists in OASIS genericode 1.0 into ``CodeList``/``Code``.

Each list the project uses is described once in ``SPECS``: the bundled file, the canonical URI that
identifies the list across versions, the key column and the column with the German display name.
A newer version of a list is loaded by pointing ``path`` at its file; no code change is needed as
long as the key and label columns keep their ids.

Parsing uses only the standard library. The files come from the XRepository via an administrator,
not from users; expat's built-in limits on entity expansion apply.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

GENERICODE_NS = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
DATA_DIR = Path(__file__).resolve().parent / "data"
CREATE_BATCH_SIZE = 2000
RETIRE_BATCH_SIZE = 500
LABEL_MAX_LENGTH = 255
CODE_MAX_LENGTH = 64

# Values the DESTATIS lists use for "no entry"; a label like this falls back to another column
# (e.g. nationality 459 has the adjective "ohne Bezeichnung" and is shown as "Palästinensische Gebiete").
PLACEHOLDER_VALUES = frozenset({"", "-", "–", "—", "·", "··", "···", "ohne Bezeichnung"})


class CodeListError(ValueError):
    """A code list file cannot be loaded; the message is meant for the person running the load."""


@dataclass(frozen=True)
class ListSpec:
    slug: str
    file_name: str
    canonical_uri: str
    key_column: str
    label_column: str
    label_fallback_column: str | None = None

    @property
    def default_path(self) -> Path:
        return DATA_DIR / self.file_name


SPECS: dict[str, ListSpec] = {
    spec.slug: spec
    for spec in (
        # The adjective ("afghanisch", "staatenlos", "ungeklärt"); the internal-use entry 910 has
        # only a dash there, so it falls back to the search term.
        ListSpec(
            slug="nationality",
            file_name="staatsangehoerigkeit.xml",
            canonical_uri="urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit",
            key_column="DESTATIS-Schluessel-Staatsangehoerigkeit",
            label_column="Staatsangehoerigkeit",
            label_fallback_column="Suchbegriff",
        ),
        ListSpec(
            slug="state",
            file_name="staaten.xml",
            canonical_uri="urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat",
            key_column="schluessel-staat",
            label_column="staatenname-kurz",
            label_fallback_column="suchbegriff",
        ),
        ListSpec(
            slug="language",
            file_name="sprachen.xml",
            canonical_uri="urn:xoev-de:xauslaender:codeliste:sprachenkatalog",
            key_column="ISO-Code",
            label_column="ISO-Wert",
        ),
        ListSpec(
            slug="sex",
            file_name="geschlecht.xml",
            canonical_uri="urn:xoev-de:xinneres:codeliste:geschlecht",
            key_column="code",
            label_column="beschreibung",
        ),
        ListSpec(
            slug="marital_status",
            file_name="familienstand.xml",
            canonical_uri="urn:de:dsmeld:schluesseltabelle:familienstand",
            key_column="key",
            label_column="name",
        ),
        ListSpec(
            slug="id_document",
            file_name="ausweisdokumente.xml",
            canonical_uri="urn:de:dsmeld:schluesseltabelle:pass.und.ausweisdokumente",
            key_column="key",
            label_column="name",
        ),
        ListSpec(
            slug="federal_state",
            file_name="bundesland.xml",
            canonical_uri="urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:bundesland",
            key_column="SCHLUESSEL",
            label_column="Bezeichnung",
        ),
        ListSpec(
            slug="district",
            file_name="kreis.xml",
            canonical_uri="urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:kreis",
            key_column="SCHLUESSEL",
            label_column="Bezeichnung",
        ),
        ListSpec(
            slug="municipality",
            file_name="ags.xml",
            canonical_uri="urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags",
            key_column="SCHLUESSEL",
            label_column="Bezeichnung",
        ),
    )
}


@dataclass(frozen=True)
class LoadResult:
    """Counts of one load; ``updated`` counts changed labels, columns or reactivations, not mere moves."""

    created: int
    updated: int
    retired: int


@dataclass(frozen=True)
class ParsedCode:
    code: str
    label: str
    extra: dict
    sort_order: int


@dataclass(frozen=True)
class ParsedCodeList:
    short_name: str
    long_name: str
    version: str
    canonical_uri: str
    canonical_version_uri: str
    codes: list[ParsedCode]


def get_spec(slug: str) -> ListSpec:
    try:
        return SPECS[slug]
    except KeyError:
        raise CodeListError(
            _("Unknown code list “%(slug)s”. Known lists: %(known)s.")
            % {"slug": slug, "known": ", ".join(SPECS)}
        ) from None


def _child(element: ET.Element, name: str) -> ET.Element | None:
    """Genericode children are unqualified, but some producers qualify them; accept both."""
    found = element.find(name)
    return found if found is not None else element.find(f"{{{GENERICODE_NS}}}{name}")


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return element.findall(name) + element.findall(f"{{{GENERICODE_NS}}}{name}")


def _text(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def parse_genericode(path: Path, spec: ListSpec) -> ParsedCodeList:
    """Read a genericode file and return its identification and rows mapped according to ``spec``."""
    path = Path(path)
    if not path.is_file():
        raise CodeListError(_("Code list file not found: %(path)s") % {"path": path})
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise CodeListError(
            _("%(file)s is not a readable XML file (%(error)s).") % {"file": path.name, "error": exc}
        ) from exc
    if root.tag != f"{{{GENERICODE_NS}}}CodeList":
        raise CodeListError(
            _("%(file)s is not a genericode code list (expected root element CodeList in namespace %(ns)s).")
            % {"file": path.name, "ns": GENERICODE_NS}
        )

    identification = _child(root, "Identification")
    canonical_uri = _text(identification, "CanonicalUri")
    if canonical_uri != spec.canonical_uri:
        raise CodeListError(
            _("%(file)s contains the list “%(found)s”, but the code list “%(slug)s” expects “%(expected)s”.")
            % {"file": path.name, "found": canonical_uri or "?", "slug": spec.slug,
               "expected": spec.canonical_uri}
        )

    column_set = _child(root, "ColumnSet")
    column_elements = _children(column_set, "Column") if column_set is not None else []
    columns = [column.get("Id") for column in column_elements]
    if spec.key_column not in columns:
        raise CodeListError(
            _("%(file)s has no key column “%(column)s” (columns: %(columns)s).")
            % {"file": path.name, "column": spec.key_column, "columns": ", ".join(columns) or "–"}
        )
    for column in (spec.label_column, spec.label_fallback_column):
        if column and column not in columns:
            raise CodeListError(
                _("%(file)s has no label column “%(column)s” (columns: %(columns)s).")
                % {"file": path.name, "column": column, "columns": ", ".join(columns)}
            )

    simple_code_list = _child(root, "SimpleCodeList")
    rows = _children(simple_code_list, "Row") if simple_code_list is not None else []
    codes: list[ParsedCode] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for position, row in enumerate(rows, start=1):
        values = _row_values(row, columns)
        code = values.pop(spec.key_column, "")
        if not code:
            raise CodeListError(
                _("%(file)s: row %(row)s has no value in the key column “%(column)s”.")
                % {"file": path.name, "row": position, "column": spec.key_column}
            )
        if len(code) > CODE_MAX_LENGTH:
            raise CodeListError(
                _("%(file)s: the code “%(code)s” is longer than %(max)s characters.")
                % {"file": path.name, "code": code, "max": CODE_MAX_LENGTH}
            )
        if code in seen:
            duplicates.append(code)
            continue
        seen.add(code)
        label = values.pop(spec.label_column, "")
        if label in PLACEHOLDER_VALUES and spec.label_fallback_column:
            if label:
                values[spec.label_column] = label
            label = values.get(spec.label_fallback_column, "")
        if label in PLACEHOLDER_VALUES:
            label = code
        if len(label) > LABEL_MAX_LENGTH:
            raise CodeListError(
                _("%(file)s: the label of code “%(code)s” is longer than %(max)s characters.")
                % {"file": path.name, "code": code, "max": LABEL_MAX_LENGTH}
            )
        codes.append(ParsedCode(code=code, label=label, extra=values, sort_order=position))
    if duplicates:
        raise CodeListError(
            _("%(file)s contains duplicate keys in column “%(column)s”: %(codes)s.")
            % {"file": path.name, "column": spec.key_column, "codes": ", ".join(sorted(set(duplicates))[:10])}
        )

    return ParsedCodeList(
        short_name=_text(identification, "ShortName"),
        long_name=_text(identification, "LongName"),
        version=_text(identification, "Version"),
        canonical_uri=canonical_uri,
        canonical_version_uri=_text(identification, "CanonicalVersionUri"),
        codes=codes,
    )


def _row_values(row: ET.Element, columns: list[str]) -> dict[str, str]:
    """Non-empty simple values of a row by column id; a Value without ColumnRef follows the previous one."""
    values: dict[str, str] = {}
    index = -1
    for value in _children(row, "Value"):
        ref = value.get("ColumnRef")
        index = columns.index(ref) if ref in columns else index + 1
        if ref is None and index >= len(columns):
            continue
        column = ref if ref is not None else columns[index]
        text = _text(value, "SimpleValue")
        if text:
            values[column] = text
    return values


def _default_models():
    from lotse.codelists.models import Code, CodeList

    return CodeList, Code


def load_code_list(*, slug: str, path: Path | str | None = None, model_classes=None) -> LoadResult:
    """Load one list from ``path`` (default: the bundled file) and reconcile it with the database.

    New codes are created, changed labels and columns updated, codes missing from the file marked
    ``is_current=False`` and reappearing ones made current again. Nothing is deleted.
    ``model_classes`` = (CodeList, Code) lets data migrations pass their historical models.
    """
    spec = get_spec(slug)
    parsed = parse_genericode(Path(path) if path else spec.default_path, spec)
    CodeList, Code = model_classes or _default_models()

    with transaction.atomic():
        code_list, _created = CodeList.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "short_name": parsed.short_name,
                "long_name": parsed.long_name,
                "version": parsed.version,
                "canonical_uri": parsed.canonical_uri,
                "canonical_version_uri": parsed.canonical_version_uri,
                "loaded_at": timezone.now(),
            },
        )
        existing = {
            code: (pk, label, extra, sort_order, is_current)
            for pk, code, label, extra, sort_order, is_current in Code.objects.filter(code_list=code_list)
            .values_list("pk", "code", "label", "extra", "sort_order", "is_current")
        }

        to_create, updated = [], 0
        for item in parsed.codes:
            current = existing.get(item.code)
            if current is None:
                to_create.append(Code(code_list=code_list, code=item.code, label=item.label, extra=item.extra,
                                      sort_order=item.sort_order, is_current=True))
                continue
            changes = _changes(current, item)
            if changes:
                # One UPDATE per changed row: far faster than bulk_update's CASE expressions when a new
                # AGS version shifts the position of thousands of rows.
                Code.objects.filter(pk=current[0]).update(**changes)
                updated += bool(changes.keys() - {"sort_order"})
        Code.objects.bulk_create(to_create, batch_size=CREATE_BATCH_SIZE)

        in_file = {item.code for item in parsed.codes}
        retired_ids = [pk for code, (pk, *_rest, is_current) in existing.items()
                       if is_current and code not in in_file]
        for start in range(0, len(retired_ids), RETIRE_BATCH_SIZE):
            Code.objects.filter(pk__in=retired_ids[start:start + RETIRE_BATCH_SIZE]).update(is_current=False)

    return LoadResult(created=len(to_create), updated=updated, retired=len(retired_ids))


def _changes(current: tuple, item: ParsedCode) -> dict:
    _pk, label, extra, sort_order, is_current = current
    wanted = {"label": item.label, "extra": item.extra, "sort_order": item.sort_order, "is_current": True}
    stored = {"label": label, "extra": extra, "sort_order": sort_order, "is_current": is_current}
    return {field: value for field, value in wanted.items() if stored[field] != value}


def load_all(*, model_classes=None) -> dict[str, LoadResult]:
    """Load every list in ``SPECS`` from its bundled file."""
    return {slug: load_code_list(slug=slug, model_classes=model_classes) for slug in SPECS}
