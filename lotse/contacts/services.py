"""Recording counselling contacts: one transaction for the contact, its agreements (tasks) and the next
appointment, so a bad agreement row or appointment means nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cases.casework import case_for_work
from lotse.cases.models import Case, CaseMember
from lotse.contacts.models import Contact, ContactKind, ContactOutcome
from lotse.core.versioning import bump, ensure_current
from lotse.intake.models import Topic

DURATION_MAX = 12 * 60
TOPICS_MAX = 20
TEXT_LIMITS = {"location": 200, "occasion": 500, "interpreter_name": 200, "others_present": 500, "notes": 20000}


@dataclass
class Agreement:
    """"Wer macht was bis wann": becomes a task of the case."""

    title: str
    responsible: str
    due_on: date | None
    responsible_partner: object | None = None


@dataclass
class ContactData:
    occurred_at: datetime | None
    duration_minutes: int | None
    kind: str
    topics: list = field(default_factory=list)
    outcome: str = ContactOutcome.TOOK_PLACE
    repeat_offer_on: date | None = None
    location: str = ""
    occasion: str = ""
    persons_present: list = field(default_factory=list)
    interpreter_present: bool = False
    interpreter_name: str = ""
    others_present: str = ""
    notes: str = ""
    notes_confidential: bool = False
    next_appointment_at: datetime | None = None


def topic_choices(case: Case):
    """The topic catalogue of the case's programme: shared entries plus the organisation's own."""
    from django.db.models import Q

    return Topic.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=case.team.organisation_id),
                                programme=case.offering.programme, is_active=True).order_by("sort_order", "label")


def present_choices(case: Case):
    """Who can be present: the main client, co-counselled members and the main client's household."""
    from lotse.people.models import HouseholdMember, Person

    households = HouseholdMember.objects.filter(person=case.person, until__isnull=True).values("household_id")
    members = CaseMember.objects.filter(case=case, until__isnull=True).order_by().values("person_id")
    household = (HouseholdMember.objects.filter(household_id__in=households, person__team=case.team).order_by()
                 .values("person_id"))
    # One id list (UNION) the planner can look up by index; an OR over a join to the households made
    # PostgreSQL scan every person (300 ms per contact form at national scale).
    ids = Person.objects.filter(pk=case.person_id).order_by().values("pk").union(members, household)
    return Person.objects.filter(pk__in=ids, merged_into__isnull=True).order_by("family_name", "given_names", "pk")


def _validated(case: Case, data: ContactData, *, current: Contact | None = None) -> tuple[dict, list, list]:
    """``current``: the stored contact on an edit; dates it already has are not checked against today again."""
    errors: dict[str, str] = {}
    now = timezone.now()
    if data.occurred_at is None:
        errors["occurred_at"] = _("Please enter the date and time of the contact.")
    elif data.occurred_at > now + timedelta(minutes=5):
        errors["occurred_at"] = _("The contact lies in the future. Record it after it has taken place, or plan an "
                                  "appointment.")
    elif case.opened_on and timezone.localtime(data.occurred_at).date() < case.opened_on - timedelta(days=365):
        errors["occurred_at"] = _("The contact lies more than a year before the case was opened.")
    if data.kind not in ContactKind.values:
        errors["kind"] = _("Please choose the type of contact.")
    if data.outcome not in ContactOutcome.values:
        errors["outcome"] = _("Please choose the outcome.")
    if data.duration_minutes is None or not 0 <= data.duration_minutes <= DURATION_MAX:
        errors["duration_minutes"] = _("Please enter the duration in minutes (0 to %(max)d).") % {"max": DURATION_MAX}
    values = {"occurred_at": data.occurred_at, "duration_minutes": data.duration_minutes, "kind": data.kind,
              "outcome": data.outcome, "interpreter_present": bool(data.interpreter_present),
              "notes_confidential": bool(data.notes_confidential)}
    for name, limit in TEXT_LIMITS.items():
        text = (getattr(data, name) or "").strip()
        if len(text) > limit:
            errors[name] = _("Please use at most %(max)d characters.") % {"max": limit}
        values[name] = text
    if values["interpreter_name"] and not values["interpreter_present"]:
        values["interpreter_present"] = True
    topics = list(dict.fromkeys(data.topics or []))
    if len(topics) > TOPICS_MAX:
        errors["topics"] = _("Please choose at most %(max)d topics.") % {"max": TOPICS_MAX}
    allowed = set(topic_choices(case).values_list("pk", flat=True))
    if any(topic.pk not in allowed for topic in topics):
        errors["topics"] = _("Please choose topics from the catalogue of the case's programme.")
    # Without a catalogue for the programme (none configured yet) the requirement could not be met.
    if data.outcome == ContactOutcome.TOOK_PLACE and not topics and allowed and "topics" not in errors:
        errors["topics"] = _("Please choose at least one topic.")
    repeat = data.repeat_offer_on
    if repeat is not None and data.outcome != ContactOutcome.DECLINED:
        errors["repeat_offer_on"] = _("Only a declined offer can be repeated.")
    elif repeat is not None and repeat <= timezone.localdate() and (
            current is None or repeat != current.repeat_offer_on):
        errors["repeat_offer_on"] = _("The date to repeat the offer must lie in the future.")
    values["repeat_offer_on"] = repeat
    present_ids = set(present_choices(case).values_list("pk", flat=True))
    persons = list(dict.fromkeys(data.persons_present or []))
    if any(person.pk not in present_ids for person in persons):
        errors["persons_present"] = _("Please choose persons of the case or the household.")
    next_at = data.next_appointment_at
    if next_at is not None and next_at <= now:
        errors["next_appointment_at"] = _("The next appointment must lie in the future.")
    values["next_appointment_at"] = next_at
    if errors:
        raise ValidationError(errors)
    return values, topics, persons


def _agreements_validated(agreements: list[Agreement]) -> list[Agreement]:
    """Rows with nothing entered are skipped; a half-filled row is an error naming its number."""
    rows, errors = [], {}
    for number, row in enumerate(agreements, start=1):
        title = (row.title or "").strip()
        if not title and not row.responsible and row.due_on is None and row.responsible_partner is None:
            continue
        if not title:
            errors[f"agreement_{number}"] = _("Agreement %(number)d: please say what is to be done.") % {"number": number}
        elif not row.responsible:
            errors[f"agreement_{number}"] = _("Agreement %(number)d: please say who does it.") % {"number": number}
        elif row.due_on is None:
            errors[f"agreement_{number}"] = _("Agreement %(number)d: please say by when.") % {"number": number}
        rows.append(Agreement(title=title, responsible=row.responsible, due_on=row.due_on,
                              responsible_partner=row.responsible_partner))
    if errors:
        raise ValidationError(errors)
    return rows


def _agreement_tasks(*, actor, case, contact, agreements: list[Agreement]) -> None:
    from lotse.cases.services import task_create

    for number, row in enumerate(agreements, start=1):
        try:
            task_create(actor=actor, case=case, title=row.title, responsible=row.responsible, due_on=row.due_on,
                        responsible_partner=row.responsible_partner, source="contact", contact=contact)
        except ValidationError as error:
            raise ValidationError({f"agreement_{number}": _("Agreement %(number)d: %(problem)s") % {
                "number": number, "problem": " ".join(error.messages)}}) from None


@transaction.atomic
def contact_create(*, actor, case: Case, data: ContactData, agreements: list[Agreement] | None = None) -> Contact:
    locked = case_for_work(actor=actor, case=case)
    values, topics, persons = _validated(locked, data)
    rows = _agreements_validated(agreements or [])
    contact = Contact.objects.create(case=locked, author=actor, **values)
    contact.topics.set(topics)
    contact.persons_present.set(persons)
    _agreement_tasks(actor=actor, case=locked, contact=contact, agreements=rows)
    if values["next_appointment_at"] is not None:
        _next_appointment(actor=actor, case=locked, contact=contact)
    audit_record(actor=actor, action="contact.created", category=Category.WRITE, obj=locked.person,
                 organisation=locked.person.organisation,
                 details={"case": str(locked.public_id), "contact": str(contact.public_id), "kind": contact.kind,
                          "outcome": contact.outcome, "agreements": len(rows)})
    return contact


def _next_appointment(*, actor, case: Case, contact: Contact) -> None:
    from lotse.appointments.services import appointment_create

    from lotse.access import policy

    # The case owner, unless they no longer work in the team (then the recorder keeps the appointment).
    owner = case.owner if case.owner_id and policy.works_in_team(case.owner, case.team) else actor
    try:
        appointment_create(actor=actor, owner=owner, team=case.team, starts_at=contact.next_appointment_at,
                           case=case, kind="appointment", location=contact.location, contact=contact)
    except ValidationError as error:
        raise ValidationError({"next_appointment_at": " ".join(error.messages)}) from None


@transaction.atomic
def contact_update(*, actor, contact: Contact, version: int, data: ContactData) -> Contact:
    """Change a contact; the confidential notes only by their author (and the team lead)."""
    from lotse.access import policy

    locked_case = case_for_work(actor=actor, case=contact.case, allow_closed=False)
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    ensure_current(locked, version)
    values, topics, persons = _validated(locked_case, data, current=locked)
    values.pop("next_appointment_at")
    if locked.notes_confidential and not policy.may_read_confidential_notes(
            actor, author_id=locked.author_id, team_id=locked_case.team_id):
        values["notes"], values["notes_confidential"] = locked.notes, True
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    topics_changed = set(locked.topics.values_list("pk", flat=True)) != {topic.pk for topic in topics}
    persons_changed = set(locked.persons_present.values_list("pk", flat=True)) != {p.pk for p in persons}
    if changed or topics_changed or persons_changed:
        for name in changed:
            setattr(locked, name, values[name])
        bump(locked, fields=[*changed, "updated_at"])
        if topics_changed:
            locked.topics.set(topics)
        if persons_changed:
            locked.persons_present.set(persons)
        audit_record(actor=actor, action="contact.updated", category=Category.WRITE, obj=locked_case.person,
                     organisation=locked_case.person.organisation,
                     details={"case": str(locked_case.public_id), "contact": str(locked.public_id),
                              "fields": sorted(changed + (["topics"] if topics_changed else [])
                                               + (["persons_present"] if persons_changed else []))})
    return locked


# ---- topic catalogues (Themenkataloge) ------------------------------------------------------------------------

TOPIC_LABEL_MAX = 200


def may_keep_topics(actor, organisation=None) -> bool:
    """System administrators keep the shared national catalogue, organisation admins their organisation's own."""
    from lotse.access import policy

    if organisation is None:
        return policy.may_administer_organisations(actor)
    return policy.may_administer_organisation(actor, organisation)


def _topic_label(label: str, *, programme: str, organisation, exclude_pk=None) -> str:
    from django.db.models import Q

    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": _("Please enter the topic.")})
    if len(label) > TOPIC_LABEL_MAX:
        raise ValidationError({"label": _("Please use at most %(max)d characters.") % {"max": TOPIC_LABEL_MAX}})
    same_catalogue = Q(organisation__isnull=True)
    if organisation is not None:
        same_catalogue |= Q(organisation=organisation)
    clash = Topic.objects.filter(same_catalogue, programme=programme, label__iexact=label)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"label": _("The catalogue already has this topic.")})
    return label


def _topic_code(programme: str, label: str) -> str:
    """A stable code from the label (it never changes when the topic is renamed)."""
    from django.utils.text import slugify

    base = f"{programme}-{slugify(label) or 'thema'}"[:44].strip("-")
    taken = set(Topic.objects.filter(code__startswith=base).values_list("code", flat=True))
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}-{number}"
    return code


def _sort_order(value) -> int | None:
    if value is None:
        return None
    if not 0 <= value <= 32767:
        raise ValidationError({"sort_order": _("Please enter a number between 0 and 32767.")})
    return value


@transaction.atomic
def topic_create(*, actor, programme: str, label: str, organisation=None, sort_order: int | None = None) -> Topic:
    from django.db.models import Max

    from lotse.access import policy
    from lotse.organisations.models import ProgrammeOffering

    if not may_keep_topics(actor, organisation):
        policy.deny(actor, "topic.create")
    if programme not in ProgrammeOffering.Programme.values:
        raise ValidationError({"programme": _("Please choose a programme.")})
    label = _topic_label(label, programme=programme, organisation=organisation)
    sort_order = _sort_order(sort_order)
    if sort_order is None:
        highest = Topic.objects.filter(programme=programme).aggregate(highest=Max("sort_order"))["highest"]
        sort_order = min((highest or 0) + 1, 32767)
    topic = Topic.objects.create(programme=programme, organisation=organisation, label=label,
                                 code=_topic_code(programme, label), sort_order=sort_order)
    audit_record(actor=actor, action="topic.created", category=Category.WRITE, obj=topic, organisation=organisation,
                 details={"code": topic.code, "programme": programme, "label": label})
    return topic


@transaction.atomic
def topic_update(*, actor, topic: Topic, label: str, sort_order: int | None, is_active: bool) -> Topic:
    """Rename, reorder or switch off a topic; the code stays, so recorded contacts keep their topics."""
    from lotse.access import policy

    locked = Topic.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=topic.pk)
    if not may_keep_topics(actor, locked.organisation):
        policy.deny(actor, "topic.update")
    values = {"label": _topic_label(label, programme=locked.programme, organisation=locked.organisation,
                                    exclude_pk=locked.pk),
              "is_active": bool(is_active)}
    sort_order = _sort_order(sort_order)
    if sort_order is not None:
        values["sort_order"] = sort_order
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        audit_record(actor=actor, action="topic.updated", category=Category.WRITE, obj=locked,
                     organisation=locked.organisation, details={"code": locked.code, "fields": sorted(changed)})
    return locked
