"""``manage.py backup`` and ``manage.py restore``: the restored database equals the original, table by table.

Runs on the suite's database: SQLite (online backup API) or PostgreSQL (pg_dump/pg_restore). The fault test
(tests/faults) repeats the round trip on a private PostgreSQL cluster, also into a second database.
"""

import os
import sqlite3
import stat
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from lotse.accounts.services import api_token_create
from lotse.audit.models import AuditEvent
from lotse.audit.selectors import audit_chain_problem
from lotse.cases.services import case_request
from lotse.contacts.models import Contact
from lotse.contacts.services import ContactData, contact_create
from lotse.intake.models import Topic
from lotse.people.models import Person
from lotse.people.services import PersonData, person_create
from tests.factories import make_org
from tests.faults.dbstate import differing_tables, table_digests

pytestmark = pytest.mark.usefixtures("reference_data")

MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}


@pytest.fixture
def world(transactional_db):
    """Two organisations with persons, a case, contacts with topics and an API token – all through services."""
    worlds = [make_org("A"), make_org("B")]
    for world in worlds:
        counsellor = world.user("counsellor")
        persons = [person_create(actor=counsellor, team=world.team,
                                 data=PersonData(family_name=family, given_names=given))
                   for family, given in (("Haddad", "Amal"), ("Schewtschenko", "Olena"), ("Yilmaz", "Emre"))]
        case = case_request(actor=counsellor, person=persons[0], offering=world.offering)
        labour = Topic.objects.get(code="mbe-labour")
        for hours in (3, 2):
            contact_create(actor=counsellor, case=case, data=ContactData(
                occurred_at=timezone.now() - timedelta(hours=hours), duration_minutes=30, kind="office_hour",
                topics=[labour], notes=f"Gespräch vor {hours} Stunden"))
        api_token_create(actor=counsellor, name="Skript", valid_days=30)
    return worlds


def _backup(path):
    call_command("backup", str(path), stdout=StringIO())


def _restore(path, **options):
    out = StringIO()
    call_command("restore", str(path), stdout=out, **options)
    return out.getvalue()


def test_round_trip_restores_every_table_exactly(world, tmp_path):
    original = table_digests(connection)
    assert int(original["contacts_contact"].split(":")[0]) == 4
    backup = tmp_path / "lotse.backup"
    _backup(backup)
    assert backup.read_bytes().startswith(MAGIC[connection.vendor])
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    counsellor = world[0].user("counsellor")
    Contact.objects.filter(case__team=world[0].team).delete()
    Person.objects.filter(family_name="Yilmaz").update(family_name="Geändert")
    person_create(actor=counsellor, team=world[0].team, data=PersonData(family_name="Neu", given_names="Nach"))
    changed = differing_tables(original, table_digests(connection))
    assert {"contacts_contact", "contacts_contact_topic", "people_person", "audit_auditevent"} <= set(changed)

    output = _restore(backup, yes=True)
    assert differing_tables(original, table_digests(connection)) == []
    assert "Audit trail of the restored database verified." in output
    call_command("audit_verify", stdout=StringIO())

    # Sequences and the chain head came back too: new writes continue where the backup ended.
    events = AuditEvent.objects.count()
    person_create(actor=counsellor, team=world[0].team, data=PersonData(family_name="Danach", given_names="Eva"))
    assert AuditEvent.objects.count() == events + 1
    assert audit_chain_problem() is None


def test_backup_never_overwrites_and_is_private_whatever_the_umask(world, tmp_path):
    existing = tmp_path / "exists.backup"
    existing.write_bytes(b"older backup")
    with pytest.raises(CommandError, match="already exists"):
        _backup(existing)
    assert existing.read_bytes() == b"older backup"

    previous = os.umask(0)
    try:
        _backup(tmp_path / "fresh.backup")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "fresh.backup").stat().st_mode) == 0o600


def test_backup_into_a_missing_directory_fails_without_traces(world, tmp_path):
    with pytest.raises(CommandError, match="cannot be created"):
        _backup(tmp_path / "missing" / "lotse.backup")
    assert not (tmp_path / "missing").exists()


def test_restore_needs_yes_and_changes_nothing_without_it(world, tmp_path):
    backup = tmp_path / "lotse.backup"
    _backup(backup)
    Person.objects.filter(family_name="Haddad").update(given_names="Geändert")
    before = table_digests(connection)
    with pytest.raises(CommandError, match="--yes"):
        _restore(backup)
    assert table_digests(connection) == before


@pytest.mark.parametrize("damage", ["not a backup", "truncated", "missing"])
def test_restore_refuses_a_damaged_file_and_changes_nothing(world, tmp_path, damage):
    backup = tmp_path / "lotse.backup"
    _backup(backup)
    broken = tmp_path / "broken.backup"
    if damage == "not a backup":
        broken.write_bytes(b"%PDF-1.7 certainly not a database")
    elif damage == "truncated":
        content = backup.read_bytes()
        broken.write_bytes(content[: len(content) // 2])
    before = table_digests(connection)
    with pytest.raises(CommandError):
        _restore(broken, yes=True)
    assert table_digests(connection) == before
    call_command("audit_verify", stdout=StringIO())


def test_sqlite_restore_into_a_named_file(world, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("restores into a named PostgreSQL database are tested on the private cluster "
                    "(tests/faults/test_postgres_restart.py)")
    backup = tmp_path / "lotse.backup"
    _backup(backup)
    target = tmp_path / "copy.sqlite3"
    output = _restore(backup, yes=True, target=str(target))
    assert "audit_verify" in output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        assert list(copy.iterdump()) == list(connection.connection.iterdump())
    finally:
        copy.close()
