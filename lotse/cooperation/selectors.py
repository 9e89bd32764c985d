"""Reads of cooperation agreements and network events, the review reminder and the network indicators.

Everything goes through the access policy. Agreements are organisational records, seen by every member of the
organisation; the names of staff (responsible person, who recorded a change) only by those who see personal
data, not by coordinators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Max, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases.casework import WorklistEntry
from lotse.cooperation.models import (
    IN_FORCE, AgreementRevision, AgreementStatus, CooperationAgreement, EventKind, NetworkEvent, RevisionKind,
)

REVIEW_WARNING_DAYS = 30
LIST_LIMIT = 500
DUE = "due"


def organisations_for(*, actor, model, action: Action = Action.VIEW):
    """The active organisations in which the policy lets ``actor`` do ``action`` on rows of ``model``.

    Evaluated by the policy's own rule for the model (its condition is on ``organisation_id``), so this never
    drifts from ``lotse/access/policy.py``."""
    from lotse.organisations.models import Organisation

    grants = policy.grants(actor)
    if grants.user_id is None:
        return Organisation.objects.none()
    condition = policy.RULES[model._meta.label_lower](grants, action)
    return (Organisation.objects.filter(is_active=True).annotate(organisation_id=F("pk")).filter(condition)
            .order_by("name"))


def agreement_organisations(*, actor):
    """Where the actor keeps agreements (team leads, organisation administrators)."""
    return organisations_for(actor=actor, model=CooperationAgreement, action=Action.CHANGE)


def event_organisations(*, actor):
    """Where the actor records network events (the organisation's staff)."""
    return organisations_for(actor=actor, model=NetworkEvent, action=Action.CHANGE)


def network_organisations(*, actor):
    """Whose network work the actor sees (agreements, events, indicators)."""
    return organisations_for(actor=actor, model=NetworkEvent, action=Action.VIEW)


def may_see_network(actor) -> bool:
    return network_organisations(actor=actor).exists()


def may_see_staff_names(actor) -> bool:
    return policy.may_see_personal_data(actor)


def partner_choices(*, actor, organisations, current=None):
    """Active partners of ``organisations`` from the directory, plus those ``current`` already names."""
    from lotse.consent.selectors import partner_list

    chosen = Q(organisation__in=organisations, is_active=True)
    if current is not None:
        chosen |= Q(pk__in=current.partners.values("pk"))
    return partner_list(actor=actor).filter(chosen).select_related("organisation").order_by("name", "pk")


def staff_choices(*, actor, organisations, current=None):
    """Active members of ``organisations`` whom the actor may see, plus the person named so far."""
    from lotse.accounts.models import User

    visible = policy.scope(actor, User.objects.filter(
        is_active=True, memberships__organisation__in=organisations, memberships__is_active=True))
    chosen = Q(pk__in=visible.values("pk"))
    if current is not None:
        chosen |= Q(pk=current.pk)
    return User.objects.filter(chosen).order_by("last_name", "first_name", "username")


# ---- agreements ------------------------------------------------------------------------------------------

def _agreements(actor, action: Action = Action.VIEW):
    return policy.scope(actor, CooperationAgreement.objects.defer("document"), action)


def review_state(agreement: CooperationAgreement, today: date) -> str:
    """"overdue", "due" (within 30 days) or "" for agreements in force; others are not reviewed."""
    if agreement.status not in IN_FORCE:
        return ""
    if agreement.review_on < today:
        return "overdue"
    if agreement.review_on <= today + timedelta(days=REVIEW_WARNING_DAYS):
        return "due"
    return ""


def agreement_list(*, actor, status: str = "", today: date | None = None) -> dict:
    """The agreements of the actor's organisations, due reviews first; ``status`` may also be ``"due"``."""
    today = today or timezone.localdate()
    agreements = _agreements(actor).select_related("organisation", "responsible").prefetch_related("partners")
    if status == DUE:
        agreements = agreements.filter(status__in=IN_FORCE,
                                       review_on__lte=today + timedelta(days=REVIEW_WARNING_DAYS))
    elif status in AgreementStatus.values:
        agreements = agreements.filter(status=status)
    rows = list(agreements.order_by("review_on", "pk")[: LIST_LIMIT + 1])
    for agreement in rows:
        agreement.review_state = review_state(agreement, today)
    return {"agreements": rows[:LIST_LIMIT], "truncated": len(rows) > LIST_LIMIT, "today": today,
            "show_names": may_see_staff_names(actor),
            "show_organisation": len({agreement.organisation_id for agreement in rows}) > 1}


def agreement_get(*, actor, public_id, action: Action = Action.VIEW) -> CooperationAgreement:
    return policy.get_or_404(actor, CooperationAgreement.objects.defer("document").select_related(
        "organisation", "responsible", "created_by").prefetch_related("partners"), action=action,
        public_id=public_id)


def agreement_document(*, actor, public_id) -> CooperationAgreement:
    """The agreement with its stored file, for the download."""
    return policy.get_or_404(actor, CooperationAgreement.objects.only(
        "public_id", "organisation", "document", "document_name", "document_type", "document_size",
        "document_sha256"), public_id=public_id)


def may_change(actor, obj) -> bool:
    return policy.can(actor, Action.CHANGE, obj)


FIELD_ORDER = ("title", "subject", "partners", "division_of_tasks", "joint_tasks", "starts_on", "review_on",
               "last_reviewed_on", "responsible", "status", "ended_on", "document")
DATE_FIELDS = {"starts_on", "review_on", "last_reviewed_on", "ended_on"}


@dataclass(frozen=True)
class ChangeRow:
    field: str
    label: str
    old: str
    new: str


def _label(name: str) -> str:
    return {"title": _("Title"), "subject": _("Subject and purpose"), "partners": _("Partners"),
            "division_of_tasks": _("Division of tasks"), "joint_tasks": _("Joint tasks"),
            "starts_on": _("Start date"), "review_on": _("Next review"),
            "last_reviewed_on": _("Last reviewed on"), "responsible": _("Responsible"), "status": _("Status"),
            "ended_on": _("Ended on"), "document": _("Document")}.get(name, name)


def _display(name: str, value: str, *, show_names: bool) -> str:
    if not value:
        return "–"
    if name == "responsible" and not show_names:
        return _("(name hidden)")
    if name == "status" and value in AgreementStatus.values:
        return str(AgreementStatus(value).label)
    if name in DATE_FIELDS:
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    return value


def agreement_revisions(*, actor, agreement: CooperationAgreement) -> list[AgreementRevision]:
    """The history of the agreement, newest first, each with ``rows`` (field, old, new) for display."""
    show_names = may_see_staff_names(actor)
    revisions = list(policy.scope(actor, AgreementRevision.objects.filter(agreement=agreement))
                     .select_related("changed_by").order_by("-number"))
    order = list(FIELD_ORDER)
    for revision in revisions:
        changes = revision.changes if isinstance(revision.changes, dict) else {}
        names = sorted(changes, key=lambda name: order.index(name) if name in order else len(order))
        revision.rows = [
            ChangeRow(field=name, label=_label(name),
                      old=_display(name, str(changes[name].get("old", "")), show_names=show_names),
                      new=_display(name, str(changes[name].get("new", "")), show_names=show_names))
            for name in names if isinstance(changes[name], dict)]
        revision.author = (str(revision.changed_by) if revision.changed_by_id else "–") if show_names else ""
    return revisions


def user_worklist_entries(*, actor, today: date) -> list[WorklistEntry]:
    """Agreements the actor is responsible for whose review is due within 30 days or overdue (one query)."""
    rows = _agreements(actor).filter(
        responsible_id=actor.pk, status__in=IN_FORCE,
        review_on__lte=today + timedelta(days=REVIEW_WARNING_DAYS),
    ).only("public_id", "title", "review_on").order_by("review_on", "pk")
    return [WorklistEntry(kind="agreement_review", due_on=agreement.review_on,
                          shown_from=agreement.review_on - timedelta(days=REVIEW_WARNING_DAYS),
                          label=_("Review the cooperation agreement “%(title)s”") % {
                              "title": agreement.title},
                          url=reverse("cooperation:agreement_detail", args=[agreement.public_id]))
            for agreement in rows]


# ---- network events --------------------------------------------------------------------------------------

def _events(actor, action: Action = Action.VIEW):
    return policy.scope(actor, NetworkEvent.objects.all(), action)


def event_get(*, actor, public_id, action: Action = Action.VIEW) -> NetworkEvent:
    return policy.get_or_404(actor, NetworkEvent.objects.select_related("organisation", "recorded_by")
                             .prefetch_related("partners"), action=action, public_id=public_id)


def event_years(*, actor, today: date | None = None) -> list[int]:
    """The years to choose from, newest first: from the first recorded event (at most 30 years back) to next
    year or the last planned event."""
    today = today or timezone.localdate()
    span = _events(actor).aggregate(first=Min("date"), last=Max("date"))
    start = max(min(span["first"].year if span["first"] else today.year, today.year), today.year - 30)
    end = max(span["last"].year if span["last"] else today.year, today.year + 1)
    return list(range(end, start - 1, -1))


def event_list(*, actor, year: int) -> dict:
    events = list(_events(actor).filter(date__year=year).select_related("organisation", "recorded_by")
                  .prefetch_related("partners").order_by("-date", "-pk")[: LIST_LIMIT + 1])
    changeable = set(_events(actor, Action.CHANGE).filter(pk__in=[event.pk for event in events])
                     .values_list("pk", flat=True))
    for event in events:
        event.changeable = event.pk in changeable
    return {"events": events[:LIST_LIMIT], "truncated": len(events) > LIST_LIMIT,
            "participants": sum(event.participants for event in events[:LIST_LIMIT]),
            "show_organisation": len({event.organisation_id for event in events}) > 1}


# ---- network indicators (DOMAIN.md §8) -------------------------------------------------------------------

def network_indicators(*, actor, organisation, year: int, today: date | None = None) -> dict:
    """The network figures of ``organisation`` for ``year`` (see :func:`network_figures`), counted only in
    what the policy lets ``actor`` see. Six queries whatever the data."""
    return network_figures(
        organisation=organisation, first=date(year, 1, 1), last=date(year, 12, 31), today=today,
        agreements=_agreements(actor), events=_events(actor),
        revisions=policy.scope(actor, AgreementRevision.objects.all())) | {"year": year}


def network_figures(*, organisation, first: date, last: date, today: date | None = None, agreements=None,
                    events=None, revisions=None) -> dict:
    """The network figures of ``organisation`` from ``first`` to ``last`` (both inclusive), without access
    checks: the caller has checked them (the report builders) or passes querysets already scoped.

    - ``agreements_in_force``: agreements (not drafts) in force on at least one day of the span;
    - ``reviews_on_time`` / ``reviews_late``: reviews recorded in the span, on or before / after the due
      date;
    - ``reviews_overdue``: agreements in force whose review fell due in the span (before today) and is still
      open;
    - ``events``: per kind of event the number and the participants; ``events_total``, ``participants_total``;
    - ``joint_actions_and_trainings``: events of the kinds "joint action" and "training";
    - ``partners_in_agreements``, ``partners_in_events``, ``partners_involved`` (distinct partners; the last
      counts both together).
    Six queries whatever the data."""
    today = today or timezone.localdate()
    agreements = (CooperationAgreement.objects.defer("document") if agreements is None else agreements)
    events = NetworkEvent.objects.all() if events is None else events
    revisions = AgreementRevision.objects.all() if revisions is None else revisions
    in_force = (Q(starts_on__lte=last) & ~Q(status=AgreementStatus.DRAFT)
                & (Q(ended_on__isnull=True) | Q(ended_on__gte=first)))
    open_review_until = min(today, last + timedelta(days=1))
    agreements = agreements.filter(organisation=organisation)
    counts = agreements.aggregate(
        in_force=Count("pk", filter=in_force),
        overdue=Count("pk", filter=Q(status__in=IN_FORCE, review_on__gte=first,
                                     review_on__lt=open_review_until)))
    reviews = revisions.filter(
        agreement__organisation=organisation, kind=RevisionKind.REVIEWED, reviewed_on__gte=first,
        reviewed_on__lte=last).aggregate(
        on_time=Count("pk", filter=Q(reviewed_on__lte=F("review_due_on"))),
        late=Count("pk", filter=Q(reviewed_on__gt=F("review_due_on"))))
    events = events.filter(organisation=organisation, date__gte=first, date__lte=last)
    per_kind = {row["kind"]: row for row in events.values("kind").annotate(
        count=Count("pk"), participants=Sum("participants")).order_by()}
    rows = [{"kind": kind.value, "label": str(kind.label),
             "count": per_kind.get(kind.value, {}).get("count", 0),
             "participants": per_kind.get(kind.value, {}).get("participants") or 0} for kind in EventKind]
    in_agreements = set(CooperationAgreement.partners.through.objects.filter(
        cooperationagreement__in=agreements.filter(in_force).values("pk"))
        .values_list("partner_id", flat=True))
    in_events = set(NetworkEvent.partners.through.objects.filter(
        networkevent__in=events.values("pk")).values_list("partner_id", flat=True))
    return {
        "organisation": organisation,
        "first": first,
        "last": last,
        "agreements_in_force": counts["in_force"],
        "reviews_on_time": reviews["on_time"],
        "reviews_late": reviews["late"],
        "reviews_overdue": counts["overdue"],
        "events": rows,
        "events_total": sum(row["count"] for row in rows),
        "participants_total": sum(row["participants"] for row in rows),
        "joint_actions_and_trainings": sum(row["count"] for row in rows
                                           if row["kind"] in (EventKind.JOINT_ACTION, EventKind.TRAINING)),
        "partners_in_agreements": len(in_agreements),
        "partners_in_events": len(in_events),
        "partners_involved": len(in_agreements | in_events),
    }
