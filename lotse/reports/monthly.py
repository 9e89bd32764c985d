"""Monthly controlling (Monatscontrolling) per organisation, team and counsellor, discussed in the team
meeting [DOMAIN.md §8; 002 §5.2].

Exact definitions (the benchmark's hand-written SQL in ``lotse/reports/bench_sql.py`` computes the same):

Scope
    Cases whose ``team.organisation_id`` is one of the scope's organisations (at team level also
    ``case.team_id = scope.team``). Contacts, phase changes, closures and referrals belong to the scope
    through their case. At counsellor level additionally: contacts with ``author = counsellor``, cases with
    ``owner = counsellor`` (so also phase changes and closures of cases owned by the counsellor), referrals
    with ``created_by = counsellor``.
Columns
    ``current`` = the period, ``previous`` = ``period.previous()``, ``last_year`` = ``period.year_before()``;
    labels are the periods' ``label``. Contacts count by ``occurred_at`` in ``period.bounds()`` (local
    midnight, Europe/Berlin); everything else by its date, both ends of the period inclusive.
1. ``contacts_by_topic`` (contacts; not additive; the total is the number of contacts): rows are the active
   topics (``intake.Topic.is_active``) whose programme is offered by one of the scope's organisations (an
   active ``ProgrammeOffering``), global (``organisation`` null) or of one of the scope's organisations, plus
   every topic of a contact counted in any column; ordered by programme code, ``sort_order``, label, id; the
   label is prefixed with the programme's short name when the rows hold topics of several programmes. A
   contact is counted under each of its topics. The last row ``none`` counts contacts without any topic.
2. ``contacts_by_kind`` (additive): one row per ``ContactKind`` in declaration order.
3. ``persons_reached`` (additive): ``main_clients`` = distinct ``case.person_id`` of the column's contacts;
   ``family_members`` = distinct ``persons_present`` of the column's contacts that are not main clients of
   that column. The total is the number of distinct persons reached.
4. ``cases`` (no total row): ``new`` = cases with ``opened_on`` in the period; ``paused`` = distinct cases
   with a ``PhaseChange`` to ``paused`` with ``changed_on`` in the period; ``closed`` = distinct cases with
   a ``Closure`` with ``closed_on`` in the period; ``open_at_end`` = ``opened_on <= end`` and (``closed_on``
   null or ``> end``); ``case_management_at_end`` = open at the end and the ``to_phase`` of the latest
   ``PhaseChange`` with ``changed_on <= end`` (ties broken by the higher id) is one of
   ``CASE_MANAGEMENT_PHASES`` (a case without such a phase change is not in case management).
5. ``closure_reasons`` (additive): closures with ``closed_on`` in the period, one row per ``ClosureReason``.
6. ``referrals`` (additive): referrals with ``sent_on`` in the period by state: ``withdrawn`` if the status is
   withdrawn, else the ``outcome`` if set (``took_place``, ``no_show``, ``rejected``, ``completed``), else
   ``open``. Rows in the order open, took_place, no_show, rejected, completed, withdrawn.
7. ``by_team`` (organisation level only; current period): rows are the teams of the scope's organisations
   that have at least one case or at least one programme offering (casework teams), ordered by organisation
   name and team name (prefixed with the organisation's name when there are several). Columns ``contacts``
   (contacts of the team's cases), ``main_clients`` (distinct ``case.person_id`` of those contacts),
   ``new_cases``, ``closed_cases`` as in 1–4. Not additive: the total is the scope-wide value of each column
   (a person can be a main client in two teams).
8. ``by_organisation`` (only for several organisations): the same columns, one row per organisation.
9. ``by_counsellor`` (organisation and team level; ``internal_only``): rows are the users with a non-zero
   figure (contacts and main clients by contact ``author``; new and closed cases by case ``owner``) plus the
   active users with an active counsellor membership of a team in the scope, ordered by last name, first
   name, username; then a row ``none`` ("not assigned": contacts without author, cases without owner) if it
   has a non-zero figure. Same columns and totals as ``by_team``.

Every count comes from a grouped aggregate covering all three columns at once, so the number of queries does
not depend on the data (9 to 14, depending on the level). Contacts are reached through the scope's cases and
the index ``contact_case_time_idx`` (case, occurred_at); the phase at the end of a period needs an index
``cases_phasechange (case_id, changed_on, id)`` to stay cheap on a large installation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as CaseExpr, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.reports.engine import Level, ReportScope
from lotse.reports.periods import Period
from lotse.reports.tables import Audience, Column, Report, Row, Table

COLUMN_KEYS = ("current", "previous", "last_year")
REFERRAL_STATES = ("open", "took_place", "no_show", "rejected", "completed", "withdrawn")
NONE_KEY = "none"


def build_monthly_report(scope: ReportScope) -> Report:
    """The monthly controlling of the scope with raw counts (no access checks: see ``report_build``)."""
    periods = _columns(scope.period)
    counter = _Counter(scope, periods)
    columns = [Column(key, period.label) for key, period in periods]
    contacts = counter.contacts()
    cases = counter.cases()
    closures = counter.closures()
    persons = counter.persons()
    sections = [
        counter.topics_table(columns, contacts),
        _kind_table(columns, contacts),
        _persons_table(columns, persons),
        _cases_table(columns, cases, counter.paused(), closures),
        counter.closure_reasons_table(columns),
        counter.referrals_table(columns),
    ]
    breakdown = _Breakdown(contacts, cases, closures, main_clients=persons["main_current"])
    if scope.level == Level.ORGANISATION:
        sections.append(counter.team_table(breakdown))
        if len(scope.organisations) > 1:
            sections.append(counter.organisation_table(breakdown))
    if scope.level != Level.COUNSELLOR:
        sections.append(counter.counsellor_table(breakdown))
    return Report(kind="monthly", title=_("Monthly controlling"), scope_label=_scope_label(scope),
                  period=scope.period, audience=Audience.INTERNAL, sections=sections,
                  organisation_ids=scope.organisation_ids, generated_at=timezone.now())


def _columns(period: Period) -> list[tuple[str, Period]]:
    return list(zip(COLUMN_KEYS, (period, period.previous(), period.year_before())))


def _scope_label(scope: ReportScope) -> str:
    parts = [", ".join(organisation.name for organisation in scope.organisations)]
    if scope.team is not None:
        parts.append(scope.team.name)
    if scope.counsellor is not None:
        parts.append(_person_name(scope.counsellor))
    parts.append(scope.period.label)
    return " – ".join(parts)


def _person_name(user) -> str:
    return user.get_full_name() or user.username


def _programme_short(code: str) -> str:
    return {"mbe": "MBE", "jmd": "JMD", "im": "IM", "sim": "SIM"}.get(code) or _("Custom programme")


@dataclass
class _Groups:
    """Counts per (team, user, category) for the three columns: rows of a grouped aggregate."""

    rows: list[dict]

    def total(self, *, category_field: str | None = None, category=None, prefix: str = "n") -> list[int]:
        return [sum(row[f"{prefix}_{key}"] for row in self.rows
                    if category_field is None or row[category_field] == category) for key in COLUMN_KEYS]

    def current_by(self, field: str, prefix: str = "n") -> dict:
        result: dict = {}
        for row in self.rows:
            result[row[field]] = result.get(row[field], 0) + row[f"{prefix}_current"]
        return result


@dataclass
class _Breakdown:
    contacts: _Groups
    cases: _Groups
    closures: _Groups
    main_clients: int


class _Counter:
    """The grouped aggregates of one report; each method runs one query."""

    def __init__(self, scope: ReportScope, periods: list[tuple[str, Period]]):
        self.scope = scope
        self.periods = periods
        self.counsellor_id = scope.counsellor.pk if scope.counsellor is not None else None
        self.last = max(period.end for _key, period in periods)

    # Scope filters ---------------------------------------------------------------------------------------
    def case_q(self, prefix: str = "", *, owned: bool = True) -> Q:
        q = Q(**{f"{prefix}team__organisation_id__in": self.scope.organisation_ids})
        if self.scope.team is not None:
            q &= Q(**{f"{prefix}team_id": self.scope.team.pk})
        if owned and self.counsellor_id is not None:
            q &= Q(**{f"{prefix}owner_id": self.counsellor_id})
        return q

    def contact_q(self, prefix: str = "") -> Q:
        q = self.case_q(f"{prefix}case__", owned=False)
        if self.counsellor_id is not None:
            q &= Q(**{f"{prefix}author_id": self.counsellor_id})
        return q

    def when_q(self, field: str, period: Period) -> Q:
        if field.endswith("occurred_at"):
            start, end = period.bounds()
            return Q(**{f"{field}__gte": start, f"{field}__lt": end})
        return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})

    def any_when_q(self, field: str) -> Q:
        q = Q()
        for _key, period in self.periods:
            q |= self.when_q(field, period)
        return q

    def counts(self, field: str, *, count: str = "id", distinct: bool = False) -> dict:
        """``n_<column>``: the count per column, by the date in ``field``."""
        return {f"n_{key}": Count(count, distinct=distinct, filter=self.when_q(field, period))
                for key, period in self.periods}

    # Queries ------------------------------------------------------------------------------------------------
    def contacts(self) -> _Groups:
        """Contacts per team, author and kind."""
        from lotse.contacts.models import Contact

        rows = (Contact.objects.filter(self.contact_q(), self.any_when_q("occurred_at")).order_by()
                .values("case__team_id", "case__team__organisation_id", "author_id", "kind")
                .annotate(**self.counts("occurred_at")))
        return _Groups(list(rows))

    def cases(self) -> _Groups:
        """Cases per team and owner: new, open at the end, in case management at the end."""
        from lotse.cases.models import CASE_MANAGEMENT_PHASES, Case, PhaseChange

        phases, aggregates = {}, {}
        for key, period in self.periods:
            phases[f"phase_{key}"] = Subquery(
                PhaseChange.objects.filter(case_id=OuterRef("pk"), changed_on__lte=period.end)
                .order_by("-changed_on", "-id").values("to_phase")[:1])
            open_q = Q(opened_on__lte=period.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=period.end))
            aggregates[f"n_{key}"] = Count("id", filter=self.when_q("opened_on", period))
            aggregates[f"o_{key}"] = Count("id", filter=open_q)
            aggregates[f"m_{key}"] = Count("id", filter=open_q & Q(**{f"phase_{key}__in": sorted(
                CASE_MANAGEMENT_PHASES)}))
        rows = (Case.objects.filter(self.case_q(), opened_on__lte=self.last).order_by().annotate(**phases)
                .values("team_id", "team__organisation_id", "owner_id").annotate(**aggregates))
        return _Groups(list(rows))

    def paused(self) -> list[int]:
        from lotse.cases.models import Phase, PhaseChange

        result = (PhaseChange.objects.filter(self.case_q("case__"), self.any_when_q("changed_on"),
                                             to_phase=Phase.PAUSED)
                  .aggregate(**self.counts("changed_on", count="case_id", distinct=True)))
        return [result[f"n_{key}"] for key in COLUMN_KEYS]

    def closures(self) -> _Groups:
        """Distinct closed cases per team and owner (a case belongs to one team and one owner, so the groups
        add up to the distinct count)."""
        from lotse.cases.models import Closure

        rows = (Closure.objects.filter(self.case_q("case__"), self.any_when_q("closed_on")).order_by()
                .values("case__team_id", "case__team__organisation_id", "case__owner_id")
                .annotate(**self.counts("closed_on", count="case_id", distinct=True)))
        return _Groups(list(rows))

    def persons(self) -> dict:
        """Main clients and family members reached per column."""
        from lotse.contacts.models import Contact

        base = Contact.objects.filter(self.contact_q(), self.any_when_q("occurred_at"))
        aggregates = {}
        for key, period in self.periods:
            in_period = self.when_q("occurred_at", period)
            main = base.filter(in_period).values("case__person_id")
            aggregates[f"main_{key}"] = Count("case__person_id", distinct=True, filter=in_period)
            aggregates[f"family_{key}"] = Count("persons_present", distinct=True,
                                                filter=in_period & ~Q(persons_present__in=main))
        return base.order_by().aggregate(**aggregates)

    def main_clients_by(self, field: str) -> dict:
        """Distinct main clients of the current column's contacts per team / organisation / author."""
        from lotse.contacts.models import Contact

        current = self.periods[0][1]
        rows = (Contact.objects.filter(self.contact_q(), self.when_q("occurred_at", current)).order_by()
                .values(field).annotate(n=Count("case__person_id", distinct=True)))
        return {row[field]: row["n"] for row in rows}

    # Tables -------------------------------------------------------------------------------------------------
    def topics_table(self, columns: list[Column], contacts: _Groups) -> Table:
        from lotse.contacts.models import Contact
        from lotse.intake.models import Topic
        from lotse.organisations.models import ProgrammeOffering

        # Contacts joined to their topics (a contact without topic once, with topic null).
        links = (Contact.objects.filter(self.contact_q(), self.any_when_q("occurred_at")).order_by()
                 .values("topics").annotate(**self.counts("occurred_at")))
        counts = {row["topics"]: [row[f"n_{key}"] for key in COLUMN_KEYS] for row in links}
        without = counts.pop(None, [0, 0, 0])
        offered = ProgrammeOffering.objects.filter(organisation_id__in=self.scope.organisation_ids,
                                                   is_active=True).values("programme")
        catalogue = Q(is_active=True, programme__in=offered) & (
            Q(organisation__isnull=True) | Q(organisation_id__in=self.scope.organisation_ids))
        topics = list(Topic.objects.filter(catalogue | Q(pk__in=list(counts)))
                      .order_by("programme", "sort_order", "label", "pk")
                      .only("pk", "code", "label", "programme"))
        prefixed = len({topic.programme for topic in topics}) > 1

        def label(topic) -> str:
            return f"{_programme_short(topic.programme)}: {topic.label}" if prefixed else topic.label

        rows = [Row(topic.code, label(topic), counts.get(topic.pk, [0, 0, 0])) for topic in topics]
        rows.append(Row(NONE_KEY, _("Without topic"), without))
        return Table(key="contacts_by_topic", title=_("Contacts by topic"), row_header=_("Topic"),
                     columns=columns, rows=rows, unit=_("contacts"), additive=False,
                     distinct_totals=contacts.total(),
                     note=_("A contact with several topics is counted under each of them; the total counts "
                            "each contact once."))

    def closure_reasons_table(self, columns: list[Column]) -> Table:
        from lotse.cases.models import Closure, ClosureReason

        found = (Closure.objects.filter(self.case_q("case__"), self.any_when_q("closed_on")).order_by()
                 .values("reason").annotate(**self.counts("closed_on")))
        counts = {row["reason"]: [row[f"n_{key}"] for key in COLUMN_KEYS] for row in found}
        rows = [Row(value, str(label), counts.get(value, [0, 0, 0]))
                for value, label in ClosureReason.choices]
        return Table(key="closure_reasons", title=_("Closures by reason"), row_header=_("Reason for closure"),
                     columns=columns, rows=rows, unit=_("closures"))

    def referrals_table(self, columns: list[Column]) -> Table:
        from lotse.referrals.models import Referral, ReferralOutcome, ReferralStatus

        scope = self.case_q("case__", owned=False)
        if self.counsellor_id is not None:
            scope &= Q(created_by_id=self.counsellor_id)
        state = CaseExpr(When(status=ReferralStatus.WITHDRAWN, then=Value("withdrawn")),
                         When(~Q(outcome=""), then=F("outcome")), default=Value("open"),
                         output_field=CharField())
        found = (Referral.objects.filter(scope, self.any_when_q("sent_on")).order_by().annotate(state=state)
                 .values("state").annotate(**self.counts("sent_on")))
        counts = {row["state"]: [row[f"n_{key}"] for key in COLUMN_KEYS] for row in found}
        labels = {"open": _("Open (no outcome yet)"), "withdrawn": str(ReferralStatus.WITHDRAWN.label),
                  **{value: str(label) for value, label in ReferralOutcome.choices}}
        rows = [Row(key, labels[key], counts.get(key, [0, 0, 0])) for key in REFERRAL_STATES]
        return Table(key="referrals", title=_("Referrals by state"), row_header=_("State of the referral"),
                     columns=columns, rows=rows, unit=_("referrals"),
                     note=_("Referrals sent in the period, by their state today."))

    def team_table(self, breakdown: _Breakdown) -> Table:
        from lotse.cases.models import Case
        from lotse.organisations.models import Team

        casework = (Exists(Team.offerings.through.objects.filter(team_id=OuterRef("pk")))
                    | Exists(Case.objects.filter(team_id=OuterRef("pk"))))
        teams = (Team.objects.filter(organisation_id__in=self.scope.organisation_ids)
                 .annotate(casework=casework).select_related("organisation")
                 .order_by("organisation__name", "name", "pk"))
        several = len(self.scope.organisations) > 1
        values = _four(breakdown.contacts.current_by("case__team_id"), self.main_clients_by("case__team_id"),
                       breakdown.cases.current_by("team_id"), breakdown.closures.current_by("case__team_id"))
        rows = [Row(str(team.public_id), f"{team.organisation.name} – {team.name}" if several else team.name,
                    values(team.pk)) for team in teams if team.casework]
        return self._breakdown_table("by_team", _("By team"), _("Team"), rows, breakdown)

    def organisation_table(self, breakdown: _Breakdown) -> Table:
        values = _four(breakdown.contacts.current_by("case__team__organisation_id"),
                       self.main_clients_by("case__team__organisation_id"),
                       breakdown.cases.current_by("team__organisation_id"),
                       breakdown.closures.current_by("case__team__organisation_id"))
        rows = [Row(str(org.public_id), org.name, values(org.pk))
                for org in sorted(self.scope.organisations, key=lambda org: (org.name, org.pk))]
        return self._breakdown_table("by_organisation", _("By organisation"), _("Organisation"), rows,
                                     breakdown)

    def counsellor_table(self, breakdown: _Breakdown) -> Table:
        from lotse.accounts.models import User
        from lotse.organisations.models import Role

        counts = (breakdown.contacts.current_by("author_id"), self.main_clients_by("author_id"),
                  breakdown.cases.current_by("owner_id"), breakdown.closures.current_by("case__owner_id"))
        values = _four(*counts)
        active = {user_id for by_user in counts for user_id, n in by_user.items()
                  if n and user_id is not None}
        members = Q(memberships__organisation_id__in=self.scope.organisation_ids,
                    memberships__role=Role.COUNSELLOR, memberships__is_active=True, is_active=True)
        if self.scope.team is not None:
            members &= Q(memberships__team_id=self.scope.team.pk)
        users = User.objects.filter(Q(pk__in=sorted(active)) | members).distinct().order_by(
            "last_name", "first_name", "username", "pk")
        rows = [Row(str(user.public_id), _person_name(user), values(user.pk)) for user in users]
        if any(values(None)):
            rows.append(Row(NONE_KEY, _("Not assigned"), values(None)))
        table = self._breakdown_table("by_counsellor", _("By counsellor"), _("Counsellor"), rows, breakdown)
        table.internal_only = True
        return table

    def _breakdown_table(self, key: str, title: str, header: str, rows: list[Row],
                         breakdown: _Breakdown) -> Table:
        columns = [Column("contacts", _("Contacts")), Column("main_clients", _("Main clients")),
                   Column("new_cases", _("New cases")), Column("closed_cases", _("Closed cases"))]
        totals = [breakdown.contacts.total()[0], breakdown.main_clients, breakdown.cases.total()[0],
                  breakdown.closures.total()[0]]
        return Table(key=key, title=title, row_header=header, columns=columns, rows=rows, additive=False,
                     distinct_totals=totals, chart=False,
                     note=_("Figures of %(period)s. The total counts each main client once.") % {
                         "period": self.periods[0][1].label})


def _four(contacts: dict, main_clients: dict, new_cases: dict, closed_cases: dict):
    """The four columns of a breakdown row (team, organisation, counsellor) by its id."""
    def values(key) -> list[int]:
        return [counts.get(key, 0) for counts in (contacts, main_clients, new_cases, closed_cases)]

    return values


def _kind_table(columns: list[Column], contacts: _Groups) -> Table:
    from lotse.contacts.models import ContactKind

    rows = [Row(value, str(label), contacts.total(category_field="kind", category=value))
            for value, label in ContactKind.choices]
    return Table(key="contacts_by_kind", title=_("Contacts by type"), row_header=_("Type of contact"),
                 columns=columns, rows=rows, unit=_("contacts"))


def _persons_table(columns: list[Column], persons: dict) -> Table:
    rows = [Row("main_clients", _("Main clients"), [persons[f"main_{key}"] for key in COLUMN_KEYS]),
            Row("family_members", _("Family members"), [persons[f"family_{key}"] for key in COLUMN_KEYS])]
    return Table(key="persons_reached", title=_("Persons reached"), row_header=_("Persons"), columns=columns,
                 rows=rows, unit=_("persons"),
                 note=_("Family members: persons present at a contact who are not main clients of a contact "
                        "in the same period."))


def _cases_table(columns: list[Column], cases: _Groups, paused: list[int], closures: _Groups) -> Table:
    rows = [Row("new", _("New cases"), cases.total()),
            Row("paused", _("Cases paused"), paused),
            Row("closed", _("Cases closed"), closures.total()),
            Row("open_at_end", _("Open at the end of the period"), cases.total(prefix="o")),
            Row("case_management_at_end", _("Of these in case management"), cases.total(prefix="m"))]
    return Table(key="cases", title=_("Cases"), row_header=_("Cases"), columns=columns, rows=rows,
                 unit=_("cases"), additive=False,
                 note=_("Case management: the phase on the last day of the period."))
