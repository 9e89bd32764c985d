import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lotse.audit.models import AuditEvent
from lotse.audit.services import audit_record, audit_security
from lotse.core.demo import seed_demo

pytestmark = pytest.mark.django_db


def _events(n=5):
    return [audit_security(actor=None, action=f"test.event{i}", actor_label="tester", details={"n": i, "ä": "ü"})
            for i in range(n)]


def _verify():
    call_command("audit_verify", stdout=open("/dev/null", "w"))


def _raw(sql, params=()):
    """Raw SQL as an attacker with database access would run it, bypassing the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def test_chain_of_the_demo_database_verifies():
    seed_demo()
    _events(3)
    _verify()


def test_ids_are_contiguous_and_linked():
    events = _events(4)
    assert [e.id for e in events] == list(range(events[0].id, events[0].id + 4))
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))


@pytest.mark.parametrize("column, value", [
    ("action", "'something.else'"),
    ("actor_label", "'mallory'"),
    ("object_id", "'00000000-0000-0000-0000-000000000000'"),
    ("ip_address", "'10.0.0.1'"),
])
def test_altering_any_column_is_detected(column, value):
    events = _events(5)
    victim = events[2]
    _raw(f"UPDATE audit_auditevent SET {column} = {value} WHERE id = %s", [victim.id])
    with pytest.raises(CommandError, match=f"entry #{victim.id}: content was altered"):
        _verify()


def test_altering_the_details_is_detected():
    events = _events(3)
    details = '{"n": 99}' if connection.vendor == "sqlite" else '{"n": 99}'
    _raw("UPDATE audit_auditevent SET details = %s WHERE id = %s", [details, events[1].id])
    with pytest.raises(CommandError, match=f"#{events[1].id}"):
        _verify()


def test_rehashing_a_changed_row_breaks_the_link_of_the_next():
    from lotse.audit.chain import event_hash

    events = _events(4)
    victim = AuditEvent.objects.filter(pk=events[1].id).values().get()
    victim["action"] = "forged"
    forged_hash = event_hash(victim)
    _raw("UPDATE audit_auditevent SET action = 'forged', hash = %s WHERE id = %s", [forged_hash, events[1].id])
    with pytest.raises(CommandError, match=f"#{events[2].id}: link to the previous entry is broken"):
        _verify()


def test_deleting_a_row_in_the_middle_is_detected():
    events = _events(5)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].id])
    with pytest.raises(CommandError, match=f"#{events[2].id}: missing"):
        _verify()


def test_deleting_the_newest_row_is_detected():
    events = _events(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    with pytest.raises(CommandError, match=f"#{events[-1].id}: missing"):
        _verify()


def test_deleting_the_first_row_is_detected():
    events = _events(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[0].id])
    with pytest.raises(CommandError, match="#1: missing"):
        _verify()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="append-only trigger exists on PostgreSQL only")
@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"])
def test_postgresql_refuses_update_and_delete(statement):
    _events(2)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


def test_audit_write_rolls_back_with_the_surrounding_transaction():
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            audit_record(actor=None, action="will.vanish", category="write")
            raise RuntimeError
    assert AuditEvent.objects.count() == before
    _events(1)
    _verify()
