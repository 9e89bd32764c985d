"""Reads of counselling contacts: always through the policy; confidential notes only for author and lead."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case as SqlCase
from django.db.models import Count, Max, Prefetch, When, Window, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read
from lotse.cases.casework import TimelineItem, WorklistEntry, read_once
from lotse.cases.models import Case
from lotse.contacts.models import Contact, ContactOutcome
from lotse.core.pagination import keyset_page
from lotse.intake.models import Topic
from lotse.organisations.programme_settings import programme_settings

RECENT = 5
TIMELINE = 40


def _contacts(actor, action: Action = Action.VIEW):
    return policy.scope(actor, Contact.objects.all(), action)


def _with_topics(queryset):
    return queryset.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("sort_order", "label")))


def mask(actor, contacts, *, team_id: int):
    """Mark on each contact whether the actor may read its notes (``notes_visible``)."""
    for contact in contacts:
        contact.notes_visible = not contact.notes_confidential or policy.may_read_confidential_notes(
            actor, author_id=contact.author_id, team_id=team_id)
    return contacts


def contact_get(*, actor, public_id, action: Action = Action.VIEW) -> Contact:
    contact = policy.get_or_404(actor, _with_topics(Contact.objects.select_related(
        "case__person__preferred_language", "case__person__organisation", "case__team", "case__offering",
        "author")).prefetch_related("persons_present", "tasks__responsible_partner"),
        action=action, public_id=public_id)
    mask(actor, [contact], team_id=contact.case.team_id)
    return contact


def contact_detail(*, actor, contact: Contact) -> Contact:
    audit_read(actor=actor, obj=contact.case.person, organisation=contact.case.person.organisation,
               action="contact.viewed")
    return contact


def contacts_for_case(*, actor, case: Case, cursor: str | None = None):
    page = keyset_page(_with_topics(_contacts(actor).filter(case=case).select_related("author")),
                       ordering=("-occurred_at", "-pk"), cursor=cursor)
    mask(actor, page.items, team_id=case.team_id)
    audit_read(actor=actor, obj=case.person, organisation=case.person.organisation, action="contact.listed")
    return page


def _latest_of_case(actor, case: Case) -> list[Contact]:
    """The case's latest contacts, each carrying the case's contact count (``total``) and the time of its
    latest contact that took place (``last_took_place``): the summary and the timeline (one query)."""
    return read_once(actor=actor, case=case, area="contacts", load=lambda: list(
        _contacts(actor).filter(case=case).select_related("author").annotate(
            total=Window(Count("pk")),
            last_took_place=Window(Max(SqlCase(When(outcome=ContactOutcome.TOOK_PLACE, then="occurred_at")))))
        .order_by("-occurred_at", "-pk")[:TIMELINE]))


def case_contact_summary(*, actor, case: Case) -> dict:
    latest = _latest_of_case(actor, case)
    recent = latest[:RECENT]
    prefetch_related_objects(recent, Prefetch("topics", queryset=Topic.objects.order_by("sort_order", "label")))
    mask(actor, recent, team_id=case.team_id)
    last = next((contact for contact in latest if contact.outcome == ContactOutcome.TOOK_PLACE), None)
    if last is None and latest and latest[0].last_took_place is not None:
        last = _contacts(actor).filter(case=case, outcome=ContactOutcome.TOOK_PLACE).order_by("-occurred_at").first()
    return {"count": latest[0].total if latest else 0, "recent": recent, "last": last,
            "last_attempt": next((c for c in recent if c.outcome != ContactOutcome.TOOK_PLACE), None)}


def timeline_items(*, actor, case: Case) -> list[TimelineItem]:
    return [TimelineItem(when=timezone.localtime(contact.occurred_at), kind="contact",
                         label=_("Contact: %(kind)s (%(outcome)s)") % {"kind": contact.get_kind_display(),
                                                                      "outcome": contact.get_outcome_display()},
                         url=reverse("contacts:contact_detail", args=[contact.public_id]))
            for contact in _latest_of_case(actor, case)]


def worklist_entries(*, actor, cases: list[Case], today: date) -> list[WorklistEntry]:
    """Contacts due by the programme's cadence, and declined offers due to be repeated (two queries)."""
    active = [case for case in cases if case.status == Case.Status.OPEN and case.phase != "paused"]
    if not active:
        return []
    by_id = {case.pk: case for case in active}
    last = dict(_contacts(actor).filter(case_id__in=by_id, outcome=ContactOutcome.TOOK_PLACE)
                .values("case_id").annotate(last=Max("occurred_at")).values_list("case_id", "last"))
    entries = []
    for case in active:
        settings = programme_settings(case.offering)
        base = timezone.localtime(last[case.pk]).date() if case.pk in last else case.opened_on
        if base is None:
            continue
        due = base + timedelta(days=settings.contact_interval_days(opened_on=case.opened_on, today=base))
        if due <= today:
            entries.append(WorklistEntry(kind="contact_due", label=_("Contact due"), due_on=due, case=case,
                                         person=case.person,
                                         url=reverse("contacts:contact_create", args=[case.public_id])))
    declined = _contacts(actor).filter(case_id__in=by_id, outcome=ContactOutcome.DECLINED,
                                       repeat_offer_on__lte=today).order_by("repeat_offer_on", "pk")
    for contact in declined:
        case = by_id[contact.case_id]
        later = last.get(case.pk)
        if later is not None and later > contact.occurred_at:
            continue
        entries.append(WorklistEntry(kind="offer_repeat", label=_("Repeat the declined offer"),
                                     due_on=contact.repeat_offer_on, case=case, person=case.person,
                                     url=reverse("contacts:contact_create", args=[case.public_id])))
    return entries


# ---- topic catalogues ------------------------------------------------------------------------------------------

def may_manage_topic_catalogues(actor) -> bool:
    return policy.may_administer_organisations(actor) or bool(policy.administered_organisation_ids(actor))


def topic_catalogue(*, actor, programme: str = "", cursor: str | None = None):
    """The topics the actor sees (shared + own organisations'), each marked ``editable`` for the actor."""
    topics = policy.scope(actor, Topic.objects.select_related("organisation"), Action.VIEW)
    if programme:
        topics = topics.filter(programme=programme)
    page = keyset_page(topics, ordering=("programme", "sort_order", "label", "pk"), cursor=cursor, page_size=100)
    system_admin = policy.may_administer_organisations(actor)
    administered = policy.administered_organisation_ids(actor)
    for topic in page.items:
        topic.editable = system_admin or (topic.organisation_id is not None and topic.organisation_id in administered)
    return page


def topic_get(*, actor, code: str) -> Topic:
    return policy.get_or_404(actor, Topic.objects.select_related("organisation"), action=Action.CHANGE, code=code)


def topic_organisations(*, actor):
    """Organisations whose own topics the actor keeps."""
    from lotse.organisations.models import Organisation

    organisations = Organisation.objects.filter(is_active=True).order_by("name")
    if policy.may_administer_organisations(actor):
        return organisations
    return organisations.filter(pk__in=policy.administered_organisation_ids(actor))
