"""Art. 15 GDPR: collect everything Lotse holds about one person, as stable JSON and as a readable PDF.

Apps that are still being built (consent, intake) are read defensively through their model classes:
an app or model that does not exist yet is left out; every concrete field of the rows found is exported.
The access log names who (staff account), when and what; never the ids of other clients.
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.audit.models import AuditEvent, AuditEventRecord
from lotse.people.models import HouseholdMember, Person, Relationship

EXPORT_FORMAT = "lotse-art15-export"
EXPORT_VERSION = 1
INTERNAL_PERSON_FIELDS = {"id", "search_name", "merged_into", "version"}
SKIPPED_RELATED_FIELDS = {"id", "person"}


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds") if timezone.is_aware(value) else \
            value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    return value


def _code(code):
    return {"code": code.code, "label": code.label} if code is not None else None


def _field_value(obj, field):
    """One field of a row: codes with label, choices with label, users by account name, rest as is."""
    if isinstance(field, models.ForeignKey):
        related = getattr(obj, field.name)
        if related is None:
            return None
        label = related._meta.label_lower
        if label == "codelists.code":
            return _code(related)
        if label == "accounts.user":
            return related.get_username()
        if label == "people.person":
            return related.display_name
        return str(related)
    value = getattr(obj, field.attname)
    if field.choices and value not in (None, ""):
        return {"code": value, "label": str(getattr(obj, f"get_{field.name}_display")())}
    return _plain(value)


def _row(obj, skip=SKIPPED_RELATED_FIELDS) -> dict:
    return {field.name: _field_value(obj, field) for field in obj._meta.concrete_fields if field.name not in skip}


def _master_data(person: Person) -> dict:
    data = {field.name: _field_value(person, field) for field in Person._meta.concrete_fields
            if field.name not in INTERNAL_PERSON_FIELDS}
    data["nationalities"] = [_code(code) for code in sorted(person.nationalities.all(), key=lambda c: c.code)]
    return data


def _optional_model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _rows_of(label: str, person_ids: list[int]) -> list[dict] | None:
    """Rows of a model of another app that point to the person; None when the model does not exist."""
    model = _optional_model(label)
    if model is None:
        return None
    links = [field.name for field in model._meta.concrete_fields
             if isinstance(field, models.ForeignKey) and field.related_model is Person]
    if not links:
        return None
    condition = Q()
    for name in links:
        condition |= Q(**{f"{name}_id__in": person_ids})
    foreign = [field.name for field in model._meta.concrete_fields
               if isinstance(field, models.ForeignKey) and field.name not in links]
    many = [field.name for field in model._meta.many_to_many]
    rows = model._default_manager.filter(condition).select_related(*foreign).prefetch_related(*many).order_by("pk")
    return [{**_row(obj, skip={"id", *links}), **{name: sorted(str(item) for item in getattr(obj, name).all())
                                                  for name in many}} for obj in rows]


def access_log(public_ids: list[str]) -> list[dict]:
    """Who saw or changed the record: own events and list/search events that showed it."""
    listed = AuditEventRecord.objects.filter(object_type="people.person", object_id__in=public_ids).values(
        "event_id")
    events = AuditEvent.objects.filter(
        Q(object_type="people.person", object_id__in=public_ids) | Q(pk__in=listed)
    ).order_by("id").values_list("occurred_at", "actor_label", "action", "organisation__name")
    return [{"at": _plain(at), "by": label or _("system"), "action": action, "organisation": organisation or ""}
            for at, label, action, organisation in events]


def collect(person: Person) -> dict:
    """Everything about ``person`` (and records merged into it) as a dict with stable keys."""
    merged = list(Person.objects.filter(merged_into=person).order_by("pk"))
    person_ids = [person.pk, *[m.pk for m in merged]]
    public_ids = [str(person.public_id), *[str(m.public_id) for m in merged]]
    memberships = HouseholdMember.objects.filter(person=person).select_related("household").order_by("since", "pk")
    relations = Relationship.objects.filter(Q(person=person) | Q(relative=person)).select_related(
        "person", "relative").order_by("pk")
    first_contacts = _rows_of("intake.FirstContact", person_ids)
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": _plain(timezone.now()),
        "controller": {"organisation": person.organisation.name, "team": person.team.name},
        "person": _master_data(person),
        "merged_records": [{"file_number": m.file_number, "merged_on": _plain(m.updated_at)} for m in merged],
        "other_names": [_row(name) for name in sorted(person.other_names.all(), key=lambda n: n.pk)],
        "languages": [_row(entry) for entry in sorted(person.languages.all(), key=lambda e: e.pk)],
        "residence_statuses": [
            {"status": {"code": s.status_type.code, "label": s.status_type.label}, "legal_basis": s.paragraph,
             "valid_from": _plain(s.valid_from), "valid_until": _plain(s.valid_until), "document": s.document,
             "recorded_at": _plain(s.created_at)}
            for s in person.residence_statuses.select_related("status_type").order_by("valid_from", "pk")],
        "life_situations": _rows_of("people.LifeSituation", person_ids),
        "households": [
            {"name": m.household.name, "address": m.household.address, "since": _plain(m.since),
             "until": _plain(m.until)} for m in memberships],
        "relations": [
            {"kind": {"code": r.kind, "label": str(r.get_kind_display())},
             "direction": "outgoing" if r.person_id == person.pk else "incoming",
             "other_person": (r.relative if r.person_id == person.pk else r.person).display_name}
            for r in relations],
        "consents": _rows_of("consent.Consent", person_ids),
        "releases": _rows_of("consent.Release", person_ids),
        "disclosures": _rows_of("consent.Disclosure", person_ids),
        "first_contacts": first_contacts,
        "corrections": _rows_of("privacy.CorrectionRecord", person_ids),
        "legal_holds": _rows_of("privacy.LegalHold", person_ids),
        "restriction": {"restricted_at": _plain(person.restricted_at), "reason": person.restriction_reason}
        if person.restricted_at else None,
        "access_log": access_log(public_ids),
    }
    data.update(_casework(person_ids))
    data.update(_network(person_ids))
    return data


CONFIDENTIAL_WITHHELD = "[confidential note of the counsellor: disclosed on request after review (§ 29 BDSG)]"


def _casework(person_ids: list[int]) -> dict:
    """Cases the person is main client or co-counselled member of, with contacts, plans and assessments."""
    from lotse.cases.models import Case, Task
    from lotse.contacts.models import Contact
    from lotse.planning.models import AssessmentItem, Goal

    cases = list(Case.objects.filter(Q(person_id__in=person_ids) | Q(members__person_id__in=person_ids))
                 .distinct().select_related("offering", "team").order_by("requested_on", "pk"))
    ids = [case.pk for case in cases]
    if not ids:
        return {"cases": [], "counselling_contacts": [], "assessments": [], "goals": [], "tasks": []}
    contacts = (Contact.objects.filter(case_id__in=ids).select_related("case__offering")
                .prefetch_related("topics").order_by("occurred_at", "pk"))
    goals = Goal.objects.filter(plan__case_id__in=ids).prefetch_related("steps").order_by("plan_id", "position", "pk")
    items = AssessmentItem.objects.filter(assessment__case_id__in=ids).select_related("assessment").order_by(
        "assessment__assessed_on", "assessment_id", "pk")
    assessments: dict = {}
    for item in items:  # every assessment holds its life domains: one query for both
        assessments.setdefault(item.assessment, []).append(item)
    return {
        "cases": [{"programme": case.offering.name, "status": str(case.get_status_display()),
                   "phase": str(case.get_phase_display()), "role": "main client" if case.person_id in person_ids
                   else "co-counselled family member", "opened_on": _plain(case.opened_on),
                   "closed_on": _plain(case.closed_on)} for case in cases],
        "counselling_contacts": [
            {"programme": contact.case.offering.name, "occurred_at": _plain(contact.occurred_at),
             "duration_minutes": contact.duration_minutes, "kind": str(contact.get_kind_display()),
             "outcome": str(contact.get_outcome_display()), "occasion": contact.occasion,
             "topics": sorted(str(topic) for topic in contact.topics.all()),
             "notes": CONFIDENTIAL_WITHHELD if contact.notes_confidential and contact.notes else contact.notes}
            for contact in contacts],
        "assessments": [
            {"assessed_on": _plain(assessment.assessed_on), "note": assessment.note,
             "items": [{"domain": item.domain, "rating": item.rating, "strengths": item.strengths,
                        "needs": item.needs, "notes": item.notes} for item in domain_items]}
            for assessment, domain_items in assessments.items()],
        "goals": [{"category": str(goal.get_category_display()), "client_words": goal.client_words,
                   "target_on": _plain(goal.target_on), "status": str(goal.get_status_display()),
                   "steps": [f"{step.description} ({step.get_responsible_display()}, {step.due_on:%d.%m.%Y}, "
                             f"{step.get_status_display()})" for step in goal.steps.all()]} for goal in goals],
        "tasks": [{"title": task.title, "responsible": str(task.get_responsible_display()),
                   "due_on": _plain(task.due_on), "status": str(task.get_status_display())}
                  for task in Task.objects.filter(case_id__in=ids).order_by("due_on", "pk")],
    }


def _network(person_ids: list[int]) -> dict:
    """Referrals, case conferences the person's matters were discussed in, volunteers and partner reports."""
    from lotse.conferences.models import Conference
    from lotse.partnerreports.models import PartnerReport
    from lotse.pools.models import VolunteerAssignment
    from lotse.referrals.models import Referral

    referrals = Referral.objects.filter(person_id__in=person_ids).select_related("partner", "service").order_by(
        "sent_on", "pk")
    conferences = (Conference.objects.filter(Q(case__person_id__in=person_ids) | Q(persons__id__in=person_ids))
                   .distinct().prefetch_related("decisions").order_by("scheduled_at", "pk"))
    volunteers = VolunteerAssignment.objects.filter(case__person_id__in=person_ids).select_related("member").order_by(
        "since", "pk")
    reports = PartnerReport.objects.filter(person_id__in=person_ids).select_related("link__partner").order_by(
        "received_at", "pk")
    return {
        "referrals": [
            {"partner": referral.partner.name, "service": referral.service.name if referral.service else "",
             "reason": referral.reason, "information": list(referral.categories), "sent_on": _plain(referral.sent_on),
             "status": str(referral.get_status_display()),
             "outcome": str(referral.get_outcome_display()) if referral.outcome else "",
             "whereabouts": str(referral.get_whereabouts_display()) if referral.whereabouts else ""}
            for referral in referrals],
        "case_conferences": [
            {"title": conference.title, "scheduled_at": _plain(conference.scheduled_at),
             "status": str(conference.get_status_display()), "agenda": conference.agenda,
             "minutes": conference.minutes,
             "decisions": [f"{decision.text} ({decision.due_on:%d.%m.%Y})" for decision in conference.decisions.all()]}
            for conference in conferences],
        "volunteers": [{"name": assignment.member.name, "purpose": assignment.purpose,
                        "since": _plain(assignment.since), "until": _plain(assignment.until)}
                       for assignment in volunteers],
        "partner_reports": [{"partner": report.link.partner.name, "kind": str(report.get_kind_display()),
                             "occurred_on": _plain(report.occurred_on), "note": report.note,
                             "received_at": _plain(report.received_at)} for report in reports],
    }


SECTIONS = (
    ("other_names", lambda: _("Further spellings of the name"), "people.PersonName"),
    ("languages", lambda: _("Languages"), "people.PersonLanguage"),
    ("residence_statuses", lambda: _("Residence status"), None),
    ("life_situations", lambda: _("Life situation"), "people.LifeSituation"),
    ("households", lambda: _("Households"), None),
    ("relations", lambda: _("Family relations"), None),
    ("consents", lambda: _("Consents"), "consent.Consent"),
    ("releases", lambda: _("Releases from confidentiality"), "consent.Release"),
    ("disclosures", lambda: _("Decisions on passing on data"), "consent.Disclosure"),
    ("first_contacts", lambda: _("First contacts"), "intake.FirstContact"),
    ("corrections", lambda: _("Corrections"), "privacy.CorrectionRecord"),
    ("legal_holds", lambda: _("Legal holds"), "privacy.LegalHold"),
    ("merged_records", lambda: _("Records merged into this one"), None),
    ("cases", lambda: _("Cases"), "cases.Case"),
    ("counselling_contacts", lambda: _("Counselling contacts"), "contacts.Contact"),
    ("assessments", lambda: _("Assessments"), "planning.Assessment"),
    ("goals", lambda: _("Goals of the integration plan"), "planning.Goal"),
    ("tasks", lambda: _("Tasks"), "cases.Task"),
    ("referrals", lambda: _("Referrals"), "referrals.Referral"),
    ("case_conferences", lambda: _("Case conferences"), "conferences.Conference"),
    ("volunteers", lambda: _("Volunteers"), "pools.VolunteerAssignment"),
    ("partner_reports", lambda: _("Reports from partners"), "partnerreports.PartnerReport"),
)

COLUMN_LABELS = {
    "status": lambda: _("Status"), "legal_basis": lambda: _("Legal basis"), "valid_from": lambda: _("Valid from"),
    "valid_until": lambda: _("Valid until"), "document": lambda: _("Document"),
    "recorded_at": lambda: _("Recorded at"), "name": lambda: _("Name"), "address": lambda: _("Address"),
    "since": lambda: _("Since"), "until": lambda: _("Until"), "kind": lambda: _("Relation"),
    "direction": lambda: _("Direction"), "other_person": lambda: _("Other person"),
    "file_number": lambda: _("File number"), "merged_on": lambda: _("Merged on"),
    "programme": lambda: _("Programme"), "role": lambda: _("Role"), "topics": lambda: _("Topics"),
    "items": lambda: _("Life domains"), "steps": lambda: _("Steps"),
}


def _cell(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        if set(value) >= {"code", "label"}:
            return f"{value['label']} ({value['code']})"
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) or "–"
    return str(value)


def _labels(model_label: str) -> dict[str, str]:
    model = _optional_model(model_label)
    if model is None:
        return {}
    return {f.name: str(f.verbose_name) for f in model._meta.concrete_fields}


def render_html(data: dict) -> str:
    person_labels = _labels("people.Person")
    master = [(person_labels.get(name, name), _cell(value)) for name, value in data["person"].items()
              if name != "nationalities"]
    master.append((_("Nationalities"), _cell(data["person"]["nationalities"])))
    sections = []
    for key, title, model_label in SECTIONS:
        rows = data.get(key)
        if rows is None:
            continue
        labels = _labels(model_label) if model_label else {}
        columns = list(rows[0]) if rows else []
        sections.append({
            "title": title(),
            "columns": [labels.get(c) or (COLUMN_LABELS[c]() if c in COLUMN_LABELS else c) for c in columns],
            "rows": [[_cell(row.get(column)) for column in columns] for row in rows],
        })
    return render_to_string("privacy/export_pdf.html", {
        "data": data, "master": master, "sections": sections,
        "restriction": data.get("restriction"), "access_log": data["access_log"],
    })


def render_pdf(data: dict) -> bytes:
    from lotse.privacy.pdf import html_to_pdf

    return html_to_pdf(render_html(data))
