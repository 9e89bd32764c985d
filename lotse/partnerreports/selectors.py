"""Reads of report links and partner reports: the links of a partner, one report, what the case file's
timeline shows. Everything runs through the access policy."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read
from lotse.cases.casework import TimelineItem
from lotse.network.models import Partner
from lotse.partnerreports.models import PartnerReport, ReportKind, ReportLink
from lotse.partnerreports.services import may_issue_links

TIMELINE_LIMIT = 40
TIMELINE_NOTE_LENGTH = 200


def partner_get(*, actor, public_id) -> Partner:
    """The partner whose report links the actor manages: 404 outside the organisation, 403 for roles that may
    see the directory but not issue links (coordination, accommodation)."""
    partner = policy.get_or_404(actor, Partner.objects.select_related("organisation"), public_id=public_id)
    if not may_issue_links(actor, partner):
        policy.deny(actor, "report_link.list")
    return partner


def link_list(*, actor, partner: Partner) -> list[ReportLink]:
    """All links of the partner, newest first (one query)."""
    links = list(policy.scope(actor, ReportLink.objects.filter(partner=partner))
                 .select_related("created_by", "revoked_by").order_by("-created_at", "-pk"))
    for link in links:
        link.partner = partner
    return links


def link_get(*, actor, public_id, action: Action = Action.VIEW) -> ReportLink:
    return policy.get_or_404(actor, ReportLink.objects.select_related("partner"), action=action,
                             public_id=public_id)


def report_get(*, actor, public_id) -> PartnerReport:
    """One report, for the case team; the read of the person's data is audited."""
    report = policy.get_or_404(actor, PartnerReport.objects.select_related(
        "case__person__organisation", "case__offering", "person", "link__partner", "task__responsible_user"),
        public_id=public_id)
    audit_read(actor=actor, obj=report.person, organisation=report.person.organisation_id,
               action="partner_report.viewed")
    return report


def _label(report: PartnerReport) -> str:
    values = {"partner": report.link.partner.name}
    if report.kind == ReportKind.ABSENT:
        return _("Report from %(partner)s: stayed away") % values
    if report.kind == ReportKind.DROPPED_OUT:
        return _("Report from %(partner)s: dropped out") % values
    return _("Report from %(partner)s") % values


def timeline_items(*, actor, case) -> list[TimelineItem]:
    """The case's partner reports for the case file's timeline (most recent 40, one query)."""
    rows = (policy.scope(actor, PartnerReport.objects.filter(case=case)).select_related("link__partner")
            .order_by("-received_at", "-pk")[:TIMELINE_LIMIT])
    items = []
    for report in rows:
        detail = _("on %(date)s") % {"date": report.occurred_on.strftime("%d.%m.%Y")}
        if report.note:
            note = report.note if len(report.note) <= TIMELINE_NOTE_LENGTH else \
                report.note[:TIMELINE_NOTE_LENGTH - 1] + "…"
            detail = f"{detail} – {note}"
        items.append(TimelineItem(when=timezone.localtime(report.received_at), kind="partner_report",
                                  label=_label(report), detail=detail,
                                  url=reverse("partnerreports:report_detail", args=[report.public_id])))
    return items
