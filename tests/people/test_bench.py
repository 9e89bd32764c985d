"""The synthetic population of ``make bench`` is indexed exactly as ``person_reindex`` indexes a real person, so
that search and duplicate check are measured on the index they use in production (COPY path on PostgreSQL,
bulk inserts on SQLite)."""

import pytest

from lotse.people import bench
from lotse.people.models import Person, PersonNameKey
from lotse.people.services import person_reindex

pytestmark = pytest.mark.django_db


def _index(person: Person) -> tuple[set[str], str]:
    person.refresh_from_db()
    return set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True)), person.search_name


def test_generated_persons_carry_the_keys_and_search_name_of_person_reindex(reference_data):
    teams, _ = bench._ensure_structure(60)
    population = bench._generate(60, teams)
    persons = list(Person.objects.filter(file_number__startswith="B-").order_by("file_number"))
    assert len(persons) == 60
    assert any(person.name_original_script for person in persons)
    for person, (_, given, _, family, _, birth, original) in zip(persons, population, strict=True):
        assert (person.given_names, person.family_name, person.birth_date, person.name_original_script) == (
            given, family, birth, original)
        assert person.team_id in {team.pk for team in teams}
        generated = _index(person)
        assert generated[0] and generated[1]
        person_reindex(person=person)
        assert _index(person) == generated, person.file_number
