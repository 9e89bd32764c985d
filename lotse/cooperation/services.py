"""Every write of cooperation agreements and network events.

Each change of an agreement is recorded as an :class:`AgreementRevision` (field → old/new; the document by
file name and SHA-256 only) in the same transaction as the change and its audit event. Changes of substance
to an agreement that is no longer a draft need the date on which they were agreed in writing [004 II]."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cooperation.models import (
    IN_FORCE, AgreementRevision, AgreementStatus, CooperationAgreement, EventKind, NetworkEvent, RevisionKind,
)
from lotse.core.versioning import bump, ensure_current

EARLIEST = date(1990, 1, 1)
FUTURE_YEARS = 5
PARTNERS_MAX = 50
EVENT_PARTNERS_MAX = 100
EVENT_DAYS_MAX = 366
PARTICIPANTS_MAX = 100000
NOTE_MAX = 500
AGREEMENT_TEXTS = {"title": 200, "subject": 5000, "division_of_tasks": 10000, "joint_tasks": 10000}
# Changing one of these in an agreement that is no longer a draft needs a written agreement of the parties.
SUBSTANCE = ("title", "subject", "partners", "division_of_tasks", "joint_tasks", "starts_on")

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_NAME_MAX = 150
PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_TYPES = {"pdf": PDF, "odt": ODT, "docx": DOCX}


def _keeping_organisations(actor, model):
    from lotse.cooperation.selectors import organisations_for

    return organisations_for(actor=actor, model=model, action=Action.CHANGE)


def _ensure_may_keep(actor, organisation, model, what: str) -> None:
    if organisation is None or not _keeping_organisations(actor, model).filter(pk=organisation.pk).exists():
        policy.deny(actor, what)


def _text(value, limit: int, name: str, errors: dict, *, required_message: str | None = None) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        errors[name] = _("Please remove the control characters from the text.")
    elif required_message and not text:
        errors[name] = required_message
    elif len(text) > limit:
        errors[name] = _("Please use at most %(max)d characters.") % {"max": limit}
    return text


def _latest_allowed() -> date:
    return timezone.localdate() + relativedelta(years=FUTURE_YEARS)


def _date_in_range(value: date | None, name: str, errors: dict) -> None:
    if value is not None and not EARLIEST <= value <= _latest_allowed():
        errors[name] = _("Please enter a date between %(first)s and %(last)s.") % {
            "first": EARLIEST.strftime("%d.%m.%Y"), "last": _latest_allowed().strftime("%d.%m.%Y")}


def _partners(partners, *, organisation, current: set[int], limit: int, name: str, errors: dict) -> list:
    """Partners from the organisation's own directory; inactive ones only if they were linked before."""
    from lotse.network.models import Partner

    chosen = list(dict.fromkeys(partners or []))
    if len(chosen) > limit:
        errors[name] = _("Please choose at most %(max)d partners.") % {"max": limit}
        return chosen
    if any(not isinstance(partner, Partner) for partner in chosen):
        errors[name] = _("Please choose partners from your organisation's partner directory.")
        return chosen
    if any(p.organisation_id != organisation.pk or (not p.is_active and p.pk not in current) for p in chosen):
        errors[name] = _("Please choose partners from your organisation's partner directory.")
    return chosen


# ---- cooperation agreements ------------------------------------------------------------------------------

@dataclass
class AgreementData:
    title: str
    subject: str
    partners: list
    starts_on: date | None
    responsible: object | None
    status: str = AgreementStatus.DRAFT
    division_of_tasks: str = ""
    joint_tasks: str = ""
    review_on: date | None = None
    ended_on: date | None = None


def default_review_on(starts_on: date) -> date:
    """Reviewed yearly: one year after the start (28 February after a 29 February)."""
    return starts_on + relativedelta(years=1)


def _responsible_ok(user, organisation) -> bool:
    from lotse.organisations.models import Membership

    return (user is not None and getattr(user, "pk", None) is not None and user.is_active
            and Membership.objects.filter(user=user, organisation=organisation, is_active=True).exists())


def _agreement_validated(organisation, data: AgreementData, *, current: CooperationAgreement | None = None
                         ) -> tuple[dict, list]:
    errors: dict[str, str] = {}
    values = {}
    values["title"] = _text(data.title, AGREEMENT_TEXTS["title"], "title", errors,
                            required_message=_("Please enter a title."))
    values["subject"] = _text(data.subject, AGREEMENT_TEXTS["subject"], "subject", errors,
                              required_message=_("Please describe the subject and purpose of the agreement."))
    for name in ("division_of_tasks", "joint_tasks"):
        values[name] = _text(getattr(data, name), AGREEMENT_TEXTS[name], name, errors)
    linked = set(current.partners.values_list("pk", flat=True)) if current is not None else set()
    partners = _partners(data.partners, organisation=organisation, current=linked, limit=PARTNERS_MAX,
                         name="partners", errors=errors)
    if not partners and "partners" not in errors:
        errors["partners"] = _("Please choose at least one partner: an agreement has at least two parties.")
    starts_on = data.starts_on
    if starts_on is None:
        errors["starts_on"] = _("Please enter the start date.")
    else:
        _date_in_range(starts_on, "starts_on", errors)
    review_on = data.review_on
    if review_on is None and starts_on is not None:
        review_on = default_review_on(starts_on)
    if review_on is not None and "starts_on" not in errors:
        if starts_on is not None and review_on <= starts_on:
            errors["review_on"] = _("The review date must lie after the start date.")
        else:
            _date_in_range(review_on, "review_on", errors)
    if data.status not in AgreementStatus.values:
        errors["status"] = _("Please choose the status.")
    ended_on = data.ended_on
    if data.status == AgreementStatus.ENDED:
        if ended_on is None:
            errors["ended_on"] = _("Please enter the date on which the agreement ended.")
        elif starts_on is not None and ended_on < starts_on:
            errors["ended_on"] = _("The agreement cannot end before it started.")
        else:
            _date_in_range(ended_on, "ended_on", errors)
    elif ended_on is not None and data.status in AgreementStatus.values:
        errors["ended_on"] = _("Only an ended agreement has an end date. Set the status to “ended” or leave "
                               "the date empty.")
    if not _responsible_ok(data.responsible, organisation):
        errors["responsible"] = _("Please choose an active member of the organisation as responsible person.")
    if errors:
        raise ValidationError(errors)
    values.update({"starts_on": starts_on, "review_on": review_on, "status": data.status,
                   "ended_on": ended_on, "responsible": data.responsible})
    return values, partners


def _note(note: str, errors: dict) -> str:
    return _text(note, NOTE_MAX, "note", errors)


def _shown(name: str, value) -> str:
    """How a value is kept in the revision history (plain text, never the document itself)."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if name == "partners":
        return "; ".join(sorted(partner.name for partner in value))
    return str(value)


def _next_number(agreement: CooperationAgreement) -> int:
    return (AgreementRevision.objects.filter(agreement=agreement).aggregate(n=Max("number"))["n"] or 0) + 1


def _revision(*, agreement, actor, kind: str, changes: dict, note: str = "", agreed_in_writing_on=None,
              reviewed_on=None, review_due_on=None) -> AgreementRevision:
    return AgreementRevision.objects.create(
        agreement=agreement, number=_next_number(agreement), kind=kind, changes=changes, note=note,
        agreed_in_writing_on=agreed_in_writing_on, reviewed_on=reviewed_on, review_due_on=review_due_on,
        changed_by=actor)


def _agreed_in_writing(value: date | None, errors: dict) -> date | None:
    if value is not None:
        if value > timezone.localdate():
            errors["agreed_in_writing_on"] = _("The written agreement cannot lie in the future.")
        else:
            _date_in_range(value, "agreed_in_writing_on", errors)
    return value


@transaction.atomic
def agreement_create(*, actor, organisation, data: AgreementData, note: str = "") -> CooperationAgreement:
    _ensure_may_keep(actor, organisation, CooperationAgreement, "cooperation_agreement.create")
    errors: dict[str, str] = {}
    note = _note(note, errors)
    try:
        values, partners = _agreement_validated(organisation, data)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    agreement = CooperationAgreement.objects.create(organisation=organisation, created_by=actor, **values)
    agreement.partners.set(partners)
    values["partners"] = partners
    _revision(agreement=agreement, actor=actor, kind=RevisionKind.CREATED, note=note,
              changes={name: {"old": "", "new": _shown(name, value)} for name, value in values.items()
                       if _shown(name, value)})
    audit_record(actor=actor, action="cooperation_agreement.created", category=Category.WRITE, obj=agreement,
                 organisation=organisation, details={"status": agreement.status, "partners": len(partners)})
    return agreement


def _locked(actor, model, obj, what: str):
    """``obj`` re-read through the policy with a row lock (the agreement without its document)."""
    queryset = policy.scope(actor, model.objects.select_for_update(of=("self",)), Action.CHANGE)
    if model is CooperationAgreement:
        queryset = queryset.defer("document")
    locked = queryset.select_related("organisation").filter(pk=obj.pk).first()
    if locked is None:
        policy.deny(actor, what)
    return locked


@transaction.atomic
def agreement_update(*, actor, agreement: CooperationAgreement, version: int | None, data: AgreementData,
                     note: str = "", agreed_in_writing_on: date | None = None) -> CooperationAgreement:
    locked = _locked(actor, CooperationAgreement, agreement, "cooperation_agreement.change")
    ensure_current(locked, version)
    errors: dict[str, str] = {}
    note = _note(note, errors)
    agreed_in_writing_on = _agreed_in_writing(agreed_in_writing_on, errors)
    try:
        values, partners = _agreement_validated(locked.organisation, data, current=locked)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    old_partners = list(locked.partners.all())
    partners_changed = {p.pk for p in old_partners} != {p.pk for p in partners}
    substance = [name for name in SUBSTANCE if name in changed or (name == "partners" and partners_changed)]
    if substance and locked.status != AgreementStatus.DRAFT and agreed_in_writing_on is None:
        raise ValidationError({"agreed_in_writing_on": _(
            "Changes to the content of an agreement in force must be agreed in writing: please enter the "
            "date of the written agreement.")})
    if not changed and not partners_changed:
        return locked
    changes = {name: {"old": _shown(name, getattr(locked, name)), "new": _shown(name, values[name])}
               for name in changed}
    if partners_changed:
        changes["partners"] = {"old": _shown("partners", old_partners), "new": _shown("partners", partners)}
    for name in changed:
        setattr(locked, name, values[name])
    bump(locked, fields=[*changed, "updated_at"])
    if partners_changed:
        locked.partners.set(partners)
    _revision(agreement=locked, actor=actor, kind=RevisionKind.CHANGED, changes=changes, note=note,
              agreed_in_writing_on=agreed_in_writing_on)
    audit_record(actor=actor, action="cooperation_agreement.updated", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation, details={"fields": sorted(changes)})
    return locked


def next_review_after(*, due_on: date, reviewed_on: date) -> date:
    """The yearly cycle continues from the due date; a review more than a year late starts a new cycle."""
    following = due_on + relativedelta(years=1)
    return following if following > reviewed_on else reviewed_on + relativedelta(years=1)


@transaction.atomic
def agreement_review_done(*, actor, agreement: CooperationAgreement, version: int | None,
                          reviewed_on: date | None = None, note: str = "") -> CooperationAgreement:
    """The yearly review took place: the next review is due a year later; recorded as a revision."""
    locked = _locked(actor, CooperationAgreement, agreement, "cooperation_agreement.change")
    ensure_current(locked, version)
    errors: dict[str, str] = {}
    note = _note(note, errors)
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    if locked.status not in IN_FORCE:
        errors["reviewed_on"] = _("Only an agreement in force is reviewed.")
    elif reviewed_on > today:
        errors["reviewed_on"] = _("The review cannot lie in the future.")
    elif reviewed_on < locked.starts_on:
        errors["reviewed_on"] = _("The review cannot lie before the start of the agreement.")
    if errors:
        raise ValidationError(errors)
    due_on = locked.review_on
    values = {"review_on": next_review_after(due_on=due_on, reviewed_on=reviewed_on),
              "last_reviewed_on": reviewed_on, "status": AgreementStatus.ACTIVE}
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    changes = {name: {"old": _shown(name, getattr(locked, name)), "new": _shown(name, values[name])}
               for name in changed}
    for name in changed:
        setattr(locked, name, values[name])
    bump(locked, fields=[*changed, "updated_at"])
    _revision(agreement=locked, actor=actor, kind=RevisionKind.REVIEWED, changes=changes, note=note,
              reviewed_on=reviewed_on, review_due_on=due_on)
    audit_record(actor=actor, action="cooperation_agreement.reviewed", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation,
                 details={"reviewed_on": reviewed_on.isoformat(), "due_on": due_on.isoformat(),
                          "next_review_on": locked.review_on.isoformat()})
    return locked


# ---- the signed document ---------------------------------------------------------------------------------

def _zip_names(content: bytes) -> tuple[set[str], bytes]:
    """Entry names of a ZIP container and the first bytes of its ``mimetype`` entry (ODF); nothing else
    is extracted."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100)
            return names, mimetype
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, NotImplementedError,
            RuntimeError, EOFError):
        return set(), b""


def detected_type(content: bytes) -> str | None:
    """PDF, ODT or DOCX by content: the PDF header, the ODF ``mimetype`` entry, the Word document part."""
    if content[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-"):
        return PDF
    if not content.startswith(b"PK\x03\x04"):
        return None
    names, mimetype = _zip_names(content)
    if mimetype.strip() == ODT.encode() and "content.xml" in names:
        return ODT
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    return None


def _safe_filename(filename: str) -> str:
    """The last path part, without control and quote characters, shortened but keeping the extension."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*')
    name = " ".join(name.split()).strip(". ")
    if len(name) > DOCUMENT_NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = DOCUMENT_NAME_MAX - len(extension) - 1
        name = (stem[:keep] + dot + extension) if dot and keep > 0 else name[:DOCUMENT_NAME_MAX]
    return name


def _document_validated(content: bytes | None, filename: str) -> tuple[str, str]:
    name = _safe_filename(filename)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if not content:
        raise ValidationError({"document": _("Please choose a file.")})
    if len(content) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"document": _("The file is larger than %(max)d MB.") % {
            "max": DOCUMENT_MAX_BYTES // (1024 * 1024)}})
    if extension not in DOCUMENT_TYPES:
        raise ValidationError({"document": _("Please upload a PDF, ODT or DOCX file.")})
    found = detected_type(content)
    if found is None:
        raise ValidationError({"document": _("The file is not a readable PDF, ODT or DOCX document.")})
    if found != DOCUMENT_TYPES[extension]:
        message = _("The file's content does not match its extension “.%(extension)s”.")
        raise ValidationError({"document": message % {"extension": extension}})
    return name, found


def _document_shown(name: str, sha256: str) -> str:
    return f"{name} (SHA-256 {sha256})" if sha256 else ""


@transaction.atomic
def agreement_document_attach(*, actor, agreement: CooperationAgreement, version: int | None,
                              content: bytes | None, filename: str, note: str = "") -> CooperationAgreement:
    """Attach the signed agreement or replace it; the previous file is not kept, its name and hash are."""
    locked = _locked(actor, CooperationAgreement, agreement, "cooperation_agreement.change")
    ensure_current(locked, version)
    errors: dict[str, str] = {}
    note = _note(note, errors)
    if errors:
        raise ValidationError(errors)
    name, content_type = _document_validated(content, filename)
    sha256 = hashlib.sha256(content).hexdigest()
    old = _document_shown(locked.document_name, locked.document_sha256)
    locked.document = content
    locked.document_name = name
    locked.document_type = content_type
    locked.document_size = len(content)
    locked.document_sha256 = sha256
    locked.document_uploaded_at = timezone.now()
    bump(locked, fields=["document", "document_name", "document_type", "document_size", "document_sha256",
                         "document_uploaded_at", "updated_at"])
    _revision(agreement=locked, actor=actor, kind=RevisionKind.DOCUMENT, note=note,
              changes={"document": {"old": old, "new": _document_shown(name, sha256)}})
    audit_record(actor=actor, action="cooperation_agreement.document_attached", category=Category.WRITE,
                 obj=locked, organisation=locked.organisation,
                 details={"filename": name, "sha256": sha256, "size": len(content), "replaced": bool(old)})
    return locked


# ---- network events --------------------------------------------------------------------------------------

@dataclass
class EventData:
    kind: str
    title: str
    date: date | None
    participants: int | None = 0
    end_date: date | None = None
    partners: list = field(default_factory=list)
    note: str = ""


def _event_validated(organisation, data: EventData, *, current: NetworkEvent | None = None
                     ) -> tuple[dict, list]:
    errors: dict[str, str] = {}
    values = {"kind": data.kind}
    if data.kind not in EventKind.values:
        errors["kind"] = _("Please choose the type of event.")
    values["title"] = _text(data.title, 200, "title", errors, required_message=_("Please enter a title."))
    values["note"] = _text(data.note, 2000, "note", errors)
    if data.date is None:
        errors["date"] = _("Please enter the date.")
    else:
        _date_in_range(data.date, "date", errors)
    if data.end_date is not None and data.date is not None and "date" not in errors:
        if data.end_date < data.date:
            errors["end_date"] = _("The end cannot lie before the start.")
        elif data.end_date > data.date + timedelta(days=EVENT_DAYS_MAX):
            errors["end_date"] = _("An event lasts at most a year; record longer series as several events.")
    participants = data.participants
    if isinstance(participants, bool) or not isinstance(participants, int) or not (
            0 <= participants <= PARTICIPANTS_MAX):
        errors["participants"] = _("Please enter the number of participants (0 to %(max)d).") % {
            "max": PARTICIPANTS_MAX}
    linked = set(current.partners.values_list("pk", flat=True)) if current is not None else set()
    partners = _partners(data.partners, organisation=organisation, current=linked, limit=EVENT_PARTNERS_MAX,
                         name="partners", errors=errors)
    if errors:
        raise ValidationError(errors)
    values.update({"date": data.date, "end_date": data.end_date if data.end_date != data.date else None,
                   "participants": participants})
    return values, partners


@transaction.atomic
def event_create(*, actor, organisation, data: EventData) -> NetworkEvent:
    _ensure_may_keep(actor, organisation, NetworkEvent, "network_event.create")
    values, partners = _event_validated(organisation, data)
    event = NetworkEvent.objects.create(organisation=organisation, recorded_by=actor, **values)
    event.partners.set(partners)
    audit_record(actor=actor, action="network_event.created", category=Category.WRITE, obj=event,
                 organisation=organisation, details={"kind": event.kind, "date": event.date.isoformat(),
                                                     "participants": event.participants})
    return event


@transaction.atomic
def event_update(*, actor, event: NetworkEvent, version: int | None, data: EventData) -> NetworkEvent:
    locked = _locked(actor, NetworkEvent, event, "network_event.change")
    ensure_current(locked, version)
    values, partners = _event_validated(locked.organisation, data, current=locked)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    partners_changed = set(locked.partners.values_list("pk", flat=True)) != {p.pk for p in partners}
    if changed or partners_changed:
        for name in changed:
            setattr(locked, name, values[name])
        bump(locked, fields=[*changed, "updated_at"])
        if partners_changed:
            locked.partners.set(partners)
        audit_record(actor=actor, action="network_event.updated", category=Category.WRITE, obj=locked,
                     organisation=locked.organisation,
                     details={"fields": sorted(changed + (["partners"] if partners_changed else []))})
    return locked


@transaction.atomic
def event_delete(*, actor, event: NetworkEvent, version: int | None) -> None:
    locked = _locked(actor, NetworkEvent, event, "network_event.delete")
    ensure_current(locked, version)
    audit_record(actor=actor, action="network_event.deleted", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation,
                 details={"kind": locked.kind, "title": locked.title, "date": locked.date.isoformat(),
                          "participants": locked.participants})
    locked.delete()
