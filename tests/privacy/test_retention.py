"""apply_retention with time travel: data on both sides of every boundary, exact survivors."""

import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lotse.audit.models import AuditCheckpoint, AuditEvent, AuditEventRecord
from lotse.audit.services import audit_read_many, audit_security
from lotse.intake.models import FirstContact
from lotse.people.models import Person, ResidenceStatusType
from lotse.people.services import residence_status_add
from lotse.privacy.models import ErasedPersonStub, RetainedCount
from lotse.privacy.services import legal_hold_set

pytestmark = pytest.mark.django_db
TODAY = date(2036, 6, 15)  # rules: audit 3 years, persons 10 years, anonymous first contacts 6 months


def _run(*args):
    out = io.StringIO()
    call_command("apply_retention", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def _verify():
    call_command("audit_verify", stdout=io.StringIO())


def _contact(org, when: date, person=None):
    return FirstContact.objects.create(organisation=org.organisation, team=org.team, person=person, date=when,
                                       channel="phone", outcome="answered")


@pytest.fixture
def world(clock, org_a, make_person, counsellor):
    """Built in chronological order, as it would have happened."""
    w = {}
    with clock.at(datetime(2025, 1, 10, 12)):
        w["old"] = make_person("Alt", "Anna")
        w["held"] = make_person("Gehalten", "Hana")
        legal_hold_set(actor=counsellor, person=w["held"], reason="Klageverfahren")
        w["changed"] = make_person("Geaendert", "Gita")
        w["contact"] = make_person("Kontakt", "Karla")
        w["listed"] = audit_read_many(actor=counsellor, objects=[w["old"], w["held"]], object_type="people.person",
                                      action="person.listed")
    with clock.at(datetime(2026, 6, 14, 12)):
        w["boundary_old"] = make_person("Grenze", "Olga")
    with clock.at(datetime(2026, 6, 15, 12)):
        w["boundary_young"] = make_person("Grenze", "Jana")
    with clock.at(datetime(2030, 3, 1, 12)):
        residence_status_add(actor=counsellor, person=w["changed"],
                             status_type=ResidenceStatusType.objects.get(code="duldung"), paragraph="§ 60a",
                             valid_from=date(2030, 3, 1), valid_until=None, document="")
    _contact(org_a, date(2027, 1, 5), person=w["contact"])
    with clock.at(datetime(2033, 6, 14, 23, 0)):
        w["last_old_event"] = audit_security(actor=None, action="test.old", actor_label="t")
    with clock.at(datetime(2033, 6, 15, 0, 30)):
        w["first_young_event"] = audit_security(actor=None, action="test.young", actor_label="t")
    w["contacts_old"] = [_contact(org_a, d) for d in (date(2035, 11, 2), date(2035, 12, 1), date(2035, 12, 14))]
    w["contacts_young"] = [_contact(org_a, d) for d in (date(2035, 12, 15), date(2036, 1, 10))]
    clock.set(datetime(2036, 6, 15, 9))
    return w


def _state():
    return (sorted(Person.objects.values_list("family_name", "given_names")),
            FirstContact.objects.count(), AuditEvent.objects.count(), AuditCheckpoint.objects.count(),
            ErasedPersonStub.objects.count(), RetainedCount.objects.count())


def test_dry_run_lists_and_changes_nothing(world):
    before = _state()
    out = _run("--dry-run")
    assert _state() == before
    assert "Personen, die gelöscht würden: 2" in out and str(world["old"].public_id) in out
    assert "Anonyme Erstkontakte, die gelöscht würden: 3" in out
    assert f"(bis #{world['last_old_event'].id})" in out
    assert "Klageverfahren" in out  # the held person is named with the reason


def test_removes_exactly_what_the_rules_say_and_is_idempotent(world, org_a):
    _run()
    survivors = sorted(Person.objects.values_list("family_name", "given_names"))
    assert survivors == [("Geaendert", "Gita"), ("Gehalten", "Hana"), ("Grenze", "Jana"), ("Kontakt", "Karla")]
    stubs = ErasedPersonStub.objects.all()
    assert len(stubs) == 2 and {s.cause for s in stubs} == {"retention"}
    assert sorted(FirstContact.objects.values_list("date", flat=True)) == [
        date(2027, 1, 5), date(2035, 12, 15), date(2036, 1, 10)]
    assert sorted(RetainedCount.objects.values_list("organisation_id", "month", "count")) == [
        (org_a.organisation.pk, date(2035, 11, 1), 1), (org_a.organisation.pk, date(2035, 12, 1), 2)]
    assert AuditEvent.objects.order_by("id").first().id == world["first_young_event"].id
    assert not AuditEventRecord.objects.filter(event_id=world["listed"].id).exists()
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.event_id == world["last_old_event"].id and checkpoint.hash == world["last_old_event"].hash
    assert checkpoint.removed_count == world["last_old_event"].id
    applied = AuditEvent.objects.get(action="retention.applied")
    assert applied.details == {"today": "2036-06-15", "first_contacts": 3, "persons_erased": 2, "persons_held": 1,
                               "audit_events": world["last_old_event"].id}
    _verify()

    state = _state()
    out = _run()
    assert _state() == state and "Nichts zu tun." in out
    _verify()


def test_audit_verify_still_detects_tampering_after_retention(world):
    _run()
    victim = AuditEvent.objects.filter(action="test.young").get()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [victim.id])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    with pytest.raises(CommandError, match=f"#{victim.id}: content was altered"):
        _verify()


def test_a_forged_checkpoint_does_not_verify(world):
    _run()
    later = AuditEvent.objects.order_by("id")[3]
    AuditCheckpoint.objects.create(event_id=later.id, hash=later.hash, removed_count=0)
    with pytest.raises(CommandError, match="checkpoint is not confirmed"):
        _verify()


def test_retention_refuses_to_anchor_a_broken_chain(world):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [world["listed"].id])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    with pytest.raises(CommandError, match="beschädigt"):
        _run()
    assert AuditEvent.objects.filter(pk=world["listed"].id).exists()
    assert not AuditCheckpoint.objects.exists()


def test_nothing_to_do_exits_cleanly(db):
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "Nichts zu tun." in out.getvalue()


def test_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="JJJJ-MM-TT"):
        call_command("apply_retention", "--today", "15.06.2036")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_postgres_refuses_delete_outside_retention(world):
    _run()
    checkpoint = AuditCheckpoint.objects.get()
    young = AuditEvent.objects.order_by("id").first()

    def delete(sql, params, retention=False):
        with transaction.atomic(), connection.cursor() as cursor:
            if retention:
                cursor.execute("SET LOCAL lotse.audit_retention = 'on'")
            cursor.execute(sql, params)

    with pytest.raises(DatabaseError, match="append-only"):
        delete("DELETE FROM audit_auditevent WHERE id = %s", [young.id])
    with pytest.raises(DatabaseError, match="append-only"):
        delete("DELETE FROM audit_auditevent WHERE id = %s", [young.id], retention=True)
    with pytest.raises(DatabaseError, match="append-only"):
        delete("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [young.id], retention=True)
    with pytest.raises(DatabaseError, match="append-only"):
        delete("DELETE FROM audit_auditcheckpoint WHERE id = %s", [checkpoint.id], retention=True)
    with pytest.raises(DatabaseError, match="append-only"):
        delete("UPDATE audit_auditcheckpoint SET event_id = 1 WHERE id = %s", [checkpoint.id])
    _verify()
