"""The criteria of a target group and the one filter that turns them into a queryset.

Criteria are stored as JSON in ``Cohort.criteria`` (only the keys that are set). All are optional and combined
with AND. Everything is evaluated on a reference day (``on``, today by default), so a target group can also be
counted as of 31 December:

* ``status_types`` — the residence status valid on that day (valid_from ≤ day ≤ valid_until) is one of these
  codes of the catalogue; with ``status_min_years`` the person has held one of them without interruption by
  another status for at least that many years: the status last granted before the cut-off day was one of them
  and no other status was granted since. Gaps between two Duldungen (late renewals) do not interrupt.
* ``years_in_germany_min`` / ``years_in_germany_max`` — completed years since the date of entry.
* ``programmes`` — the person has a case of one of these programmes that is open on that day, as main client
  or as co-counselled family member.
* ``accommodation`` / ``livelihood`` — the life situation valid on that day.
* ``has_children``, ``child_age_min`` / ``child_age_max`` (completed years), ``child_schools`` (the child's
  life situation: education) — for persons a recorded child (relation "parent of"); for families a current
  member of the household.

The unit is either persons or families (households): a household matches if one current member matches all
person criteria and the household has a child as required. Merged-away, deceased persons and persons whose
processing is restricted (Art. 18 GDPR) never count.

Only portable lookups and correlated subqueries are used, so SQLite and PostgreSQL give the same answer.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.people.models import (
    SECONDARY_SCHOOLS, Accommodation, Education, HouseholdMember, LifeSituation, Livelihood, Relationship,
    ResidenceStatus,
)

PERSONS = "persons"
FAMILIES = "families"

LIST_KEYS = ("status_types", "programmes", "accommodation", "livelihood", "child_schools")
NUMBER_KEYS = {
    "status_min_years": (1, 100),
    "years_in_germany_min": (0, 100),
    "years_in_germany_max": (0, 100),
    "child_age_min": (0, 99),
    "child_age_max": (0, 99),
}
FLAG_KEYS = ("has_children",)
KEYS = (*LIST_KEYS, *NUMBER_KEYS, *FLAG_KEYS)

DULDUNG_TYPES = ("duldung", "duldung_ungeklaerte_identitaet", "ausbildungsduldung", "beschaeftigungsduldung")
MUNICIPAL_ACCOMMODATION = (Accommodation.SHARED, Accommodation.FOLLOW_UP, Accommodation.MUNICIPAL_EMERGENCY)

PRESETS = {
    "muenster": {
        "name": gettext_lazy("Long-term tolerated families (Münster)"),
        "description": gettext_lazy(
            "Families with children in secondary school who have been tolerated for at least five years, live in "
            "municipal accommodation and receive benefits under the AsylbLG (Stadt Münster, “Einwanderung "
            "gestalten NRW”)."),
        "unit": FAMILIES,
        "criteria": {
            "status_types": sorted(DULDUNG_TYPES),
            "status_min_years": 5,
            "accommodation": sorted(str(value) for value in MUNICIPAL_ACCOMMODATION),
            "livelihood": ["asylblg"],
            "has_children": True,
            "child_schools": sorted(str(value) for value in SECONDARY_SCHOOLS),
        },
    },
}


# ---- validation ----------------------------------------------------------------------------------------

def _programme_values() -> set[str]:
    from lotse.organisations.models import ProgrammeOffering

    return set(ProgrammeOffering.Programme.values)


def _status_codes(values: list[str]) -> set[str]:
    from lotse.people.models import ResidenceStatusType

    return set(ResidenceStatusType.objects.filter(code__in=values).values_list("code", flat=True))


LIST_LIMIT = 50


def criteria_clean(raw) -> dict:
    """Check criteria from a form, the API or a preset; return them in canonical form (only keys that are set).

    Raises ValidationError keyed by criterion with a German message for anything it cannot accept."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError(_("The criteria could not be read."))
    errors: dict[str, str] = {}
    unknown = sorted(str(key) for key in raw if key not in KEYS)
    if unknown:
        errors["criteria"] = _("Unknown criteria: %(keys)s") % {"keys": ", ".join(unknown)[:200]}
    clean: dict = {}
    allowed = {"accommodation": set(Accommodation.values), "livelihood": set(Livelihood.values),
               "child_schools": set(Education.values), "programmes": _programme_values()}
    for key in LIST_KEYS:
        value = raw.get(key)
        if value in (None, "", []):
            continue
        if not isinstance(value, list) or len(value) > LIST_LIMIT or any(not isinstance(v, str) for v in value):
            errors[key] = _("Please choose from the listed values.")
            continue
        values = sorted(set(value))
        known = _status_codes(values) if key == "status_types" else allowed[key]
        if any(v not in known for v in values):
            errors[key] = _("Please choose from the listed values.")
            continue
        clean[key] = values
    for key, (low, high) in NUMBER_KEYS.items():
        value = raw.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[key] = _("Please enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
            continue
        clean[key] = value
    for key in FLAG_KEYS:
        value = raw.get(key)
        if value in (None, False):
            continue
        if value is not True:
            errors[key] = _("Please answer yes or no.")
            continue
        clean[key] = True
    if "status_min_years" in clean and "status_types" not in clean:
        errors["status_min_years"] = _("Please choose the residence statuses the years refer to.")
    for low, high in (("years_in_germany_min", "years_in_germany_max"), ("child_age_min", "child_age_max")):
        if low in clean and high in clean and clean[low] > clean[high]:
            errors[high] = _("The maximum must not be smaller than the minimum.")
    if errors:
        raise ValidationError(errors)
    if any(key in clean for key in ("child_age_min", "child_age_max", "child_schools")):
        clean["has_children"] = True
    return {key: clean[key] for key in KEYS if key in clean}


def _readable(criteria) -> dict | None:
    """Stored criteria as the filter reads them, or None when something stored cannot be read (e.g. edited in
    the database): the group is then empty rather than silently wider."""
    if not isinstance(criteria, dict) or any(key not in KEYS for key in criteria):
        return None
    result = {}
    for key in LIST_KEYS:
        value = criteria.get(key)
        if value in (None, "", []):
            continue
        if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
            return None
        result[key] = value
    for key, (low, high) in NUMBER_KEYS.items():
        value = criteria.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return None
        result[key] = value
    has_children = criteria.get("has_children")
    if has_children not in (None, True, False):
        return None
    if has_children or any(key in result for key in ("child_age_min", "child_age_max", "child_schools")):
        result["has_children"] = True
    return result


# ---- the filter ----------------------------------------------------------------------------------------

def years_before(on: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    return on - relativedelta(years=years)


def population(queryset: QuerySet) -> QuerySet:
    """Persons who can count at all."""
    return queryset.filter(merged_into__isnull=True, is_deceased=False, restricted_at__isnull=True)


def _life_on(person_ref: str, on: date) -> QuerySet:
    return LifeSituation.objects.filter(person_id=OuterRef(person_ref), recorded_on__lte=on).filter(
        Q(superseded_on__isnull=True) | Q(superseded_on__gt=on))


def _status_valid_on(on: date) -> Subquery:
    return Subquery(ResidenceStatus.objects.filter(person_id=OuterRef("pk"), valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)).order_by("-valid_from", "-pk").values(
        "status_type__code")[:1])


def _status_granted_last(on: date) -> Subquery:
    return Subquery(ResidenceStatus.objects.filter(person_id=OuterRef("pk"), valid_from__lte=on).order_by(
        "-valid_from", "-pk").values("status_type__code")[:1])


def _aged(prefix: str, on: date, minimum: int | None, maximum: int | None) -> Q:
    """Completed years between ``minimum`` and ``maximum``: a child turning ``minimum`` today counts."""
    condition = Q()
    if minimum is not None:
        condition &= Q(**{f"{prefix}birth_date__lte": years_before(on, minimum)})
    if maximum is not None:
        condition &= Q(**{f"{prefix}birth_date__gt": years_before(on, maximum + 1)})
    return condition


def _open_on(on: date) -> Q:
    return Q(opened_on__lte=on) & (Q(status="open") | Q(status="closed", closed_on__gt=on))


def _person_filter(queryset: QuerySet, criteria: dict, on: date) -> QuerySet:
    """The person criteria (everything but the children)."""
    codes = criteria.get("status_types")
    if codes:
        queryset = queryset.alias(cohort_status_now=_status_valid_on(on)).filter(cohort_status_now__in=codes)
        years = criteria.get("status_min_years")
        if years:
            cutoff = years_before(on, years)
            queryset = queryset.alias(cohort_status_then=_status_granted_last(cutoff)).filter(
                cohort_status_then__in=codes).filter(~Exists(ResidenceStatus.objects.filter(
                    person_id=OuterRef("pk"), valid_from__gt=cutoff, valid_from__lte=on).exclude(
                    status_type__code__in=codes)))
    if "years_in_germany_min" in criteria:
        queryset = queryset.filter(entry_date__lte=years_before(on, criteria["years_in_germany_min"]))
    if "years_in_germany_max" in criteria:
        queryset = queryset.filter(entry_date__gt=years_before(on, criteria["years_in_germany_max"] + 1))
    programmes = criteria.get("programmes")
    if programmes:
        from lotse.cases.models import Case, CaseMember

        cases = Case.objects.filter(_open_on(on), offering__programme__in=programmes)
        queryset = queryset.filter(
            Exists(cases.filter(person_id=OuterRef("pk")))
            | Exists(CaseMember.objects.filter(case__in=cases, person_id=OuterRef("pk"), since__lte=on).filter(
                Q(until__isnull=True) | Q(until__gt=on))))
    accommodation, livelihood = criteria.get("accommodation"), criteria.get("livelihood")
    if accommodation or livelihood:
        life = _life_on("pk", on)
        if accommodation:
            life = life.filter(accommodation__in=accommodation)
        if livelihood:
            life = life.filter(livelihood__in=livelihood)
        queryset = queryset.filter(Exists(life))
    return queryset


def _children(queryset: QuerySet, prefix: str, person_ref: str, criteria: dict, on: date) -> QuerySet:
    queryset = queryset.filter(_aged(prefix, on, criteria.get("child_age_min"), criteria.get("child_age_max")))
    schools = criteria.get("child_schools")
    if schools:
        queryset = queryset.filter(Exists(_life_on(person_ref, on).filter(education__in=schools)))
    return queryset


def _members_on(on: date) -> QuerySet:
    return HouseholdMember.objects.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gt=on))


def household_queryset(criteria, base: QuerySet, *, on: date | None = None) -> QuerySet:
    """Households with a current member in ``base`` who matches the person criteria, and the required child."""
    from lotse.people.models import Household

    on = on or timezone.localdate()
    criteria = _readable(criteria)
    if criteria is None:
        return Household.objects.none()
    persons = population(base)
    matching = _person_filter(persons, criteria, on)
    members = _members_on(on).filter(household_id=OuterRef("pk"))
    households = Household.objects.filter(Exists(members.filter(person__in=matching.values("pk"))))
    if criteria.get("has_children"):
        children = _children(members.filter(person__in=persons.values("pk")), "person__", "person_id", criteria, on)
        households = households.filter(Exists(children))
    return households


def cohort_queryset(criteria, base: QuerySet, *, unit: str = PERSONS, on: date | None = None) -> QuerySet:
    """The persons of ``base`` in the target group; for families every current member of a matching household.

    ``base`` is a Person queryset (the organisation's or team's persons, or the user's scoped persons)."""
    on = on or timezone.localdate()
    readable = _readable(criteria)
    persons = population(base)
    if readable is None:
        return persons.none()
    if unit == FAMILIES:
        households = household_queryset(criteria, base, on=on)
        return persons.filter(Exists(_members_on(on).filter(person_id=OuterRef("pk"),
                                                            household__in=households.values("pk"))))
    matching = _person_filter(persons, readable, on)
    if readable.get("has_children"):
        children = Relationship.objects.filter(
            person_id=OuterRef("pk"), kind=Relationship.Kind.PARENT, relative__merged_into__isnull=True,
            relative__is_deceased=False, relative__restricted_at__isnull=True)
        matching = matching.filter(Exists(_children(children, "relative__", "relative_id", readable, on)))
    return matching


# ---- reading the criteria --------------------------------------------------------------------------------

def criteria_summary(criteria) -> list[tuple[str, str]]:
    """(criterion, values) for people to read, in German via the catalogue."""
    from lotse.organisations.models import ProgrammeOffering
    from lotse.people.models import ResidenceStatusType

    criteria = _readable(criteria)
    if criteria is None:
        return [(_("Criteria"), _("The stored criteria cannot be read. Please edit the target group."))]
    lines: list[tuple[str, str]] = []

    def labels(values, choices) -> str:
        mapping = dict(choices)
        return ", ".join(str(mapping.get(value, value)) for value in values)

    if criteria.get("status_types"):
        types = dict(ResidenceStatusType.objects.filter(code__in=criteria["status_types"]).values_list(
            "code", "label"))
        text = ", ".join(types.get(code, code) for code in criteria["status_types"])
        if criteria.get("status_min_years"):
            text += " – " + _("for at least %(years)d years without interruption") % {
                "years": criteria["status_min_years"]}
        lines.append((_("Residence status"), text))
    low, high = criteria.get("years_in_germany_min"), criteria.get("years_in_germany_max")
    if low is not None or high is not None:
        lines.append((_("Years in Germany"), _range(low, high)))
    if criteria.get("programmes"):
        lines.append((_("Open case in the programme"),
                      labels(criteria["programmes"], ProgrammeOffering.Programme.choices)))
    if criteria.get("accommodation"):
        lines.append((_("Accommodation"), labels(criteria["accommodation"], Accommodation.choices)))
    if criteria.get("livelihood"):
        lines.append((_("Main livelihood / benefits"), labels(criteria["livelihood"], Livelihood.choices)))
    if criteria.get("has_children"):
        parts = []
        low, high = criteria.get("child_age_min"), criteria.get("child_age_max")
        if low is not None or high is not None:
            parts.append(_("aged %(range)s") % {"range": _range(low, high)})
        if criteria.get("child_schools"):
            parts.append(_("attending: %(schools)s") % {
                "schools": labels(criteria["child_schools"], Education.choices)})
        lines.append((_("Children"), "; ".join(parts) or _("at least one child")))
    return lines


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return _("%(low)d to %(high)d years") % {"low": low, "high": high}
    if low is not None:
        return _("at least %(low)d years") % {"low": low}
    return _("at most %(high)d years") % {"high": high}
