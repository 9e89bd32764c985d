"""The registry of units and dimensions that programme reports (and the monitoring) count with.

A section of a report template counts one **unit** broken down by one **dimension**. Everything here is one
grouped aggregate query per unit part (two parts for ``persons``), whatever the data: the row key of each
record is computed in SQL (CASE expressions, correlated sub-queries for "the record valid on day D"), then
``GROUP BY team, row``. The exact definitions below are the contract: the benchmark's hand-written SQL
computes the same numbers.

Notation: ``S`` and ``E`` are the first and last day of the period (both inclusive; for the annual monitoring
``S = E =`` the reference day). ``P`` is the template's programme, ``O`` the set of organisations of the
scope, ``T`` the team at team level. "Age at E" is ``E.year - birth.year - ((E.month, E.day) <
(birth.month, birth.day))``; in SQL: ``birth_date <= E - n years`` means "at least n years old at E" (for
E = 29 February and a non-leap target year the day is 28 February). "Years since entry at E" is the same
computation with ``entry_date``.

Universe (cases)
----------------
``cases_case c JOIN organisations_programmeoffering o ON o.id = c.offering_id`` with
``o.programme = P`` (monitoring and indicators: any programme), ``o.organisation_id IN O``,
(team level: ``c.team_id = T``), ``c.opened_on IS NOT NULL AND c.opened_on <= E AND (c.closed_on IS NULL OR
c.closed_on >= S)``. The query also says ``c.team_id IN (teams of O)``, which holds for every case (its team
belongs to the organisation of its programme offering), so that the covering index on ``cases_case(team_id)``
is used. Cases on the waiting list (``opened_on`` empty) are never counted. A case closed on ``S``
is in the universe; a case opened on ``E`` too.

Columns
-------
The column of every record is the team of its case (``c.team_id``). At organisation level a report has one
column per team with at least one universe case (ordered by organisation name, team name, id) and a total
column (sum across teams); at team level one column.

Units
-----
``cases``
    Every universe case, counted once (``COUNT(c.id)``). Person dimensions look at the main client
    ``c.person_id``.
``members``
    Every ``cases_casemember m`` row of a universe case active in the period: ``m.since <= E AND
    (m.until IS NULL OR m.until >= S)``; counted per row (``COUNT(m.id)``). Person dimensions look at
    ``m.person_id``.
``persons``
    Distinct persons per team column: the main clients of universe cases plus the active members (as above),
    each person counted once per team (``COUNT(DISTINCT person_id)``); computed as (distinct main clients) +
    (distinct members who are not main client of a universe case of the same team). A person involved in
    cases of two teams counts in both columns and twice in the total column.
``contacts``
    ``contacts_contact k`` of universe cases with ``k.outcome = 'took_place'`` (attempts that did not reach
    the person and declined offers are not counselling contacts) and ``S 00:00 <= k.occurred_at < (E + 1 day)
    00:00`` in the local time zone (Europe/Berlin); ``COUNT(k.id)``.
``goals``
    ``planning_goal g`` of the plans of universe cases (``g.plan_id -> planning_plan.case_id``), whatever
    their dates; ``COUNT(g.id)``.
``plans``
    ``planning_plan p`` of universe cases with at least one goal (``EXISTS goal``); ``COUNT(p.id)``.
``agreements``
    ``planning_goalagreement a`` of universe cases with ``S <= a.signed_on <= E``; ``COUNT(a.id)``.
``closures``
    ``cases_closure z`` of universe cases with ``S <= z.closed_on <= E`` (a reopened case keeps its closure);
    ``COUNT(z.id)``.

Dimensions
----------
Rows are listed in the order given; every row is shown even when it is zero (except ``nationality``, whose
rows are the nationalities that occur). "Additive" means every record is in exactly one row, so the total row
is the sum; "multi-valued" means a record may be in several rows, counted at most once per row
(``COUNT(DISTINCT ...)``), and the total row is the number of distinct records per column.

``total`` (all units, additive)
    One row, all records.
``case_management`` (units with a case: all but ``persons``; additive)
    ``yes`` if the record's case has a ``cases_phasechange`` with ``to_phase IN ('assessment', 'planning',
    'monitoring', 'evaluation') AND changed_on <= E`` (at any time before the period end, even if the case
    went back to counselling), else ``no`` ("counselling only").
``age_group`` (cases, members, persons; additive) — parameter ``bounds``: increasing ages ``b1 < … < bn``
    Rows ``under b1``, ``b1–(b2-1)``, …, ``bn and older`` by age at E, plus ``unknown`` (no birth date).
``sex`` (cases, members, persons; additive)
    Rows by the code of ``people_person.sex_id -> codelists_code.code``: ``m``, ``w``, ``d``, ``x`` (in this
    order; further codes as they occur), plus ``unknown`` (no sex recorded).
``nationality`` (cases, members, persons; multi-valued)
    One row per nationality code that occurs (``people_person_nationality -> codelists_code.code``), ordered
    by count (total column) descending, then label; plus ``unknown`` (no nationality). A person with two
    nationalities counts in both rows, once in the total.
``region_of_origin`` (cases, members, persons; multi-valued) — parameter ``regions``: a list of
    ``{"key", "title": {"de", "en"}, "codes": [...], "prefixes": [...]}``
    Each nationality code goes to the first region whose ``codes`` contain it or one of whose ``prefixes``
    it starts with (Destatis: 1xx Europe, 2xx Africa, 3xx America, 4xx Asia, 5xx Oceania); codes matching no
    region go to ``other``; persons without nationality to ``unknown``. A person counts once per region.
``time_since_entry`` (cases, members, persons; additive) — parameter ``bounds``: increasing whole years
    Rows ``less than b1 years``, ``b1–(b2-1) years``, …, ``bn years or more`` by completed years since
    ``entry_date`` at E (an entry date after E falls in the first row), plus ``unknown`` (no entry date).
``within_years_of_entry`` (cases, members, persons; additive) — parameter ``years`` (N)
    ``within``: fewer than N completed years since entry at E (``entry_date > E - N years``); ``later``;
    ``unknown`` (no entry date).
``residence_group`` (cases, members, persons; additive) — parameter ``groups``: a list of
    ``{"key", "title": {"de", "en"}, "codes": [residence status type codes]}``
    The person's status valid at E: the ``people_residencestatus`` with ``valid_from <= E AND (valid_until IS
    NULL OR valid_until >= E)`` with the latest ``valid_from`` (then the highest id); its
    ``people_residencestatustype.code`` goes to the first group listing it, otherwise to ``other``; no valid
    status: ``none`` ("not recorded").
``integration_course`` (cases, members, persons; additive)
    ``life_situation`` with ``field = integration_course``.
``life_situation`` (cases, members, persons; additive) — parameter ``field``: one of ``accommodation``,
    ``livelihood``, ``labour_market``, ``education``, ``integration_course``, ``participation``
    The person's ``people_lifesituation`` valid at E: ``recorded_on <= E AND (superseded_on IS NULL OR
    superseded_on > E)``, the latest ``recorded_on`` (then the highest id). Rows: the field's choices in
    model order, plus ``none`` ("not recorded": no valid record or the field left empty).
``topic`` (contacts; multi-valued)
    Rows: the topics of programme P (shared catalogue and those of the organisations O), active ones and any
    that occur, by sort order and label, plus ``none`` (contact without topic). A contact with two topics
    counts in both rows, once in the total.
``contacts_per_case`` (cases; additive) — parameter ``bounds``: increasing numbers ``b1 < … < bn``,
    ``b1 >= 1``
    The number of the case's contacts in the period (as unit ``contacts``: took place, in the period), in
    rows ``0–(b1-1)``, ``b1–(b2-1)``, …, ``bn or more`` (a one-number range is shown as that number: with
    ``b1 = 1`` the first row is ``0``).
``closure_reason`` (closures; additive)
    Rows by ``cases_closure.reason`` in the order of the reasons of the model.
``eligibility_override`` (cases; additive)
    The latest ``intake_eligibilitycheck`` of the main client for programme P with ``evaluated_on <= E``
    (latest ``evaluated_on``, then highest id): ``overridden`` if ``override``; else ``met`` if ``result =
    'met'``; else ``not_met`` (not met or unclear); no such check: ``none``.
``life_area`` (goals; additive)
    Rows by ``planning_goal.domain`` in model order.
``goal_status`` (goals; additive)
    Rows by ``planning_goal.status`` in model order.
``coverage`` (persons; not additive, one column "total")
    Row ``supported``: the unit ``persons`` summed over the team columns. Row ``follow_up``: distinct
    ``people_person`` of the organisations O (team level: ``team_id = T``), not merged
    (``merged_into_id IS NULL``), whose life situation valid at E (as above) has ``accommodation =
    'follow_up'``. ``report.figures["<section key>_rate"]`` = supported / follow_up, rounded to three
    decimals (``None`` when nobody is in follow-up accommodation).

Section option ``age_range`` ``{"from": a, "to": b}`` (person units only) keeps only persons aged a to b
(both inclusive) at E; persons without birth date are left out.

Queries
-------
The records per team of each unit are counted once per report (:func:`unit_totals`, cached): the columns,
the ``total`` sections and the total rows of multi-valued sections. Additive sections of the same unit are
counted together (:func:`count_batch`, ``GROUP BY team, row₁, row₂, …`` with at most
``lotse.reports.programme.BATCH_ROWS`` row combinations per query), multi-valued ones alone; so the number of
queries depends on the template only. On PostgreSQL the universe is read fastest with a covering index
``cases_case (offering_id, opened_on) INCLUDE (closed_on, team_id, person_id, id)`` and contacts with
``contacts_contact (case_id, occurred_at) INCLUDE (outcome, id)`` (index-only scans).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.db.models import (
    Case as SqlCase, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language, gettext as _, gettext_lazy, ngettext

UNKNOWN = "unknown"
NOT_RECORDED = "none"
OTHER = "other"
RESERVED_KEYS = frozenset({UNKNOWN, NOT_RECORDED, OTHER})
MAX_BOUNDS = 20
MAX_GROUPS = 40
MAX_CODES = 400


# ---- context and units -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """What a report counts in: the organisations, optionally one team, the programme (None: every
    programme) and the days ``start`` to ``end`` (both inclusive)."""

    organisation_ids: tuple[int, ...]
    start: date
    end: date
    programme: str | None = None
    team_id: int | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_default_timezone()
        return (datetime.combine(self.start, time.min, tzinfo=zone),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone))

    def universe_q(self, prefix: str = "") -> Q:
        """The universe as a condition on the case at ``prefix`` (e.g. ``"case__"``), so units reach it
        through their own join instead of a sub-query."""
        organisations = list(self.organisation_ids)
        condition = Q(**{f"{prefix}offering__organisation_id__in": organisations,
                         f"{prefix}team__organisation_id__in": organisations,
                         f"{prefix}opened_on__isnull": False, f"{prefix}opened_on__lte": self.end})
        condition &= Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": self.start})
        if self.programme:
            condition &= Q(**{f"{prefix}offering__programme": self.programme})
        if self.team_id is not None:
            condition &= Q(**{f"{prefix}team_id": self.team_id})
        return condition

    def universe(self) -> QuerySet:
        from lotse.cases.models import Case

        return Case.objects.filter(self.universe_q())


@dataclass(frozen=True)
class Part:
    """One query of a unit: the records, where their team and person are, and what is counted."""

    queryset: QuerySet
    team: str
    case: str | None = None  # the path to the case id ("pk" for cases)
    person: bool = False  # the model has a ``person`` foreign key the person dimensions look at
    counted: str = "pk"
    distinct: bool = False


@dataclass(frozen=True)
class Unit:
    key: str
    label: object
    parts: object  # callable(ctx) -> list[Part]
    has_case: bool = True
    has_person: bool = False


def _cases(ctx: Context) -> list[Part]:
    return [Part(ctx.universe(), team="team_id", case="pk", person=True)]


def _active_members(ctx: Context) -> QuerySet:
    from lotse.cases.models import CaseMember

    return CaseMember.objects.filter(ctx.universe_q("case__"), since__lte=ctx.end).filter(
        Q(until__isnull=True) | Q(until__gte=ctx.start))


def _members(ctx: Context) -> list[Part]:
    return [Part(_active_members(ctx), team="case__team_id", case="case_id", person=True)]


def _persons(ctx: Context) -> list[Part]:
    main_elsewhere = ctx.universe().filter(person_id=OuterRef("person_id"), team_id=OuterRef("case__team_id"))
    members = _active_members(ctx).exclude(Exists(main_elsewhere))
    return [Part(ctx.universe(), team="team_id", person=True, counted="person_id", distinct=True),
            Part(members, team="case__team_id", person=True, counted="person_id", distinct=True)]


def _contacts_of(ctx: Context) -> QuerySet:
    from lotse.contacts.models import Contact, ContactOutcome

    first, after = ctx.bounds()
    return Contact.objects.filter(ctx.universe_q("case__"), outcome=ContactOutcome.TOOK_PLACE,
                                  occurred_at__gte=first, occurred_at__lt=after)


def _contacts(ctx: Context) -> list[Part]:
    return [Part(_contacts_of(ctx), team="case__team_id", case="case_id")]


def _goals(ctx: Context) -> list[Part]:
    from lotse.planning.models import Goal

    return [Part(Goal.objects.filter(ctx.universe_q("plan__case__")), team="plan__case__team_id",
                 case="plan__case_id")]


def _plans(ctx: Context) -> list[Part]:
    from lotse.planning.models import Goal, Plan

    plans = Plan.objects.filter(ctx.universe_q("case__")).filter(
        Exists(Goal.objects.filter(plan_id=OuterRef("pk"))))
    return [Part(plans, team="case__team_id", case="case_id")]


def _agreements(ctx: Context) -> list[Part]:
    from lotse.planning.models import GoalAgreement

    agreements = GoalAgreement.objects.filter(ctx.universe_q("case__"), signed_on__gte=ctx.start,
                                              signed_on__lte=ctx.end)
    return [Part(agreements, team="case__team_id", case="case_id")]


def _closures(ctx: Context) -> list[Part]:
    from lotse.cases.models import Closure

    closures = Closure.objects.filter(ctx.universe_q("case__"), closed_on__gte=ctx.start,
                                      closed_on__lte=ctx.end)
    return [Part(closures, team="case__team_id", case="case_id")]


UNITS: dict[str, Unit] = {unit.key: unit for unit in (
    Unit("cases", gettext_lazy("cases"), _cases, has_person=True),
    Unit("members", gettext_lazy("co-counselled family members"), _members, has_person=True),
    Unit("persons", gettext_lazy("persons"), _persons, has_case=False, has_person=True),
    Unit("contacts", gettext_lazy("counselling contacts"), _contacts),
    Unit("goals", gettext_lazy("goals"), _goals),
    Unit("plans", gettext_lazy("integration plans"), _plans),
    Unit("agreements", gettext_lazy("goal agreements"), _agreements),
    Unit("closures", gettext_lazy("closures"), _closures),
)}
PERSON_UNITS = frozenset(key for key, unit in UNITS.items() if unit.has_person)
CASE_UNITS = frozenset(key for key, unit in UNITS.items() if unit.has_case)


# ---- helpers -----------------------------------------------------------------------------------------------

def years_before(day: date, years: int) -> date:
    """The latest birth (or entry) date that makes someone at least ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def bilingual(text) -> str:
    """A ``{"de": ..., "en": ...}`` title in the active language (German unless English is active)."""
    if isinstance(text, dict):
        language = (get_language() or "de")[:2]
        return str(text.get(language) or text.get("de") or text.get("en") or "")
    return str(text or "")


def sort_key(label: str) -> str:
    """Alphabetical order as German readers expect it (umlauts with their base letter)."""
    return label.casefold().translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}))


def _text(value) -> Value:
    return Value(value, output_field=CharField())


def _bands(column: str, end: date, bounds: list[int]) -> SqlCase:
    """Row key "0".."n" for "completed years since ``column`` at ``end``" in the bands given by ``bounds``;
    ``UNKNOWN`` for an empty column."""
    whens = [When(**{f"{column}__isnull": True}, then=_text(UNKNOWN))]
    for index, bound in enumerate(bounds):
        whens.append(When(**{f"{column}__gt": years_before(end, bound)}, then=_text(str(index))))
    return SqlCase(*whens, default=_text(str(len(bounds))), output_field=CharField())


def _range_label(low: int | None, high: int | None, *, kind: str) -> str:
    """The label of a band from ``low`` (inclusive; None: open) to ``high`` (exclusive; None: open)."""
    if kind == "years":
        if low is None:
            return ngettext("less than %(years)s year", "less than %(years)s years", high) % {"years": high}
        if high is None:
            return ngettext("%(years)s year or more", "%(years)s years or more", low) % {"years": low}
        if high - low == 1:
            return ngettext("%(years)s year", "%(years)s years", low) % {"years": low}
        return _("%(low)s–%(high)s years") % {"low": low, "high": high - 1}
    if low is None:
        return _("under %(age)s") % {"age": high}
    if high is None:
        if kind == "age":
            return _("%(age)s and older") % {"age": low}
        return _("%(count)s or more") % {"count": low}
    return str(low) if high - low == 1 else f"{low}–{high - 1}"


def _band_rows(bounds: list[int], *, kind: str, first_low: int | None = None) -> list[tuple[str, str]]:
    lows = [first_low, *bounds]
    highs = [*bounds, None]
    return [(str(index), _range_label(low, high, kind=kind))
            for index, (low, high) in enumerate(zip(lows, highs, strict=True))]


def situation_subquery(end: date, column: str, person_ref: str = "person_id") -> Subquery:
    """The value of ``column`` in the person's life situation valid on ``end`` (NULL if none)."""
    from lotse.people.models import LifeSituation

    valid = LifeSituation.objects.filter(person_id=OuterRef(person_ref), recorded_on__lte=end).filter(
        Q(superseded_on__isnull=True) | Q(superseded_on__gt=end))
    return Subquery(valid.order_by("-recorded_on", "-id").values(column)[:1])


# ---- parameter validation ----------------------------------------------------------------------------------

def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_slug(value) -> bool:
    import re

    return isinstance(value, str) and bool(re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,49}", value))


def validate_title(value, where: str) -> list[str]:
    """A title must be ``{"de": "...", "en": "..."}`` with both texts (at most 200 characters)."""
    if not isinstance(value, dict):
        return [_("%(where)s: the title must be an object with a German (\"de\") and an English (\"en\") "
                  "text.") % {"where": where}]
    errors = []
    for language in ("de", "en"):
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            errors.append(_("%(where)s: the title in “%(language)s” is missing.")
                          % {"where": where, "language": language})
        elif len(text) > 200:
            errors.append(_("%(where)s: the title in “%(language)s” is longer than 200 characters.")
                          % {"where": where, "language": language})
    unknown = sorted(set(value) - {"de", "en"})
    if unknown:
        errors.append(_("%(where)s: unknown languages in the title: %(keys)s.")
                      % {"where": where, "keys": ", ".join(map(str, unknown))})
    return errors


def _validate_bounds(value, where: str, *, minimum: int, maximum: int) -> list[str]:
    if not isinstance(value, list) or not value:
        return [_("%(where)s: “bounds” must be a non-empty list of whole numbers.") % {"where": where}]
    if len(value) > MAX_BOUNDS:
        return [_("%(where)s: at most %(count)s bounds are allowed.") % {"where": where, "count": MAX_BOUNDS}]
    if not all(_is_int(bound) for bound in value):
        return [_("%(where)s: “bounds” must be a non-empty list of whole numbers.") % {"where": where}]
    if any(bound < minimum or bound > maximum for bound in value):
        return [_("%(where)s: the bounds must lie between %(minimum)s and %(maximum)s.")
                % {"where": where, "minimum": minimum, "maximum": maximum}]
    if any(b <= a for a, b in pairwise(value)):
        return [_("%(where)s: the bounds must be in strictly increasing order.") % {"where": where}]
    return []


def _validate_groups(value, where: str, *, name: str, code_pattern: str, with_prefixes: bool) -> list[str]:
    import re

    if not isinstance(value, list) or not value:
        return [_("%(where)s: “%(name)s” must be a non-empty list of groups.")
                % {"where": where, "name": name}]
    if len(value) > MAX_GROUPS:
        return [_("%(where)s: at most %(count)s groups are allowed.") % {"where": where, "count": MAX_GROUPS}]
    errors: list[str] = []
    keys: set[str] = set()
    codes_seen: dict[str, str] = {}
    allowed = {"key", "title", "codes", "prefixes"} if with_prefixes else {"key", "title", "codes"}
    for number, group in enumerate(value, start=1):
        here = _("%(where)s, group %(number)s") % {"where": where, "number": number}
        if not isinstance(group, dict):
            errors.append(_("%(where)s: a group must be an object with key, title and codes.")
                          % {"where": here})
            continue
        unknown = sorted(set(group) - allowed)
        if unknown:
            errors.append(_("%(where)s: unknown entries %(keys)s.") % {"where": here,
                                                                       "keys": ", ".join(map(str, unknown))})
        key = group.get("key")
        if not _is_slug(key):
            errors.append(_("%(where)s: the key must consist of lower-case letters, digits, “-” or “_”.")
                          % {"where": here})
        elif key in RESERVED_KEYS:
            errors.append(_("%(where)s: the key “%(key)s” is reserved.") % {"where": here, "key": key})
        elif key in keys:
            errors.append(_("%(where)s: the key “%(key)s” is used twice.") % {"where": here, "key": key})
        else:
            keys.add(key)
        errors += validate_title(group.get("title"), here)
        codes = group.get("codes", [])
        prefixes = group.get("prefixes", []) if with_prefixes else []
        for label, entries in (("codes", codes), ("prefixes", prefixes)):
            if not isinstance(entries, list) or len(entries) > MAX_CODES or not all(
                    isinstance(entry, str) and re.fullmatch(code_pattern, entry) for entry in entries):
                errors.append(_("%(where)s: “%(name)s” must be a list of codes.")
                              % {"where": here, "name": label})
        if isinstance(codes, list) and isinstance(prefixes, list) and not codes and not prefixes:
            errors.append(_("%(where)s: the group lists no codes.") % {"where": here})
        if isinstance(codes, list):
            for code in codes:
                if isinstance(code, str) and code in codes_seen and codes_seen[code] != key:
                    errors.append(_("%(where)s: the code “%(code)s” is already in another group.")
                                  % {"where": here, "code": code})
                elif isinstance(code, str):
                    codes_seen[code] = key
    return errors


# ---- dimensions --------------------------------------------------------------------------------------------

@dataclass
class Counted:
    """The result of a dimension: ordered rows, counts per (row, team) and, for multi-valued dimensions,
    the distinct number of records per team."""

    rows: list[tuple[str, str]]
    counts: dict[tuple[str, int], int]
    multi_valued: bool = False
    single_column: bool = False
    figures: dict = field(default_factory=dict)


class Dimension:
    key = ""
    label = gettext_lazy("Total")
    units: frozenset = frozenset(UNITS)
    multi_valued = False
    parameters: frozenset = frozenset()
    required: frozenset = frozenset()

    def validate(self, params: dict, where: str) -> list[str]:
        errors = []
        unknown = sorted(set(params) - self.parameters)
        if unknown:
            errors.append(_("%(where)s: the dimension “%(dimension)s” has no parameters %(keys)s.")
                          % {"where": where, "dimension": self.key, "keys": ", ".join(map(str, unknown))})
        for name in sorted(self.required - set(params)):
            errors.append(_("%(where)s: the parameter “%(name)s” is missing.")
                          % {"where": where, "name": name})
        return errors or self.check(params, where)

    def check(self, params: dict, where: str) -> list[str]:
        return []

    def annotate(self, queryset: QuerySet, part: Part, ctx: Context, params: dict,
                 name: str = "_row") -> QuerySet:
        """Add the row key as ``name`` (and optionally a label from the data as ``<name>_label``)."""
        raise NotImplementedError

    def rows(self, ctx: Context, params: dict, found: dict[str, str]) -> list[tuple[str, str]]:
        raise NotImplementedError

    def count(self, unit: Unit, ctx: Context, params: dict, *, age_range=None, cache=None) -> Counted:
        return count_batch(unit, [(self, params)], ctx, age_range=age_range)[0]

    @property
    def batchable(self) -> bool:
        """Additive dimensions counted with the generic query can share one query with others of the unit."""
        return not self.multi_valued and type(self).count is Dimension.count

    def row_estimate(self, ctx: Context, params: dict) -> int:
        return len(self.rows(ctx, params, {}))


def count_batch(unit: Unit, items: list[tuple[Dimension, dict]], ctx: Context, *,
                age_range=None) -> list[Counted]:
    """Count the unit by several dimensions in one query per part: ``GROUP BY team, row of each dimension``,
    then each dimension's counts are the sums over the other dimensions' rows. Exact for additive dimensions
    (a record is in exactly one row of each) — also for distinct persons, since the rows of person
    dimensions are the same for every record of a person. A multi-valued dimension is counted alone."""
    assert len(items) == 1 or not any(dimension.multi_valued for dimension, _params in items)
    counts: list[dict] = [defaultdict(int) for _item in items]
    found: list[dict] = [{} for _item in items]
    for part in unit.parts(ctx):
        queryset = restrict_ages(part.queryset, ctx, age_range).annotate(_team=F(part.team))
        fields = ["_team"]
        for index, (dimension, params) in enumerate(items):
            name = f"_row{index}"
            queryset = dimension.annotate(queryset, part, ctx, params, name=name)
            fields += [name] + ([f"{name}_label"] if f"{name}_label" in queryset.query.annotations else [])
        distinct = part.distinct or any(dimension.multi_valued for dimension, _params in items)
        for line in queryset.values(*fields).annotate(_n=Count(part.counted, distinct=distinct)).order_by():
            for index in range(len(items)):
                name = f"_row{index}"
                row = line[name] if line[name] is not None else UNKNOWN
                counts[index][(row, line["_team"])] += line["_n"]
                label = line.get(f"{name}_label")
                if label is not None or row not in found[index]:
                    found[index][row] = label or found[index].get(row, "")
    return [Counted(rows=dimension.rows(ctx, params, found[index]), counts=dict(counts[index]),
                    multi_valued=dimension.multi_valued)
            for index, (dimension, params) in enumerate(items)]


def restrict_ages(queryset: QuerySet, ctx: Context, age_range: dict | None) -> QuerySet:
    if not age_range:
        return queryset
    return queryset.filter(person__birth_date__lte=years_before(ctx.end, age_range["from"]),
                           person__birth_date__gt=years_before(ctx.end, age_range["to"] + 1))


class Total(Dimension):
    key = "total"
    label = gettext_lazy("Total")

    def count(self, unit, ctx, params, *, age_range=None, cache=None):
        totals = unit_totals(unit, ctx, cache=cache, age_range=age_range)
        return Counted(rows=self.rows(ctx, params, {}),
                       counts={("total", team): n for team, n in totals.items()})

    def annotate(self, queryset, part, ctx, params, name="_row"):
        return queryset.annotate(**{name: _text("total")})

    def rows(self, ctx, params, found):
        return [("total", _("Total"))]


class CaseManagement(Dimension):
    key = "case_management"
    label = gettext_lazy("Form of support")
    units = CASE_UNITS

    def annotate(self, queryset, part, ctx, params, name="_row"):
        from lotse.cases.models import CASE_MANAGEMENT_PHASES, PhaseChange

        managed = PhaseChange.objects.filter(case_id=OuterRef(part.case), changed_on__lte=ctx.end,
                                             to_phase__in=sorted(CASE_MANAGEMENT_PHASES))
        row = SqlCase(When(Exists(managed), then=_text("yes")), default=_text("no"), output_field=CharField())
        return queryset.annotate(**{name: row})

    def rows(self, ctx, params, found):
        return [("yes", _("Case management")), ("no", _("Counselling only"))]


class Bands(Dimension):
    parameters = frozenset({"bounds"})
    required = frozenset({"bounds"})
    units = PERSON_UNITS
    column = ""
    kind = "age"
    minimum, maximum = 0, 130

    def check(self, params, where):
        return _validate_bounds(params["bounds"], where, minimum=self.minimum, maximum=self.maximum)

    def annotate(self, queryset, part, ctx, params, name="_row"):
        return queryset.annotate(**{name: _bands(f"person__{self.column}", ctx.end, params["bounds"])})

    def rows(self, ctx, params, found):
        return _band_rows(params["bounds"], kind=self.kind) + [(UNKNOWN, _("unknown"))]


class AgeGroup(Bands):
    key = "age_group"
    label = gettext_lazy("Age group")
    column = "birth_date"
    kind = "age"
    minimum = 1


class TimeSinceEntry(Bands):
    key = "time_since_entry"
    label = gettext_lazy("Time since entry")
    column = "entry_date"
    kind = "years"
    minimum, maximum = 1, 100


class WithinYearsOfEntry(Dimension):
    key = "within_years_of_entry"
    label = gettext_lazy("Time since entry")
    units = PERSON_UNITS
    parameters = frozenset({"years"})
    required = frozenset({"years"})

    def check(self, params, where):
        years = params["years"]
        if not _is_int(years) or not 1 <= years <= 50:
            return [_("%(where)s: “years” must be a whole number from 1 to 50.") % {"where": where}]
        return []

    def annotate(self, queryset, part, ctx, params, name="_row"):
        cutoff = years_before(ctx.end, params["years"])
        return queryset.annotate(**{name: SqlCase(
            When(person__entry_date__isnull=True, then=_text(UNKNOWN)),
            When(person__entry_date__gt=cutoff, then=_text("within")),
            default=_text("later"), output_field=CharField())})

    def rows(self, ctx, params, found):
        years = params["years"]
        within = ngettext("within %(years)s year of entry", "within %(years)s years of entry", years)
        later = ngettext("%(years)s year or more after entry", "%(years)s years or more after entry", years)
        return [("within", within % {"years": years}), ("later", later % {"years": years}),
                (UNKNOWN, _("date of entry unknown"))]


SEX_ROWS = (("m", gettext_lazy("male")), ("w", gettext_lazy("female")), ("d", gettext_lazy("diverse")),
            ("x", gettext_lazy("no information (x)")))


class Sex(Dimension):
    key = "sex"
    label = gettext_lazy("Sex")
    units = PERSON_UNITS

    def annotate(self, queryset, part, ctx, params, name="_row"):
        return queryset.annotate(**{name: Coalesce(F("person__sex__code"), _text(UNKNOWN)),
                                    f"{name}_label": F("person__sex__label")})

    def rows(self, ctx, params, found):
        fixed = [(code, str(label)) for code, label in SEX_ROWS]
        known = {code for code, _label in fixed} | {UNKNOWN}
        extra = sorted((code, label or code) for code, label in found.items() if code not in known)
        return fixed + extra + [(UNKNOWN, _("not recorded"))]


class Nationality(Dimension):
    key = "nationality"
    label = gettext_lazy("Nationality")
    units = PERSON_UNITS
    multi_valued = True

    def annotate(self, queryset, part, ctx, params, name="_row"):
        return queryset.annotate(**{name: Coalesce(F("person__nationalities__code"), _text(UNKNOWN)),
                                    f"{name}_label": F("person__nationalities__label")})

    def rows(self, ctx, params, found):
        return [(code, label or code) for code, label in found.items() if code != UNKNOWN] + [(UNKNOWN,
                                                                                              _("unknown"))]

    def count(self, unit, ctx, params, *, age_range=None, cache=None):
        counted = super().count(unit, ctx, params, age_range=age_range, cache=cache)
        totals: dict[str, int] = defaultdict(int)
        for (row, _team), value in counted.counts.items():
            totals[row] += value
        labels = dict(counted.rows)
        ordered = sorted((key for key in labels if key != UNKNOWN),
                         key=lambda key: (-totals[key], sort_key(labels[key]), key))
        counted.rows = [(key, labels[key]) for key in ordered] + [(UNKNOWN, labels[UNKNOWN])]
        return counted


class RegionOfOrigin(Dimension):
    key = "region_of_origin"
    label = gettext_lazy("Region of origin")
    units = PERSON_UNITS
    multi_valued = True
    parameters = frozenset({"regions"})
    required = frozenset({"regions"})

    def check(self, params, where):
        return _validate_groups(params["regions"], where, name="regions", code_pattern=r"\d{1,3}",
                                with_prefixes=True)

    def annotate(self, queryset, part, ctx, params, name="_row"):
        code = f"{name}_code"
        queryset = queryset.annotate(**{code: F("person__nationalities__code")})
        whens = [When(**{f"{code}__isnull": True}, then=_text(UNKNOWN))]
        for region in params["regions"]:
            codes = list(region.get("codes", []))
            condition = Q(**{f"{code}__in": codes}) if codes else Q(pk__in=[])
            for prefix in region.get("prefixes", []):
                condition |= Q(**{f"{code}__startswith": prefix})
            whens.append(When(condition, then=_text(region["key"])))
        return queryset.annotate(**{name: SqlCase(*whens, default=_text(OTHER), output_field=CharField())})

    def rows(self, ctx, params, found):
        return ([(region["key"], bilingual(region["title"])) for region in params["regions"]]
                + [(OTHER, _("other")), (UNKNOWN, _("unknown"))])


class ResidenceGroup(Dimension):
    key = "residence_group"
    label = gettext_lazy("Residence status")
    units = PERSON_UNITS
    parameters = frozenset({"groups"})
    required = frozenset({"groups"})

    def check(self, params, where):
        return _validate_groups(params["groups"], where, name="groups",
                                code_pattern=r"[a-z0-9][a-z0-9_-]{0,49}", with_prefixes=False)

    def annotate(self, queryset, part, ctx, params, name="_row"):
        from lotse.people.models import ResidenceStatus

        whens = [When(status_type__code__in=list(group["codes"]), then=_text(group["key"]))
                 for group in params["groups"] if group.get("codes")]
        group = SqlCase(*whens, default=_text(OTHER), output_field=CharField())
        valid = (ResidenceStatus.objects.filter(person_id=OuterRef("person_id"), valid_from__lte=ctx.end)
                 .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=ctx.end))
                 .order_by("-valid_from", "-id"))
        latest = Subquery(valid.annotate(_group=group).values("_group")[:1])
        return queryset.annotate(**{name: Coalesce(latest, _text(NOT_RECORDED))})

    def rows(self, ctx, params, found):
        return ([(group["key"], bilingual(group["title"])) for group in params["groups"]]
                + [(OTHER, _("other status")), (NOT_RECORDED, _("not recorded"))])


SITUATION_FIELDS = ("accommodation", "livelihood", "labour_market", "education", "integration_course",
                    "participation")


def situation_choices(field_name: str):
    from lotse.people.models import LifeSituation

    return LifeSituation._meta.get_field(field_name).choices


class LifeSituationDimension(Dimension):
    key = "life_situation"
    label = gettext_lazy("Life situation")
    units = PERSON_UNITS
    parameters = frozenset({"field"})
    required = frozenset({"field"})

    def check(self, params, where):
        if params["field"] not in SITUATION_FIELDS:
            return [_("%(where)s: “field” must be one of %(fields)s.")
                    % {"where": where, "fields": ", ".join(SITUATION_FIELDS)}]
        return []

    def field(self, params) -> str:
        return params["field"]

    def annotate(self, queryset, part, ctx, params, name="_row"):
        value = situation_subquery(ctx.end, self.field(params))
        return queryset.annotate(**{name: Coalesce(NullIf(value, _text("")), _text(NOT_RECORDED))})

    def rows(self, ctx, params, found):
        return ([(value, str(label)) for value, label in situation_choices(self.field(params))]
                + [(NOT_RECORDED, _("not recorded"))])


class IntegrationCourseDimension(LifeSituationDimension):
    key = "integration_course"
    label = gettext_lazy("Integration course")
    parameters = frozenset()
    required = frozenset()

    def check(self, params, where):
        return []

    def field(self, params) -> str:
        return "integration_course"


class TopicDimension(Dimension):
    key = "topic"
    label = gettext_lazy("Topic")
    units = frozenset({"contacts"})
    multi_valued = True

    def annotate(self, queryset, part, ctx, params, name="_row"):
        return queryset.annotate(**{name: Coalesce(F("topics__code"), _text(NOT_RECORDED)),
                                    f"{name}_label": F("topics__label")})

    def rows(self, ctx, params, found):
        from lotse.intake.models import Topic

        catalogue = Topic.objects.filter(Q(organisation__isnull=True)
                                         | Q(organisation_id__in=ctx.organisation_ids))
        if ctx.programme:
            catalogue = catalogue.filter(programme=ctx.programme)
        used = [code for code in found if code != NOT_RECORDED]
        catalogue = catalogue.filter(Q(is_active=True) | Q(code__in=used)).order_by("sort_order", "label",
                                                                                      "code")
        rows = [(topic.code, topic.label) for topic in catalogue.only("code", "label")]
        listed = {code for code, _label in rows}
        rows += sorted((code, label or code) for code, label in found.items()
                       if code not in listed and code != NOT_RECORDED)
        return rows + [(NOT_RECORDED, _("no topic recorded"))]


class ContactsPerCase(Dimension):
    key = "contacts_per_case"
    label = gettext_lazy("Number of contacts")
    units = frozenset({"cases"})
    parameters = frozenset({"bounds"})
    required = frozenset({"bounds"})

    def check(self, params, where):
        return _validate_bounds(params["bounds"], where, minimum=1, maximum=10000)

    def annotate(self, queryset, part, ctx, params, name="_row"):
        from lotse.contacts.models import Contact, ContactOutcome

        first, after = ctx.bounds()
        bounds = params["bounds"]
        bins = SqlCase(*[When(_n__lt=bound, then=_text(str(index))) for index, bound in enumerate(bounds)],
                       default=_text(str(len(bounds))), output_field=CharField())
        per_case = (Contact.objects.filter(case_id=OuterRef("pk"), outcome=ContactOutcome.TOOK_PLACE,
                                           occurred_at__gte=first, occurred_at__lt=after)
                    .order_by().values("case_id").annotate(_n=Count("pk")).annotate(_bin=bins).values("_bin"))
        # a case without contacts has no group in the sub-query: it falls in the first row (0 contacts)
        return queryset.annotate(**{name: Coalesce(Subquery(per_case), _text("0"))})

    def rows(self, ctx, params, found):
        return _band_rows(params["bounds"], kind="count", first_low=0)


class ChoiceDimension(Dimension):
    field_name = ""

    def choices(self):
        raise NotImplementedError

    def annotate(self, queryset, part, ctx, params, name="_row"):
        return queryset.annotate(**{name: F(self.field_name)})

    def rows(self, ctx, params, found):
        rows = [(value, str(label)) for value, label in self.choices()]
        listed = {value for value, _label in rows}
        return rows + sorted((key, key) for key in found if key not in listed)


class ClosureReasonDimension(ChoiceDimension):
    key = "closure_reason"
    label = gettext_lazy("Reason for closure")
    units = frozenset({"closures"})
    field_name = "reason"

    def choices(self):
        from lotse.cases.models import ClosureReason

        return ClosureReason.choices


class LifeArea(ChoiceDimension):
    key = "life_area"
    label = gettext_lazy("Life area")
    units = frozenset({"goals"})
    field_name = "domain"

    def choices(self):
        from lotse.planning.models import LifeDomain

        return LifeDomain.choices


class GoalStatusDimension(ChoiceDimension):
    key = "goal_status"
    label = gettext_lazy("Status of the goal")
    units = frozenset({"goals"})
    field_name = "status"

    def choices(self):
        from lotse.planning.models import GoalStatus

        return GoalStatus.choices


class EligibilityOverride(Dimension):
    key = "eligibility_override"
    label = gettext_lazy("Eligibility check")
    units = frozenset({"cases"})

    def annotate(self, queryset, part, ctx, params, name="_row"):
        from lotse.intake.models import EligibilityCheck, Result

        checks = EligibilityCheck.objects.filter(person_id=OuterRef("person_id"), evaluated_on__lte=ctx.end)
        if ctx.programme:
            checks = checks.filter(programme=ctx.programme)
        outcome = SqlCase(When(override=True, then=_text("overridden")),
                          When(result=Result.MET, then=_text("met")), default=_text("not_met"),
                          output_field=CharField())
        latest = checks.order_by("-evaluated_on", "-id").annotate(_outcome=outcome).values("_outcome")[:1]
        return queryset.annotate(**{name: Coalesce(Subquery(latest), _text(NOT_RECORDED))})

    def rows(self, ctx, params, found):
        return [("overridden", _("admitted by decision (rules overridden)")), ("met", _("rules met")),
                ("not_met", _("rules not met or unclear")), (NOT_RECORDED, _("no eligibility check"))]


class Coverage(Dimension):
    key = "coverage"
    label = gettext_lazy("Coverage")
    units = frozenset({"persons"})

    def count(self, unit, ctx, params, *, age_range=None, cache=None):
        from lotse.people.models import Accommodation, Person

        supported = sum(unit_totals(unit, ctx, cache=cache, age_range=age_range).values())
        persons = Person.objects.filter(organisation_id__in=ctx.organisation_ids, merged_into__isnull=True)
        if ctx.team_id is not None:
            persons = persons.filter(team_id=ctx.team_id)
        if age_range:
            persons = persons.filter(birth_date__lte=years_before(ctx.end, age_range["from"]),
                                     birth_date__gt=years_before(ctx.end, age_range["to"] + 1))
        accommodation = situation_subquery(ctx.end, "accommodation", "pk")
        follow_up = persons.annotate(_accommodation=accommodation).filter(
            _accommodation=Accommodation.FOLLOW_UP).count()
        counts = {("supported", 0): supported, ("follow_up", 0): follow_up}
        return Counted(rows=self.rows(ctx, params, {}), counts=counts, single_column=True,
                       figures={"rate": round(supported / follow_up, 3) if follow_up else None})

    def rows(self, ctx, params, found):
        return [("supported", _("persons supported")),
                ("follow_up", _("persons in follow-up accommodation"))]


DIMENSIONS: dict[str, Dimension] = {dimension.key: dimension for dimension in (
    Total(), CaseManagement(), AgeGroup(), Sex(), Nationality(), RegionOfOrigin(), TimeSinceEntry(),
    WithinYearsOfEntry(), ResidenceGroup(), IntegrationCourseDimension(), LifeSituationDimension(),
    TopicDimension(), ContactsPerCase(), ClosureReasonDimension(), EligibilityOverride(), LifeArea(),
    GoalStatusDimension(), Coverage(),
)}


def unit_totals(unit: Unit, ctx: Context, *, cache: dict | None = None, age_range=None) -> dict[int, int]:
    """Records of the unit per team (distinct): the columns, the ``total`` sections and the total row of
    multi-valued dimensions. Cached per report."""
    key = (unit.key, tuple(sorted(age_range.items())) if age_range else None)
    if cache is not None and key in cache:
        return cache[key]
    counted = Dimension.count(DIMENSIONS["total"], unit, ctx, {}, age_range=age_range)
    totals = {team: value for (_row, team), value in counted.counts.items()}
    if cache is not None:
        cache[key] = totals
    return totals
