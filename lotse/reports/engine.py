"""The registry of report kinds and the scope a builder works on.

A builder is a plain function ``build(scope) -> Report`` that counts with the ORM inside the scope it is given;
it does no access checks (``lotse.reports.selectors.report_build`` does them before calling it) and returns raw
counts (suppression is applied afterwards for audiences outside the team).

Programme reports are registered per active :class:`~lotse.reports.models.ReportTemplate`: the template's code
is the kind (``mbe``, ``jmd``, ``im_bw``, …), so a new funder template appears as a new kind without code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.utils.functional import Promise

from lotse.reports.periods import Period
from lotse.reports.tables import Report


class Level:
    ORGANISATION = "organisation"
    TEAM = "team"
    COUNSELLOR = "counsellor"


@dataclass(frozen=True)
class ReportScope:
    """What one report counts: cases of these organisations (and only this team, or only this counsellor's
    cases and contacts), in this period. ``template`` is set for programme reports."""

    organisations: tuple  # Organisation instances, at least one
    period: Period
    team: object | None = None
    counsellor: object | None = None
    template: object | None = None

    @property
    def organisation_ids(self) -> list[int]:
        return [organisation.pk for organisation in self.organisations]

    @property
    def level(self) -> str:
        if self.counsellor is not None:
            return Level.COUNSELLOR
        if self.team is not None:
            return Level.TEAM
        return Level.ORGANISATION


Builder = Callable[[ReportScope], Report]


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: str | Promise
    builder_path: str
    levels: frozenset = field(default_factory=lambda: frozenset({Level.ORGANISATION}))
    template: object | None = None
    description: str | Promise = ""

    @property
    def builder(self) -> Builder:
        module, _, name = self.builder_path.rpartition(".")
        return getattr(import_module(module), name)


STATIC_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    STATIC_KINDS[kind.code] = kind
    return kind


def report_kinds() -> dict[str, ReportKind]:
    """Every kind that can be produced now: the built-in kinds and one per active programme template."""
    from lotse.reports.models import ReportTemplate
    from lotse.reports import kinds  # noqa: F401 – registers the built-in kinds

    result = dict(STATIC_KINDS)
    for template in ReportTemplate.objects.filter(is_active=True).order_by("programme", "name"):
        result[template.code] = ReportKind(
            code=template.code, label=template.name, builder_path="lotse.reports.programme.build_programme_report",
            levels=frozenset({Level.ORGANISATION, Level.TEAM}), template=template, description=template.description)
    return result
