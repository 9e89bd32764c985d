"""Evaluating the eligibility rules on a person's data, in Python, with an explanation for every rule.

Each rule answers "met", "not met" or "unclear" and names what is missing when it cannot decide
(e.g. the exact date of birth when only the year is known). Rules of a ``group`` are combined with
"or", everything else with "and", in three-valued logic: "not met" beats "unclear" beats "met" for
"and"; "met" beats "unclear" beats "not met" for "or". Nothing here reads or writes the database;
:mod:`lotse.intake.selectors` and :mod:`lotse.intake.services` load the data and store the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.intake.models import EligibilityRule, Result
from lotse.people.dates import age_on, date_span

MET, NOT_MET, UNCLEAR = Result.MET.value, Result.NOT_MET.value, Result.UNCLEAR.value

# Facts the data cannot tell; the counsellor confirms them (stored as answers on the check).
FACTS = {
    "crisis": gettext_lazy("The person is in a concrete crisis (crisis clause)"),
    "integration_course_obligation": gettext_lazy(
        "The person is obliged to attend an integration course (§ 44a Abs. 1 AufenthG)"),
    "spaetaussiedler_relative": gettext_lazy("Spouse or descendant of a Spätaussiedler"),
    "follow_up_accommodation": gettext_lazy("Lives in follow-up accommodation (Anschlussunterbringung) in the area"),
    "municipal_accommodation": gettext_lazy("Lives in municipal accommodation"),
    "homeless_in_municipality": gettext_lazy("Is homeless in the municipality"),
}

MISSING = {
    "birth_date": gettext_lazy("date of birth"),
    "birth_date_exact": gettext_lazy("exact date of birth"),
    "entry_date": gettext_lazy("date of entry"),
    "entry_date_exact": gettext_lazy("exact date of entry"),
    "judgement": gettext_lazy("counsellor's judgement"),
}

STATUS_LABELS = {MET: gettext_lazy("met"), NOT_MET: gettext_lazy("not met"), UNCLEAR: gettext_lazy("unclear")}


def fact_label(key: str) -> str:
    return str(FACTS.get(key, key))


def missing_label(key: str) -> str:
    if key.startswith("fact:"):
        return _("confirmation: %(fact)s") % {"fact": fact_label(key[5:])}
    return str(MISSING.get(key, key))


@dataclass
class PersonFacts:
    """What the rules may look at: the person, their residence statuses and the confirmed answers."""

    birth_date: date | None
    birth_date_precision: str
    entry_date: date | None
    entry_date_precision: str
    statuses: list  # ResidenceStatus with status_type loaded
    answers: dict = field(default_factory=dict)

    @classmethod
    def of(cls, person, statuses: Iterable, answers: dict | None = None) -> PersonFacts:
        return cls(person.birth_date, person.birth_date_precision, person.entry_date, person.entry_date_precision,
                   list(statuses), dict(answers or {}))


@dataclass
class RuleOutcome:
    code: str
    label: str
    status: str
    reason: str
    params: dict = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    group: str = ""
    effect: str = ""
    fact: str = ""

    def as_json(self) -> dict:
        return {"code": self.code, "label": self.label, "status": self.status, "reason": self.reason,
                "params": self.params, "missing": self.missing, "group": self.group, "effect": self.effect,
                "fact": self.fact}


@dataclass
class Evaluation:
    programme: str
    on: date
    result: str
    rules: list[RuleOutcome]
    priority: str | None  # status of the priority rule(s), None if the programme has none
    facts: list[str]  # facts the counsellor can confirm for this programme

    @property
    def explanations(self) -> list[dict]:
        return [rule.as_json() for rule in self.rules]


# ---- dates ---------------------------------------------------------------------------------------

def years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


# ---- the checks ----------------------------------------------------------------------------------

Check = Callable[[dict, PersonFacts, date], tuple[str, str, dict, list[str]]]


def _check_age(params: dict, facts: PersonFacts, on: date):
    low, high = params.get("min_age"), params.get("max_age")
    span = date_span(facts.birth_date, facts.birth_date_precision)
    limits = {"min": low, "max": high}
    if span is None:
        return UNCLEAR, "age_unknown", limits, ["birth_date"]
    youngest, oldest = age_on(span[1], on), age_on(span[0], on)

    def fits(age):
        return (low is None or age >= low) and (high is None or age <= high)

    results = {fits(age) for age in range(youngest, oldest + 1)}
    if results == {True}:
        return MET, "age_fits", {**limits, "age": youngest if youngest == oldest else f"{youngest}–{oldest}"}, []
    if results == {False}:
        return NOT_MET, "age_outside", {**limits, "age": youngest if youngest == oldest else f"{youngest}–{oldest}"}, []
    return UNCLEAR, "age_undecided", {**limits, "age": f"{youngest}–{oldest}"}, ["birth_date_exact"]


def _check_arrived_within(params: dict, facts: PersonFacts, on: date):
    years = int(params.get("years", 3))
    cutoff = years_before(on, years)
    info = {"years": years, "cutoff": cutoff.isoformat()}
    secure = sorted(s.valid_from for s in facts.statuses if s.status_type.is_secure and s.valid_from <= on)
    if secure and cutoff <= secure[0] <= on:
        return MET, "secure_status_recent", {**info, "date": secure[0].isoformat()}, []
    span = date_span(facts.entry_date, facts.entry_date_precision)
    if span is not None and span[0] <= on:
        earliest, latest = span[0], min(span[1], on)
        if earliest >= cutoff:
            return MET, "entry_recent", {**info, "date": facts.entry_date.isoformat()}, []
        if latest < cutoff:
            return NOT_MET, "entry_long_ago", {**info, "date": facts.entry_date.isoformat()}, []
        return UNCLEAR, "entry_undecided", info, ["entry_date_exact"]
    if span is None:
        return UNCLEAR, "entry_unknown", info, ["entry_date"]
    return NOT_MET, "entry_later", {**info, "date": facts.entry_date.isoformat()}, []


def _check_status(params: dict, facts: PersonFacts, on: date):
    codes = set(params.get("codes", []))
    if any(s.status_type.code in codes and s.valid_from <= on for s in facts.statuses):
        return MET, "status_recorded", {}, []
    fact = params.get("fact")
    if fact and facts.answers.get(fact) is True:
        return MET, "fact_confirmed", {}, []
    return NOT_MET, "status_missing", {}, []


def _check_fact(params: dict, facts: PersonFacts, on: date):
    fact = params.get("fact", "")
    answer = facts.answers.get(fact)
    if answer is True:
        return MET, "fact_confirmed", {}, []
    if answer is False:
        return NOT_MET, "fact_denied", {}, []
    if params.get("judgement"):
        return UNCLEAR, "needs_judgement", {}, ["judgement"]
    return UNCLEAR, "needs_confirmation", {}, [f"fact:{fact}"]


CHECKS: dict[str, Check] = {
    "age": _check_age,
    "arrived_within": _check_arrived_within,
    "status": _check_status,
    "fact": _check_fact,
}


def facts_of_rule(rule: EligibilityRule) -> list[str]:
    fact = rule.parameters.get("fact")
    return [fact] if fact else []


# ---- combining -----------------------------------------------------------------------------------

def _all(statuses: list[str]) -> str:
    if NOT_MET in statuses:
        return NOT_MET
    return UNCLEAR if UNCLEAR in statuses else MET


def _any(statuses: list[str]) -> str:
    if MET in statuses:
        return MET
    return UNCLEAR if UNCLEAR in statuses else NOT_MET


def rules_in_force(on: date, programmes: Iterable[str] | None = None) -> dict[str, list[EligibilityRule]]:
    """Per programme, the newest active version of each rule whose ``valid_from`` has been reached (one query)."""
    queryset = EligibilityRule.objects.filter(active=True, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)).order_by("programme", "sort_order", "code",
                                                                        "-valid_from")
    if programmes is not None:
        queryset = queryset.filter(programme__in=list(programmes))
    chosen: dict[str, list[EligibilityRule]] = {}
    seen: set[tuple[str, str]] = set()
    for rule in queryset:
        if (rule.programme, rule.code) in seen:
            continue
        seen.add((rule.programme, rule.code))
        chosen.setdefault(rule.programme, []).append(rule)
    return chosen


def evaluate(*, programme: str, rules: list[EligibilityRule], facts: PersonFacts, on: date) -> Evaluation:
    outcomes: list[RuleOutcome] = []
    for rule in rules:
        params = rule.parameters or {}
        check = CHECKS.get(params.get("check", ""))
        if check is None:
            status, reason, info, missing = UNCLEAR, "unknown_check", {}, ["judgement"]
        else:
            status, reason, info, missing = check(params, facts, on)
        outcomes.append(RuleOutcome(code=rule.code, label=rule.label, status=status, reason=reason, params=info,
                                    missing=missing, group=params.get("group", ""), effect=params.get("effect", ""),
                                    fact=params.get("fact", "")))
    deciding = [o for o in outcomes if o.effect != "priority"]
    parts: list[str] = []
    groups: dict[str, list[str]] = {}
    for outcome in deciding:
        if outcome.group:
            groups.setdefault(outcome.group, []).append(outcome.status)
        else:
            parts.append(outcome.status)
    parts += [_any(statuses) for statuses in groups.values()]
    result = _all(parts) if parts else UNCLEAR
    priority = [o.status for o in outcomes if o.effect == "priority"]
    facts_asked = list(dict.fromkeys(o.fact for o in outcomes if o.fact))
    return Evaluation(programme=programme, on=on, result=result, rules=outcomes,
                      priority=_all(priority) if priority else None, facts=facts_asked)


# ---- explaining ----------------------------------------------------------------------------------

def _date(value: str) -> str:
    return date.fromisoformat(value).strftime("%d.%m.%Y")


def _age_limits(params: dict) -> str:
    low, high = params.get("min"), params.get("max")
    if low is not None and high is not None:
        return _("%(low)s to %(high)s years") % {"low": low, "high": high}
    if low is not None:
        return _("at least %(low)s years") % {"low": low}
    return _("at most %(high)s years") % {"high": high}


def reason_text(entry: dict) -> str:
    """One sentence that says why the rule came out as it did (translated when shown)."""
    reason, params = entry.get("reason", ""), entry.get("params", {})
    texts = {
        "age_unknown": lambda: _("The date of birth is not recorded."),
        "age_fits": lambda: _("Age %(age)s; required: %(limits)s.") % {"age": params["age"],
                                                                       "limits": _age_limits(params)},
        "age_outside": lambda: _("Age %(age)s; required: %(limits)s.") % {"age": params["age"],
                                                                          "limits": _age_limits(params)},
        "age_undecided": lambda: _("Only part of the date of birth is known: the person is %(age)s years old; "
                                   "required: %(limits)s.") % {"age": params["age"], "limits": _age_limits(params)},
        "secure_status_recent": lambda: _("Secure residence status since %(date)s (on or after %(cutoff)s).")
        % {"date": _date(params["date"]), "cutoff": _date(params["cutoff"])},
        "entry_recent": lambda: _("Entry on or after %(cutoff)s.") % {"cutoff": _date(params["cutoff"])},
        "entry_long_ago": lambda: _("Entry before %(cutoff)s and no secure status received since then.")
        % {"cutoff": _date(params["cutoff"])},
        "entry_undecided": lambda: _("Only part of the date of entry is known; it may be before or after "
                                     "%(cutoff)s.") % {"cutoff": _date(params["cutoff"])},
        "entry_unknown": lambda: _("The date of entry is not recorded and no secure status since %(cutoff)s.")
        % {"cutoff": _date(params["cutoff"])},
        "entry_later": lambda: _("The recorded entry is after the date of the check."),
        "status_recorded": lambda: _("The residence status is recorded."),
        "status_missing": lambda: _("No such residence status is recorded."),
        "fact_confirmed": lambda: _("Confirmed by the counsellor."),
        "fact_denied": lambda: _("Denied by the counsellor."),
        "needs_judgement": lambda: _("Cannot be decided from the data: needs the counsellor's judgement."),
        "needs_confirmation": lambda: _("Cannot be decided from the data: needs the counsellor's confirmation."),
        "unknown_check": lambda: _("This rule cannot be evaluated automatically."),
    }
    text = texts.get(reason)
    return text() if text else ""


def status_text(entry: dict) -> str:
    """"met", "not met" or "unclear — missing: …" for one rule."""
    status = entry.get("status")
    if status == UNCLEAR and entry.get("missing"):
        return _("unclear — missing: %(missing)s") % {
            "missing": ", ".join(missing_label(key) for key in entry["missing"])}
    return str(STATUS_LABELS.get(status, status))


def explained(explanations: list[dict]) -> list[dict]:
    """The stored explanations with their texts, for templates and the API."""
    return [{**entry, "status_text": status_text(entry), "reason_text": reason_text(entry)} for entry in explanations]
