"""Benchmark: the monthly controlling of a 300-counsellor organisation and its full-year MBE report.

At national scale (PostgreSQL, 1,000,000 persons, 5,000,000 contacts; see :mod:`lotse.reports.bench_data`) both
reports are produced the way a user gets them — :func:`lotse.reports.selectors.report_build` as the
organisation's administrator, with the access check, the builder and the audit entry — and compared with one
hand-written SQL statement each (:mod:`lotse.reports.bench_sql`). The figures must be equal (a mismatch stops
the benchmark) before anything is timed. Target: at most 2 s per report and at most three times the SQL.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from django.db import connection

from lotse.core.bench import benchmark
from lotse.reports.periods import Period

MONTH = Period.month(2026, 10)  # the last complete month with data
YEAR = Period.year(2025)
REPEAT = 5


class FiguresDiffer(AssertionError):
    """The report and the hand-written SQL do not count the same."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _backend_cpu():
    """A function returning the CPU seconds the database server process of this connection has used, if the
    server runs on this machine (``/proc`` readable); else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        fields = stat.read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    try:
        used()
    except (OSError, ValueError, IndexError):
        return None
    return used


def _medians(functions: dict, repeat: int) -> dict[str, float]:
    """Median seconds per function; the functions take turns, so that a change of load on a shared machine
    weighs on the report and on its SQL alike. With a local database server also the median CPU seconds of
    this process and of the server process together (``…_cpu_s``): what the wall time would be on an idle
    machine, without parallel query workers."""
    backend = _backend_cpu()
    samples: dict[str, list[float]] = {name: [] for name in functions}
    cpu: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            server = backend() if backend else 0.0
            own, started = time.process_time(), time.perf_counter()
            function()
            samples[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - own + ((backend() - server) if backend else 0.0))
    result = {name: round(statistics.median(values), 3) for name, values in samples.items()}
    if backend:
        result.update({name.removesuffix("_s") + "_cpu_s": round(statistics.median(values), 3)
                       for name, values in cpu.items()})
    return result


class _QueryCounter:
    """Counts the statements sent to the database (unlike CaptureQueriesContext, not limited by the size of
    the query log, which the generator fills)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _counted(function):
    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        result = function()
    return result, counter.count


def _check(name: str, report_figures: dict, sql_figures: dict) -> None:
    from lotse.reports.bench_sql import differences

    problems = differences(report_figures, sql_figures)
    if problems:
        raise FiguresDiffer(f"{name}: the report and the hand-written SQL differ:\n  " + "\n  ".join(problems))
    if not any(rows for key, rows in report_figures.items() if not key.startswith("__")):
        raise FiguresDiffer(f"{name}: the report counts nothing; the comparison would prove nothing")


def run(total, *, repeat: int = REPEAT, month: Period = MONTH, year: Period = YEAR) -> dict:
    """Ensure the dataset (``total``: a scale name or a number of persons), check the figures against the SQL
    (PostgreSQL only) and time both; returns the benchmark's figures."""
    from lotse.reports.bench_data import ensure_report_dataset
    from lotse.reports.bench_sql import mbe_sql_figures, monthly_sql_figures, report_figures
    from lotse.reports.models import ReportTemplate
    from lotse.reports.selectors import report_build

    dataset = ensure_report_dataset(total)
    organisation, actor = dataset.organisation, dataset.orgadmin
    template = ReportTemplate.objects.get(code="mbe")

    def monthly():
        return report_build(actor=actor, kind="monthly", period=month, organisations=[organisation])

    def mbe():
        return report_build(actor=actor, kind="mbe", period=year, organisations=[organisation])

    def monthly_sql():
        return monthly_sql_figures(organisation_ids=[organisation.pk], period=month)

    def mbe_sql():
        return mbe_sql_figures(template=template, organisation_ids=[organisation.pk], period=year)

    monthly_report, monthly_queries = _counted(monthly)  # also warms caches and the connection
    year_report, year_queries = _counted(mbe)
    figures = {
        "report_contacts": dataset.contacts, "report_org_counsellors": dataset.org_counsellors,
        "report_monthly_queries": monthly_queries, "report_year_queries": year_queries,
        "report_monthly_contacts": monthly_report.section("contacts_by_kind").total_row()[0],
        "report_year_cases": sum(year_report.section("cases").rows[0].values),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        _check("monthly controlling", report_figures(monthly_report), monthly_sql())
        _check("MBE report", report_figures(year_report, with_columns=True), mbe_sql())
        _log("figures of both reports equal the hand-written SQL")
    _log(f"timing {repeat} runs each ...")
    timed = {"report_monthly_s": monthly, "report_year_s": mbe}
    if postgres:
        timed.update({"sql_monthly_s": monthly_sql, "sql_year_s": mbe_sql})
    load_before = os.getloadavg()[0]
    figures.update(_medians(timed, repeat))
    # The machine may be shared: the 1-minute load average around the timing tells how far to trust it.
    figures["report_load_avg"] = round(max(load_before, os.getloadavg()[0]), 1)
    if postgres:
        figures["report_sql_ratio"] = round(max(
            figures["report_monthly_s"] / max(figures["sql_monthly_s"], 0.001),
            figures["report_year_s"] / max(figures["sql_year_s"], 0.001)), 2)
    return figures


@benchmark("reports")
def reports_benchmark(scale: str) -> dict:
    return run(scale)

