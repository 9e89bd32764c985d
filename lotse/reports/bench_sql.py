"""Hand-written SQL for the report benchmark: one statement per report that computes the same figures as the
builder (definitions in :mod:`lotse.reports.monthly` and :mod:`lotse.reports.dimensions`), and the functions
that bring both into one shape, ``{table key: {row key: [values …]}}``, so the benchmark can insist that the
report's figures equal the SQL's before it times anything.

The comparison leaves out rows whose values are all zero (a builder lists every catalogue row, the SQL only the
rows it finds) and adds a row ``__total__`` where a table publishes distinct totals. PostgreSQL only (``= ANY``,
``LATERAL``, ``FILTER``).
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from lotse.reports.periods import Period

TOTAL = "__total__"
COLUMNS = "__columns__"
CASE_MANAGEMENT = ("assessment", "planning", "monitoring", "evaluation")


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _in_list(values) -> str:
    return "(" + ", ".join(_quote(value) for value in values) + ")" if values else "(NULL)"


# ---- monthly controlling (organisation level) ---------------------------------------------------------------

def _any_period(column: str) -> str:
    """The three periods as constants as well, so that the planner can use the date index of ``column``."""
    return "(" + " OR ".join(f"{column} BETWEEN %(s{i})s AND %(e{i})s" for i in range(3)) + ")"


MONTHLY_SQL = f"""
WITH per(k, s, e, ts, te) AS (
    VALUES ('current', %(s0)s::date, %(e0)s::date, %(ts0)s::timestamptz, %(te0)s::timestamptz),
           ('previous', %(s1)s::date, %(e1)s::date, %(ts1)s::timestamptz, %(te1)s::timestamptz),
           ('last_year', %(s2)s::date, %(e2)s::date, %(ts2)s::timestamptz, %(te2)s::timestamptz)),
sc AS (
    SELECT c.id, c.person_id, c.team_id, c.owner_id, c.opened_on, c.closed_on
    FROM cases_case c JOIN organisations_team t ON t.id = c.team_id
    WHERE t.organisation_id = ANY(%(orgs)s)),
ct AS MATERIALIZED (
    SELECT k.id, k.kind, k.author_id, sc.person_id, sc.team_id, p.k
    FROM per p JOIN contacts_contact k ON k.occurred_at >= p.ts AND k.occurred_at < p.te
    JOIN sc ON sc.id = k.case_id),
mains AS (SELECT DISTINCT k, person_id FROM ct),
fam AS (
    SELECT DISTINCT ct.k, pp.person_id FROM ct JOIN contacts_contact_person pp ON pp.contact_id = ct.id),
ends AS (
    SELECT p.k, sc.id, sc.opened_on <= p.e AND (sc.closed_on IS NULL OR sc.closed_on > p.e) AS open_at_end,
           (SELECT pc.to_phase FROM cases_phasechange pc WHERE pc.case_id = sc.id AND pc.changed_on <= p.e
            ORDER BY pc.changed_on DESC, pc.id DESC LIMIT 1) AS phase
    FROM per p JOIN sc ON sc.opened_on <= p.e AND (sc.closed_on IS NULL OR sc.closed_on > p.e)),
clo AS (
    SELECT z.id, z.case_id, z.reason, p.k, sc.team_id, sc.owner_id
    FROM per p JOIN cases_closure z ON z.closed_on BETWEEN p.s AND p.e JOIN sc ON sc.id = z.case_id
    WHERE {_any_period("z.closed_on")}),
cur AS (SELECT * FROM ct WHERE k = 'current'),
cur_new AS (SELECT sc.* FROM sc JOIN per p ON p.k = 'current' AND sc.opened_on BETWEEN p.s AND p.e),
cur_closed AS (SELECT DISTINCT case_id, team_id, owner_id FROM clo WHERE k = 'current')
SELECT 'contacts_by_topic' AS t, tp.code AS r, count(*) FILTER (WHERE ct.k = 'current') AS a,
       count(*) FILTER (WHERE ct.k = 'previous') AS b, count(*) FILTER (WHERE ct.k = 'last_year') AS c, NULL::bigint AS d
FROM ct JOIN contacts_contact_topic x ON x.contact_id = ct.id JOIN intake_topic tp ON tp.id = x.topic_id GROUP BY tp.code
UNION ALL
SELECT 'contacts_by_topic', 'none', count(*) FILTER (WHERE ct.k = 'current'), count(*) FILTER (WHERE ct.k = 'previous'),
       count(*) FILTER (WHERE ct.k = 'last_year'), NULL
FROM ct WHERE NOT EXISTS (SELECT 1 FROM contacts_contact_topic x WHERE x.contact_id = ct.id)
UNION ALL
SELECT 'contacts_by_topic', '{TOTAL}', count(*) FILTER (WHERE k = 'current'), count(*) FILTER (WHERE k = 'previous'),
       count(*) FILTER (WHERE k = 'last_year'), NULL FROM ct
UNION ALL
SELECT 'contacts_by_kind', kind, count(*) FILTER (WHERE k = 'current'), count(*) FILTER (WHERE k = 'previous'),
       count(*) FILTER (WHERE k = 'last_year'), NULL FROM ct GROUP BY kind
UNION ALL
SELECT 'persons_reached', 'main_clients', count(*) FILTER (WHERE k = 'current'),
       count(*) FILTER (WHERE k = 'previous'), count(*) FILTER (WHERE k = 'last_year'), NULL FROM mains
UNION ALL
SELECT 'persons_reached', 'family_members', count(*) FILTER (WHERE f.k = 'current'),
       count(*) FILTER (WHERE f.k = 'previous'), count(*) FILTER (WHERE f.k = 'last_year'), NULL
FROM fam f WHERE NOT EXISTS (SELECT 1 FROM mains m WHERE m.k = f.k AND m.person_id = f.person_id)
UNION ALL
SELECT 'cases', 'new', count(*) FILTER (WHERE p.k = 'current'), count(*) FILTER (WHERE p.k = 'previous'),
       count(*) FILTER (WHERE p.k = 'last_year'), NULL
FROM per p JOIN sc ON sc.opened_on BETWEEN p.s AND p.e
UNION ALL
SELECT 'cases', 'paused', count(DISTINCT pc.case_id) FILTER (WHERE p.k = 'current'),
       count(DISTINCT pc.case_id) FILTER (WHERE p.k = 'previous'),
       count(DISTINCT pc.case_id) FILTER (WHERE p.k = 'last_year'), NULL
FROM per p JOIN cases_phasechange pc ON pc.changed_on BETWEEN p.s AND p.e JOIN sc ON sc.id = pc.case_id
WHERE pc.to_phase = 'paused' AND {_any_period("pc.changed_on")}
UNION ALL
SELECT 'cases', 'closed', count(DISTINCT case_id) FILTER (WHERE k = 'current'),
       count(DISTINCT case_id) FILTER (WHERE k = 'previous'), count(DISTINCT case_id) FILTER (WHERE k = 'last_year'),
       NULL FROM clo
UNION ALL
SELECT 'cases', 'open_at_end', count(*) FILTER (WHERE k = 'current'), count(*) FILTER (WHERE k = 'previous'),
       count(*) FILTER (WHERE k = 'last_year'), NULL FROM ends
UNION ALL
SELECT 'cases', 'case_management_at_end', count(*) FILTER (WHERE k = 'current'),
       count(*) FILTER (WHERE k = 'previous'), count(*) FILTER (WHERE k = 'last_year'), NULL
FROM ends WHERE phase IN {_in_list(CASE_MANAGEMENT)}
UNION ALL
SELECT 'closure_reasons', reason, count(*) FILTER (WHERE k = 'current'), count(*) FILTER (WHERE k = 'previous'),
       count(*) FILTER (WHERE k = 'last_year'), NULL FROM clo GROUP BY reason
UNION ALL
SELECT 'referrals', CASE WHEN f.status = 'withdrawn' THEN 'withdrawn' WHEN f.outcome <> '' THEN f.outcome
                         ELSE 'open' END,
       count(*) FILTER (WHERE p.k = 'current'), count(*) FILTER (WHERE p.k = 'previous'),
       count(*) FILTER (WHERE p.k = 'last_year'), NULL
FROM per p JOIN referrals_referral f ON f.sent_on BETWEEN p.s AND p.e JOIN sc ON sc.id = f.case_id
WHERE {_any_period("f.sent_on")} GROUP BY 2
UNION ALL
SELECT 'by_team', tm.public_id::text, coalesce(x.contacts, 0), coalesce(x.mains, 0), coalesce(n.new, 0),
       coalesce(z.closed, 0)
FROM organisations_team tm
LEFT JOIN (SELECT team_id, count(*) AS contacts, count(DISTINCT person_id) AS mains FROM cur GROUP BY team_id) x
       ON x.team_id = tm.id
LEFT JOIN (SELECT team_id, count(*) AS new FROM cur_new GROUP BY team_id) n ON n.team_id = tm.id
LEFT JOIN (SELECT team_id, count(*) AS closed FROM cur_closed GROUP BY team_id) z ON z.team_id = tm.id
WHERE tm.organisation_id = ANY(%(orgs)s)
UNION ALL
SELECT 'by_counsellor', coalesce(u.public_id::text, 'none'), coalesce(sum(v.contacts), 0),
       coalesce(sum(v.mains), 0), coalesce(sum(v.new), 0), coalesce(sum(v.closed), 0)
FROM (SELECT author_id AS user_id, count(*) AS contacts, count(DISTINCT person_id) AS mains, 0 AS new, 0 AS closed
      FROM cur GROUP BY author_id
      UNION ALL SELECT owner_id, 0, 0, count(*), 0 FROM cur_new GROUP BY owner_id
      UNION ALL SELECT owner_id, 0, 0, 0, count(*) FROM cur_closed GROUP BY owner_id) v
LEFT JOIN accounts_user u ON u.id = v.user_id
GROUP BY u.public_id
UNION ALL
SELECT t, '{TOTAL}', (SELECT count(*) FROM cur), (SELECT count(DISTINCT person_id) FROM cur),
       (SELECT count(*) FROM cur_new), (SELECT count(*) FROM cur_closed)
FROM (VALUES ('by_team'), ('by_counsellor')) AS totals(t)
"""


def monthly_params(*, organisation_ids: list[int], period: Period) -> dict:
    params: dict = {"orgs": list(organisation_ids)}
    for index, column in enumerate((period, period.previous(), period.year_before())):
        start, end = column.bounds()
        params.update({f"s{index}": column.start, f"e{index}": column.end, f"ts{index}": start, f"te{index}": end})
    return params


def monthly_sql_figures(*, organisation_ids: list[int], period: Period) -> dict:
    """The monthly controlling's figures (organisation level) from one hand-written statement."""
    with connection.cursor() as cursor:
        cursor.execute(MONTHLY_SQL, monthly_params(organisation_ids=organisation_ids, period=period))
        lines = cursor.fetchall()
    result: dict[str, dict[str, list[int]]] = {}
    for table, row, *values in lines:
        values = [int(value) for value in values if value is not None]
        if any(values) or row == TOTAL:
            result.setdefault(table, {})[row] = values
    return result


# ---- MBE programme report (organisation level) ---------------------------------------------------------------

def _years_before(day: date, years: int) -> date:
    """The latest birth (or entry) date that makes someone at least ``years`` old on ``day`` (written here again
    rather than imported, so that the SQL does not share the builder's mistakes)."""
    if day.month == 2 and day.day == 29 and not _leap(day.year - years):
        return date(day.year - years, 2, 28)
    return day.replace(year=day.year - years)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _sections(template) -> dict[str, dict]:
    return {section["key"]: section for section in template.spec["sections"]}


def _bands(column: str, end: date, bounds: list[int]) -> str:
    parts = [f"WHEN {column} IS NULL THEN 'unknown'"]
    parts += [f"WHEN {column} > DATE '{_years_before(end, bound)}' THEN '{index}'" for index, bound in enumerate(bounds)]
    return f"CASE {' '.join(parts)} ELSE '{len(bounds)}' END"


def _region(column: str, regions: list[dict]) -> str:
    parts = [f"WHEN {column} IS NULL THEN 'unknown'"]
    for region in regions:
        conditions = [f"{column} IN {_in_list(region['codes'])}"] if region.get("codes") else []
        conditions += [f"{column} LIKE {_quote(prefix + '%%')}" for prefix in region.get("prefixes", [])]
        if conditions:
            parts.append(f"WHEN {' OR '.join(conditions)} THEN {_quote(region['key'])}")
    return f"CASE {' '.join(parts)} ELSE 'other' END"


def _residence(column: str, groups: list[dict]) -> str:
    parts = [f"WHEN {column} IN {_in_list(group['codes'])} THEN {_quote(group['key'])}"
             for group in groups if group.get("codes")]
    return f"CASE {' '.join(parts)} ELSE 'other' END" if parts else "'other'"


def _bins(column: str, bounds: list[int]) -> str:
    parts = [f"WHEN {column} < {int(bound)} THEN '{index}'" for index, bound in enumerate(bounds)]
    return f"CASE {' '.join(parts)} ELSE '{len(bounds)}' END"


def mbe_sql(template, period: Period) -> str:
    """The statement for the ``mbe`` template; bounds, regions and status groups are the template's data."""
    sections = _sections(template)
    end = period.end
    age = _bands("pa.birth_date", end, sections["age"]["params"]["bounds"])
    entry = _bands("pa.entry_date", end, sections["time_since_entry"]["params"]["bounds"])
    region = _region("cc.code", sections["region"]["params"]["regions"])
    residence = _residence("rt.code", sections["residence"]["params"]["groups"])
    per_case = _bins("coalesce(pc.n, 0)", sections["contacts_per_case"]["params"]["bounds"])
    return f"""
WITH u AS MATERIALIZED (
    SELECT c.id, c.person_id, c.team_id
    FROM cases_case c JOIN organisations_programmeoffering o ON o.id = c.offering_id
    WHERE o.programme = %(programme)s AND o.organisation_id = ANY(%(orgs)s) AND c.opened_on IS NOT NULL
      AND c.opened_on <= %(e)s AND (c.closed_on IS NULL OR c.closed_on >= %(s)s)),
mem AS (
    SELECT m.id, m.person_id, u.team_id FROM cases_casemember m JOIN u ON u.id = m.case_id
    WHERE m.since <= %(e)s AND (m.until IS NULL OR m.until >= %(s)s)),
pers AS (SELECT team_id, person_id FROM u UNION SELECT team_id, person_id FROM mem),
pa AS MATERIALIZED (
    SELECT x.team_id, x.person_id, p.birth_date, p.entry_date, sx.code AS sex,
           (SELECT {residence} FROM people_residencestatus rs
              JOIN people_residencestatustype rt ON rt.id = rs.status_type_id
            WHERE rs.person_id = x.person_id AND rs.valid_from <= %(e)s
              AND (rs.valid_until IS NULL OR rs.valid_until >= %(e)s)
            ORDER BY rs.valid_from DESC, rs.id DESC LIMIT 1) AS residence,
           (SELECT ls.integration_course FROM people_lifesituation ls
            WHERE ls.person_id = x.person_id AND ls.recorded_on <= %(e)s
              AND (ls.superseded_on IS NULL OR ls.superseded_on > %(e)s)
            ORDER BY ls.recorded_on DESC, ls.id DESC LIMIT 1) AS course
    FROM pers x JOIN people_person p ON p.id = x.person_id LEFT JOIN codelists_code sx ON sx.id = p.sex_id),
pn AS (
    SELECT pa.team_id, pa.person_id, cc.code
    FROM pa LEFT JOIN people_person_nationality n ON n.person_id = pa.person_id
    LEFT JOIN codelists_code cc ON cc.id = n.code_id),
kc AS MATERIALIZED (
    SELECT k.id, k.case_id, u.team_id FROM contacts_contact k JOIN u ON u.id = k.case_id
    WHERE k.outcome = 'took_place' AND k.occurred_at >= %(ts)s AND k.occurred_at < %(te)s)
SELECT '{COLUMNS}' AS t, tm.public_id::text AS r, tm.id AS team, row_number() OVER (ORDER BY tm.name, tm.id) AS n
FROM organisations_team tm WHERE tm.id IN (SELECT team_id FROM u)
UNION ALL SELECT 'cases', 'total', team_id, count(*) FROM u GROUP BY team_id
UNION ALL SELECT 'members', 'total', team_id, count(*) FROM mem GROUP BY team_id
UNION ALL
SELECT 'case_management', CASE WHEN EXISTS (
           SELECT 1 FROM cases_phasechange pc WHERE pc.case_id = u.id AND pc.changed_on <= %(e)s
           AND pc.to_phase IN {_in_list(CASE_MANAGEMENT)}) THEN 'yes' ELSE 'no' END, team_id, count(*)
FROM u GROUP BY 2, 3
UNION ALL SELECT 'age', {age}, team_id, count(*) FROM pa GROUP BY 2, 3
UNION ALL SELECT 'sex', coalesce(sex, 'unknown'), team_id, count(*) FROM pa GROUP BY 2, 3
UNION ALL SELECT 'nationality', coalesce(code, 'unknown'), team_id, count(DISTINCT person_id) FROM pn GROUP BY 2, 3
UNION ALL SELECT 'nationality', '{TOTAL}', team_id, count(*) FROM pa GROUP BY team_id
UNION ALL
SELECT 'region', {region.replace('cc.code', 'code')}, team_id, count(DISTINCT person_id) FROM pn GROUP BY 2, 3
UNION ALL SELECT 'region', '{TOTAL}', team_id, count(*) FROM pa GROUP BY team_id
UNION ALL SELECT 'time_since_entry', {entry}, team_id, count(*) FROM pa GROUP BY 2, 3
UNION ALL SELECT 'residence', coalesce(residence, 'none'), team_id, count(*) FROM pa GROUP BY 2, 3
UNION ALL
SELECT 'topics', coalesce(tp.code, 'none'), kc.team_id, count(DISTINCT kc.id)
FROM kc LEFT JOIN contacts_contact_topic x ON x.contact_id = kc.id LEFT JOIN intake_topic tp ON tp.id = x.topic_id
GROUP BY 2, 3
UNION ALL SELECT 'topics', '{TOTAL}', team_id, count(*) FROM kc GROUP BY team_id
UNION ALL
SELECT 'integration_course', coalesce(nullif(course, ''), 'none'), team_id, count(*) FROM pa GROUP BY 2, 3
UNION ALL
SELECT 'contacts_per_case', {per_case}, u.team_id, count(*)
FROM u LEFT JOIN (SELECT case_id, count(*) AS n FROM kc GROUP BY case_id) pc ON pc.case_id = u.id GROUP BY 2, 3
UNION ALL
SELECT 'closure_reasons', z.reason, u.team_id, count(*)
FROM cases_closure z JOIN u ON u.id = z.case_id WHERE z.closed_on BETWEEN %(s)s AND %(e)s GROUP BY 2, 3
UNION ALL
SELECT 'eligibility', CASE WHEN ec.override IS NULL THEN 'none' WHEN ec.override THEN 'overridden'
                           WHEN ec.result = 'met' THEN 'met' ELSE 'not_met' END, u.team_id, count(*)
FROM u LEFT JOIN LATERAL (
    SELECT e.override, e.result FROM intake_eligibilitycheck e
    WHERE e.person_id = u.person_id AND e.programme = %(programme)s AND e.evaluated_on <= %(e)s
    ORDER BY e.evaluated_on DESC, e.id DESC LIMIT 1) ec ON true
GROUP BY 2, 3
"""


def mbe_params(*, template, organisation_ids: list[int], period: Period) -> dict:
    start, end = period.bounds()
    return {"programme": template.programme, "orgs": list(organisation_ids), "s": period.start, "e": period.end,
            "ts": start, "te": end}


def mbe_sql_figures(*, template, organisation_ids: list[int], period: Period) -> dict:
    """The MBE report's figures (organisation level: one column per team) from one hand-written statement."""
    with connection.cursor() as cursor:
        cursor.execute(mbe_sql(template, period), mbe_params(template=template, organisation_ids=organisation_ids,
                                                              period=period))
        lines = cursor.fetchall()
    columns = sorted(((n, team, key) for table, key, team, n in lines if table == COLUMNS))
    position = {team: index for index, (_n, team, _key) in enumerate(columns)}
    result: dict[str, dict[str, list[int]]] = {COLUMNS: {"keys": [key for _n, _team, key in columns]}}
    for table, row, team, n in lines:
        if table == COLUMNS:
            continue
        values = result.setdefault(table, {}).setdefault(row, [0] * len(columns))
        values[position[team]] += int(n)
    return {table: {row: values for row, values in rows.items() if table == COLUMNS or row == TOTAL or any(values)}
            for table, rows in result.items()}


# ---- the report in the same shape ----------------------------------------------------------------------------

def report_figures(report, *, with_columns: bool = False) -> dict:
    """``{table key: {row key: values}}`` of a report's raw counts, all-zero rows left out; ``__total__`` for
    tables with distinct totals; ``__columns__`` (the column keys) if asked for."""
    result: dict[str, dict] = {}
    if with_columns and report.sections:
        result[COLUMNS] = {"keys": [column.key for column in report.sections[0].columns]}
    for table in report.sections:
        rows = {row.key: list(row.values) for row in table.rows if any(row.values)}
        if table.distinct_totals is not None:
            rows[TOTAL] = list(table.distinct_totals)
        result[table.key] = rows
    return result


def differences(report: dict, sql: dict, limit: int = 20) -> list[str]:
    """Where the two shapes differ (empty: equal), for a loud failure message."""
    problems = []
    for table in sorted(set(report) | set(sql)):
        left, right = report.get(table, {}), sql.get(table, {})
        for row in sorted(set(left) | set(right)):
            if left.get(row) != right.get(row):
                problems.append(f"{table}/{row}: report {left.get(row)} != sql {right.get(row)}")
    return problems[:limit]
