"""Retention: what the rules say must go on a given day, and removing exactly that.

Boundaries: a record goes when it is *older* than the period, i.e. its date lies strictly before
``today - period``; a record exactly on the boundary day stays until the next day.

- ``first_contact_anonymous``: anonymous first contacts (``intake.FirstContact`` without a person)
  older than the period are deleted; their number per organisation and month is added to
  ``RetainedCount`` first, so monthly statistics stay correct.
- ``person_inactive``: persons whose last change (master data, related entries, audited writes) and
  last linked first contact lie before the cutoff are erased through ``person_erase`` (anonymous stub
  stays), unless a legal hold or another erasure blocker applies; those are reported as held.
- ``audit_events``: the oldest events, as a contiguous prefix of the chain, up to the last one before
  the cutoff. A checkpoint anchors the remaining chain (see ``audit_retain``).
"""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import F, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lotse.audit.chain import CHECKPOINT_ACTION
from lotse.audit.models import AuditCheckpoint, AuditEvent, AuditEventRecord, Category
from lotse.audit.selectors import audit_chain_problem
from lotse.audit.services import audit_record
from lotse.people.models import Person
from lotse.privacy.guards import erasure_refusals
from lotse.privacy.models import (
    ErasedPersonStub,
    RetainedCount,
    RetentionRule,
    RetentionSubject,
    RetentionUnit,
)

ALL = RetentionRule.ALL_PROGRAMMES
RETENTION_LABEL = "retention"


def subtract(today: date, period: int, unit: str) -> date:
    """``today`` minus the period; 31 March minus one month is 28/29 February."""
    if unit == RetentionUnit.DAYS:
        return date.fromordinal(today.toordinal() - period)
    months = period * 12 if unit == RetentionUnit.YEARS else period
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(today.day, monthrange(year, month + 1)[1]))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def rules_for(subject: str) -> dict[str, RetentionRule]:
    return {rule.programme: rule for rule in RetentionRule.objects.filter(subject=subject, is_active=True)}


def cutoff_for(rules: dict[str, RetentionRule], programmes: set[str], today: date) -> date | None:
    """The programme rules of the record win over "*"; of several programmes the longest period (earliest
    cutoff) applies, so no programme's data go too early. None: no rule, keep."""
    specific = [rules[p] for p in programmes if p in rules]
    chosen = specific or ([rules[ALL]] if ALL in rules else [])
    cutoffs = [subtract(today, rule.period, rule.unit) for rule in chosen]
    return min(cutoffs) if cutoffs else None


# ---- first contacts (intake is built elsewhere; read through the model class) -------------------

DATE_FIELD_CANDIDATES = ("contacted_on", "contact_date", "contacted_at", "occurred_on", "occurred_at", "date",
                         "created_at")


@dataclass
class FirstContacts:
    model: type
    date_field: str
    person_field: str | None
    anonymous_filter: dict
    organisation_path: str | None
    team_path: str | None

    @classmethod
    def find(cls):
        try:
            model = apps.get_model("intake", "FirstContact")
        except LookupError:
            return None
        names = {f.name: f for f in model._meta.concrete_fields}
        date_field = next((name for name in DATE_FIELD_CANDIDATES if name in names), None)
        person_field = next((f.name for f in names.values()
                             if isinstance(f, models.ForeignKey) and f.related_model is Person), None)
        if "is_anonymous" in names:
            anonymous = {"is_anonymous": True}
        elif person_field:
            anonymous = {f"{person_field}__isnull": True}
        else:
            anonymous = None
        if date_field is None or anonymous is None:
            return None
        organisation = "organisation_id" if "organisation" in names else (
            "team__organisation_id" if "team" in names else None)
        return cls(model, date_field, person_field, anonymous, organisation, "team_id" if "team" in names else None)

    def linked_after(self, person_ids, cutoff: date) -> set[int]:
        """Persons with a first contact on or after the cutoff."""
        if not self.person_field:
            return set()
        return set(self.model._default_manager.filter(**{
            f"{self.person_field}_id__in": person_ids, f"{self.date_field}__gte": self._bound(cutoff),
        }).values_list(f"{self.person_field}_id", flat=True))

    def _bound(self, day: date):
        field = self.model._meta.get_field(self.date_field)
        return _start_of(day) if isinstance(field, models.DateTimeField) else day

    def expired(self, today: date, rules):
        """Anonymous first contacts older than their rule (programme rules through the team's programmes)."""
        queryset = self.model._default_manager.filter(**self.anonymous_filter)
        if ALL not in rules and not self.team_path:
            return queryset.none()
        cutoff = cutoff_for(rules, set(), today)
        if self.team_path and len(rules) > 1:
            ids = []
            rows = queryset.values_list("pk", self.team_path, self.date_field)
            programmes = _team_programmes({team for _, team, _ in rows})
            for pk, team, value in rows.iterator():
                team_cutoff = cutoff_for(rules, programmes.get(team, set()), today)
                if team_cutoff is not None and _as_date(value) < team_cutoff:
                    ids.append(pk)
            return self.model._default_manager.filter(pk__in=ids)
        if cutoff is None:
            return queryset.none()
        return queryset.filter(**{f"{self.date_field}__lt": self._bound(cutoff)})


def _as_date(value) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def _team_programmes(team_ids) -> dict[int, set[str]]:
    from lotse.organisations.models import Team

    result: dict[int, set[str]] = {}
    for team_id, programme in Team.offerings.through.objects.filter(team_id__in=team_ids).values_list(
            "team_id", "programmeoffering__programme"):
        result.setdefault(team_id, set()).add(programme)
    return result


# ---- the plan -----------------------------------------------------------------------------------

@dataclass
class Plan:
    today: date
    first_contacts_supported: bool = False
    first_contact_ids: list = field(default_factory=list)
    first_contact_months: dict = field(default_factory=dict)  # (organisation_id, month) -> count
    persons: list = field(default_factory=list)  # (pk, public_id)
    persons_held: list = field(default_factory=list)  # (public_id, reasons)
    audit_up_to: int | None = None
    audit_count: int = 0
    audit_problem: str = ""

    @property
    def empty(self) -> bool:
        return not (self.first_contact_ids or self.persons or self.audit_count)


def _last_changes(person_ids: list[int]) -> dict[int, datetime]:
    """Latest change per person beyond ``updated_at``: related rows with a timestamp and audited writes."""
    latest: dict[int, datetime] = {}

    def note(person_id, value):
        if value is not None and (person_id not in latest or value > latest[person_id]):
            latest[person_id] = value

    for label, field_name in (("people.ResidenceStatus", "created_at"), ("people.PersonName", "created_at"),
                              ("privacy.CorrectionRecord", "at"), ("privacy.LegalHold", "set_at"),
                              ("consent.Consent", "recorded_at"), ("consent.Release", "recorded_at"),
                              ("intake.EligibilityCheck", "created_at")):
        try:
            model = apps.get_model(label)
            model._meta.get_field(field_name)
        except (LookupError, models.FieldDoesNotExist):
            continue
        for person_id, value in model._default_manager.filter(person_id__in=person_ids).values(
                "person_id").annotate(last=Max(field_name)).values_list("person_id", "last"):
            note(person_id, value)
    public = dict(Person.objects.filter(pk__in=person_ids).values_list("public_id", "pk"))
    by_text = {str(public_id): pk for public_id, pk in public.items()}
    for object_id, value in AuditEvent.objects.filter(
            object_type="people.person", object_id__in=list(by_text), category=Category.WRITE).values(
            "object_id").annotate(last=Max("occurred_at")).values_list("object_id", "last"):
        note(by_text[object_id], value)
    return latest


def _plan_persons(plan: Plan, contacts: FirstContacts | None) -> None:
    rules = rules_for(RetentionSubject.PERSON_INACTIVE)
    if not rules:
        return
    latest_possible = max(subtract(plan.today, rule.period, rule.unit) for rule in rules.values())
    candidates = list(Person.objects.filter(merged_into__isnull=True, updated_at__lt=_start_of(latest_possible))
                      .values_list("pk", "public_id", "team_id", "updated_at"))
    if not candidates:
        return
    programmes = _team_programmes({team for _, _, team, _ in candidates})
    ids = [pk for pk, *_ in candidates]
    changes = _last_changes(ids)
    due = []
    for pk, public_id, team_id, updated_at in candidates:
        cutoff = cutoff_for(rules, programmes.get(team_id, set()), plan.today)
        if cutoff is None:
            continue
        last = max(updated_at, changes.get(pk, updated_at))
        if last < _start_of(cutoff):
            due.append((pk, public_id, cutoff))
    linked = set()
    if contacts is not None:
        for cutoff in {c for *_, c in due}:
            linked |= contacts.linked_after([pk for pk, _, c in due if c == cutoff], cutoff)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=[pk for pk, *_ in due])}
    for pk, public_id, _cutoff in sorted(due, key=lambda row: row[0]):
        if pk in linked:
            continue
        reasons = erasure_refusals(persons[pk], on=plan.today)
        if reasons:
            plan.persons_held.append((str(public_id), reasons))
        else:
            plan.persons.append((pk, str(public_id)))


def _plan_first_contacts(plan: Plan, contacts: FirstContacts | None) -> None:
    if contacts is None:
        return
    plan.first_contacts_supported = True
    rules = rules_for(RetentionSubject.FIRST_CONTACT_ANONYMOUS)
    if not rules:
        return
    expired = contacts.expired(plan.today, rules)
    plan.first_contact_ids = list(expired.values_list("pk", flat=True))
    if plan.first_contact_ids and contacts.organisation_path:
        rows = contacts.model._default_manager.filter(pk__in=plan.first_contact_ids).annotate(
            month=TruncMonth(contacts.date_field)).values_list(contacts.organisation_path, "month")
    else:
        rows = [(None, value) for value in contacts.model._default_manager.filter(
            pk__in=plan.first_contact_ids).annotate(month=TruncMonth(contacts.date_field)).values_list(
            "month", flat=True)]
    for organisation_id, month in rows:
        key = (organisation_id, _as_date(month).replace(day=1))
        plan.first_contact_months[key] = plan.first_contact_months.get(key, 0) + 1


def _plan_audit(plan: Plan) -> None:
    rules = rules_for(RetentionSubject.AUDIT_EVENTS)
    if ALL not in rules:
        return
    cutoff = _start_of(subtract(plan.today, rules[ALL].period, rules[ALL].unit))
    previous = AuditCheckpoint.objects.aggregate(last=Max("event_id"))["last"] or 0
    first_young = AuditEvent.objects.filter(occurred_at__gte=cutoff, id__gt=previous).order_by("id").values_list(
        "id", flat=True).first()
    if first_young is None:
        up_to = AuditEvent.objects.filter(id__gt=previous).aggregate(last=Max("id"))["last"]
    else:
        up_to = first_young - 1
    if up_to is None or up_to <= previous:
        return
    plan.audit_up_to = up_to
    plan.audit_count = AuditEvent.objects.filter(id__gt=previous, id__lte=up_to).count()


def retention_plan(*, today: date) -> Plan:
    plan = Plan(today=today)
    contacts = FirstContacts.find()
    _plan_persons(plan, contacts)
    _plan_first_contacts(plan, contacts)
    _plan_audit(plan)
    return plan


# ---- applying -----------------------------------------------------------------------------------

@transaction.atomic
def first_contacts_remove(*, plan: Plan) -> int:
    contacts = FirstContacts.find()
    if contacts is None or not plan.first_contact_ids:
        return 0
    for (organisation_id, month), count in sorted(plan.first_contact_months.items(), key=str):
        row, _created = RetainedCount.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, subject=RetentionSubject.FIRST_CONTACT_ANONYMOUS, month=month)
        RetainedCount.objects.filter(pk=row.pk).update(count=F("count") + count)
    contacts.model._default_manager.filter(pk__in=plan.first_contact_ids).delete()
    return len(plan.first_contact_ids)


def persons_erase(*, plan: Plan) -> tuple[int, list]:
    """Erase each due person in its own transaction; a person that became blocked meanwhile is skipped."""
    from django.core.exceptions import ValidationError

    from lotse.privacy.services import person_erase

    erased, skipped = 0, []
    for pk, public_id in plan.persons:
        person = Person.objects.filter(pk=pk).first()
        if person is None:
            continue
        try:
            person_erase(actor=None, person=person, reason="Aufbewahrungsfrist abgelaufen (person_inactive)",
                         cause=ErasedPersonStub.Cause.RETENTION, today=plan.today)
        except ValidationError as error:
            skipped.append((public_id, error.messages))
        else:
            erased += 1
    return erased, skipped


class AuditChainBroken(Exception):
    pass


@transaction.atomic
def audit_retain(*, up_to: int) -> int:
    """Remove the events up to ``up_to`` behind a checkpoint; the remaining chain still verifies.

    1. The whole chain must verify first: retention never removes the evidence of tampering.
    2. A checkpoint (``event_id``, ``hash`` of that event, ``removed_count``) is stored, and an
       ``audit.checkpoint`` event naming it is appended to the chain (it stays, being newer).
    3. The events and their index rows are deleted; on PostgreSQL the trigger lets the DELETE
       through only with ``lotse.audit_retention = 'on'`` in this transaction and only up to the
       newest checkpoint. The setting is switched off again right after.
    """
    problem = audit_chain_problem()
    if problem is not None:
        raise AuditChainBroken(str(problem))
    previous = AuditCheckpoint.objects.aggregate(last=Max("event_id"))["last"] or 0
    if up_to <= previous:
        return 0
    anchor = AuditEvent.objects.filter(pk=up_to).values_list("hash", flat=True).first()
    if anchor is None:
        raise AuditChainBroken(f"#{up_to}: missing")
    removed = AuditEvent.objects.filter(id__gt=previous, id__lte=up_to).count()
    AuditCheckpoint.objects.create(event_id=up_to, hash=anchor, removed_count=removed)
    audit_record(actor=None, action=CHECKPOINT_ACTION, category=Category.SECURITY, actor_label=RETENTION_LABEL,
                 details={"event_id": up_to, "hash": anchor, "removed_count": removed})
    AuditEventRecord.objects.filter(event_id__lte=up_to).delete()
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT set_config('lotse.audit_retention', 'on', true)")
        try:
            cursor.execute("DELETE FROM audit_auditevent WHERE id <= %s", [up_to])
        finally:
            if postgres:
                cursor.execute("SELECT set_config('lotse.audit_retention', 'off', true)")
    return removed


@dataclass
class Result:
    first_contacts: int = 0
    persons_erased: int = 0
    persons_held: list = field(default_factory=list)
    audit_events: int = 0
    retained_months: int = 0


def retention_apply(*, plan: Plan) -> Result:
    """Carry out a plan. Each subject commits on its own; running again the same day finds nothing."""
    result = Result(persons_held=list(plan.persons_held))
    result.persons_erased, skipped = persons_erase(plan=plan)
    result.persons_held += skipped
    result.first_contacts = first_contacts_remove(plan=plan)
    result.retained_months = len(plan.first_contact_months) if result.first_contacts else 0
    if plan.audit_up_to is not None:
        result.audit_events = audit_retain(up_to=plan.audit_up_to)
    if result.first_contacts or result.persons_erased or result.audit_events:
        audit_record(actor=None, action="retention.applied", category=Category.SECURITY,
                     actor_label=RETENTION_LABEL,
                     details={"today": plan.today.isoformat(), "first_contacts": result.first_contacts,
                              "persons_erased": result.persons_erased, "persons_held": len(result.persons_held),
                              "audit_events": result.audit_events})
    return result
