"""Plan versions (Fortschreibungen): the frozen JSON copy of a whole plan and the comparison of two copies.

A snapshot holds everything the plan said at one moment — goals with their steps, statuses, dates and
partner names — so an old version can be shown and compared even after partners were renamed or goals
were changed since. Values are stored raw (codes, ISO dates); labels are looked up when displayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.cases.models import Responsible
from lotse.planning.models import GoalCategory, GoalStatus, LifeDomain, Priority, StepStatus

GOAL_FIELDS = (
    ("domain", gettext_lazy("life domain")),
    ("category", gettext_lazy("goal category")),
    ("client_words", gettext_lazy("the goal in the client's words")),
    ("target_on", gettext_lazy("target date")),
    ("priority", gettext_lazy("priority")),
    ("review_on", gettext_lazy("review on")),
    ("status", gettext_lazy("status")),
    ("status_reason", gettext_lazy("reason")),
)
STEP_FIELDS = (
    ("description", gettext_lazy("step")),
    ("responsible", gettext_lazy("responsible")),
    ("partner", gettext_lazy("partner")),
    ("due_on", gettext_lazy("due on")),
    ("status", gettext_lazy("status")),
    ("status_reason", gettext_lazy("reason")),
)
CHOICES = {
    "domain": LifeDomain, "category": GoalCategory, "priority": Priority, "responsible": Responsible,
}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def step_snapshot(step) -> dict:
    return {"id": str(step.public_id), "description": step.description, "responsible": step.responsible,
            "partner": step.responsible_partner.name if step.responsible_partner_id else "",
            "due_on": _iso(step.due_on), "status": step.status, "status_reason": step.status_reason}


def goal_snapshot(goal, steps) -> dict:
    return {"id": str(goal.public_id), "domain": goal.domain, "category": goal.category,
            "client_words": goal.client_words, "target_on": _iso(goal.target_on), "priority": goal.priority,
            "review_on": _iso(goal.review_on), "status": goal.status, "status_reason": goal.status_reason,
            "steps": [step_snapshot(step) for step in steps]}


def plan_snapshot(plan, goals) -> dict:
    """``goals`` with their steps prefetched (``goal.steps.all()`` must not query)."""
    return {"review_on": _iso(plan.review_on), "goals": [goal_snapshot(goal, goal.steps.all()) for goal in goals]}


def display(name: str, value, *, kind: str = "goal") -> str:
    """A snapshot value as the user reads it (labels in the current language, German dates)."""
    if value is None or value == "":
        return "–"
    if name == "status":
        choices = GoalStatus if kind == "goal" else StepStatus
        return str(choices(value).label) if value in choices.values else str(value)
    if name in CHOICES:
        choices = CHOICES[name]
        return str(choices(value).label) if value in choices.values else str(value)
    if name.endswith("_on"):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class StepDiff:
    kind: str  # added, removed, changed
    description: str
    changes: list[FieldChange] = field(default_factory=list)
    values: list[FieldChange] = field(default_factory=list)  # added/removed: the step's values


@dataclass
class GoalDiff:
    kind: str  # added, removed, changed, unchanged (with changed steps)
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    values: list[FieldChange] = field(default_factory=list)
    steps: list[StepDiff] = field(default_factory=list)


@dataclass
class Comparison:
    plan_changes: list[FieldChange]
    goals: list[GoalDiff]

    @property
    def is_empty(self) -> bool:
        return not self.plan_changes and not self.goals

    def summary(self) -> list[str]:
        """One short line per difference, for the conflict message."""
        lines = [_("%(field)s: %(old)s → %(new)s") % {"field": change.label, "old": change.old, "new": change.new}
                 for change in self.plan_changes]
        labels = {"added": _("Goal added"), "removed": _("Goal removed"), "changed": _("Goal changed")}
        for goal in self.goals:
            if goal.kind in labels:
                lines.append(f"{labels[goal.kind]}: {goal.title}")
            step_labels = {"added": _("Step added"), "removed": _("Step removed"), "changed": _("Step changed")}
            for step in goal.steps:
                lines.append(f"{step_labels[step.kind]}: {step.description} ({goal.title})")
        return lines


def _values(item: dict, fields, kind: str) -> list[FieldChange]:
    return [FieldChange(str(label), "", display(name, item.get(name), kind=kind)) for name, label in fields]


def _changes(old: dict, new: dict, fields, kind: str) -> list[FieldChange]:
    return [FieldChange(str(label), display(name, old.get(name), kind=kind), display(name, new.get(name), kind=kind))
            for name, label in fields if old.get(name) != new.get(name)]


def _title(goal: dict) -> str:
    words = " ".join(str(goal.get("client_words", "")).split())
    return words if len(words) <= 120 else words[:119] + "…"


def compare(old: dict | None, new: dict | None) -> Comparison:
    """What changed from snapshot ``old`` to snapshot ``new``: goals and steps added, removed, changed."""
    old, new = old or {}, new or {}
    plan_changes = []
    if old.get("review_on") != new.get("review_on"):
        plan_changes.append(FieldChange(str(_("next review of the plan")), display("review_on", old.get("review_on")),
                                        display("review_on", new.get("review_on"))))
    old_goals = {goal["id"]: goal for goal in old.get("goals", [])}
    new_goals = {goal["id"]: goal for goal in new.get("goals", [])}
    goals = []
    for goal_id, goal in new_goals.items():
        before = old_goals.get(goal_id)
        if before is None:
            goals.append(GoalDiff("added", _title(goal), values=_values(goal, GOAL_FIELDS, "goal"),
                                  steps=[StepDiff("added", step["description"],
                                                  values=_values(step, STEP_FIELDS, "step"))
                                         for step in goal.get("steps", [])]))
            continue
        changes = _changes(before, goal, GOAL_FIELDS, "goal")
        steps = _step_diffs(before.get("steps", []), goal.get("steps", []))
        if changes or steps:
            goals.append(GoalDiff("changed" if changes else "unchanged", _title(goal), changes=changes, steps=steps))
    for goal_id, goal in old_goals.items():
        if goal_id not in new_goals:
            goals.append(GoalDiff("removed", _title(goal), values=_values(goal, GOAL_FIELDS, "goal")))
    return Comparison(plan_changes=plan_changes, goals=goals)


def _step_diffs(old_steps: list[dict], new_steps: list[dict]) -> list[StepDiff]:
    old = {step["id"]: step for step in old_steps}
    new = {step["id"]: step for step in new_steps}
    result = []
    for step_id, step in new.items():
        before = old.get(step_id)
        if before is None:
            result.append(StepDiff("added", step["description"], values=_values(step, STEP_FIELDS, "step")))
        else:
            changes = _changes(before, step, STEP_FIELDS, "step")
            if changes:
                result.append(StepDiff("changed", step["description"], changes=changes))
    for step_id, step in old.items():
        if step_id not in new:
            result.append(StepDiff("removed", step["description"], values=_values(step, STEP_FIELDS, "step")))
    return result


# ---- goal agreement --------------------------------------------------------------------------------

OPEN_GOALS = ("open", "in_progress")
OPEN_STEPS = ("open", "in_progress")


def agreement_goals(snapshot: dict) -> list[dict]:
    """The goals an agreement is about: those still open or in progress in the plan version."""
    return [goal for goal in (snapshot or {}).get("goals", []) if goal.get("status") in OPEN_GOALS]


def agreement_content(snapshot: dict) -> dict:
    """Goals and the mutual obligations of an agreement, derived from the open steps of its plan version:
    what the client does, what the service (counsellor) does, what partners do."""
    goals, obligations = [], {"client": [], "counsellor": [], "partner": []}
    for goal in agreement_goals(snapshot):
        goals.append({"text": goal.get("client_words", ""), "domain": display("domain", goal.get("domain")),
                      "category": display("category", goal.get("category")),
                      "target_on": display("target_on", goal.get("target_on"))})
        for step in goal.get("steps", []):
            if step.get("status") not in OPEN_STEPS or step.get("responsible") not in obligations:
                continue
            obligations[step["responsible"]].append({
                "text": step.get("description", ""), "due_on": display("due_on", step.get("due_on")),
                "partner": step.get("partner", ""), "goal": goal.get("client_words", "")})
    return {"goals": goals, "client": obligations["client"], "service": obligations["counsellor"],
            "partners": obligations["partner"]}
