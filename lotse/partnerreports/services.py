"""Every write of partner reports: report links (issue, revoke) and receiving a report from a partner.

Receiving a report (:func:`report_submit`) is the one write done without a Lotse account. It follows one
rule, whatever comes in: the reporter learns nothing. Every outcome — accepted, not accepted, duplicate —
gets the same neutral answer from the view and the API; only this module knows the outcome.

**When a report is accepted.** All of these must hold:

1. Exactly one person of the partner's organisation matches: the same date of birth and the same name. Names
   are compared after the normalisation of the duplicate search (``lotse.people.matching.normalize_name``:
   case, accents, umlaut spellings, transliteration of other scripts, articles, hyphens), as a set of name
   parts, so swapped family and given names still match. Every known spelling counts (``PersonName``:
   passport, residence permit, school, …). Two or more matching persons are never guessed between.
2. The person is a client of an open case (as main client or as a family member counselled in it). With
   several open cases the report goes to the case whose programme cooperates with the partner
   (``PartnerProgramme``), else to the most recently opened case. Persons whose processing is restricted
   (Art. 18 GDPR) and deceased persons are not matched.
3. **A release from confidentiality covers the provider**: a valid release of that person naming this partner
   as recipient (given, not expired, not revoked, consent to sharing not withdrawn) that includes the category
   ``education`` (school, training and qualifications) — attendance and dropout of a course or school are
   education information. The direction (one-way or mutual) does not matter: the release documents that the
   client agreed to the cooperation with this provider about their education. The decision goes through the
   disclosure gate ``lotse.consent.services.disclosure_check``, which records allowed and refused decisions.

An accepted report is stored with a task for the case owner (else the deputy, else the team: no one named) due
in three days, in one transaction with its audit events. The same report (same link, person, kind and date)
within a day does not make a second task. A report that is not accepted stores no personal data: only a
security event with the link and the outcome "not accepted".
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.accounts.models import hash_secret
from lotse.audit.models import Category
from lotse.audit.services import audit_record, audit_security
from lotse.cases.models import Case, Responsible, Task
from lotse.consent.models import InformationCategory
from lotse.organisations.models import CASEWORK_ROLES, Role
from lotse.partnerreports import throttle
from lotse.partnerreports.models import PartnerReport, ReportKind, ReportLink
from lotse.people.names import clean_name

TOKEN_SCHEME = "mld"
TOKEN_MAX_LENGTH = 200
LABEL_MAX = 200
DEFAULT_VALIDITY = timedelta(days=365)
MAX_VALIDITY = timedelta(days=2 * 365)
NOTE_MAX = 1000
EARLIEST_BIRTH = date(1900, 1, 1)
OLDEST_REPORT = timedelta(days=365)
TASK_DUE_IN = timedelta(days=3)
DUPLICATE_WINDOW = timedelta(days=1)
MAX_CANDIDATES = 500
REPORT_CATEGORIES = [InformationCategory.EDUCATION.value]
AUDIT_LABEL = "report-link"
ISSUING_ROLES = (Role.ORG_ADMIN, *CASEWORK_ROLES)


# ---- report links --------------------------------------------------------------------------------

def may_issue_links(actor, partner) -> bool:
    """Team leads, counsellors and administrators of the partner's organisation (rule
    ``partnerreports.reportlink`` of the access policy)."""
    return partner is not None and partner.organisation_id in policy.grants(actor).orgs_with(*ISSUING_ROLES)


def default_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + DEFAULT_VALIDITY


def _token(prefix: str, secret: str) -> str:
    return f"{TOKEN_SCHEME}_{prefix}_{secret}"


@transaction.atomic
def link_create(*, actor, partner, label: str, expires_on: date | None = None) -> tuple[ReportLink, str]:
    """A new report link for ``partner``. Returns the link and its token, which is shown once only."""
    if not may_issue_links(actor, partner):
        policy.deny(actor, "report_link.create")
    errors = {}
    if not partner.is_active:
        errors["label"] = _("The partner is no longer active. Reactivate it first.")
    label = " ".join((label or "").split())
    if not label:
        errors["label"] = _("Please enter a label, e.g. the course or the contact person.")
    elif len(label) > LABEL_MAX:
        errors["label"] = _("Please use at most %(max)d characters.") % {"max": LABEL_MAX}
    elif any(unicodedata.category(ch) in ("Cc", "Cf") for ch in label):
        errors["label"] = _("The text contains control characters. Please type it again.")
    today = timezone.localdate()
    if expires_on is None:
        expires_on = default_expiry(today)
    if not isinstance(expires_on, date) or isinstance(expires_on, datetime):
        errors["expires_on"] = _("Please enter a valid date.")
    elif expires_on <= today:
        errors["expires_on"] = _("The link must be valid beyond today.")
    elif expires_on > today + MAX_VALIDITY:
        errors["expires_on"] = _("A link can be valid for at most two years.")
    if errors:
        raise ValidationError(errors)
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    link = ReportLink.objects.create(partner=partner, label=label, token_prefix=prefix,
                                     token_hash=hash_secret(secret), created_by=actor, expires_on=expires_on)
    audit_record(actor=actor, action="report_link.created", category=Category.SECURITY, obj=link,
                 organisation=partner.organisation_id,
                 details={"partner": str(partner.public_id), "expires_on": expires_on.isoformat()})
    return link, _token(prefix, secret)


@transaction.atomic
def link_revoke(*, actor, link: ReportLink) -> ReportLink:
    """The link stops working at once; reports received through it stay. Revoking twice changes nothing."""
    locked = (policy.scope(actor, ReportLink.objects.select_for_update(of=("self",)), Action.CHANGE)
              .select_related("partner").filter(pk=link.pk).first())
    if locked is None:
        policy.deny(actor, "report_link.revoke")
    if locked.revoked_on is None:
        locked.revoked_on = timezone.localdate()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_on", "revoked_by"])
        audit_record(actor=actor, action="report_link.revoked", category=Category.SECURITY, obj=locked,
                     organisation=locked.partner.organisation_id,
                     details={"partner": str(locked.partner.public_id)})
    return locked


class LinkState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    INACTIVE = "inactive"  # revoked, expired, or the partner is no longer active
    RATE_LIMITED = "rate_limited"


def link_for_token(raw) -> tuple[ReportLink | None, LinkState]:
    """The link behind a token (from the URL or the ``X-Report-Token`` header) and whether it can be used."""
    if not isinstance(raw, str) or not raw or len(raw) > TOKEN_MAX_LENGTH:
        return None, LinkState.UNKNOWN
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2]:
        return None, LinkState.UNKNOWN
    link = (ReportLink.objects.select_related("partner__organisation").filter(token_prefix=parts[1][:12])
            .first())
    if link is None or not secrets.compare_digest(link.token_hash, hash_secret(parts[2])):
        return None, LinkState.UNKNOWN
    if not link.is_usable():
        return link, LinkState.INACTIVE
    return link, LinkState.VALID


def link_admit(*, token, ip_address: str | None) -> tuple[ReportLink | None, LinkState]:
    """A submission arrives: count it against the limits of the address and the link, then check the token.

    Unknown and unusable tokens are recorded as security events (with the address, through the audit
    context)."""
    if throttle.address_exceeded(ip_address):
        return None, LinkState.RATE_LIMITED
    link, state = link_for_token(token)
    if state is not LinkState.VALID:
        audit_security(actor=None, actor_label=AUDIT_LABEL, action="partner_report.link_refused",
                       organisation=link.partner.organisation_id if link else None,
                       details={"link": str(link.public_id) if link else None, "state": str(state)})
        return link, state
    if throttle.link_exceeded(link):
        return link, LinkState.RATE_LIMITED
    return link, state


# ---- receiving a report --------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportData:
    family_name: str
    given_names: str
    birth_date: date
    kind: str
    occurred_on: date
    note: str


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    NOT_ACCEPTED = "not accepted"


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _clean_note(value, errors: dict) -> str:
    if not isinstance(value, str):
        value = ""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t\u200c\u200d" for ch in value):
        errors["note"] = _("The note contains control characters. Please type it again.")
    elif len(value) > NOTE_MAX:
        errors["note"] = _("Please use at most %(max)d characters.") % {"max": NOTE_MAX}
    return value


def report_clean(*, family_name, given_names, birth_date, kind, occurred_on, note="") -> ReportData:
    """Check what the reporter entered; raises a ValidationError with a message per field."""
    errors: dict = {}
    names = {}
    for field, value, required in (("family_name", family_name, True), ("given_names", given_names, False)):
        try:
            names[field] = clean_name(value if isinstance(value, str) else "", field=field, script="any",
                                      required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    if kind not in ReportKind.values:
        errors["kind"] = _("Please choose what happened.")
    today = timezone.localdate()
    birth_date = _as_date(birth_date)
    if birth_date is None:
        errors["birth_date"] = _("Please enter the date of birth.")
    elif birth_date > today:
        errors["birth_date"] = _("The date of birth cannot be in the future.")
    elif birth_date < EARLIEST_BIRTH:
        errors["birth_date"] = _("Please check the date of birth.")
    occurred_on = _as_date(occurred_on)
    if occurred_on is None:
        errors["occurred_on"] = _("Please enter the date.")
    elif occurred_on > today:
        errors["occurred_on"] = _("The date cannot be in the future.")
    elif occurred_on < today - OLDEST_REPORT:
        errors["occurred_on"] = _("The date lies more than a year in the past.")
    elif birth_date is not None and "birth_date" not in errors and occurred_on < birth_date:
        errors["occurred_on"] = _("The date lies before the date of birth.")
    note = _clean_note(note, errors)
    if errors:
        raise ValidationError(errors)
    return ReportData(family_name=names["family_name"], given_names=names["given_names"],
                      birth_date=birth_date, kind=kind, occurred_on=occurred_on, note=note)


def _name_parts(*parts: str) -> tuple[str, ...]:
    from lotse.people.matching import normalize_name

    return tuple(sorted(normalize_name(" ".join(part for part in parts if part)).split()))


def _name_forms(person) -> set[tuple[str, ...]]:
    """Every spelling of the person's name as a set of normalised name parts."""
    others = list(person.other_names.all())
    givens = {person.given_names, *(other.given_names for other in others if other.given_names)}
    families = {person.family_name, *(other.family_name for other in others if other.family_name)}
    forms = {_name_parts(given, family) for given in givens for family in families}
    forms |= {_name_parts(other.given_names, other.family_name) for other in others}
    if person.name_original_script:
        forms.add(_name_parts(person.name_original_script))
    return {form for form in forms if form}


def matching_persons(*, organisation_id: int, data: ReportData) -> list:
    """Persons of the organisation with this date of birth and a spelling of exactly this name (two
    queries)."""
    from lotse.people.models import Person, PersonName

    wanted = _name_parts(data.given_names, data.family_name)
    if not wanted:
        return []
    candidates = (Person.objects.filter(organisation_id=organisation_id, birth_date=data.birth_date,
                                        merged_into__isnull=True, is_deceased=False)
                  .only("pk", "public_id", "organisation_id", "team_id", "family_name", "given_names",
                        "name_original_script", "restricted_at")
                  .prefetch_related(Prefetch("other_names", queryset=PersonName.objects.only(
                      "pk", "person_id", "family_name", "given_names")))
                  .order_by("pk")[:MAX_CANDIDATES])
    return [person for person in candidates if wanted in _name_forms(person)]


def _open_case(person, partner) -> Case | None:
    """The open case the report belongs to (see the module docstring); None without an open case."""
    from lotse.network.models import PartnerProgramme

    current_member = Q(Q(members__until__isnull=True) | Q(members__until__gte=timezone.localdate()),
                       members__person=person)
    cases = list(Case.objects.filter(status=Case.Status.OPEN, team__organisation_id=partner.organisation_id)
                 .filter(Q(person=person) | current_member).distinct()
                 .only("pk", "person_id", "offering_id", "opened_on"))
    if len(cases) > 1:
        cooperating = set(PartnerProgramme.objects.filter(partner=partner)
                          .values_list("offering_id", flat=True))
        cases.sort(key=lambda case: (case.person_id != person.pk, case.offering_id not in cooperating,
                                     -(case.opened_on or date.min).toordinal(), -case.pk))
    return cases[0] if cases else None


def _duplicate(*, link, person, data: ReportData) -> PartnerReport | None:
    return PartnerReport.objects.filter(link=link, person=person, kind=data.kind,
                                        occurred_on=data.occurred_on,
                                        received_at__gte=timezone.now() - DUPLICATE_WINDOW).first()


def _not_accepted(link) -> Outcome:
    audit_security(actor=None, actor_label=AUDIT_LABEL, action="partner_report.not_accepted",
                   organisation=link.partner.organisation_id,
                   details={"link": str(link.public_id), "outcome": str(Outcome.NOT_ACCEPTED)})
    return Outcome.NOT_ACCEPTED


def _assignee(case: Case):
    """Who gets the task: the case owner, else the deputy (if still active), else nobody named."""
    for user in (case.owner, case.deputy):
        if user is not None and user.is_active:
            return user
    return None


def task_title(*, partner_name: str, kind: str, occurred_on: date) -> str:
    """The task's title, in the installation's language (the reporter may use another)."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"partner": partner_name, "date": occurred_on.strftime("%d.%m.%Y")}
        if kind == ReportKind.ABSENT:
            title = _("Report from %(partner)s: stayed away on %(date)s") % values
        elif kind == ReportKind.DROPPED_OUT:
            title = _("Report from %(partner)s: dropped out on %(date)s") % values
        else:
            title = _("Report from %(partner)s of %(date)s") % values
    return title[:500]


class _Refused(Exception):
    def __init__(self, outcome: Outcome):
        self.outcome = outcome


def _record(*, link, case: Case, person, data: ReportData) -> PartnerReport:
    """Report, task and audit in one transaction, re-checked under the case's row lock."""
    from lotse.people.models import Person

    with transaction.atomic():
        locked = (Case.objects.select_for_update(of=("self",)).select_related("person", "owner", "deputy")
                  .get(pk=case.pk))
        if locked.status != Case.Status.OPEN:
            raise _Refused(Outcome.NOT_ACCEPTED)
        if Person.objects.filter(pk=person.pk, restricted_at__isnull=False).exists():
            raise _Refused(Outcome.NOT_ACCEPTED)
        if _duplicate(link=link, person=person, data=data) is not None:
            raise _Refused(Outcome.DUPLICATE)
        partner = link.partner
        title = task_title(partner_name=partner.name, kind=data.kind, occurred_on=data.occurred_on)
        task = Task.objects.create(
            case=locked, title=title,
            responsible=Responsible.COUNSELLOR, responsible_user=_assignee(locked),
            due_on=timezone.localdate() + TASK_DUE_IN, source=Task.Source.PARTNER_REPORT, created_by=None)
        report = PartnerReport.objects.create(link=link, case=locked, person=person, kind=data.kind,
                                              occurred_on=data.occurred_on, note=data.note, task=task)
        details = {"case": str(locked.public_id), "report": str(report.public_id),
                   "task": str(task.public_id), "link": str(link.public_id),
                   "partner": str(partner.public_id), "kind": data.kind}
        audit_record(actor=None, actor_label=AUDIT_LABEL, action="partner_report.received",
                     category=Category.WRITE, obj=person, organisation=partner.organisation_id,
                     details=details)
        audit_record(actor=None, actor_label=AUDIT_LABEL, action="task.created", category=Category.WRITE,
                     obj=locked.person, organisation=partner.organisation_id,
                     details={"case": str(locked.public_id), "task": str(task.public_id),
                              "source": Task.Source.PARTNER_REPORT})
    return report


def report_submit(*, link: ReportLink, family_name, given_names, birth_date, kind, occurred_on,
                  note="") -> Outcome:
    """Receive a report through ``link`` (a usable link, see :func:`link_admit`).

    Raises a ValidationError for bad input (nothing stored). Otherwise returns the outcome, which must never
    reach the reporter. See the module docstring for when a report is accepted."""
    from lotse.consent.services import DisclosureRefused, disclosure_check

    data = report_clean(family_name=family_name, given_names=given_names, birth_date=birth_date, kind=kind,
                        occurred_on=occurred_on, note=note)
    partner = link.partner
    ReportLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    matches = matching_persons(organisation_id=partner.organisation_id, data=data)
    if len(matches) != 1 or matches[0].restricted_at is not None:
        return _not_accepted(link)
    person = matches[0]
    case = _open_case(person, partner)
    if case is None:
        return _not_accepted(link)
    if _duplicate(link=link, person=person, data=data) is not None:
        return _duplicate_seen(link)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            purpose = _("Report of a course provider or school about attendance")
        disclosure_check(actor=None, person=person, recipient=partner, categories=REPORT_CATEGORIES,
                         purpose=purpose)
    except DisclosureRefused:
        return _not_accepted(link)
    try:
        _record(link=link, case=case, person=person, data=data)
    except _Refused as refused:
        return _not_accepted(link) if refused.outcome is Outcome.NOT_ACCEPTED else _duplicate_seen(link)
    return Outcome.ACCEPTED


def _duplicate_seen(link) -> Outcome:
    audit_security(actor=None, actor_label=AUDIT_LABEL, action="partner_report.duplicate",
                   organisation=link.partner.organisation_id,
                   details={"link": str(link.public_id), "outcome": str(Outcome.DUPLICATE)})
    return Outcome.DUPLICATE
