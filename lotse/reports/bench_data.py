"""The casework the report benchmark counts: counsellors, cases, contacts and everything around them.

Built on the people benchmark's population (organisations ``BENCH Träger …``, teams ``BENCH Team …``, persons
with file numbers ``B-…``) and generated once per database, then reused: every step looks for its own rows
first (markers: users ``bench-c-…``/``bench-orgadmin``, offerings ``BENCH MBE``/``BENCH JMD``, partners
``BENCH Partner …``, and rows hanging off bench cases) and only adds what is missing.

At national scale (PostgreSQL) everything is set-based SQL — ``INSERT … SELECT`` over the persons with
``generate_series`` and ``random()`` after ``setseed`` — so 1,000,000 cases and 5,000,000 contacts take minutes;
contacts are inserted month by month in time order, as a live installation would have written them. On SQLite
(``small`` scale, tests) the same distributions are drawn in Python and written with ``bulk_create``.

What one person gets (both generators):

* one case (MBE; JMD for 80 % of the 12–27-year-olds where the organisation offers JMD), requested between
  January 2024 and mid-November 2026, opened within two weeks (about 1 % still waiting), about 40 % closed with
  a :class:`~lotse.cases.models.Closure` (reason, indicators), phase changes clearing → counselling, for 25 %
  case management (assessment → planning → monitoring, evaluation before closing), 8 % paused (half resumed);
* on average five contacts dated within the case's open span (a few exactly at local midnight, so that month
  boundaries are exercised), author = case owner, kind, outcome, 0–3 topics of the MBE catalogue;
* for 15 % of the cases one or two co-counselled family members (the next persons of the same team), present
  at 40 % of their case's contacts;
* entry date, one or two nationalities, residence statuses (a later one replacing the first for a third of
  the persons, some expired), life situations (a second record superseding the first for some), eligibility
  checks (some overridden, some with an earlier check), referrals with outcomes for 30 % of the cases, plans
  with goals and goal agreements for the case-management cases.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from math import gcd
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Q

SCALES = {"small": 20_000, "national": 1_000_000}
LARGE_COUNSELLORS_PER_TEAM = 5
# 1,200 counsellors over the 1,368 teams outside the first organisation at national scale.
OTHER_COUNSELLORS_PER_TEAM = 1200 / 1368
COUNSELLOR_PREFIX = "bench-c-"
ORGADMIN = "bench-orgadmin"
MBE_OFFERING = "BENCH MBE"
JMD_OFFERING = "BENCH JMD"
PARTNER_PREFIX = "BENCH Partner "
PARTNERS_PER_ORGANISATION = 4
FILE_PREFIX = "B-"
FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2026, 11, 20)  # the day before the benchmark's "today"
REQUEST_DAYS = 1050  # requests from 2024-01-01 to 2026-11-15
SEED = 0.20261121
ZONE = "Europe/Berlin"

# Weighted choices, shared by the SQL and the Python generator.
CLOSURE_REASONS = [("goals_reached", 35), ("ended_by_client", 15), ("counsellor_protection", 1),
                   ("moved_away", 15), ("no_cooperation", 10), ("handed_over", 14), ("time_limit", 10)]
CONTACT_KINDS = [("office_hour", 25), ("appointment", 35), ("home_visit", 6), ("phone", 18), ("email", 6),
                 ("video", 2), ("messenger", 4), ("accompaniment", 3), ("group", 1)]
CONTACT_OUTCOMES = [("took_place", 92), ("not_reached", 5), ("declined", 3)]
NATIONALITIES = [("475", 18), ("423", 10), ("166", 12), ("163", 10), ("438", 6), ("154", 6), ("152", 5),
                 ("224", 3), ("160", 3), ("439", 3), ("125", 3), ("273", 2), ("232", 2), ("150", 2), ("170", 2),
                 ("137", 2), ("134", 1), ("130", 1), ("432", 1), ("436", 2), ("121", 1), ("430", 1), ("461", 1),
                 ("252", 1), ("479", 1), ("327", 1), ("368", 1), ("997", 1), ("998", 1), ("999", 1)]
FIRST_STATUSES = [("aufenthaltsgestattung", 20), ("duldung", 8), ("aufenthaltserlaubnis", 25),
                  ("vorubergehender_schutz", 12), ("niederlassungserlaubnis", 8), ("unionsbuerger", 12),
                  ("spaetaussiedler", 4), ("blaue_karte", 2), ("daueraufenthalt_eu", 3),
                  ("chancen_aufenthaltsrecht", 2), ("ausbildungsduldung", 1), ("ohne_status", 1), ("deutsch", 2)]
LATER_STATUSES = [("aufenthaltserlaubnis", 50), ("niederlassungserlaubnis", 30), ("deutsch", 5), ("duldung", 15)]
PERMANENT_STATUSES = {"niederlassungserlaubnis", "unionsbuerger", "spaetaussiedler", "daueraufenthalt_eu",
                      "deutsch"}
REFERRAL_STATES = [  # (status, outcome, weight)
    ("withdrawn", "", 4), ("sent", "", 10), ("accepted", "", 5), ("appointment", "", 5),
    ("outcome", "took_place", 30), ("closed", "completed", 25), ("closed", "no_show", 12),
    ("closed", "rejected", 9)]
GOAL_STATUSES_OPEN = [("open", 40), ("in_progress", 50), ("reached", 10)]
GOAL_STATUSES_CLOSED = [("reached", 45), ("partly_reached", 20), ("not_reached", 20), ("discarded", 15)]
ELIGIBILITY = [("met", 85), ("unclear", 8), ("not_met", 7)]
PARTNER_TYPES = ["job_centre", "course_provider", "foreigners_authority", "debt_counselling"]
INDICATOR_VALUES = [("yes", 45), ("partly", 20), ("no", 20), ("n/a", 15)]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cumulative(weights):
    total = sum(weight for *_, weight in weights)
    running, result = 0.0, []
    for *value, weight in weights:
        running += weight / total
        result.append((value[0] if len(value) == 1 else tuple(value), running))
    return result


def _pick_at(draw: float, weights):
    cumulative = _cumulative(weights)
    for value, bound in cumulative:
        if draw < bound:
            return value
    return cumulative[-1][0]


def _pick(rng: random.Random, weights):
    return _pick_at(rng.random(), weights)


def _sql_pick(weights, draw: str, literal=None) -> str:
    """A CASE expression choosing from weighted values by the uniform draw ``draw`` (values are constants)."""
    literal = literal or (lambda value: "'" + str(value).replace("'", "''") + "'")
    cumulative = _cumulative(weights)
    parts = [f"WHEN {draw} < {bound:.6f} THEN {literal(value)}" for value, bound in cumulative[:-1]]
    return f"(CASE {' '.join(parts)} ELSE {literal(cumulative[-1][0])} END)"


def _sql_array(values) -> str:
    return "ARRAY[" + ", ".join("'" + value + "'" for value in values) + "]"


@dataclass
class ReportDataset:
    organisation: object
    orgadmin: object
    persons: int
    counsellors: int
    org_counsellors: int
    contacts: int


def _total(scale) -> int:
    return scale if isinstance(scale, int) else SCALES.get(scale, SCALES["small"])


def ensure_report_dataset(scale) -> ReportDataset:
    """Make sure the report benchmark's data exist at this scale (``small``, ``national`` or a number of
    persons); returns the first organisation (the 300-counsellor provider) and its administrator."""
    from lotse.contacts.models import Contact
    from lotse.people import bench as people_bench
    from lotse.people.models import Person

    total = _total(scale)
    teams, _ = people_bench._ensure_structure(total)
    if Person.objects.filter(file_number__startswith=FILE_PREFIX).count() < total:
        people_bench._generate(total, teams)
    started = time.perf_counter()
    orgadmin, counsellors, org_counsellors = _ensure_staff(teams)
    offerings = _ensure_offerings(teams)
    _ensure_partners(teams)
    generator = _SqlGenerator if connection.vendor == "postgresql" else _OrmGenerator
    generator(teams=teams, offerings=offerings, total=total).run()
    _log(f"report dataset ready ({time.perf_counter() - started:.0f} s)")
    contacts = Contact.objects.filter(case__offering__name__in=[MBE_OFFERING, JMD_OFFERING]).count()
    return ReportDataset(organisation=teams[0].organisation, orgadmin=orgadmin, persons=total,
                         counsellors=counsellors, org_counsellors=org_counsellors, contacts=contacts)


def _large_and_other(teams):
    first = teams[0].organisation_id
    return [t for t in teams if t.organisation_id == first], [t for t in teams if t.organisation_id != first]


def _ensure_staff(teams):
    """Counsellors: five per team in the first organisation, about one per team elsewhere (1,500 at national
    scale), each a counsellor of one team; one organisation administrator of the first organisation."""
    from lotse.accounts.models import User
    from lotse.organisations.models import Membership, Role

    large, other = _large_and_other(teams)
    placement = [team for team in large for _ in range(LARGE_COUNSELLORS_PER_TEAM)]
    wanted_other = round(len(other) * OTHER_COUNSELLORS_PER_TEAM)
    placement += [other[index * len(other) // wanted_other] for index in range(wanted_other)]
    existing = set(User.objects.filter(username__startswith=COUNSELLOR_PREFIX).values_list("username", flat=True))
    missing = [(index, team) for index, team in enumerate(placement)
               if f"{COUNSELLOR_PREFIX}{index:04d}" not in existing]
    with transaction.atomic():
        if missing:
            _log(f"creating {len(missing)} counsellors ...")
            users = User.objects.bulk_create(
                User(username=f"{COUNSELLOR_PREFIX}{index:04d}", first_name="Bench", last_name=f"Berater {index:04d}",
                     password="!bench", language="de") for index, _ in missing)
            Membership.objects.bulk_create(
                Membership(user=user, organisation_id=team.organisation_id, team=team, role=Role.COUNSELLOR)
                for user, (_, team) in zip(users, missing))
        orgadmin, _ = User.objects.get_or_create(username=ORGADMIN, defaults={
            "first_name": "Bench", "last_name": "Organisationsadmin", "password": "!bench"})
        Membership.objects.get_or_create(user=orgadmin, organisation_id=teams[0].organisation_id, team=None,
                                         role=Role.ORG_ADMIN)
    org_counsellors = (Membership.objects.filter(organisation_id=teams[0].organisation_id, role=Role.COUNSELLOR,
                                                 user__username__startswith=COUNSELLOR_PREFIX)
                       .values("user_id").distinct().count())
    return orgadmin, len(placement), org_counsellors


def _ensure_offerings(teams) -> dict[int, dict[str, int]]:
    """One MBE offering per organisation, JMD in every third one (the first included); linked to its teams."""
    from lotse.organisations.models import ProgrammeOffering, Team

    organisation_ids = sorted({team.organisation_id for team in teams})
    offerings: dict[int, dict[str, int]] = {}
    with transaction.atomic():
        existing = {(o.organisation_id, o.programme): o.pk for o in
                    ProgrammeOffering.objects.filter(organisation_id__in=organisation_ids,
                                                     name__in=[MBE_OFFERING, JMD_OFFERING])}
        new = []
        for index, organisation_id in enumerate(organisation_ids):
            wanted = [("mbe", MBE_OFFERING)] + ([("jmd", JMD_OFFERING)] if index % 3 == 0 else [])
            new += [ProgrammeOffering(organisation_id=organisation_id, programme=programme, name=name)
                    for programme, name in wanted if (organisation_id, programme) not in existing]
        for offering in ProgrammeOffering.objects.bulk_create(new):
            existing[(offering.organisation_id, offering.programme)] = offering.pk
        for (organisation_id, programme), pk in existing.items():
            offerings.setdefault(organisation_id, {})[programme] = pk
        through = Team.offerings.through
        linked = set(through.objects.filter(team_id__in=[t.pk for t in teams])
                     .values_list("team_id", "programmeoffering_id"))
        through.objects.bulk_create(
            [through(team_id=team.pk, programmeoffering_id=pk) for team in teams
             for pk in offerings[team.organisation_id].values() if (team.pk, pk) not in linked], batch_size=5000)
    return offerings


def _ensure_partners(teams) -> None:
    from lotse.network.models import Partner

    organisation_ids = sorted({team.organisation_id for team in teams})
    have = set(Partner.objects.filter(name__startswith=PARTNER_PREFIX).values_list("organisation_id", flat=True))
    Partner.objects.bulk_create(
        [Partner(organisation_id=organisation_id, name=f"{PARTNER_PREFIX}{kind}", partner_type=kind)
         for organisation_id in organisation_ids if organisation_id not in have for kind in PARTNER_TYPES],
        batch_size=5000)


def _owner_pools(teams) -> dict[int, list[int]]:
    """Who owns a team's cases: its own counsellors, else the organisation's (teams without a counsellor)."""
    from lotse.organisations.models import Membership, Role

    by_team: dict[int, list[int]] = {}
    by_organisation: dict[int, list[int]] = {}
    for user_id, team_id, organisation_id in (
            Membership.objects.filter(user__username__startswith=COUNSELLOR_PREFIX, role=Role.COUNSELLOR)
            .order_by("user__username").values_list("user_id", "team_id", "organisation_id")):
        by_team.setdefault(team_id, []).append(user_id)
        by_organisation.setdefault(organisation_id, []).append(user_id)
    return {team.pk: by_team.get(team.pk) or by_organisation.get(team.organisation_id) or [] for team in teams}


def _lookups():
    from lotse.codelists.models import Code
    from lotse.intake.models import Topic
    from lotse.network.models import Partner
    from lotse.people.models import ResidenceStatusType

    nationality = dict(Code.objects.filter(code_list__slug="nationality").values_list("code", "pk"))
    statuses = dict(ResidenceStatusType.objects.values_list("code", "pk"))
    topics = list(Topic.objects.filter(programme="mbe", organisation__isnull=True, is_active=True)
                  .order_by("sort_order", "label").values_list("pk", flat=True))
    partners: dict[int, list[int]] = {}
    for pk, organisation_id in (Partner.objects.filter(name__startswith=PARTNER_PREFIX)
                                .order_by("organisation_id", "name").values_list("pk", "organisation_id")):
        partners.setdefault(organisation_id, []).append(pk)
    return {
        "nationalities": [(nationality[code], weight) for code, weight in NATIONALITIES if code in nationality],
        "first_statuses": [(statuses[code], weight) for code, weight in FIRST_STATUSES if code in statuses],
        "later_statuses": [(statuses[code], weight) for code, weight in LATER_STATUSES if code in statuses],
        "permanent": {statuses[code] for code in PERMANENT_STATUSES if code in statuses},
        "topics": topics, "partners": partners,
    }


def _choices(model_choices) -> list[str]:
    return [value for value, _ in model_choices]


def _life_situation_fields():
    from lotse.people.models import (
        Accommodation,
        Education,
        IntegrationCourse,
        LabourMarket,
        Livelihood,
        Participation,
    )

    return {"accommodation": _choices(Accommodation.choices), "livelihood": _choices(Livelihood.choices),
            "labour_market": _choices(LabourMarket.choices), "education": _choices(Education.choices),
            "integration_course": _choices(IntegrationCourse.choices),
            "participation": _choices(Participation.choices)}


def _goal_choices():
    from lotse.planning.models import GoalCategory, LifeDomain

    return _choices(LifeDomain.choices), _choices(GoalCategory.choices)


PHASE_SHARES = {"counselling": 0.05, "assessment": 0.2, "planning": 0.3, "monitoring": 0.45, "paused": 0.6,
                "resumed": 0.7, "evaluation": 0.85}
INDICATORS = ["residence_secured", "plan_implemented", "goals_reached", "fewer_problem_areas",
              "livelihood_by_work", "course_completed"]


# --------------------------------------------------------------------------------------------------------------
# PostgreSQL: set-based SQL
# --------------------------------------------------------------------------------------------------------------

def insert_select_sql(model, values: dict[str, str], source: str, with_: str = "") -> tuple[str, list]:
    """``INSERT INTO model (…) [WITH …] SELECT … <source>``: the columns not given take the field's default
    (``now()`` for auto timestamps, ``gen_random_uuid()`` for uuid4 defaults, NULL where nullable), so a
    field another area adds later does not break the generator."""
    columns, expressions, default_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in values:
            expression = values[field.column]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expression = "now()"
        elif field.default is uuid.uuid4:
            expression = "gen_random_uuid()"
        elif field.null:
            continue
        elif field.has_default() or field.empty_strings_allowed:
            expression = "%s"
            default_params.append(field.get_db_prep_save(field.get_default(), connection))
        else:
            raise RuntimeError(f"{model._meta.label}.{field.name} needs a value in the benchmark generator")
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
    sql = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
           f"{with_} SELECT {', '.join(expressions)} {source}")
    return sql, default_params


class _SqlGenerator:
    def __init__(self, *, teams, offerings, total):
        self.teams, self.offerings, self.total = teams, offerings, total
        self.lookups = _lookups()
        self.pools = _owner_pools(teams)

    def run(self) -> None:
        from lotse.cases.models import Case, CaseMember
        from lotse.contacts.models import Contact
        from lotse.intake.models import EligibilityCheck
        from lotse.people.models import LifeSituation, Person, ResidenceStatus
        from lotse.planning.models import Plan
        from lotse.referrals.models import Referral

        bench_persons = Person.objects.filter(file_number__startswith=FILE_PREFIX)
        bench_cases = Case.objects.filter(offering__name__in=[MBE_OFFERING, JMD_OFFERING])
        steps = [
            ("person details", lambda: Person.nationalities.through.objects.filter(
                person__file_number__startswith=FILE_PREFIX).exists(), self.person_details),
            ("cases and phase changes", lambda: bench_cases.exists(), self.cases),
            ("closures and eligibility checks", lambda: EligibilityCheck.objects.filter(
                person__in=bench_persons).exists(), self.closures_and_checks),
            ("co-counselled members", lambda: CaseMember.objects.filter(case__in=bench_cases).exists(),
             self.members),
            ("residence statuses", lambda: ResidenceStatus.objects.filter(person__in=bench_persons).exists(),
             self.residence),
            ("life situations", lambda: LifeSituation.objects.filter(person__in=bench_persons).exists(),
             self.life_situations),
            ("referrals", lambda: Referral.objects.filter(case__in=bench_cases).exists(), self.referrals),
            ("plans and goals", lambda: Plan.objects.filter(case__in=bench_cases).exists(), self.plans),
            ("contacts", lambda: Contact.objects.filter(case__in=bench_cases).exists(), self.contacts),
        ]
        work_done = False
        with connection.cursor() as cursor:
            cursor.execute("SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'; "
                           "SET synchronous_commit = off")
        try:
            for name, done, step in steps:
                if done():
                    continue
                work_done = True
                _log(f"generating {name} ...")
                started = time.perf_counter()
                # One transaction per step, so that a step is either there or not (the markers above);
                # foreign keys checked per statement instead of queueing millions of checks to the commit.
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SELECT setseed(%s)", [SEED])
                    step()
                _log(f"  {name} done ({time.perf_counter() - started:.0f} s)")
            if work_done:
                # VACUUM sets the visibility map, without which index-only scans still visit the table (as on
                # a live installation after autovacuum); it cannot run inside a transaction (tests).
                vacuum = not connection.in_atomic_block
                _log("vacuuming and analyzing ..." if vacuum else "analyzing ...")
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET work_mem; RESET maintenance_work_mem; RESET synchronous_commit")

    # -- helpers --------------------------------------------------------------------------------------------
    @classmethod
    def _insert(cls, model, values: dict[str, str], source: str, params=(), with_: str = "",
                with_params=()) -> int:
        sql, defaults = insert_select_sql(model, values, source, with_)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*with_params, *defaults, *params])
            return cursor.rowcount

    @staticmethod
    def _execute(sql: str, params=None) -> None:
        """``params`` None: a script of several statements goes through as one simple query (a prepared
        statement, as with server-side binding, holds only one)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _bench_cases_table(self) -> None:
        """Temp table of the bench cases with what later steps need (rebuilt from the database, so a step
        can run in a later session)."""
        self._execute("DROP TABLE IF EXISTS bench_cases")
        self._execute(f"""
            CREATE TEMP TABLE bench_cases AS
            SELECT c.id AS case_id, c.person_id, c.team_id, t.organisation_id, c.owner_id, c.status,
                   c.requested_on, c.opened_on, c.closed_on, coalesce(c.closed_on, DATE '{LAST_DAY}') AS end_on,
                   coalesce(c.closed_on, DATE '{LAST_DAY}') - c.opened_on AS span,
                   EXISTS (SELECT 1 FROM cases_phasechange pc WHERE pc.case_id = c.id
                           AND pc.to_phase = 'assessment') AS cm,
                   (SELECT min(pc.changed_on) FROM cases_phasechange pc WHERE pc.case_id = c.id
                    AND pc.to_phase = 'planning') AS planning_on,
                   o.programme
            FROM cases_case c JOIN organisations_programmeoffering o ON o.id = c.offering_id
            JOIN organisations_team t ON t.id = c.team_id
            WHERE o.name IN ('{MBE_OFFERING}', '{JMD_OFFERING}')""")
        self._execute("CREATE INDEX ON bench_cases (case_id); ANALYZE bench_cases")

    # -- steps ----------------------------------------------------------------------------------------------
    def person_details(self) -> None:
        from lotse.people.models import Person

        self._execute("""
            UPDATE people_person p SET
                entry_date = CASE WHEN s.r1 < 0.05 THEN NULL
                                  WHEN s.r2 < 0.25 THEN date_trunc('month', s.entry)::date ELSE s.entry END,
                entry_date_precision = CASE WHEN s.r1 < 0.05 THEN 'unknown' WHEN s.r2 < 0.25 THEN 'month'
                                            ELSE 'exact' END
            FROM (SELECT d.id, d.r1, d.r2, greatest(coalesce(d.birth_date, DATE '2000-01-01'),
                         DATE '2000-01-01' + floor(sqrt(d.r3) * 9600)::int) AS entry
                  FROM (SELECT id, birth_date, random() r1, random() r2, random() r3 FROM people_person
                        WHERE file_number LIKE %s ORDER BY id) d) s
            WHERE p.id = s.id""", [FILE_PREFIX + "%"])
        first = _sql_pick(self.lookups["nationalities"], "d.r1", literal=str)
        second = _sql_pick(self.lookups["nationalities"], "d.r3", literal=str)
        n = self._insert(Person.nationalities.through, {"person_id": "x.person_id", "code_id": "x.code_id"}, f"""
            FROM (SELECT DISTINCT d.id AS person_id, v.code_id
                  FROM (SELECT id, random() r1, random() r2, random() r3 FROM people_person
                        WHERE file_number LIKE %s ORDER BY id) d
                  CROSS JOIN LATERAL (VALUES ({first}, true), ({second}, d.r2 < 0.1)) v(code_id, wanted)
                  WHERE v.wanted) x
            ORDER BY x.person_id, x.code_id""", [FILE_PREFIX + "%"])
        _log(f"  {n} nationalities")

    def cases(self) -> None:
        """Cases from a temp plan (one row of draws per person), then their phase changes from the same plan."""
        from lotse.cases.models import Case, PhaseChange

        self._execute("DROP TABLE IF EXISTS bench_pool; "
                      "CREATE TEMP TABLE bench_pool (team_id bigint, k int, n int, user_id bigint)")
        rows = [(team_id, k, len(pool), user_id) for team_id, pool in self.pools.items()
                for k, user_id in enumerate(pool)]
        with connection.cursor() as cursor:
            if rows:
                cursor.executemany("INSERT INTO bench_pool VALUES (%s, %s, %s, %s)", rows)
            cursor.execute("DROP TABLE IF EXISTS bench_offer; "
                           "CREATE TEMP TABLE bench_offer (organisation_id bigint, mbe bigint, jmd bigint)")
            cursor.executemany("INSERT INTO bench_offer VALUES (%s, %s, %s)",
                               [(org, ids["mbe"], ids.get("jmd")) for org, ids in self.offerings.items()])
        self._execute("DROP TABLE IF EXISTS bench_plan")
        self._execute(f"""
            CREATE TEMP TABLE bench_plan AS
            WITH base AS (
                SELECT p.id AS person_id, p.team_id, p.organisation_id, p.birth_date,
                       row_number() OVER (PARTITION BY p.team_id ORDER BY p.id) - 1 AS team_rank
                FROM people_person p
                WHERE p.file_number LIKE %s
                  AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.person_id = p.id)
            ), drawn AS (
                SELECT b.*, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
                       random() r7, random() r8, random() r9, random() r10
                FROM (SELECT * FROM base ORDER BY person_id) b
            ), requested AS (
                SELECT d.*, DATE '{FIRST_DAY}' + floor(d.r1 * {REQUEST_DAYS})::int AS requested_on FROM drawn d
            ), waiting AS (
                SELECT r.*, (r.requested_on >= DATE '2026-09-01' AND r.r2 < 0.15) AS waiting FROM requested r
            ), opened AS (
                SELECT w.*, CASE WHEN NOT w.waiting
                    THEN least(w.requested_on + floor(w.r3 * 15)::int, DATE '{LAST_DAY}') END AS opened_on
                FROM waiting w
            ), closed AS (
                SELECT o.*, CASE WHEN NOT o.waiting AND o.opened_on < DATE '{LAST_DAY}' - 10
                    AND o.r4 < 0.1 + 0.6 * (DATE '{LAST_DAY}' - o.opened_on) / {REQUEST_DAYS}.0
                    THEN o.opened_on + 1 + floor(o.r5 * (DATE '{LAST_DAY}' - o.opened_on))::int END AS closed_on
                FROM opened o
            )
            SELECT c.person_id, c.team_id, c.organisation_id, c.requested_on, c.opened_on, c.closed_on,
                   c.waiting,
                   coalesce(c.closed_on, DATE '{LAST_DAY}') - c.opened_on AS span,
                   NOT c.waiting AND c.r6 < 0.25 AS cm,
                   NOT c.waiting AND c.r7 < 0.08 AS paused,
                   NOT c.waiting AND c.r7 < 0.04 AS resumed,
                   CASE WHEN f.jmd IS NOT NULL AND c.r8 < 0.8 AND c.birth_date IS NOT NULL
                        AND date_part('year', age(c.requested_on, c.birth_date)) BETWEEN 12 AND 27
                        THEN f.jmd ELSE f.mbe END AS offering_id,
                   CASE WHEN c.r9 < 0.03 THEN NULL ELSE pool.user_id END AS owner_id,
                   CASE WHEN c.r10 < 0.02 THEN 2 WHEN c.r10 < 0.12 THEN 1 ELSE 0 END AS priority
            FROM closed c
            JOIN bench_offer f ON f.organisation_id = c.organisation_id
            LEFT JOIN (SELECT DISTINCT team_id, n FROM bench_pool) size ON size.team_id = c.team_id
            LEFT JOIN bench_pool pool ON pool.team_id = c.team_id AND pool.k = c.team_rank %% size.n
            ORDER BY c.person_id""", [FILE_PREFIX + "%"])
        at = {name: f"s.opened_on + floor(s.span * {share})::int" for name, share in PHASE_SHARES.items()}
        phase = ("CASE WHEN s.closed_on IS NOT NULL THEN 'closed' WHEN s.waiting THEN 'clearing' "
                 "WHEN s.paused AND NOT s.resumed THEN 'paused' WHEN s.cm THEN 'monitoring' ELSE 'counselling' END")
        phase_since = (f"CASE WHEN s.closed_on IS NOT NULL THEN s.closed_on WHEN s.waiting THEN NULL "
                       f"WHEN s.paused AND NOT s.resumed THEN {at['paused']} WHEN s.paused THEN {at['resumed']} "
                       f"WHEN s.cm THEN {at['monitoring']} ELSE {at['counselling']} END")
        n = self._insert(Case, {
            "person_id": "s.person_id", "team_id": "s.team_id", "offering_id": "s.offering_id",
            "status": "CASE WHEN s.waiting THEN 'waiting' WHEN s.closed_on IS NOT NULL THEN 'closed' ELSE 'open' END",
            "phase": phase, "phase_since": phase_since, "priority": "s.priority", "owner_id": "s.owner_id",
            "requested_on": "s.requested_on", "opened_on": "s.opened_on", "closed_on": "s.closed_on",
            "time_limit_on": "s.opened_on + 1095", "created_by_id": "s.owner_id",
            "created_at": f"(s.requested_on + time '09:00') AT TIME ZONE '{ZONE}'",
            "updated_at": f"(coalesce(s.closed_on, s.opened_on, s.requested_on) + time '17:00') AT TIME ZONE '{ZONE}'",
        }, "FROM bench_plan s ORDER BY s.person_id")
        _log(f"  {n} cases")
        self._execute("ALTER TABLE bench_plan ADD COLUMN case_id bigint")
        self._execute("UPDATE bench_plan s SET case_id = c.id FROM cases_case c "
                      "WHERE c.person_id = s.person_id AND c.offering_id = s.offering_id")
        at = {name: expression.replace("s.", "") for name, expression in at.items()}
        changes = " UNION ALL ".join(
            f"SELECT case_id, owner_id, {seq} AS seq, '{to}' AS to_phase, {on} AS changed_on FROM bench_plan "
            f"WHERE {where}" for seq, to, on, where in [
                (1, "clearing", "opened_on", "NOT waiting"),
                (2, "counselling", at["counselling"], "NOT waiting"),
                (3, "assessment", at["assessment"], "cm"),
                (4, "planning", at["planning"], "cm"),
                (5, "monitoring", at["monitoring"], "cm"),
                (6, "paused", at["paused"], "paused"),
                (7, "monitoring", at["resumed"], "resumed AND cm"),
                (7, "counselling", at["resumed"], "resumed AND NOT cm"),
                (8, "evaluation", at["evaluation"], "cm AND closed_on IS NOT NULL"),
                (9, "closed", "closed_on", "closed_on IS NOT NULL")])
        n = self._insert(PhaseChange, {
            "case_id": "x.case_id", "from_phase": "x.from_phase", "to_phase": "x.to_phase",
            "changed_on": "x.changed_on", "changed_by_id": "x.owner_id",
            "created_at": f"(x.changed_on + time '10:00') AT TIME ZONE '{ZONE}'"},
            f"FROM (SELECT u.*, coalesce(lag(u.to_phase) OVER (PARTITION BY u.case_id ORDER BY u.seq), '') "
            f"AS from_phase FROM ({changes}) u) x ORDER BY x.case_id, x.seq")
        _log(f"  {n} phase changes")

    def closures_and_checks(self) -> None:
        from lotse.cases.models import Closure
        from lotse.intake.models import EligibilityCheck

        self._bench_cases_table()
        reason = _sql_pick(CLOSURE_REASONS, "d.r1")
        indicators = ", ".join(f"'{code}', {_sql_pick(INDICATOR_VALUES, f'd.i{index}')}"
                               for index, code in enumerate(INDICATORS))
        draws = ", ".join(f"random() i{index}" for index in range(len(INDICATORS)))
        n = self._insert(Closure, {
            "case_id": "d.case_id", "closed_on": "d.closed_on", "reason": reason,
            "indicators": f"CASE WHEN d.r2 < 0.2 THEN '{{}}'::jsonb ELSE jsonb_build_object({indicators}) END",
            "closed_by_id": "d.owner_id", "created_at": f"(d.closed_on + time '16:00') AT TIME ZONE '{ZONE}'"},
            f"FROM (SELECT c.*, random() r1, random() r2, {draws} FROM bench_cases c "
            f"WHERE c.closed_on IS NOT NULL ORDER BY c.case_id) d ORDER BY d.closed_on, d.case_id")
        _log(f"  {n} closures")
        # An earlier check that was not met for 10 %; the check at the request: met / unclear / not met,
        # half of the not-met ones overridden to "met" with a reason.
        result = _sql_pick(ELIGIBILITY, "d.r1")
        overridden = "(v.seq = 2 AND v.res <> 'met' AND d.r2 < 0.5)"
        n = self._insert(EligibilityCheck, {
            "person_id": "d.person_id", "programme": "d.programme", "evaluated_on": "v.evaluated_on",
            "result": "v.res", "override": overridden,
            "override_result": f"CASE WHEN {overridden} THEN 'met' ELSE '' END",
            "override_reason": f"CASE WHEN {overridden} THEN 'Konkrete Krisensituation' ELSE '' END",
            "overridden_by_id": f"CASE WHEN {overridden} THEN d.owner_id END",
            "overridden_at": f"CASE WHEN {overridden} THEN (v.evaluated_on + time '12:00') AT TIME ZONE '{ZONE}' END",
            "checked_by_id": "d.owner_id",
            "created_at": f"(v.evaluated_on + time '11:00') AT TIME ZONE '{ZONE}'"}, f"""
            FROM (SELECT c.*, random() r1, random() r2, random() r3 FROM bench_cases c ORDER BY c.case_id) d
            CROSS JOIN LATERAL (VALUES (1, d.requested_on - 30, 'not_met', d.r3 < 0.1),
                                       (2, d.requested_on, {result}, true)) AS v(seq, evaluated_on, res, wanted)
            WHERE v.wanted ORDER BY d.case_id, v.seq""")
        _log(f"  {n} eligibility checks")

    def members(self) -> None:
        from lotse.cases.models import CaseMember

        self._bench_cases_table()
        n = self._insert(CaseMember, {
            "case_id": "m.case_id", "person_id": "m.member_id",
            "since": "m.opened_on + floor(m.span * m.r2 * 0.3)::int",
            "until": "CASE WHEN m.r3 < 0.2 THEN m.opened_on + floor(m.span * (0.5 + m.r2 * 0.3))::int END",
            "created_at": f"(m.opened_on + time '12:00') AT TIME ZONE '{ZONE}'"}, """
            FROM (SELECT x.*, v.member_id, random() r2, random() r3 FROM (
                    SELECT c.*, random() r1,
                           lead(c.person_id, 1) OVER (PARTITION BY c.team_id ORDER BY c.person_id) AS next1,
                           lead(c.person_id, 2) OVER (PARTITION BY c.team_id ORDER BY c.person_id) AS next2
                    FROM bench_cases c) x
                  CROSS JOIN LATERAL (VALUES (x.next1, x.r1 < 0.15), (x.next2, x.r1 < 0.045)) v(member_id, wanted)
                  WHERE v.wanted AND v.member_id IS NOT NULL AND x.opened_on IS NOT NULL
                  ORDER BY x.case_id, v.member_id) m""")
        _log(f"  {n} co-counselled members")

    def residence(self) -> None:
        """The first status from the entry date; for a third a later one replacing it (the first then ends the
        day before); temporary statuses run out (some before the period ends), permanent ones do not."""
        from lotse.people.models import ResidenceStatus

        first = _sql_pick(self.lookups["first_statuses"], "d.r1", literal=str)
        later = _sql_pick(self.lookups["later_statuses"], "d.r2", literal=str)
        permanent = ", ".join(str(pk) for pk in self.lookups["permanent"]) or "0"
        n = self._insert(ResidenceStatus, {
            "person_id": "s.person_id", "status_type_id": "s.type_id", "valid_from": "s.valid_from",
            "valid_until": "s.valid_until",
            "paragraph": "CASE WHEN s.type_id IN (SELECT id FROM people_residencestatustype WHERE needs_paragraph) "
                         "THEN '§ 25 Abs. 2 AufenthG' ELSE '' END",
            "created_at": f"(s.valid_from + time '09:00') AT TIME ZONE '{ZONE}'"}, f"""
            FROM (
                SELECT d.id AS person_id, d.first_type AS type_id, d.from1 AS valid_from,
                       CASE WHEN d.second THEN d.from2 - 1 WHEN d.first_type IN ({permanent}) THEN NULL
                            ELSE d.from1 + 180 + floor(d.r4 * 900)::int END AS valid_until, 1 AS seq
                FROM d
                UNION ALL
                SELECT d.id, d.later_type, d.from2,
                       CASE WHEN d.later_type IN ({permanent}) THEN NULL
                            ELSE d.from2 + 365 + floor(d.r4 * 1100)::int END, 2
                FROM d WHERE d.second
            ) s ORDER BY s.person_id, s.seq""", with_=f"""
            WITH d AS MATERIALIZED (
                SELECT e.*, {first.replace('d.', 'e.')} AS first_type, {later.replace('d.', 'e.')} AS later_type,
                       e.from1 + 30 + floor(e.r3 * greatest(DATE '2026-11-01' - e.from1 - 30, 1))::int AS from2,
                       (e.r6 < 0.33 AND e.from1 < DATE '2026-10-01') AS second
                FROM (SELECT p.id, coalesce(p.entry_date, DATE '2015-01-01') AS from1, random() r1, random() r2,
                             random() r3, random() r4, random() r5, random() r6
                      FROM people_person p WHERE p.file_number LIKE %s ORDER BY p.id) e
                WHERE e.r5 >= 0.08)""", with_params=[FILE_PREFIX + "%"])
        _log(f"  {n} residence statuses")

    def life_situations(self) -> None:
        """For 65 % of the persons a record at the start of the case; for 40 % of those a later one that
        supersedes it."""
        from lotse.people.models import LifeSituation

        self._bench_cases_table()
        fields = _life_situation_fields()
        values = {field: (f"CASE WHEN s.b_{field} < 0.1 THEN '' ELSE ({_sql_array(options)})"
                          f"[1 + floor(s.c_{field} * {len(options)})::int] END")
                  for field, options in fields.items()}
        draws = ", ".join(f"random() b_{field}, random() c_{field}" for field in fields)
        n = self._insert(LifeSituation, {
            "person_id": "s.person_id", "recorded_on": "s.recorded_on", "superseded_on": "s.superseded_on",
            **values, "recorded_by_id": "s.owner_id",
            "created_at": f"(s.recorded_on + time '13:00') AT TIME ZONE '{ZONE}'"}, f"""
            FROM (SELECT v.*, {draws} FROM (
                    SELECT d.person_id, d.owner_id, d.first_on AS recorded_on,
                           CASE WHEN d.second THEN d.second_on END AS superseded_on, 1 AS seq
                    FROM d
                    UNION ALL
                    SELECT d.person_id, d.owner_id, d.second_on, NULL, 2 FROM d WHERE d.second
                  ) v ORDER BY v.person_id, v.seq) s""", with_=f"""
            WITH d AS MATERIALIZED (
                SELECT e.*, e.first_on + 1 + floor(e.r2 * (DATE '{LAST_DAY}' - e.first_on))::int AS second_on,
                       (e.r3 < 0.4 AND e.first_on < DATE '{LAST_DAY}') AS second
                FROM (SELECT c.person_id, c.owner_id, coalesce(c.opened_on, c.requested_on) AS first_on,
                             random() r1, random() r2, random() r3
                      FROM bench_cases c ORDER BY c.case_id) e WHERE e.r1 < 0.65)""")
        _log(f"  {n} life situations")

    def referrals(self) -> None:
        from lotse.referrals.models import Referral

        self._bench_cases_table()
        self._execute("DROP TABLE IF EXISTS bench_partner; "
                      "CREATE TEMP TABLE bench_partner (organisation_id bigint, k int, partner_id bigint)")
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_partner VALUES (%s, %s, %s)",
                               [(org, k, pk) for org, pks in self.lookups["partners"].items()
                                for k, pk in enumerate(pks)])
        status = _sql_pick([(s, w) for s, _, w in REFERRAL_STATES], "d.r2")
        outcome = _sql_pick([(o, w) for _, o, w in REFERRAL_STATES], "d.r2")
        n = self._insert(Referral, {
            "case_id": "d.case_id", "person_id": "d.person_id", "partner_id": "bp.partner_id",
            "reason": "'Vermittlung zur Unterstützung'", "categories": """'["master_data"]'::jsonb""",
            "sent_on": "d.sent_on", "status": status, "outcome": outcome,
            "accepted_on": f"CASE WHEN {status} NOT IN ('sent', 'withdrawn') THEN d.accepted_on END",
            "outcome_on": f"CASE WHEN {outcome} <> '' THEN d.outcome_on END",
            "rejection_reason": f"CASE WHEN {outcome} = 'rejected' THEN 'Kein Platz frei' ELSE '' END",
            "withdrawn_on": f"CASE WHEN {status} = 'withdrawn' THEN d.accepted_on END",
            "created_by_id": "d.owner_id",
            "created_at": f"(d.sent_on + time '14:00') AT TIME ZONE '{ZONE}'",
            "updated_at": f"(d.sent_on + time '14:00') AT TIME ZONE '{ZONE}'"}, f"""
            FROM (SELECT e.*, least(e.sent_on + 3 + floor(e.r4 * 10)::int, DATE '{LAST_DAY}') AS accepted_on,
                         least(e.sent_on + 14 + floor(e.r4 * 50)::int, DATE '{LAST_DAY}') AS outcome_on
                  FROM (SELECT c.*, v.seq, c.opened_on + floor(v.r * c.span)::int AS sent_on, random() r2,
                               random() r3, random() r4
                        FROM (SELECT c.*, random() r1, random() ra, random() rb FROM bench_cases c
                              WHERE c.opened_on IS NOT NULL ORDER BY c.case_id) c
                        CROSS JOIN LATERAL (VALUES (1, c.ra, c.r1 < 0.3), (2, c.rb, c.r1 < 0.06)) v(seq, r, wanted)
                        WHERE v.wanted ORDER BY c.case_id, v.seq) e) d
            JOIN bench_partner bp ON bp.organisation_id = d.organisation_id
                 AND bp.k = floor(d.r3 * {PARTNERS_PER_ORGANISATION})::int
            ORDER BY d.sent_on, d.case_id, d.seq""")
        _log(f"  {n} referrals")

    def plans(self) -> None:
        """A plan for every case-management case (from its planning date), 1–4 goals, and for four in five
        plans a first version with a signed goal agreement."""
        from lotse.planning.models import Goal, GoalAgreement, Plan, PlanVersion

        self._bench_cases_table()
        domains, categories = _goal_choices()
        n = self._insert(Plan, {
            "case_id": "c.case_id", "review_on": "c.planning_on + 90", "updated_by_id": "c.owner_id",
            "created_at": f"(c.planning_on + time '10:00') AT TIME ZONE '{ZONE}'",
            "updated_at": f"(c.planning_on + time '10:00') AT TIME ZONE '{ZONE}'"},
            "FROM bench_cases c WHERE c.cm AND c.planning_on IS NOT NULL ORDER BY c.case_id")
        _log(f"  {n} plans")
        open_status = _sql_pick(GOAL_STATUSES_OPEN, "g.r3")
        closed_status = _sql_pick(GOAL_STATUSES_CLOSED, "g.r3")
        n = self._insert(Goal, {
            "plan_id": "g.plan_id",
            "domain": f"({_sql_array(domains)})[1 + floor(g.r1 * {len(domains)})::int]",
            "category": f"({_sql_array(categories)})[1 + floor(g.r2 * {len(categories)})::int]",
            "client_words": "'Ich möchte selbstständig zurechtkommen.'",
            "target_on": "g.planning_on + 90 + floor(g.r4 * 275)::int",
            "priority": "floor(g.r5 * 3)::int",
            "status": f"CASE WHEN g.closed_on IS NULL THEN {open_status} ELSE {closed_status} END",
            "position": "g.i - 1",
            "created_at": f"(g.planning_on + time '10:30') AT TIME ZONE '{ZONE}'"}, """
            FROM (SELECT p.id AS plan_id, c.planning_on, c.closed_on, i, random() r1, random() r2,
                         random() r3, random() r4, random() r5
                  FROM planning_plan p JOIN bench_cases c ON c.case_id = p.case_id
                  CROSS JOIN LATERAL generate_series(1, 1 + (p.id %% 4)::int) i
                  ORDER BY p.id, i) g""")
        _log(f"  {n} goals")
        self._insert(PlanVersion, {
            "plan_id": "p.id", "number": "1", "snapshot": "'{}'::jsonb", "created_by_id": "c.owner_id",
            "change_summary": "'Erstellt'", "created_at": f"(c.planning_on + time '11:00') AT TIME ZONE '{ZONE}'"},
            "FROM planning_plan p JOIN bench_cases c ON c.case_id = p.case_id WHERE p.id %% 5 <> 0 ORDER BY p.id")
        n = self._insert(GoalAgreement, {
            "case_id": "c.case_id", "plan_version_id": "v.id",
            "signed_on": f"least(c.planning_on + 7, DATE '{LAST_DAY}')",
            "signed_by_client": "'Klient/in'", "signed_by_counsellor_id": "c.owner_id",
            "copy_handed_over": "true", "created_by_id": "c.owner_id",
            "created_at": f"(c.planning_on + time '11:30') AT TIME ZONE '{ZONE}'"},
            """FROM planning_planversion v JOIN planning_plan p ON p.id = v.plan_id
               JOIN bench_cases c ON c.case_id = p.case_id ORDER BY v.id""")
        _log(f"  {n} goal agreements")

    def contacts(self) -> None:
        """All contacts are drawn into a temp table first, then written month by month in time order (as a
        live installation writes them), each month with its topics and persons present in one statement."""
        from lotse.contacts.models import Contact

        self._bench_cases_table()
        topics = self.lookups["topics"]
        kind = _sql_pick(CONTACT_KINDS, "x.r1")
        outcome = _sql_pick(CONTACT_OUTCOMES, "x.r2")
        self._execute("DROP TABLE IF EXISTS bench_contact")
        # Case management 3–14 contacts (mean 8.5), otherwise 1–7 (mean 4): about five per person.
        self._execute(f"""
            CREATE TEMP TABLE bench_contact AS
            SELECT x.case_id, x.owner_id, x.ts, {kind} AS kind, {outcome} AS outcome,
                   15 + 15 * floor(x.r3 * 7)::int AS duration, x.r4 < 0.15 AS interpreter
            FROM (SELECT y.*, CASE WHEN y.rm < 0.005 THEN (y.day + time '00:00') AT TIME ZONE '{ZONE}'
                                   ELSE (y.day + time '08:00' + floor(y.rt * 540) * interval '1 minute')
                                        AT TIME ZONE '{ZONE}' END AS ts
                  FROM (SELECT c.case_id, c.owner_id, c.opened_on + floor(random() * (c.span + 1))::int AS day,
                               random() rm, random() rt, random() r1, random() r2, random() r3, random() r4
                        FROM (SELECT c.*, CASE WHEN c.cm THEN 3 + floor(random() * 12)::int
                                               ELSE 1 + floor(random() * 7)::int END AS n
                              FROM bench_cases c WHERE c.opened_on IS NOT NULL ORDER BY c.case_id) c
                        CROSS JOIN LATERAL generate_series(1, c.n)) y) x""")
        self._execute("CREATE INDEX ON bench_contact (ts); ANALYZE bench_contact")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_contact")
            _log(f"  {cursor.fetchone()[0]} contacts drawn")
        contact_sql, contact_params = insert_select_sql(Contact, {
            "case_id": "b.case_id", "occurred_at": "b.ts", "duration_minutes": "b.duration", "kind": "b.kind",
            "outcome": "b.outcome", "interpreter_present": "b.interpreter",
            "notes": "'Gespräch zum Anliegen, nächste Schritte vereinbart.'",
            "author_id": "b.owner_id", "created_at": "b.ts", "updated_at": "b.ts"},
            "FROM bench_contact b WHERE b.ts >= %s AND b.ts < %s ORDER BY b.ts, b.case_id")
        # 5 % without topic, then one (50 %), two (30 %) or three distinct topics, the first skewed towards the
        # top of the catalogue, the others by stepping through it with a step coprime to its length.
        size = len(topics)
        topic_array = "ARRAY[" + ", ".join(str(pk) for pk in topics) + "]::bigint[]" if topics else "NULL"
        steps = [step for step in range(1, size) if gcd(step, size) == 1] or [1]
        step_array = "ARRAY[" + ", ".join(map(str, steps)) + "]"
        statement = f"""
            WITH ins AS ({contact_sql} RETURNING id, case_id),
            drawn AS (SELECT ins.id, ins.case_id, floor({size} * power(random(), 1.6))::int AS base,
                             ({step_array})[1 + floor(random() * {len(steps)})::int] AS step, random() AS r
                      FROM ins),
            topics AS (INSERT INTO contacts_contact_topic (contact_id, topic_id)
                       SELECT d.id, ({topic_array})[1 + ((d.base + (j - 1) * d.step) % {max(size, 1)})]
                       FROM drawn d CROSS JOIN LATERAL generate_series(
                           1, least({size}, CASE WHEN d.r < 0.05 THEN 0 WHEN d.r < 0.55 THEN 1
                                                 WHEN d.r < 0.85 THEN 2 ELSE 3 END)) j
                       ORDER BY d.id, j RETURNING 1),
            present AS (INSERT INTO contacts_contact_person (contact_id, person_id)
                        SELECT ins.id, m.person_id FROM ins JOIN cases_casemember m ON m.case_id = ins.case_id
                        WHERE random() < 0.4 ORDER BY ins.id, m.person_id RETURNING 1)
            SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM topics), (SELECT count(*) FROM present)"""
        statement = statement.replace("%", "%%").replace("%%s", "%s")
        month, totals, zone = FIRST_DAY.replace(day=1), [0, 0, 0], ZoneInfo(ZONE)
        while month <= LAST_DAY:
            following = (month + timedelta(days=32)).replace(day=1)
            bounds = [datetime.combine(month, clock.min, tzinfo=zone), datetime.combine(following, clock.min,
                                                                                         tzinfo=zone)]
            with connection.cursor() as cursor:
                cursor.execute(statement, [*contact_params, *bounds])
                counts = cursor.fetchone()
            totals = [a + b for a, b in zip(totals, counts)]
            _log(f"  {month:%Y-%m}: {counts[0]} contacts ({totals[0]} contacts, {totals[1]} topics, "
                 f"{totals[2]} persons present in all)")
            month = following


# --------------------------------------------------------------------------------------------------------------
# SQLite (small scale, tests): the same distributions through the ORM
# --------------------------------------------------------------------------------------------------------------

class _OrmGenerator:
    def __init__(self, *, teams, offerings, total):
        self.teams, self.offerings, self.total = teams, offerings, total
        self.lookups = _lookups()
        self.pools = _owner_pools(teams)
        self.rng = random.Random(20261121)

    def run(self) -> None:
        from lotse.cases.models import Case

        if Case.objects.filter(offering__name__in=[MBE_OFFERING, JMD_OFFERING]).exists():
            return
        _log("generating cases, contacts and the rest (ORM) ...")
        with transaction.atomic():
            self._generate()

    def _generate(self) -> None:
        from lotse.cases.models import Case, CaseMember, Closure, PhaseChange
        from lotse.contacts.models import Contact
        from lotse.intake.models import EligibilityCheck
        from lotse.people.models import LifeSituation, Person, ResidenceStatus
        from lotse.planning.models import Goal, GoalAgreement, Plan, PlanVersion
        from lotse.referrals.models import Referral

        rng, lookups, zone = self.rng, self.lookups, ZoneInfo(ZONE)
        fields = _life_situation_fields()
        domains, categories = _goal_choices()
        persons = list(Person.objects.filter(file_number__startswith=FILE_PREFIX)
                       .exclude(Q(cases__isnull=False)).order_by("id")
                       .only("id", "team_id", "organisation_id", "birth_date", "entry_date"))
        by_team: dict[int, list] = {}
        for person in persons:
            by_team.setdefault(person.team_id, []).append(person)
        nationality = Person.nationalities.through
        nationalities, updated = [], []
        for person in persons:
            if rng.random() < 0.05:
                person.entry_date, person.entry_date_precision = None, "unknown"
            else:
                entry = max(person.birth_date or date(2000, 1, 1),
                            date(2000, 1, 1) + timedelta(days=int((rng.random() ** 0.5) * 9600)))
                if rng.random() < 0.25:
                    person.entry_date, person.entry_date_precision = entry.replace(day=1), "month"
                else:
                    person.entry_date, person.entry_date_precision = entry, "exact"
            updated.append(person)
            codes = {_pick(rng, lookups["nationalities"])}
            if rng.random() < 0.1:
                codes.add(_pick(rng, lookups["nationalities"]))
            nationalities += [nationality(person_id=person.pk, code_id=code) for code in sorted(codes)]
        Person.objects.bulk_update(updated, ["entry_date", "entry_date_precision"], batch_size=1000)
        nationality.objects.bulk_create(nationalities, batch_size=5000)

        plans = []  # (person, case, plan dict)
        cases = []
        for team_id, members in by_team.items():
            pool = self.pools.get(team_id, [])
            for rank, person in enumerate(members):
                requested = FIRST_DAY + timedelta(days=int(rng.random() * REQUEST_DAYS))
                waiting = requested >= date(2026, 9, 1) and rng.random() < 0.15
                opened = None if waiting else min(requested + timedelta(days=int(rng.random() * 15)), LAST_DAY)
                closed = None
                if opened and opened < LAST_DAY - timedelta(days=10) and \
                        rng.random() < 0.1 + 0.6 * (LAST_DAY - opened).days / REQUEST_DAYS:
                    closed = opened + timedelta(days=1 + int(rng.random() * (LAST_DAY - opened).days))
                span = ((closed or LAST_DAY) - opened).days if opened else 0
                cm = not waiting and rng.random() < 0.25
                pause_draw = rng.random()
                paused, resumed = not waiting and pause_draw < 0.08, not waiting and pause_draw < 0.04
                offering = self.offerings[person.organisation_id]
                age = _age(person.birth_date, requested)
                jmd = "jmd" in offering and rng.random() < 0.8 and age is not None and 12 <= age <= 27
                owner = None if rng.random() < 0.03 or not pool else pool[rank % len(pool)]
                priority_draw = rng.random()
                plan = {"waiting": waiting, "opened": opened, "closed": closed, "span": span, "cm": cm,
                        "paused": paused, "resumed": resumed, "owner": owner, "requested": requested,
                        "programme": "jmd" if jmd else "mbe", "rank": rank, "team": team_id}
                phase, since = _phase(plan)
                cases.append(Case(
                    person_id=person.pk, team_id=team_id, offering_id=offering["jmd" if jmd else "mbe"],
                    status="waiting" if waiting else "closed" if closed else "open", phase=phase, phase_since=since,
                    priority=2 if priority_draw < 0.02 else 1 if priority_draw < 0.12 else 0, owner_id=owner,
                    requested_on=requested, opened_on=opened, closed_on=closed,
                    time_limit_on=opened + timedelta(days=1095) if opened else None, created_by_id=owner))
                plans.append((person, plan))
        Case.objects.bulk_create(cases, batch_size=1000)

        changes, closures, checks, members, statuses, situations, referrals = [], [], [], [], [], [], []
        contacts = []
        plan_rows = []
        team_persons = {team_id: [p.pk for p in persons_] for team_id, persons_ in by_team.items()}
        topics = lookups["topics"]
        for (person, plan), case in zip(plans, cases):
            opened, closed, span, owner = plan["opened"], plan["closed"], plan["span"], plan["owner"]
            if opened:
                previous = ""
                for _, to_phase, on in _phase_changes(plan):
                    changes.append(PhaseChange(case_id=case.pk, from_phase=previous, to_phase=to_phase, changed_on=on,
                                               changed_by_id=owner))
                    previous = to_phase
            if closed:
                indicators = {} if rng.random() < 0.2 else {code: _pick(rng, INDICATOR_VALUES) for code in INDICATORS}
                closures.append(Closure(case_id=case.pk, closed_on=closed, reason=_pick(rng, CLOSURE_REASONS),
                                        indicators=indicators, closed_by_id=owner))
            result = _pick(rng, ELIGIBILITY)
            if rng.random() < 0.1:
                checks.append(EligibilityCheck(person_id=person.pk, programme=plan["programme"],
                                               evaluated_on=plan["requested"] - timedelta(days=30), result="not_met",
                                               checked_by_id=owner))
            override = result != "met" and rng.random() < 0.5
            checks.append(EligibilityCheck(
                person_id=person.pk, programme=plan["programme"], evaluated_on=plan["requested"], result=result,
                override=override, override_result="met" if override else "",
                override_reason="Konkrete Krisensituation" if override else "",
                overridden_by_id=owner if override else None,
                overridden_at=datetime.combine(plan["requested"], clock(12), tzinfo=zone) if override else None,
                checked_by_id=owner))
            case_members = []
            if opened:
                draw = rng.random()
                same_team = team_persons[plan["team"]]
                for offset, wanted in ((1, draw < 0.15), (2, draw < 0.045)):
                    if wanted and plan["rank"] + offset < len(same_team):
                        position = rng.random()
                        until = (opened + timedelta(days=int(span * (0.5 + position * 0.3))) if rng.random() < 0.2
                                 else None)
                        case_members.append(same_team[plan["rank"] + offset])
                        members.append(CaseMember(case_id=case.pk, person_id=same_team[plan["rank"] + offset],
                                                  since=opened + timedelta(days=int(span * position * 0.3)),
                                                  until=until))
            statuses += _residence(rng, person, lookups)
            if rng.random() < 0.65:
                first_on = opened or plan["requested"]
                second = rng.random() < 0.4 and first_on < LAST_DAY
                second_on = first_on + timedelta(days=1 + int(rng.random() * (LAST_DAY - first_on).days)) \
                    if second else None
                for recorded, superseded in ((first_on, second_on), (second_on, None)) if second else \
                        ((first_on, None),):
                    situations.append(LifeSituation(
                        person_id=person.pk, recorded_on=recorded, superseded_on=superseded, recorded_by_id=owner,
                        **{field: "" if rng.random() < 0.1 else rng.choice(options)
                           for field, options in fields.items()}))
            if opened:
                draw = rng.random()
                for wanted in (draw < 0.3, draw < 0.06):
                    if not wanted:
                        continue
                    sent = opened + timedelta(days=int(rng.random() * span))
                    status, outcome = _pick(rng, [((s, o), w) for s, o, w in REFERRAL_STATES])
                    later = rng.random()
                    accepted = min(sent + timedelta(days=3 + int(later * 10)), LAST_DAY)
                    outcome_on = min(sent + timedelta(days=14 + int(later * 50)), LAST_DAY)
                    partners = lookups["partners"][person.organisation_id]
                    referrals.append(Referral(
                        case_id=case.pk, person_id=person.pk, partner_id=rng.choice(partners),
                        reason="Vermittlung zur Unterstützung", categories=["master_data"], sent_on=sent,
                        status=status, outcome=outcome,
                        accepted_on=accepted if status not in ("sent", "withdrawn") else None,
                        outcome_on=outcome_on if outcome else None,
                        rejection_reason="Kein Platz frei" if outcome == "rejected" else "",
                        withdrawn_on=accepted if status == "withdrawn" else None, created_by_id=owner))
                count = 3 + int(rng.random() * 12) if plan["cm"] else 1 + int(rng.random() * 7)
                for _ in range(count):
                    day = opened + timedelta(days=int(rng.random() * (span + 1)))
                    at = (datetime.combine(day, clock.min, tzinfo=zone) if rng.random() < 0.005 else
                          datetime.combine(day, clock(8), tzinfo=zone) + timedelta(minutes=int(rng.random() * 540)))
                    contact = Contact(case_id=case.pk, occurred_at=at, duration_minutes=15 + 15 * int(rng.random() * 7),
                                      kind=_pick(rng, CONTACT_KINDS), outcome=_pick(rng, CONTACT_OUTCOMES),
                                      interpreter_present=rng.random() < 0.15,
                                      notes="Gespräch zum Anliegen, nächste Schritte vereinbart.", author_id=owner)
                    draw = rng.random()
                    how_many = 0 if draw < 0.05 else 1 if draw < 0.55 else 2 if draw < 0.85 else 3
                    chosen = rng.sample(topics, min(how_many, len(topics)))
                    present = [pk for pk in case_members if rng.random() < 0.4]
                    contacts.append((contact, chosen, present))
            if plan["cm"] and opened:
                plan_rows.append((case, plan))
        PhaseChange.objects.bulk_create(changes, batch_size=2000)
        Closure.objects.bulk_create(closures, batch_size=2000)
        EligibilityCheck.objects.bulk_create(checks, batch_size=2000)
        CaseMember.objects.bulk_create(members, batch_size=2000)
        ResidenceStatus.objects.bulk_create(statuses, batch_size=2000)
        LifeSituation.objects.bulk_create(situations, batch_size=2000)
        Referral.objects.bulk_create(referrals, batch_size=2000)
        contacts.sort(key=lambda item: (item[0].occurred_at, item[0].case_id))
        Contact.objects.bulk_create([contact for contact, _, _ in contacts], batch_size=2000)
        topic_through, person_through = Contact.topics.through, Contact.persons_present.through
        topic_through.objects.bulk_create(
            [topic_through(contact_id=contact.pk, topic_id=topic) for contact, chosen, _ in contacts
             for topic in chosen], batch_size=5000)
        person_through.objects.bulk_create(
            [person_through(contact_id=contact.pk, person_id=person_id) for contact, _, present in contacts
             for person_id in present], batch_size=5000)
        for case, plan in plan_rows:
            planning_on = _phase_dates(plan)["planning"]
            plan_object = Plan.objects.create(case_id=case.pk, review_on=planning_on + timedelta(days=90),
                                              updated_by_id=plan["owner"])
            Goal.objects.bulk_create(
                Goal(plan=plan_object, domain=rng.choice(domains), category=rng.choice(categories),
                     client_words="Ich möchte selbstständig zurechtkommen.",
                     target_on=planning_on + timedelta(days=90 + int(rng.random() * 275)),
                     priority=int(rng.random() * 3),
                     status=_pick(rng, GOAL_STATUSES_CLOSED if plan["closed"] else GOAL_STATUSES_OPEN),
                     position=index)
                for index in range(1 + plan_object.pk % 4))
            if plan_object.pk % 5:
                version = PlanVersion.objects.create(plan=plan_object, number=1, snapshot={},
                                                     change_summary="Erstellt", created_by_id=plan["owner"])
                GoalAgreement.objects.create(case_id=case.pk, plan_version=version,
                                             signed_on=min(planning_on + timedelta(days=7), LAST_DAY),
                                             signed_by_client="Klient/in", signed_by_counsellor_id=plan["owner"],
                                             copy_handed_over=True, created_by_id=plan["owner"])
        _log(f"  {len(cases)} cases, {len(contacts)} contacts")


def _age(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _phase_dates(plan) -> dict[str, date]:
    return {name: plan["opened"] + timedelta(days=int(plan["span"] * share)) for name, share in PHASE_SHARES.items()}


def _phase_changes(plan):
    """The same sequence as the SQL generator: (seq, to_phase, changed_on)."""
    dates, result = _phase_dates(plan), [(1, "clearing", plan["opened"])]
    result.append((2, "counselling", dates["counselling"]))
    if plan["cm"]:
        result += [(3, "assessment", dates["assessment"]), (4, "planning", dates["planning"]),
                   (5, "monitoring", dates["monitoring"])]
    if plan["paused"]:
        result.append((6, "paused", dates["paused"]))
    if plan["resumed"]:
        result.append((7, "monitoring" if plan["cm"] else "counselling", dates["resumed"]))
    if plan["closed"]:
        if plan["cm"]:
            result.append((8, "evaluation", dates["evaluation"]))
        result.append((9, "closed", plan["closed"]))
    return result


def _phase(plan):
    if plan["closed"]:
        return "closed", plan["closed"]
    if plan["waiting"]:
        return "clearing", None
    dates = _phase_dates(plan)
    if plan["paused"] and not plan["resumed"]:
        return "paused", dates["paused"]
    if plan["paused"]:
        return ("monitoring" if plan["cm"] else "counselling"), dates["resumed"]
    if plan["cm"]:
        return "monitoring", dates["monitoring"]
    return "counselling", dates["counselling"]


def _residence(rng: random.Random, person, lookups) -> list:
    from lotse.people.models import ResidenceStatus

    draws = [rng.random() for _ in range(6)]
    if draws[4] < 0.08 or not lookups["first_statuses"]:
        return []
    from1 = person.entry_date or date(2015, 1, 1)
    second = draws[5] < 0.33 and from1 < date(2026, 10, 1)
    from2 = from1 + timedelta(days=30 + int(draws[2] * max((date(2026, 11, 1) - from1).days - 30, 1)))
    first = _pick_at(draws[0], lookups["first_statuses"])
    permanent = lookups["permanent"]
    until1 = (from2 - timedelta(days=1) if second else None if first in permanent
              else from1 + timedelta(days=180 + int(draws[3] * 900)))
    rows = [ResidenceStatus(person_id=person.pk, status_type_id=first, valid_from=from1, valid_until=until1)]
    if second:
        later = _pick_at(draws[1], lookups["later_statuses"])
        rows.append(ResidenceStatus(
            person_id=person.pk, status_type_id=later, valid_from=from2,
            valid_until=None if later in permanent else from2 + timedelta(days=365 + int(draws[3] * 1100))))
    return rows
