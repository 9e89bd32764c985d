"""Programme reports (funder statistics, DOMAIN.md §8): a :class:`~lotse.reports.models.ReportTemplate` is
data.

``template.spec`` is a JSON object::

    {"note": {"de": "...", "en": "..."},            # optional, shown under the report
     "sections": [
        {"key": "age",                                # slug, unique in the template: the table key
         "title": {"de": "Alter", "en": "Age"},       # shown in the active language
         "unit": "persons",                           # see lotse.reports.dimensions.UNITS
         "dimension": "age_group",                    # see lotse.reports.dimensions.DIMENSIONS
         "params": {"bounds": [18, 27, 45, 65]},      # the dimension's parameters
         "note": {"de": "...", "en": "..."},          # optional
         "age_range": {"from": 18, "to": 64},         # optional, person units only
         "chart": true},                              # optional, default true
        ...]}

Every section becomes one table: rows by the dimension, one column per team of the universe (with a total
column) at organisation level, one column at team level. The exact definitions of units, dimensions, universe
and columns are in :mod:`lotse.reports.dimensions`. :func:`validate_spec` is used by the template editor and
by the data migration that installs the templates ``mbe``, ``jmd`` and ``im_bw``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.reports.dimensions import (
    DIMENSIONS, PERSON_UNITS, UNITS, Context, Counted, bilingual, count_batch, unit_totals, validate_title,
)
from lotse.reports.engine import ReportScope
from lotse.reports.tables import Audience, Column, Report, Row, Table

SECTION_KEYS = frozenset({"key", "title", "unit", "dimension", "params", "note", "age_range", "chart"})
SPEC_KEYS = frozenset({"sections", "note"})
MAX_SECTIONS = 60
MAX_NOTE = 2000
BATCH_ROWS = 400


def _name(value) -> str:
    return str(value)[:60]


def _validate_note(value, where: str) -> list[str]:
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) for lang in ("de", "en")):
        return [_("%(where)s: the note must be an object with a German (\"de\") and an English (\"en\") "
                  "text.") % {"where": where}]
    if set(value) - {"de", "en"} or any(len(value[lang]) > MAX_NOTE for lang in ("de", "en")):
        return [_("%(where)s: the note may only have the texts “de” and “en” of at most %(count)s "
                  "characters.") % {"where": where, "count": MAX_NOTE}]
    return []


def _validate_age_range(value, where: str, unit: str) -> list[str]:
    if unit not in PERSON_UNITS:
        return [_("%(where)s: an age range is only possible for cases, family members and persons.")
                % {"where": where}]
    if (not isinstance(value, dict) or set(value) != {"from", "to"}
            or not all(isinstance(value[k], int) and not isinstance(value[k], bool) for k in ("from", "to"))):
        return [_("%(where)s: the age range must be an object with the whole numbers “from” and “to”.")
                % {"where": where}]
    if not 0 <= value["from"] <= value["to"] <= 130:
        return [_("%(where)s: the age range must go from a lower to a higher age between 0 and 130.")
                % {"where": where}]
    return []


def validate_section(section, number: int, keys: set[str]) -> list[str]:
    where = _("Section %(number)s") % {"number": number}
    if not isinstance(section, dict):
        return [_("%(where)s must be an object.") % {"where": where}]
    if isinstance(section.get("key"), str):
        where = _("Section %(number)s (“%(key)s”)") % {"number": number, "key": _name(section["key"])}
    errors: list[str] = []
    unknown = sorted(_name(key) for key in set(section) - SECTION_KEYS)
    if unknown:
        errors.append(_("%(where)s: unknown entries %(keys)s.")
                      % {"where": where, "keys": ", ".join(unknown)})
    key = section.get("key")
    if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,49}", key):
        errors.append(_("%(where)s: the key must consist of lower-case letters, digits, “-” or “_” "
                        "(at most 50 characters).") % {"where": where})
    elif key in keys:
        errors.append(_("%(where)s: the key “%(key)s” is used twice.") % {"where": where, "key": key})
    else:
        keys.add(key)
    errors += validate_title(section.get("title"), where)
    unit, dimension_key = section.get("unit"), section.get("dimension")
    if unit is None:
        errors.append(_("%(where)s: the unit is missing.") % {"where": where})
    elif not isinstance(unit, str) or unit not in UNITS:
        errors.append(_("%(where)s: unknown unit “%(unit)s”. Known units: %(known)s.")
                      % {"where": where, "unit": _name(unit), "known": ", ".join(UNITS)})
    if dimension_key is None:
        errors.append(_("%(where)s: the dimension is missing.") % {"where": where})
    elif not isinstance(dimension_key, str) or dimension_key not in DIMENSIONS:
        errors.append(_("%(where)s: unknown dimension “%(dimension)s”. Known dimensions: %(known)s.")
                      % {"where": where, "dimension": _name(dimension_key), "known": ", ".join(DIMENSIONS)})
    params = section.get("params", {})
    if not isinstance(params, dict):
        errors.append(_("%(where)s: “params” must be an object.") % {"where": where})
    if "note" in section:
        errors += _validate_note(section["note"], where)
    if "chart" in section and not isinstance(section["chart"], bool):
        errors.append(_("%(where)s: “chart” must be true or false.") % {"where": where})
    if errors:
        return errors
    dimension = DIMENSIONS[dimension_key]
    if unit not in dimension.units:
        return [_("%(where)s: the dimension “%(dimension)s” cannot break down the unit “%(unit)s” "
                  "(possible units: %(units)s).") % {"where": where, "dimension": dimension_key, "unit": unit,
                                                      "units": ", ".join(sorted(dimension.units))}]
    if "age_range" in section:
        errors += _validate_age_range(section["age_range"], where, unit)
    return errors + dimension.validate(params, where)


def validate_spec(spec) -> list[str]:
    """Every problem of a template specification, as messages in the active language (empty: valid)."""
    if not isinstance(spec, dict):
        return [_("The specification must be a JSON object with a list “sections”.")]
    errors: list[str] = []
    unknown = sorted(_name(key) for key in set(spec) - SPEC_KEYS)
    if unknown:
        errors.append(_("Unknown entries in the specification: %(keys)s.") % {"keys": ", ".join(unknown)})
    if "note" in spec:
        errors += _validate_note(spec["note"], _("The specification"))
    sections = spec.get("sections")
    if not isinstance(sections, list) or not sections:
        return errors + [_("The specification needs a non-empty list “sections”.")]
    if len(sections) > MAX_SECTIONS:
        return errors + [_("A template can have at most %(count)s sections.") % {"count": MAX_SECTIONS}]
    keys: set[str] = set()
    for number, section in enumerate(sections, start=1):
        errors += validate_section(section, number, keys)
    return errors


# ---- building --------------------------------------------------------------------------------------------

def scope_label(scope: ReportScope) -> str:
    label = ", ".join(organisation.name for organisation in scope.organisations)
    return f"{label} – {scope.team.name}" if scope.team is not None else label


def context_for(scope: ReportScope, *, programme: str | None, start=None, end=None) -> Context:
    return Context(organisation_ids=tuple(scope.organisation_ids), start=start or scope.period.start,
                   end=end or scope.period.end, programme=programme,
                   team_id=scope.team.pk if scope.team is not None else None)


def team_columns(ctx: Context, scope: ReportScope, cache: dict | None = None) -> list[tuple[int, Column]]:
    """(team id, column): the scope's team, or every team with a case in the universe (two queries; the
    cases per team are kept in ``cache`` for the sections that count cases)."""
    from lotse.organisations.models import Team

    if scope.team is not None:
        return [(scope.team.pk, Column(str(scope.team.public_id), scope.team.name))]
    cases = unit_totals(UNITS["cases"], ctx, cache=cache)
    teams = (Team.objects.filter(pk__in=[team for team, count in cases.items() if count])
             .select_related("organisation").order_by("organisation__name", "name", "pk"))
    several = len(scope.organisations) > 1
    return [(team.pk, Column(str(team.public_id), f"{team.organisation.name} – {team.name}" if several
                             else team.name)) for team in teams]


def section_table(section: dict, ctx: Context, columns: list[tuple[int, Column]], *, team_level: bool,
                  cache: dict, figures: dict, counted: Counted | None = None) -> Table:
    """One section of a template (or of the monitoring) as a table of raw counts."""
    unit = UNITS[section["unit"]]
    dimension = DIMENSIONS[section["dimension"]]
    params = section.get("params", {})
    age_range = section.get("age_range")
    if counted is None:
        counted = dimension.count(unit, ctx, params, age_range=age_range, cache=cache)
    for name, value in counted.figures.items():
        figures[f"{section['key']}_{name}"] = value
    note = bilingual(section.get("note", ""))
    if counted.single_column:
        return Table(key=section["key"], title=bilingual(section["title"]), row_header=str(dimension.label),
                     columns=[Column("total", _("Total"))], unit=str(unit.label), additive=False,
                     rows=[Row(key, label, [counted.counts.get((key, 0), 0)]) for key, label in counted.rows],
                     chart=section.get("chart", True), note=note)
    team_ids = [team_id for team_id, _column in columns]
    rows = [Row(key, label, [counted.counts.get((key, team_id), 0) for team_id in team_ids])
            for key, label in counted.rows]
    distinct_totals = None
    if counted.multi_valued:
        totals = unit_totals(unit, ctx, cache=cache, age_range=age_range)
        distinct_totals = [totals.get(team_id, 0) for team_id in team_ids]
        note = note or _("A record with several values is counted in each of its rows; the total counts it "
                         "once.")
    return Table(key=section["key"], title=bilingual(section["title"]), row_header=str(dimension.label),
                 columns=[column for _team, column in columns], rows=rows, unit=str(unit.label),
                 additive=not counted.multi_valued, row_totals=not team_level,
                 distinct_totals=distinct_totals, chart=section.get("chart", True), note=note)


def batched_counts(sections: list[dict], ctx: Context) -> dict[str, Counted]:
    """Count the additive sections of the same unit (and age range) together, a few to a query, so the cases
    and persons are read once for several sections instead of once per section. The product of the
    sections' row numbers in one query stays at most :data:`BATCH_ROWS`, which bounds its result."""
    batches: dict[tuple, list[list]] = {}
    for section in sections:
        dimension = DIMENSIONS[section["dimension"]]
        if not dimension.batchable:
            continue
        params = section.get("params", {})
        size = max(dimension.row_estimate(ctx, params), 1)
        key = (section["unit"], tuple(sorted((section.get("age_range") or {}).items())))
        groups = batches.setdefault(key, [])
        for group in groups:
            if group[0] * size <= BATCH_ROWS:
                group[0] *= size
                group[1].append(section)
                break
        else:
            groups.append([size, [section]])
    result: dict[str, Counted] = {}
    for (unit_key, age_items), groups in batches.items():
        for _size, members in groups:
            counted = count_batch(UNITS[unit_key], [(DIMENSIONS[s["dimension"]], s.get("params", {}))
                                                    for s in members], ctx, age_range=dict(age_items) or None)
            result.update({member["key"]: value for member, value in zip(members, counted)})
    return result


def build_sections(sections: list[dict], ctx: Context, scope: ReportScope) -> tuple[list[Table], dict]:
    cache: dict = {}
    columns = team_columns(ctx, scope, cache)
    figures: dict = {}
    counted = batched_counts(sections, ctx)
    tables = [section_table(section, ctx, columns, team_level=scope.team is not None, cache=cache,
                            figures=figures, counted=counted.get(section["key"])) for section in sections]
    return tables, figures


def build_programme_report(scope: ReportScope) -> Report:
    """The report of ``scope.template`` for the scope (raw counts; access was checked by the caller)."""
    template = scope.template
    errors = validate_spec(template.spec)
    if errors:
        raise ValidationError(_("The report template “%(name)s” is not valid: %(errors)s")
                              % {"name": template.name, "errors": " ".join(errors[:3])}, code="template")
    ctx = context_for(scope, programme=template.programme)
    tables, figures = build_sections(template.spec["sections"], ctx, scope)
    notes = [_("Cases of the programme active in the period: opened on or before its last day and not closed "
               "before its first day.")]
    if template.spec.get("note"):
        notes.append(bilingual(template.spec["note"]))
    return Report(kind=template.code, title=template.name, scope_label=scope_label(scope),
                  period=scope.period, audience=Audience.INTERNAL, sections=tables,
                  organisation_ids=list(scope.organisation_ids), generated_at=timezone.now(), notes=notes,
                  figures=figures)
