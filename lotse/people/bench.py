"""Benchmark: person search and duplicate check at small (20,000) or national (1,000,000) scale.

The synthetic population is generated once per database and reused: organisations, teams and
persons carry the ``BENCH`` marker. Search and duplicate check run through the real selectors,
with the access policy and the audit write; a brute-force rapidfuzz scan over all names is the
reference a naive implementation would cost.
"""

import random
import statistics
import sys
import time
from datetime import date, timedelta
from functools import lru_cache

from django.db import connection, transaction

from lotse.core.bench import benchmark, percentile

SCALES = {"small": 20_000, "national": 1_000_000}
PERSONS_PER_TEAM = 700
MARKER = "BENCH"
QUERIES = 200
BRUTE_FORCE_QUERIES = 20


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _variant(group: list[str], rng: random.Random, other_than: str | None = None) -> str:
    choices = [name for name in group if name != other_than] or group
    return rng.choice(choices)


def _population(total: int, seed: int = 20261121):
    """Yield (given_group, given, family_group, family, sex, birth_date, original_script) tuples."""
    from lotse.people.bench_names import FAMILY, GIVEN_FEMALE, GIVEN_MALE, ORIGINAL_SCRIPT

    rng = random.Random(seed)
    start = date(1950, 1, 1)
    for _ in range(total):
        female = rng.random() < 0.48
        given_group = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        family_group = rng.choice(FAMILY)
        given, family = rng.choice(given_group), rng.choice(family_group)
        if rng.random() < 0.25:
            given = f"{given} {rng.choice(rng.choice(GIVEN_MALE))}"
        birth = start + timedelta(days=rng.randrange(0, 365 * 70))
        original = ""
        if given_group[0] in ORIGINAL_SCRIPT and family_group[0] in ORIGINAL_SCRIPT and rng.random() < 0.5:
            original = f"{ORIGINAL_SCRIPT[given_group[0]]} {ORIGINAL_SCRIPT[family_group[0]]}"
        yield given_group, given, family_group, family, "w" if female else "m", birth, original


def _layout(total: int) -> tuple[int, int, int]:
    """(teams, organisations, teams of the large organisation): at national scale 300 organisations, the first
    one a large provider with 60 teams (300 counsellors in the report benchmark), the others 4–5 teams each."""
    teams = max(1, total // PERSONS_PER_TEAM)
    organisations = max(1, min(300, teams // 4))
    large = max(1, min(60, teams // 5))
    return teams, organisations, large


def _ensure_structure(total: int):
    from lotse.accounts.models import User
    from lotse.organisations.models import Membership, Organisation, Role, Team

    teams_needed, organisations_needed, large = _layout(total)
    existing_teams = Team.objects.filter(name__startswith=f"{MARKER} Team ").count()
    if existing_teams < teams_needed:
        with transaction.atomic():
            organisations = list(Organisation.objects.filter(name__startswith=f"{MARKER} ").order_by("id"))
            for index in range(len(organisations), organisations_needed):
                organisations.append(Organisation.objects.create(name=f"{MARKER} Träger {index:04d}", kind="welfare"))
            others = organisations[1:] or organisations
            Team.objects.bulk_create(
                Team(organisation=organisations[0] if index < large else others[(index - large) % len(others)],
                     name=f"{MARKER} Team {index:05d}")
                for index in range(existing_teams, teams_needed))
    teams = list(Team.objects.filter(name__startswith=f"{MARKER} Team ").order_by("id")[:teams_needed])
    counsellor, _ = User.objects.get_or_create(username="bench-berater", defaults={"first_name": "Bench"})
    Membership.objects.get_or_create(user=counsellor, organisation_id=teams[0].organisation_id, team=teams[0],
                                     role=Role.COUNSELLOR)
    return teams, counsellor


@lru_cache(maxsize=None)
def _form_keys(form: str) -> frozenset[str]:
    """``people.services.form_keys``, computed once per form: the synthetic names repeat."""
    from lotse.people.services import form_keys

    return frozenset(form_keys(form))


def _keys_for(forms: tuple[str, ...]) -> set[str]:
    return set().union(*(_form_keys(form) for form in forms))


def _forms(given: str, family: str, original: str) -> tuple[str, ...]:
    """The name forms ``person_reindex`` indexes for a person without other names."""
    return (f"{given} {family}".strip(), original) if original else (f"{given} {family}".strip(),)


def _generate(total: int, teams) -> list:
    """Insert the persons and their name keys in batches; returns the sample used for queries."""
    from lotse.codelists.models import Code
    from lotse.people.models import Person, PersonNameKey
    from lotse.people.services import search_name_of

    sex = dict(Code.objects.filter(code_list__slug="sex").values_list("code", "pk"))
    existing = Person.objects.filter(file_number__startswith="B-").count()
    population = list(_population(total))
    if existing < total and connection.vendor == "postgresql":
        _copy_persons(population, existing, teams, sex)
    elif existing < total:
        _log(f"generating {total - existing} persons ...")
        batch, started = 5000, time.perf_counter()
        for offset in range(existing, total, batch):
            rows = population[offset:offset + batch]
            persons = []
            for index, (_, given, _, family, sex_code, birth, original) in enumerate(rows, start=offset):
                team = teams[index % len(teams)]
                persons.append(Person(
                    file_number=f"B-{index:09d}", organisation_id=team.organisation_id, team_id=team.pk,
                    family_name=family, given_names=given, name_original_script=original, birth_date=birth,
                    birth_date_precision="exact", sex_id=sex.get(sex_code),
                    search_name=search_name_of(_forms(given, family, original))))
            with transaction.atomic():
                Person.objects.bulk_create(persons, batch_size=1000)
                keys = [PersonNameKey(person_id=p.pk, team_id=p.team_id, key=key) for p in persons
                        for key in _keys_for(_forms(p.given_names, p.family_name, p.name_original_script))]
                PersonNameKey.objects.bulk_create(keys, batch_size=5000)
            done = offset + len(rows)
            if done % 50_000 == 0 or done == total:
                _log(f"  {done} persons ({time.perf_counter() - started:.0f} s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE people_person; ANALYZE people_personnamekey;")
    return population


def _copy_persons(population, existing: int, teams, sex: dict) -> None:
    """PostgreSQL: the persons and their name keys through COPY into temporary tables, then one INSERT … SELECT
    each (minutes for a million persons, where row-wise inserts take most of an hour)."""
    from lotse.people.models import Person, PersonNameKey
    from lotse.people.services import search_name_of
    from lotse.reports.bench_data import insert_select_sql

    started = time.perf_counter()
    _log(f"generating {len(population) - existing} persons (COPY) ...")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("CREATE TEMP TABLE bench_person (file_number text, organisation_id bigint, team_id bigint, "
                       "family_name text, given_names text, original text, birth_date date, sex_id bigint, "
                       "search_name text) ON COMMIT DROP")
        cursor.execute("CREATE TEMP TABLE bench_person_key (file_number text, key text) ON COMMIT DROP")
        with cursor.copy("COPY bench_person FROM STDIN") as copy:
            for index in range(existing, len(population)):
                _, given, _, family, sex_code, birth, original = population[index]
                team = teams[index % len(teams)]
                copy.write_row((f"B-{index:09d}", team.organisation_id, team.pk, family, given, original, birth,
                                sex.get(sex_code), search_name_of(_forms(given, family, original))))
        _log(f"  persons copied ({time.perf_counter() - started:.0f} s)")
        with cursor.copy("COPY bench_person_key FROM STDIN") as copy:
            for index in range(existing, len(population)):
                _, given, _, family, _, _, original = population[index]
                file_number = f"B-{index:09d}"
                for key in _keys_for(_forms(given, family, original)):
                    copy.write_row((file_number, key))
        _log(f"  name keys copied ({time.perf_counter() - started:.0f} s)")
        sql, params = insert_select_sql(Person, {
            "file_number": "b.file_number", "organisation_id": "b.organisation_id", "team_id": "b.team_id",
            "family_name": "b.family_name", "given_names": "b.given_names", "name_original_script": "b.original",
            "birth_date": "b.birth_date", "birth_date_precision": "'exact'", "sex_id": "b.sex_id",
            "search_name": "b.search_name",
        }, "FROM bench_person b ORDER BY b.file_number")
        cursor.execute(sql, params)
        sql, params = insert_select_sql(PersonNameKey, {
            "person_id": "p.id", "team_id": "p.team_id", "key": "k.key",
        }, "FROM bench_person_key k JOIN people_person p ON p.file_number = k.file_number ORDER BY p.id")
        cursor.execute(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person; ANALYZE people_personnamekey;")
    _log(f"  {len(population)} persons ({time.perf_counter() - started:.0f} s)")


def _queries(population, teams, rng: random.Random):
    """Searches a counsellor of the first team would type: another spelling of one of their clients."""
    team_persons = [entry for index, entry in enumerate(population) if index % len(teams) == 0]
    sample = rng.sample(team_persons, min(QUERIES, len(team_persons)))
    return [(f"{_variant(gg, rng, given.split()[0])} {_variant(fg, rng, family)}", family, given, birth)
            for gg, given, fg, family, _, birth, _ in sample]


def _measure(function, items) -> list[float]:
    samples = []
    for item in items:
        started = time.perf_counter()
        function(item)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@benchmark("people")
def people_benchmark(scale: str) -> dict:
    from rapidfuzz import fuzz, process

    from lotse.people.selectors import duplicate_candidates, person_search

    total = SCALES.get(scale, SCALES["small"])
    teams, counsellor = _ensure_structure(total)
    population = _generate(total, teams)
    rng = random.Random(7)
    queries = _queries(population, teams, rng)
    found = 0

    def search(item):
        nonlocal found
        query, family, given, _birth = item
        hits = person_search(actor=counsellor, query=query).hits
        found += any(hit.person.family_name == family and hit.person.given_names == given for hit in hits)

    def dupcheck(item):
        query, family, given, birth = item
        given_query, _, family_query = query.rpartition(" ")
        duplicate_candidates(actor=counsellor, family_name=family_query, given_names=given_query, birth_date=birth)

    person_search(actor=counsellor, query=queries[0][0])  # warm caches and connections
    search_ms = _measure(search, queries)
    dupcheck_ms = _measure(dupcheck, queries)
    names = [f"{given} {family}" for _, given, _, family, _, _, _ in population]
    brute_ms = _measure(lambda item: process.extract(item[0], names, scorer=fuzz.WRatio, limit=10),
                        queries[:BRUTE_FORCE_QUERIES])
    return {
        "persons": total,
        "search_p50_ms": round(statistics.median(search_ms), 2),
        "search_p95_ms": percentile(search_ms, 0.95),
        "search_recall": round(found / len(queries), 3),
        "dupcheck_p50_ms": round(statistics.median(dupcheck_ms), 2),
        "dupcheck_p95_ms": percentile(dupcheck_ms, 0.95),
        "bruteforce_p95_ms": percentile(brute_ms, 0.95),
    }
