"""What the case areas (contacts, planning, appointments, network) share with the case file and worklist.

- :func:`case_for_work` is the first call of every write service that changes something in a case: it
  locks the case through the access policy (a user who lost access meanwhile is refused), refuses
  restricted persons and, unless allowed, closed cases.
- :class:`WorklistEntry` is what each area's ``worklist_entries`` selector returns.
- :class:`TimelineItem` is what each area contributes to the case file's timeline.
- :class:`HelperMapEntry` is what each area contributes to the family's helper map (Helfersystem).
- :func:`shared_reads` / :func:`read_once`: while the case file is assembled, an area's rows are read once
  and shared by its summary, its timeline items and its helper-map entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases.models import Case
from lotse.privacy.guards import ensure_not_restricted

T = TypeVar("T")


def case_for_work(*, actor, case: Case, allow_closed: bool = False) -> Case:
    """The case locked for a write by ``actor`` (inside the caller's transaction)."""
    locked = (policy.scope(actor, Case.objects.select_for_update(of=("self",)), Action.CHANGE)
              .select_related("person", "team", "offering").filter(pk=case.pk).first())
    if locked is None:
        policy.deny(actor, "case.change")
    ensure_not_restricted(locked.person)
    if not allow_closed and locked.status != Case.Status.OPEN:
        raise ValidationError(_("The case is not open. Reopen it first."), code="case_not_open")
    return locked


@contextmanager
def shared_reads(case: Case) -> Iterator[None]:
    """Within the block, :func:`read_once` reads each area's rows of ``case`` once (one page, one actor)."""
    case._shared_reads = {}
    try:
        yield
    finally:
        del case._shared_reads


def read_once(*, actor, case: Case, area: str, load: Callable[[], T]) -> T:
    """``load()``, shared within :func:`shared_reads` by everyone asking for the same area of the case for the
    same actor; outside such a block every call reads afresh, so nothing read before a write is reused."""
    memo = getattr(case, "_shared_reads", None)
    if memo is None:
        return load()
    key = (getattr(actor, "pk", None), area)
    if key not in memo:
        memo[key] = load()
    return memo[key]


@dataclass(frozen=True)
class WorklistEntry:
    """One thing to do. ``due_on`` is the deadline; the entry is shown from ``shown_from`` on."""

    kind: str
    label: str
    due_on: date
    url: str
    case: Case | None = None
    person: object | None = None
    shown_from: date | None = None

    def section(self, today: date) -> str:
        if self.due_on < today:
            return "overdue"
        if self.due_on == today:
            return "today"
        return "soon"


@dataclass(frozen=True)
class TimelineItem:
    when: datetime | date
    kind: str
    label: str
    url: str = ""
    detail: str = ""

    @property
    def sort_key(self) -> tuple:
        if isinstance(self.when, datetime):
            return (self.when.date(), self.when.time())
        return (self.when, datetime.min.time())


@dataclass(frozen=True)
class HelperMapEntry:
    """One organisation or person in the family's helper system, with where the entry comes from."""

    name: str
    role: str
    source: str
    organisation: str = ""
    since: date | None = None
    last_contact: date | None = None
    url: str = ""
    partner_id: int | None = None
