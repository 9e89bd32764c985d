"""Every write to case conferences.

- Only with the family's consent: a conference is scheduled only while the consent to sharing with named
  partners (``consent.Purpose.SHARING``) is active for every family member whose matters are discussed.
- A partner (or a contact person at a partner) takes part only when, for each of those family members, a valid
  release from confidentiality names that partner and covers every category on the agenda. The check is
  ``lotse.consent.services.disclosure_check``, called before the write transaction so a refusal stays on
  record; changing the categories or the family members later checks every partner participant again.
- A decision (who does what by when) becomes a step of the integration plan on the chosen goal, or a task
  of the case when no goal is chosen — in the same transaction as the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cases.casework import case_for_work
from lotse.cases.models import Case, CaseMember, Responsible
from lotse.conferences.models import (Conference, ConferenceStatus, Decision, Participant, ParticipantKind,
                                      default_categories)
from lotse.consent.models import InformationCategory, Purpose
from lotse.consent.rules import consent_active, valid_release
from lotse.consent.services import DisclosureRefused, disclosure_check
from lotse.core.versioning import bump, ensure_current
from lotse.privacy.guards import ensure_not_restricted

TEXT_LIMITS = {"title": 200, "location": 200, "agenda": 5000, "minutes": 20000, "cancel_reason": 500, "name": 200,
               "role": 200, "text": 500}
PERSONS_MAX = 30
FUTURE_LIMIT = timedelta(days=2 * 365)
PAST_LIMIT = timedelta(days=365)
RESPONSIBLE = {ParticipantKind.STAFF: Responsible.COUNSELLOR, ParticipantKind.PARTNER: Responsible.PARTNER,
               ParticipantKind.FAMILY: Responsible.CLIENT}


@dataclass
class ConferenceData:
    title: str
    scheduled_at: datetime | None
    location: str = ""
    categories: list = field(default_factory=default_categories)
    persons: list = field(default_factory=list)
    agenda: str = ""


@dataclass
class ParticipantData:
    kind: str
    user: object | None = None
    partner: object | None = None
    partner_contact: object | None = None
    person: object | None = None
    name: str = ""
    role: str = ""


@dataclass
class DecisionData:
    text: str
    responsible: Participant | None
    due_on: date | None
    goal: object | None = None


def _text(value) -> str:
    return str(value or "").replace("\x00", "").strip()


def _limited(errors: dict, name: str, value) -> str:
    text = _text(value)
    if len(text) > TEXT_LIMITS[name]:
        errors[name] = _("Please use at most %(max)d characters.") % {"max": TEXT_LIMITS[name]}
    return text


def _audit(actor, case: Case, action: str, conference: Conference, **details) -> None:
    audit_record(actor=actor, action=action, category=Category.WRITE, obj=case.person,
                 organisation=case.person.organisation,
                 details={"case": str(case.public_id), "conference": str(conference.public_id), **details})


def _names(persons) -> str:
    return ", ".join(person.display_name for person in persons)


def discussed_choices(case: Case):
    """The family members whose matters a conference can discuss: the main client and co-counselled members."""
    from lotse.people.models import Person

    members = CaseMember.objects.filter(case=case, until__isnull=True).values("person_id")
    return (Person.objects.filter(Q(pk=case.person_id) | Q(pk__in=members), merged_into__isnull=True)
            .order_by("family_name", "given_names", "pk"))


def purpose_of(conference: Conference) -> str:
    """What the disclosure records say the data went to the partner for."""
    when = timezone.localtime(conference.scheduled_at).strftime("%d.%m.%Y")
    return f"Fallkonferenz „{conference.title}“ am {when}"[:200]


# ---- consent and releases ----------------------------------------------------------------------------

def require_consent(persons) -> None:
    """Case conferences only with the family's consent to sharing with named partners [003 §6.4.2]."""
    missing = [person for person in persons if not consent_active(person, Purpose.SHARING)]
    if missing:
        raise ValidationError(
            _("A case conference needs the family's consent to sharing with named partners. It is missing or "
              "withdrawn for: %(names)s. Record the consent first.") % {"names": _names(missing)},
            code="consent_missing")


def _covered(person, recipient, categories, *, on: date | None = None) -> bool:
    return all(valid_release(person, recipient, category, on=on) is not None for category in categories)


def release_gate(*, actor, conference: Conference, recipient, persons, categories, scheduled_at=None) -> None:
    """Refuse unless a valid release of every family member covers every category for ``recipient``.

    Refusals and allowed disclosures are recorded by ``disclosure_check``; call this outside any write
    transaction. A planned conference in the future also needs the releases to last until its date.
    """
    purpose = purpose_of(conference)
    uncovered = [person for person in persons if not _covered(person, recipient, categories)]
    if uncovered:
        reasons = []
        for person in uncovered:
            try:
                disclosure_check(actor=actor, person=person, recipient=recipient, categories=categories,
                                 purpose=purpose)
            except DisclosureRefused as refused:
                reasons.append(_("%(person)s: %(reason)s") % {"person": person.display_name,
                                                              "reason": " ".join(refused.messages)})
        if reasons:
            raise DisclosureRefused(
                _("%(partner)s cannot take part in the case conference without a valid release from "
                  "confidentiality. %(reasons)s") % {"partner": recipient.name, "reasons": " ".join(reasons)},
                code="release_missing")
    day = timezone.localtime(scheduled_at or conference.scheduled_at).date()
    if day > timezone.localdate():
        ending = [person for person in persons if not _covered(person, recipient, categories, on=day)]
        if ending:
            raise DisclosureRefused(
                _("The release from confidentiality for %(partner)s ends before the conference on %(date)s "
                  "(%(names)s). Ask the family to extend it, or choose an earlier date.")
                % {"partner": recipient.name, "date": day.strftime("%d.%m.%Y"), "names": _names(ending)},
                code="release_ends")
    for person in persons:
        disclosure_check(actor=actor, person=person, recipient=recipient, categories=categories, purpose=purpose)


def _partner_recipients(conference: Conference) -> list:
    rows = Participant.objects.filter(conference=conference, kind=ParticipantKind.PARTNER).select_related("partner")
    return list({participant.partner_id: participant.partner for participant in rows}.values())


# ---- the conference ------------------------------------------------------------------------------------

def _validated(case: Case, data: ConferenceData, *, current: Conference | None = None) -> tuple[dict, list]:
    errors: dict[str, str] = {}
    values = {"title": _limited(errors, "title", data.title), "location": _limited(errors, "location", data.location),
              "agenda": _limited(errors, "agenda", data.agenda)}
    if not values["title"] and "title" not in errors:
        errors["title"] = _("Please enter the occasion of the case conference.")
    scheduled = data.scheduled_at
    if isinstance(scheduled, datetime) and timezone.is_naive(scheduled):
        scheduled = timezone.make_aware(scheduled)
    now = timezone.now()
    if not isinstance(scheduled, datetime):
        errors["scheduled_at"] = _("Please enter the date and time of the case conference.")
    elif current is None or scheduled != current.scheduled_at:
        if scheduled > now + FUTURE_LIMIT:
            errors["scheduled_at"] = _("The case conference lies more than two years ahead.")
        elif scheduled < now - PAST_LIMIT:
            errors["scheduled_at"] = _("The case conference lies more than a year in the past.")
    values["scheduled_at"] = scheduled
    categories = data.categories if isinstance(data.categories, (list, tuple)) else []
    categories = list(dict.fromkeys(str(category) for category in categories))
    if not categories or any(category not in InformationCategory.values for category in categories):
        errors["categories"] = _("Please choose what information will be discussed (at least one category).")
    values["categories"] = [category for category in InformationCategory.values if category in categories]
    persons = list(dict.fromkeys(data.persons or []))
    if len(persons) > PERSONS_MAX:
        errors["persons"] = _("Please choose at most %(max)d persons.") % {"max": PERSONS_MAX}
    allowed = {person.pk: person for person in discussed_choices(case)}
    if any(getattr(person, "pk", None) not in allowed for person in persons):
        errors["persons"] = _("Please choose the main client or co-counselled family members of the case.")
    if errors:
        raise ValidationError(errors)
    chosen = {person.pk for person in persons} | {case.person_id}
    return values, [allowed[pk] for pk in allowed if pk in chosen]


@transaction.atomic
def conference_create(*, actor, case: Case, data: ConferenceData) -> Conference:
    """Schedule a conference; the person who invites takes part as a colleague of the case's team."""
    locked = case_for_work(actor=actor, case=case)
    values, persons = _validated(locked, data)
    for person in persons:
        ensure_not_restricted(person)
    require_consent(persons)
    conference = Conference.objects.create(case=locked, invited_by=actor, **values)
    conference.persons.set(persons)
    if policy.works_in_team(actor, locked.team):
        Participant.objects.create(conference=conference, kind=ParticipantKind.STAFF, user=actor,
                                   name=actor.get_full_name() or actor.get_username(), added_by=actor)
    _audit(actor, locked, "conference.created", conference, categories=values["categories"],
           persons=[str(person.public_id) for person in persons])
    return conference


def _locked_conference(conference: Conference) -> Conference:
    return Conference.objects.select_for_update(of=("self",)).get(pk=conference.pk)


def _ensure_planned(conference: Conference) -> None:
    if conference.status != ConferenceStatus.PLANNED:
        raise ValidationError(_("The case conference has already taken place or was cancelled: it can no longer "
                                "be changed."), code="not_planned")


def conference_update(*, actor, conference: Conference, version: int, data: ConferenceData) -> Conference:
    """Change a planned conference. New categories, family members or a later date are checked against the
    releases of every partner taking part first; a refusal changes nothing."""
    case = conference.case
    ensure_current(conference, version)
    _ensure_planned(conference)
    values, persons = _validated(case, data, current=conference)
    old_persons = set(conference.persons.values_list("pk", flat=True))
    needs_check = (values["categories"] != conference.categories or {p.pk for p in persons} != old_persons
                   or values["scheduled_at"] != conference.scheduled_at)
    recipients = _partner_recipients(conference) if needs_check else []
    if needs_check:
        require_consent(persons)
        for recipient in recipients:
            release_gate(actor=actor, conference=conference, recipient=recipient, persons=persons,
                         categories=values["categories"], scheduled_at=values["scheduled_at"])
    with transaction.atomic():
        locked_case = case_for_work(actor=actor, case=case)
        locked = _locked_conference(conference)
        ensure_current(locked, version)
        _ensure_planned(locked)
        values, persons = _validated(locked_case, data, current=locked)
        for person in persons:
            ensure_not_restricted(person)
        if needs_check and {r.pk for r in _partner_recipients(locked)} - {r.pk for r in recipients}:
            raise ValidationError(_("Someone added a partner to the case conference in the meantime. Please "
                                    "save again."), code="stale")
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        persons_changed = set(locked.persons.values_list("pk", flat=True)) != {p.pk for p in persons}
        if changed or persons_changed:
            for name in changed:
                setattr(locked, name, values[name])
            bump(locked, fields=[*changed, "updated_at"])
            if persons_changed:
                locked.persons.set(persons)
            _audit(actor, locked_case, "conference.updated", locked,
                   fields=sorted(changed + (["persons"] if persons_changed else [])))
    return locked


@transaction.atomic
def conference_cancel(*, actor, conference: Conference, version: int, reason: str = "") -> Conference:
    locked_case = case_for_work(actor=actor, case=conference.case)
    locked = _locked_conference(conference)
    ensure_current(locked, version)
    _ensure_planned(locked)
    errors: dict[str, str] = {}
    reason = _limited(errors, "cancel_reason", reason)
    if errors:
        raise ValidationError(errors)
    locked.status, locked.cancel_reason = ConferenceStatus.CANCELLED, reason
    bump(locked, fields=["status", "cancel_reason", "updated_at"])
    _audit(actor, locked_case, "conference.cancelled", locked)
    return locked


@transaction.atomic
def conference_record_minutes(*, actor, conference: Conference, version: int, held_on: date | None,
                              minutes: str, attended: list) -> Conference:
    """The minutes (internal) and who took part; marks the conference as held."""
    locked_case = case_for_work(actor=actor, case=conference.case)
    locked = _locked_conference(conference)
    ensure_current(locked, version)
    if locked.status == ConferenceStatus.CANCELLED:
        raise ValidationError(_("The case conference was cancelled."), code="cancelled")
    errors: dict[str, str] = {}
    minutes = _limited(errors, "minutes", minutes)
    scheduled = timezone.localtime(locked.scheduled_at).date()
    if not isinstance(held_on, date):
        errors["held_on"] = _("Please enter the date the case conference took place.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("The date lies in the future. Record the minutes after the conference.")
    elif held_on < scheduled - PAST_LIMIT:
        errors["held_on"] = _("The date lies more than a year before the planned date.")
    participants = {participant.pk: participant for participant in locked.participants.all()}
    present = {getattr(participant, "pk", None) for participant in attended or []}
    if present - set(participants):
        errors["attended"] = _("Please choose participants of this case conference.")
    if errors:
        raise ValidationError(errors)
    for participant in participants.values():
        was_there = participant.pk in present
        if participant.attended != was_there:
            participant.attended = was_there
            participant.save(update_fields=["attended"])
    locked.minutes, locked.held_on, locked.status = minutes, held_on, ConferenceStatus.HELD
    bump(locked, fields=["minutes", "held_on", "status", "updated_at"])
    _audit(actor, locked_case, "conference.minutes_recorded", locked, attended=len(present))
    return locked


# ---- participants ------------------------------------------------------------------------------------

def _participant_values(case: Case, conference: Conference, data: ParticipantData) -> dict:
    """The validated fields of a new participant; refuses duplicates and anyone outside the case's reach."""
    from lotse.network.models import Partner, PartnerContact

    errors: dict[str, str] = {}
    role = _limited(errors, "role", data.role)
    kind = data.kind
    values = {"kind": kind, "role": role, "user": None, "partner": None, "partner_contact": None, "person": None}
    existing = Participant.objects.filter(conference=conference)
    if kind == ParticipantKind.STAFF:
        user = data.user
        if user is None or not policy.works_in_team(user, case.team):
            errors["user"] = _("Please choose a counsellor or the team lead of the case's team. Colleagues of other "
                               "services take part as an internal partner with a release.")
        elif existing.filter(user=user).exists():
            errors["user"] = _("This person is already invited.")
        else:
            values["user"], values["name"] = user, user.get_full_name() or user.get_username()
    elif kind == ParticipantKind.PARTNER:
        contact, partner = data.partner_contact, data.partner
        if contact is not None:
            if not isinstance(contact, PartnerContact) or not contact.is_active or (
                    partner is not None and partner.pk != contact.partner_id):
                contact = None
                errors["partner"] = _("Please choose an active contact person from your organisation's partner "
                                      "list.")
            else:
                partner = contact.partner
        if "partner" not in errors:
            if partner is None or not isinstance(partner, Partner) or not partner.is_active \
                    or partner.organisation_id != case.team.organisation_id:
                errors["partner"] = _("Please choose a partner from your organisation's partner list.")
            elif contact is not None and existing.filter(partner_contact=contact).exists():
                errors["partner"] = _("This person is already invited.")
            elif contact is None and existing.filter(partner=partner, partner_contact__isnull=True).exists():
                errors["partner"] = _("This partner is already invited.")
            else:
                values["partner"], values["partner_contact"] = partner, contact
                values["name"] = contact.name if contact is not None else partner.name
    elif kind == ParticipantKind.FAMILY:
        person = data.person
        allowed = set(discussed_choices(case).values_list("pk", flat=True))
        if person is None or getattr(person, "pk", None) not in allowed:
            errors["person"] = _("Please choose the main client or a co-counselled family member of the case.")
        elif existing.filter(person=person).exists():
            errors["person"] = _("This person is already invited.")
        else:
            values["person"], values["name"] = person, person.display_name
    elif kind == ParticipantKind.OTHER:
        values["name"] = _limited(errors, "name", data.name)
        if not values["name"] and "name" not in errors:
            errors["name"] = _("Please enter the name.")
        if not role and "role" not in errors:
            errors["role"] = _("Please say in what role the person takes part (e.g. guardian).")
    else:
        errors["kind"] = _("Please choose who takes part: a colleague, a partner, a family member or another person.")
    if errors:
        raise ValidationError(errors)
    return values


def participant_add(*, actor, conference: Conference, data: ParticipantData) -> Participant:
    """Invite someone. A partner is checked against the releases of the family (recorded) before anything is
    written; a refusal raises ``DisclosureRefused`` and adds nobody."""
    case = conference.case
    _ensure_planned(conference)
    values = _participant_values(case, conference, data)
    checked = None
    if values["kind"] == ParticipantKind.PARTNER:
        persons = list(conference.persons.all()) or [case.person]
        require_consent(persons)
        release_gate(actor=actor, conference=conference, recipient=values["partner"], persons=persons,
                     categories=conference.categories)
        checked = (list(conference.categories), {person.pk for person in persons}, conference.scheduled_at)
    with transaction.atomic():
        locked_case = case_for_work(actor=actor, case=case)
        locked = _locked_conference(conference)
        _ensure_planned(locked)
        values = _participant_values(locked_case, locked, data)
        if checked is not None and checked != (locked.categories, set(locked.persons.values_list("pk", flat=True))
                                               or {locked_case.person_id}, locked.scheduled_at):
            raise ValidationError(_("The case conference was changed in the meantime. Please add the participant "
                                    "again."), code="stale")
        participant = Participant.objects.create(conference=locked, added_by=actor, **values)
        _audit(actor, locked_case, "conference.participant_added", locked, kind=participant.kind,
               participant=str(participant.public_id),
               **({"partner": str(participant.partner.public_id)} if participant.partner_id else {}))
    return participant


@transaction.atomic
def participant_remove(*, actor, participant: Participant) -> None:
    locked_case = case_for_work(actor=actor, case=participant.conference.case)
    locked = _locked_conference(participant.conference)
    _ensure_planned(locked)
    row = Participant.objects.filter(pk=participant.pk, conference=locked).first()
    if row is None:
        return
    if Decision.objects.filter(responsible=row).exists():
        raise ValidationError(_("This participant is responsible for a decision and cannot be removed."))
    row.delete()
    _audit(actor, locked_case, "conference.participant_removed", locked, participant=str(participant.public_id))


# ---- decisions -------------------------------------------------------------------------------------------

def may_decide(conference: Conference) -> bool:
    """Decisions are recorded once the conference has begun (and was not cancelled)."""
    return conference.status == ConferenceStatus.HELD or (
        conference.status == ConferenceStatus.PLANNED and conference.scheduled_at <= timezone.now())


def _decision_values(case: Case, conference: Conference, data: DecisionData) -> dict:
    from lotse.planning.models import OPEN_GOAL_STATUSES, Goal

    errors: dict[str, str] = {}
    text = _limited(errors, "text", data.text)
    if not text and "text" not in errors:
        errors["text"] = _("Please say what is to be done.")
    responsible = data.responsible
    if not isinstance(responsible, Participant) or responsible.conference_id != conference.pk:
        errors["responsible"] = _("Please choose a participant of this case conference.")
    elif responsible.kind not in RESPONSIBLE:
        errors["responsible"] = _("Persons entered by name only cannot be responsible in the integration plan. "
                                  "Please choose a colleague, a partner or a family member.")
    due_on = data.due_on
    if not isinstance(due_on, date):
        errors["due_on"] = _("Please enter by when it is to be done.")
    elif due_on < timezone.localdate():
        errors["due_on"] = _("The date by when it is to be done lies in the past.")
    elif due_on.year > 2200:
        errors["due_on"] = _("Please enter a valid date.")
    goal = data.goal
    if goal is not None and (not isinstance(goal, Goal) or not Goal.objects.filter(
            pk=goal.pk, plan__case=case, status__in=OPEN_GOAL_STATUSES).exists()):
        errors["goal"] = _("Please choose an open goal of the case's integration plan.")
    if errors:
        raise ValidationError(errors)
    return {"text": text, "responsible": responsible, "due_on": due_on, "goal": goal}


def _as_decision_error(error: ValidationError) -> ValidationError:
    """Errors of the plan or task services, reported at the fields of the decision form."""
    from django.core.exceptions import NON_FIELD_ERRORS

    names = {"description": "text", "title": "text", "responsible_partner": "responsible", "responsible": "responsible",
             "due_on": "due_on"}
    if not hasattr(error, "error_dict"):
        return error
    merged: dict[str, list] = {}
    for key, value in error.error_dict.items():
        merged.setdefault(names.get(key, NON_FIELD_ERRORS), []).extend(value)
    return ValidationError(merged)


@transaction.atomic
def decision_create(*, actor, conference: Conference, data: DecisionData) -> Decision:
    """Record a decision; it becomes a plan step on the goal, or a task of the case without a goal."""
    from lotse.cases.services import task_create
    from lotse.planning.models import Plan
    from lotse.planning.services import step_create

    locked_case = case_for_work(actor=actor, case=conference.case)
    locked = _locked_conference(conference)
    if not may_decide(locked):
        raise ValidationError(_("Decisions can be recorded once the case conference has begun, and not for a "
                                "cancelled one."), code="not_begun")
    values = _decision_values(locked_case, locked, data)
    participant = values["responsible"]
    responsible = RESPONSIBLE[participant.kind]
    partner = participant.partner if responsible == Responsible.PARTNER else None
    decision = Decision.objects.create(conference=locked, created_by=actor, **values)
    try:
        if values["goal"] is not None:
            version = Plan.objects.filter(case=locked_case).values_list("version", flat=True).first()
            decision.step = step_create(actor=actor, goal=values["goal"], version=version,
                                        description=values["text"], responsible=responsible,
                                        due_on=values["due_on"], responsible_partner=partner)
        else:
            decision.task = task_create(actor=actor, case=locked_case, title=values["text"], responsible=responsible,
                                        due_on=values["due_on"], responsible_partner=partner,
                                        responsible_user=participant.user if participant.user_id else None,
                                        source="conference")
    except ValidationError as error:
        raise _as_decision_error(error) from None
    decision.save(update_fields=["step", "task"])
    _audit(actor, locked_case, "conference.decision_recorded", locked, decision=str(decision.public_id),
           step=str(decision.step.public_id) if decision.step_id else None,
           task=str(decision.task.public_id) if decision.task_id else None)
    return decision


def erase_participations(person) -> None:
    """Erasure (Art. 17): the person's place in case conferences of other cases stays as an anonymous participant,
    so that decisions they were responsible for keep their meaning without naming them."""
    from django.utils.translation import gettext

    Participant.objects.filter(person=person).update(
        person=None, kind=ParticipantKind.OTHER, name=gettext("(erased person)"), role=gettext("family member"))
