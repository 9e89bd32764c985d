"""Every write of first contacts and eligibility checks."""

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.codelists.models import Code
from lotse.intake import eligibility
from lotse.intake.models import Channel, EligibilityCheck, FirstContact, Outcome, Programme, Result, Topic
from lotse.organisations.models import ProgrammeOffering, Team
from lotse.people.models import Person, ResidenceStatus

EARLIEST_DATE = date(2000, 1, 1)
CONCERN_MAX = 4000
SHORT_TEXT_MAX = 200
REASON_MAX = 2000
TOPICS_MAX = 30

# Dropped silently: invisible characters that copy-and-paste brings along.
_DROPPED = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u180e"))
# Refused: direction overrides and isolates make text display differently from what is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(value: str, *, field_name: str, max_length: int, multiline: bool = False) -> str:
    """Normalise free text or raise a ValidationError that says what to change."""
    value = unicodedata.normalize("NFC", value or "").translate(_DROPPED).replace("\r\n", "\n")
    allowed = "\n\t" if multiline else ""
    if any(ch in _BIDI_CONTROLS for ch in value) or any(
            unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise ValidationError({field_name: _("The text contains control characters. Please type it again "
                                             "without copying it.")})
    value = value.strip() if multiline else " ".join(value.split())
    if len(value) > max_length:
        raise ValidationError({field_name: _("This text can have at most %(max)d characters (it has %(length)d).")
                               % {"max": max_length, "length": len(value)}})
    return value


@dataclass
class FirstContactData:
    """A first contact as the form or the API delivers it (codes as plain values)."""

    channel: str
    outcome: str
    date: dt.date | None = None
    referred_by: str = ""
    concern: str = ""
    topics: list[str] = field(default_factory=list)
    language: str = ""
    interpreter: bool = False
    referred_to: str = ""


def team_programmes(team: Team) -> list[str]:
    """The programmes the team offers, in catalogue order."""
    offered = set(ProgrammeOffering.objects.filter(teams=team, is_active=True).values_list("programme", flat=True))
    return [code for code in Programme.values if code in offered]


def _topics(codes: list[str], team: Team) -> list[Topic]:
    codes = list(dict.fromkeys(code for code in codes if code))
    if len(codes) > TOPICS_MAX:
        raise ValidationError({"topics": _("Please choose at most %(max)d topics.") % {"max": TOPICS_MAX}})
    if not codes:
        return []
    allowed = Topic.objects.filter(is_active=True)
    programmes = team_programmes(team)
    if programmes:
        allowed = allowed.filter(programme__in=programmes)
    found = {topic.code: topic for topic in allowed.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError({"topics": _("Unknown topic: %(codes)s.") % {"codes": ", ".join(unknown)[:200]}})
    return [found[code] for code in codes]


def _validated(data: FirstContactData, team: Team) -> tuple[dict, list[Topic]]:
    today = timezone.localdate()
    contact_date = data.date or today
    if contact_date > today:
        raise ValidationError({"date": _("The date of the first contact cannot be in the future.")})
    if contact_date < EARLIEST_DATE:
        raise ValidationError({"date": _("The date of the first contact cannot be before 2000.")})
    if data.channel not in Channel.values:
        raise ValidationError({"channel": _("Please choose how the person got in touch.")})
    if data.outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Please choose the outcome of the first contact.")})
    values = {
        "date": contact_date,
        "channel": data.channel,
        "outcome": data.outcome,
        "referred_by": clean_text(data.referred_by, field_name="referred_by", max_length=SHORT_TEXT_MAX),
        "referred_to": clean_text(data.referred_to, field_name="referred_to", max_length=SHORT_TEXT_MAX),
        "concern": clean_text(data.concern, field_name="concern", max_length=CONCERN_MAX, multiline=True),
        "interpreter": bool(data.interpreter),
    }
    if data.channel == Channel.REFERRAL and not values["referred_by"]:
        raise ValidationError({"referred_by": _("Please enter which institution referred the person.")})
    if data.outcome == Outcome.REFERRED and not values["referred_to"]:
        raise ValidationError({"referred_to": _("Please enter the service the person was referred to.")})
    language = (data.language or "").strip()
    if language and not Code.objects.filter(code_list__slug="language", code=language, is_current=True).exists():
        raise ValidationError({"language": _("“%(value)s” is not a value of the official code list.")
                               % {"value": language[:20]}})
    values["language"] = language
    return values, _topics(list(data.topics or []), team)


def _check_team(actor, team: Team) -> None:
    if team.pk not in policy.client_team_ids(actor) or not team.is_active:
        policy.deny(actor, "first_contact.record")


def _check_person(actor, person: Person, team_id: int) -> None:
    if not policy.can(actor, Action.CHANGE, person):
        policy.deny(actor, "first_contact.link_person")
    if person.team_id != team_id:
        raise ValidationError({"person": _("The person is looked after by another team.")})


@transaction.atomic
def first_contact_record(*, actor, team: Team, data: FirstContactData, person: Person | None = None) -> FirstContact:
    """Record a first contact; without ``person`` it stays anonymous and still counts."""
    _check_team(actor, team)
    values, topics = _validated(data, team)
    if person is not None:
        _check_person(actor, person, team.pk)
    contact = FirstContact.objects.create(organisation_id=team.organisation_id, team=team, person=person,
                                          recorded_by=actor, **values)
    contact.topics.set(topics)
    audit_record(actor=actor, action="first_contact.recorded", category=Category.WRITE, obj=contact,
                 organisation=team.organisation_id,
                 details={"anonymous": person is None, "channel": contact.channel, "outcome": contact.outcome,
                          **({"person": str(person.public_id)} if person else {})})
    return contact


@transaction.atomic
def first_contact_link_person(*, actor, first_contact: FirstContact, person: Person) -> FirstContact:
    locked = policy.scope(actor, FirstContact.objects.select_for_update(), Action.CHANGE).filter(
        pk=first_contact.pk).first()
    if locked is None:
        policy.deny(actor, "first_contact.link_person")
    _check_person(actor, person, locked.team_id)
    if locked.person_id is not None and locked.person_id != person.pk:
        raise ValidationError({"person": _("This first contact is already linked to another person.")})
    locked.person = person
    locked.save(update_fields=["person"])
    audit_record(actor=actor, action="first_contact.person_linked", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation_id, details={"person": str(person.public_id)})
    return locked


# ---- eligibility ---------------------------------------------------------------------------------

def _clean_answers(answers: dict, asked: list[str]) -> dict:
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("The answers must be a list of facts with yes, no or unknown.")})
    unknown = [key for key in answers if key not in asked]
    if unknown:
        raise ValidationError({"answers": _("This programme does not ask about: %(facts)s.")
                               % {"facts": ", ".join(str(key)[:50] for key in unknown[:5])}})
    cleaned = {}
    for key, value in answers.items():
        if value not in (True, False, None):
            raise ValidationError({"answers": _("Please answer with yes, no or unknown.")})
        if value is not None:
            cleaned[key] = value
    return cleaned


def latest_check(*, person: Person, programme: str) -> EligibilityCheck | None:
    return EligibilityCheck.objects.filter(person=person, programme=programme).order_by("-pk").first()


@transaction.atomic
def eligibility_evaluate(*, actor, person: Person, programme: str, answers: dict | None = None,
                         on: date | None = None) -> EligibilityCheck:
    """Evaluate the programme's rules in force on ``on`` and record the result with its explanations.

    ``answers`` are the facts the counsellor confirmed (fact key -> True/False/None); without them
    the answers of the previous check of this programme are used again.
    """
    if not policy.can(actor, Action.CHANGE, person):
        policy.deny(actor, "eligibility.evaluate")
    if programme not in Programme.values:
        raise ValidationError({"programme": _("Unknown programme.")})
    on = on or timezone.localdate()
    rules = eligibility.rules_in_force(on, [programme]).get(programme, [])
    asked = [fact for rule in rules for fact in eligibility.facts_of_rule(rule)]
    if answers is None:
        previous = latest_check(person=person, programme=programme)
        answers = {key: value for key, value in (previous.answers if previous else {}).items() if key in asked}
    else:
        answers = _clean_answers(answers, asked)
    statuses = ResidenceStatus.objects.filter(person=person).select_related("status_type")
    evaluation = eligibility.evaluate(programme=programme, rules=rules,
                                      facts=eligibility.PersonFacts.of(person, statuses, answers), on=on)
    check = EligibilityCheck.objects.create(person=person, programme=programme, evaluated_on=on,
                                            result=evaluation.result, explanations=evaluation.explanations,
                                            answers=answers, checked_by=actor)
    audit_record(actor=actor, action="eligibility.evaluated", category=Category.WRITE, obj=check,
                 organisation=person.organisation_id,
                 details={"person": str(person.public_id), "programme": programme, "result": check.result,
                          "on": on.isoformat()})
    return check


@transaction.atomic
def eligibility_override(*, actor, check: EligibilityCheck, result: str, reason: str) -> EligibilityCheck:
    """The counsellor decides against (or beyond) the rules; the reason is required and the decision audited."""
    locked = policy.scope(actor, EligibilityCheck.objects.select_for_update().select_related("person"),
                          Action.CHANGE).filter(pk=check.pk).first()
    if locked is None:
        policy.deny(actor, "eligibility.override")
    if result not in (Result.MET, Result.NOT_MET):
        raise ValidationError({"result": _("Please decide: eligible or not eligible.")})
    reason = clean_text(reason, field_name="reason", max_length=REASON_MAX, multiline=True)
    if len(reason) < 5:
        raise ValidationError({"reason": _("Please give the reason for your decision.")})
    locked.override = True
    locked.override_result = result
    locked.override_reason = reason
    locked.overridden_by = actor
    locked.overridden_at = timezone.now()
    locked.save(update_fields=["override", "override_result", "override_reason", "overridden_by", "overridden_at"])
    audit_record(actor=actor, action="eligibility.overridden", category=Category.WRITE, obj=locked,
                 organisation=locked.person.organisation_id,
                 details={"person": str(locked.person.public_id), "programme": locked.programme,
                          "computed": locked.result, "decided": result})
    return locked
