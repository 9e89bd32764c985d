"""Indicators of goal achievement and of network work (DOMAIN.md §8, [000 Anhang]).

Cases are those of the organisations (team level: of the team) of any programme, active in the period as
defined in :mod:`lotse.reports.dimensions` (programme ``P`` = any). ``S``/``E``: first/last day of the period.

* ``closure_indicators`` — closures of those cases with ``S <= closed_on <= E`` (unit ``closures``). Rows:
  the six indicators of ``cases.Indicator``; columns: the value of ``Closure.indicators[indicator]`` —
  ``yes``, ``partly``, ``no``, ``n/a``; any other value or a missing key is "not evaluated". The total column
  is the number of closures (the same in every row).
* ``goals`` — the goals of the plans of the cases with such a closure (each goal once, even if its case was
  closed twice), rows by life area, columns by status (the final status as recorded now), with a total column.
* ``integration_course`` — the persons (unit ``persons``) by their life situation valid on ``E``, only the
  rows "completed with B1", "completed below B1", "dropped out", "attending"; per team with a total column.
  ``figures["dropout_rate"]`` = dropped out / (completed with or below B1 + dropped out + attending), total
  column, three decimals (None without anyone in these rows).
* ``network`` and ``events`` — the figures of :func:`lotse.cooperation.selectors.network_figures` for each
  organisation from ``S`` to ``E``, summed over the organisations (agreements and events belong to the
  organisation, so a team sees those of its organisation).
* ``referrals`` — referrals to partners of the organisations' directories sent from ``S`` to ``E`` (team
  level: of cases of the team), as :func:`lotse.referrals.selectors.referral_figures`: sent, withdrawn by the
  client, completed; ``figures["referrals_share_completed"]`` = completed in per cent of (sent minus
  withdrawn), one decimal.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.reports.dimensions import DIMENSIONS, UNITS
from lotse.reports.engine import ReportScope
from lotse.reports.programme import context_for, scope_label, team_columns
from lotse.reports.tables import Audience, Column, Report, Row, Table

INDICATOR_VALUES = ("yes", "partly", "no", "n/a")
NOT_EVALUATED = "not_evaluated"
COURSE_ROWS = ("completed_b1", "completed_below_b1", "dropped_out", "attending")


def _indicator_table(closures) -> Table:
    from lotse.cases.models import Indicator, IndicatorValue

    aggregates = {"total": Count("pk")}
    for indicator in Indicator.values:
        for value in INDICATOR_VALUES:
            aggregates[f"{indicator}|{value}"] = Count("pk", filter=Q(**{f"indicators__{indicator}": value}))
    counts = closures.aggregate(**aggregates)
    labels = dict(IndicatorValue.choices)
    columns = [Column(value, str(labels[value])) for value in INDICATOR_VALUES]
    columns.append(Column(NOT_EVALUATED, _("not evaluated")))
    rows = []
    for indicator, label in Indicator.choices:
        values = [counts[f"{indicator}|{value}"] for value in INDICATOR_VALUES]
        rows.append(Row(indicator, str(label), values + [counts["total"] - sum(values)]))
    return Table(key="closure_indicators", title=_("Indicators evaluated at closure"),
                 row_header=_("Indicator"), columns=columns, rows=rows, unit=_("closures"), additive=False,
                 row_totals=True,
                 note=_("Closures dated in the period; every closure is counted once in each row."))


def _goal_table(closures) -> Table:
    from lotse.planning.models import Goal, GoalStatus, LifeDomain

    goals = Goal.objects.filter(plan__case_id__in=closures.values("case_id"))
    counts = {(line["domain"], line["status"]): line["n"]
              for line in goals.values("domain", "status").annotate(n=Count("pk")).order_by()}
    return Table(key="goals", title=_("Goals of the closed cases by life area and status"),
                 row_header=_("Life area"), unit=_("goals"), row_totals=True,
                 columns=[Column(status, str(label)) for status, label in GoalStatus.choices],
                 rows=[Row(domain, str(label),
                           [counts.get((domain, status), 0) for status in GoalStatus.values])
                       for domain, label in LifeDomain.choices])


def _course_table(ctx, scope, figures: dict) -> Table:
    columns = team_columns(ctx, scope)
    counted = DIMENSIONS["life_situation"].count(UNITS["persons"], ctx, {"field": "integration_course"})
    labels = dict(counted.rows)
    rows = [Row(key, labels[key], [counted.counts.get((key, team_id), 0) for team_id, _column in columns])
            for key in COURSE_ROWS]
    total = {row.key: sum(row.values) for row in rows}
    started = sum(total.values())
    figures["dropout_rate"] = round(total["dropped_out"] / started, 3) if started else None
    return Table(key="integration_course", title=_("Integration course on the last day of the period"),
                 row_header=_("Integration course"), unit=_("persons"), rows=rows,
                 columns=[column for _team, column in columns], row_totals=scope.team is None,
                 note=_("Persons of the cases active in the period, by their situation recorded for the last "
                        "day of the period."))


def _network_tables(scope: ReportScope, figures: dict) -> list[Table]:
    from lotse.cooperation.models import EventKind
    from lotse.cooperation.selectors import network_figures

    today = timezone.localdate()
    per_organisation = [network_figures(organisation=organisation, first=scope.period.start,
                                        last=scope.period.end, today=today)
                        for organisation in scope.organisations]
    names = [("agreements_in_force", _("Cooperation agreements in force")),
             ("reviews_on_time", _("Reviews on time")), ("reviews_late", _("Reviews late")),
             ("reviews_overdue", _("Reviews overdue")), ("events_total", _("Network events")),
             ("participants_total", _("Participants in network events")),
             ("joint_actions_and_trainings", _("Joint actions and trainings")),
             ("partners_involved", _("Partners involved"))]
    total = Column("total", _("Total"))
    note = _("Agreements and events of the organisation.") if scope.team is not None else ""
    network = Table(key="network", title=_("Network work"), row_header=_("Figure"), columns=[total],
                    rows=[Row(key, label, [sum(figures_[key] for figures_ in per_organisation)])
                          for key, label in names], additive=False, chart=False, note=note)
    events = Table(key="events", title=_("Network events by kind"), row_header=_("Kind of event"),
                   columns=[Column("events", _("Events")), Column("participants", _("Participants"))],
                   rows=[Row(kind, str(label), [_event_sum(per_organisation, kind, "count"),
                                                _event_sum(per_organisation, kind, "participants")])
                         for kind, label in EventKind.choices], note=note)
    return [network, events]


def _event_sum(per_organisation: list[dict], kind: str, name: str) -> int:
    return sum(row[name] for figures in per_organisation for row in figures["events"] if row["kind"] == kind)


def _referral_table(ctx, scope: ReportScope, figures: dict) -> Table:
    from lotse.referrals.models import Referral
    from lotse.referrals.selectors import referral_figures

    referrals = Referral.objects.filter(partner__organisation_id__in=ctx.organisation_ids,
                                        sent_on__gte=ctx.start, sent_on__lte=ctx.end)
    if ctx.team_id is not None:
        referrals = referrals.filter(case__team_id=ctx.team_id)
    total = referral_figures(referrals=referrals)["total"]
    figures["referrals_share_completed"] = total.share_completed
    rows = [("sent", _("Referrals sent"), total.sent),
            ("withdrawn", _("Withdrawn by the client"), total.withdrawn),
            ("completed", _("Referrals completed"), total.completed)]
    return Table(key="referrals", title=_("Referrals to partners"), row_header=_("Figure"),
                 columns=[Column("total", _("Total"))],
                 rows=[Row(key, label, [value]) for key, label, value in rows],
                 unit=_("referrals"), additive=False, chart=False)


def build_indicator_report(scope: ReportScope) -> Report:
    ctx = context_for(scope, programme=None)
    closures = UNITS["closures"].parts(ctx)[0].queryset
    figures: dict = {}
    sections = [_indicator_table(closures), _goal_table(closures), _course_table(ctx, scope, figures),
                *_network_tables(scope, figures), _referral_table(ctx, scope, figures)]
    return Report(kind="indicators", title=_("Indicators of goal achievement and network work"),
                  scope_label=scope_label(scope), period=scope.period, audience=Audience.INTERNAL,
                  sections=sections, organisation_ids=list(scope.organisation_ids),
                  generated_at=timezone.now(), notes=[_("Cases of all programmes active in the period.")],
                  figures=figures)
