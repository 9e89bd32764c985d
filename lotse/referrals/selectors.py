"""Reads of referrals: always through the access policy, each in a fixed number of queries.

The referral figures per partner (:func:`partner_referral_figures`) are counts without any personal data:
they are shown to everyone who works with figures or cases in the organisation (coordinators, team leads,
organisation admins, counsellors), across all teams of the organisation, and never name a person.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read
from lotse.cases.casework import HelperMapEntry, TimelineItem, WorklistEntry, read_once
from lotse.cases.models import Case
from lotse.core.pagination import keyset_page
from lotse.organisations.models import Role
from lotse.referrals.models import (OPEN_STATUSES, Referral, ReferralOutcome, ReferralStatus,
                                    ReferralStatusChange, Step, Whereabouts)

FEEDBACK_AFTER_DAYS = 14
RECENT_CLOSED = 5
OPEN_LIMIT = 50
TIMELINE_LIMIT = 40
HELPER_MAP_LIMIT = 50
FIGURE_ROLES = (Role.COORDINATOR, Role.TEAM_LEAD, Role.ORG_ADMIN, Role.COUNSELLOR)


def _referrals(actor, action: Action = Action.VIEW):
    return policy.scope(actor, Referral.objects.all(), action)


def _url(referral: Referral) -> str:
    return reverse("referrals:referral_detail", args=[referral.public_id])


def referral_get(*, actor, public_id, action: Action = Action.VIEW) -> Referral:
    return policy.get_or_404(actor, Referral.objects.select_related(
        "case__person__organisation", "case__person__preferred_language", "case__team", "case__offering",
        "person__organisation", "person__preferred_language", "partner", "service", "partner_contact",
        "created_by"), action=action, public_id=public_id)


def referral_history(*, actor, referral: Referral) -> list[ReferralStatusChange]:
    return list(policy.scope(actor, ReferralStatusChange.objects.filter(referral=referral))
                .select_related("changed_by").order_by("created_at", "pk"))


def referral_detail(*, actor, referral: Referral) -> list[ReferralStatusChange]:
    """The status history of the referral; the reading is audited on the person referred."""
    history = referral_history(actor=actor, referral=referral)
    audit_read(actor=actor, obj=referral.person, organisation=referral.person.organisation,
               action="referral.viewed")
    return history


def referrals_for_case(*, actor, case: Case, cursor: str | None = None):
    page = keyset_page(_referrals(actor).filter(case=case).select_related("partner", "service", "person",
                                                                          "partner_contact"),
                       ordering=("-created_at", "-pk"), cursor=cursor)
    audit_read(actor=actor, obj=case.person, organisation=case.person.organisation, action="referral.listed")
    return page


def _all_of_case(actor, case: Case) -> list[Referral]:
    """Every referral of the case, newest first: the case file's section and helper map (one query; a case has
    a handful of referrals, a long one a few dozen)."""
    return read_once(actor=actor, case=case, area="referrals", load=lambda: list(
        _referrals(actor).filter(case=case).select_related("partner", "service", "person").order_by("-sent_on", "-pk")))


def case_referral_summary(*, actor, case: Case) -> dict:
    """Open referrals and the latest closed ones for the case file."""
    rows = _all_of_case(actor, case)
    open_referrals = sorted((row for row in rows if row.status in OPEN_STATUSES),
                            key=lambda row: (row.sent_on, row.pk))[:OPEN_LIMIT]
    closed = sorted((row for row in rows if row.status not in OPEN_STATUSES),
                    key=lambda row: (row.updated_at, row.pk), reverse=True)[:RECENT_CLOSED]
    return {"open": open_referrals, "closed": closed, "count": len(rows)}


def release_overview(*, actor, case: Case, persons) -> list:
    """The releases of the case's persons that are valid today: the hint on the referral form (one query)."""
    from django.utils import timezone

    from lotse.consent.models import Release

    from lotse.consent.models import InformationCategory

    today = timezone.localdate()
    releases = list(policy.scope(actor, Release.objects.filter(
        person__in=persons, given_on__lte=today, valid_until__gte=today)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=today))
        .select_related("recipient", "person")).order_by("recipient__name", "person__family_name", "pk"))
    for release in releases:
        release.category_labels = [label for value, label in InformationCategory.choices
                                   if value in release.categories]
    return releases


# ---- case file contributions -----------------------------------------------------------------------------

def worklist_entries(*, actor, cases: list[Case], today: date) -> list[WorklistEntry]:
    """No answer 14 days after sending, a passed appointment without outcome, whereabouts due (one query)."""
    by_id = {case.pk: case for case in cases}
    if not by_id:
        return []
    rows = _referrals(actor).filter(case_id__in=by_id).filter(
        Q(status=ReferralStatus.SENT, sent_on__lte=today - timedelta(days=FEEDBACK_AFTER_DAYS))
        | Q(status=ReferralStatus.APPOINTMENT, appointment_on__lt=today)
        | Q(status=ReferralStatus.OUTCOME, whereabouts_due_on__lte=today)).select_related("partner", "person")
    entries = []
    for referral in rows.order_by("pk"):
        values = {"partner": referral.partner.name}
        if referral.status == ReferralStatus.SENT:
            kind, label = "referral_feedback", _("Ask %(partner)s for feedback on the referral") % values
            due = referral.sent_on + timedelta(days=FEEDBACK_AFTER_DAYS)
        elif referral.status == ReferralStatus.APPOINTMENT:
            kind, label = "referral_outcome", _("Record the outcome of the referral to %(partner)s") % values
            due = referral.appointment_on + timedelta(days=1)
        else:
            kind = "referral_whereabouts"
            label = _("Check the whereabouts after the referral to %(partner)s") % values
            due = referral.whereabouts_due_on
        entries.append(WorklistEntry(kind=kind, label=label, due_on=due, case=by_id[referral.case_id],
                                     person=referral.person, url=_url(referral)))
    return entries


def step_label(change: ReferralStatusChange) -> str:
    """What a step in the history says, e.g. "Outcome: completed"."""
    label = str(Step(change.step).label) if change.step in Step.values else change.step
    if change.step == Step.OUTCOME and change.value in ReferralOutcome.values:
        return f"{label}: {ReferralOutcome(change.value).label}"
    if change.step == Step.WHEREABOUTS and change.value in Whereabouts.values:
        return f"{label}: {Whereabouts(change.value).label}"
    if change.step == Step.APPOINTMENT and change.value:
        try:
            return f"{label}: {date.fromisoformat(change.value):%d.%m.%Y}"
        except ValueError:
            return label
    return label


def timeline_items(*, actor, case: Case) -> list[TimelineItem]:
    changes = (policy.scope(actor, ReferralStatusChange.objects.filter(referral__case=case))
               .select_related("referral__partner").order_by("-on", "-pk")[:TIMELINE_LIMIT])
    return [TimelineItem(when=change.on, kind="referral", url=_url(change.referral), detail=change.note,
                         label=_("Referral to %(partner)s – %(step)s") % {
                             "partner": change.referral.partner.name, "step": step_label(change)})
            for change in changes]


def helper_map_entries(*, actor, case: Case) -> list[HelperMapEntry]:
    """The partners the case's persons were referred to (withdrawn referrals are left out)."""
    rows = [row for row in _all_of_case(actor, case) if row.status != ReferralStatus.WITHDRAWN][:HELPER_MAP_LIMIT]
    return [HelperMapEntry(name=referral.partner.name,
                           role=(_("Referral: %(service)s") % {"service": referral.service.name}
                                 if referral.service_id else _("Referral")),
                           source="referral", since=referral.sent_on, last_contact=referral.last_change_on,
                           url=_url(referral), partner_id=referral.partner_id) for referral in rows]


# ---- figures per partner ---------------------------------------------------------------------------------

def figure_organisations(*, actor):
    """The organisations whose referral figures the actor sees (see the module docstring)."""
    from lotse.organisations.models import Organisation

    organisations = Organisation.objects.filter(is_active=True).order_by("name")
    grants = policy.grants(actor)
    if grants.is_system_admin:
        return organisations
    return organisations.filter(pk__in=grants.orgs_with(*FIGURE_ROLES))


def may_see_figures(actor) -> bool:
    return policy.may_see_aggregates(actor) or bool(policy.casework_team_ids(actor))


@dataclass
class PartnerFigures:
    """Referral figures of one partner (or of all partners: ``partner`` is empty)."""

    partner: str
    sent: int = 0
    withdrawn: int = 0
    took_place: int = 0
    no_show: int = 0
    rejected: int = 0
    completed: int = 0
    stayed: int = 0
    days: list = field(default_factory=list)

    @property
    def counted(self) -> int:
        """Referrals that count for the share: all sent in the period except those the client withdrew."""
        return self.sent - self.withdrawn

    @property
    def share_completed(self) -> float | None:
        """Completed referrals in per cent of :attr:`counted`, one decimal; None without referrals."""
        return round(100 * self.completed / self.counted, 1) if self.counted else None

    @property
    def median_days(self) -> float | None:
        """Median number of days from sending to the first appointment at the partner."""
        return statistics.median(self.days) if self.days else None

    @property
    def with_appointment(self) -> int:
        return len(self.days)


def partner_referral_figures(*, actor, organisation, period: tuple[date, date] | None = None) -> dict:
    """Per partner: referrals sent, withdrawn, outcomes, stayed, share completed and the median days from
    sending to the first appointment; plus the same over all partners (two queries).

    ``period`` filters on the date the referral was sent (both ends included). The actor must see figures of
    ``organisation`` (:func:`figure_organisations`); anyone else gets the policy's refusal."""
    if not figure_organisations(actor=actor).filter(pk=organisation.pk).exists():
        policy.deny(actor, "referral.figures")
    rows = Referral.objects.filter(partner__organisation=organisation)
    if period is not None:
        rows = rows.filter(sent_on__gte=period[0], sent_on__lte=period[1])
    return referral_figures(referrals=rows) | {"organisation": organisation, "period": period}


def referral_figures(*, referrals) -> dict:
    """The figures of :func:`partner_referral_figures` for any set of referrals, without access checks (the
    caller has checked them, e.g. the report builders). Two queries."""
    rows = referrals
    counts = rows.values("partner_id", "partner__name").annotate(
        sent=Count("pk"), withdrawn=Count("pk", filter=Q(status=ReferralStatus.WITHDRAWN)),
        took_place=Count("pk", filter=Q(outcome=ReferralOutcome.TOOK_PLACE)),
        no_show=Count("pk", filter=Q(outcome=ReferralOutcome.NO_SHOW)),
        rejected=Count("pk", filter=Q(outcome=ReferralOutcome.REJECTED)),
        completed=Count("pk", filter=Q(outcome=ReferralOutcome.COMPLETED)),
        stayed=Count("pk", filter=Q(whereabouts=Whereabouts.STAYED))).order_by("partner__name", "partner_id")
    partners: dict[int, PartnerFigures] = {}
    for row in counts:
        partners[row["partner_id"]] = PartnerFigures(
            partner=row["partner__name"], **{name: row[name] for name in (
                "sent", "withdrawn", "took_place", "no_show", "rejected", "completed", "stayed")})
    total = PartnerFigures(partner="")
    for partner_id, sent_on, appointment_on in rows.filter(appointment_on__isnull=False).values_list(
            "partner_id", "sent_on", "appointment_on"):
        days = (appointment_on - sent_on).days
        partners[partner_id].days.append(days)
        total.days.append(days)
    for figures in partners.values():
        for name in ("sent", "withdrawn", "took_place", "no_show", "rejected", "completed", "stayed"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
    return {"partners": list(partners.values()), "total": total}
