"""Reads of case conferences: always through the access policy; the minutes only for the case's team."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Window
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read
from lotse.cases.casework import HelperMapEntry, TimelineItem, read_once
from lotse.cases.models import Case
from lotse.conferences.models import Conference, ConferenceStatus, Decision, Participant, ParticipantKind
from lotse.consent.models import InformationCategory
from lotse.core.pagination import keyset_page

RECENT = 5
TIMELINE = 40


def _conferences(actor, action: Action = Action.VIEW):
    return policy.scope(actor, Conference.objects.all(), action)


def _participants(actor):
    return policy.scope(actor, Participant.objects.select_related("user", "partner", "partner_contact", "person"))


def conference_get(*, actor, public_id, action: Action = Action.VIEW) -> Conference:
    return policy.get_or_404(actor, Conference.objects.select_related(
        "case__person__preferred_language", "case__person__organisation", "case__team", "case__offering",
        "case__owner", "invited_by").prefetch_related("persons"), action=action, public_id=public_id)


def participant_choices(*, actor, conference: Conference, responsible_only: bool = False):
    """The conference's participants as a queryset for forms; only those who can be responsible for a decision
    (not people entered by name alone) when ``responsible_only``."""
    rows = _participants(actor).filter(conference=conference).order_by("created_at", "pk")
    return rows.exclude(kind=ParticipantKind.OTHER) if responsible_only else rows


def participants_of(*, actor, conference: Conference) -> list[Participant]:
    return list(_participants(actor).filter(conference=conference).order_by("created_at", "pk"))


def decisions_of(*, actor, conference: Conference) -> list[Decision]:
    return list(policy.scope(actor, Decision.objects.filter(conference=conference)).select_related(
        "responsible__user", "responsible__partner", "responsible__partner_contact", "responsible__person", "goal",
        "step", "task").order_by("due_on", "pk"))


def category_labels(categories) -> list[str]:
    return [str(InformationCategory(code).label) for code in categories if code in InformationCategory.values]


def conference_detail(*, actor, conference: Conference) -> dict:
    """Everything the conference page shows (a fixed number of queries); the read is audited."""
    participants = participants_of(actor=actor, conference=conference)
    audit_read(actor=actor, obj=conference.case.person, organisation=conference.case.person.organisation,
               action="conference.viewed")
    return {"participants": participants, "decisions": decisions_of(actor=actor, conference=conference),
            "categories": category_labels(conference.categories), "persons": list(conference.persons.all()),
            "invitation": invitation_text(conference, participants)}


def conferences_for_case(*, actor, case: Case, cursor: str | None = None):
    page = keyset_page(_conferences(actor).filter(case=case),
                       ordering=("-scheduled_at", "-pk"), cursor=cursor)
    audit_read(actor=actor, obj=case.person, organisation=case.person.organisation, action="conference.listed")
    return page


def conference_list(*, actor, case: Case):
    """All conferences of the case the actor may see (newest first), for the API."""
    return _conferences(actor).filter(case=case).order_by("-scheduled_at", "-pk")


def _latest_of_case(actor, case: Case) -> list[Conference]:
    """The case's latest conferences, each carrying how many the case has (``total``; one query)."""
    return read_once(actor=actor, case=case, area="conferences", load=lambda: list(
        _conferences(actor).filter(case=case).annotate(total=Window(Count("pk")))
        .order_by("-scheduled_at", "-pk")[:TIMELINE]))


def case_conference_summary(*, actor, case: Case) -> dict:
    """The case file section: the latest conferences and how many there are."""
    latest = _latest_of_case(actor, case)
    return {"count": latest[0].total if latest else 0, "recent": latest[:RECENT]}


def timeline_items(*, actor, case: Case) -> list[TimelineItem]:
    return [TimelineItem(when=timezone.localtime(conference.scheduled_at), kind="conference",
                         label=_("Case conference: %(title)s (%(status)s)") % {
                             "title": conference.title, "status": conference.get_status_display()},
                         url=reverse("conferences:conference_detail", args=[conference.public_id]))
            for conference in _latest_of_case(actor, case)]


def helper_map_entries(*, actor, case: Case) -> list[HelperMapEntry]:
    """Partners, their contact persons and colleagues who were invited to the case's conferences (one query)."""
    rows = (_participants(actor).filter(conference__case=case, kind__in=[ParticipantKind.PARTNER,
                                                                         ParticipantKind.STAFF])
            .exclude(conference__status=ConferenceStatus.CANCELLED)
            .select_related("conference").order_by("conference__scheduled_at", "pk"))
    found: dict[tuple, dict] = {}
    for row in rows:
        key = (row.kind, row.user_id, row.partner_id, row.partner_contact_id)
        day = timezone.localtime(row.conference.scheduled_at).date()
        entry = found.setdefault(key, {"row": row, "since": day, "last": None, "role": row.role})
        entry["role"] = row.role or entry["role"]
        if row.conference.status == ConferenceStatus.HELD:
            held = row.conference.held_on or day
            entry["last"] = max(entry["last"], held) if entry["last"] else held
    entries = []
    for entry in found.values():
        row = entry["row"]
        if row.kind == ParticipantKind.STAFF:
            organisation = case.team.name
        else:
            organisation = row.partner.name if row.partner_contact_id else ""
        entries.append(HelperMapEntry(
            name=row.display_name, role=entry["role"] or str(ParticipantKind(row.kind).label), source="conference",
            organisation=organisation, since=entry["since"], last_contact=entry["last"],
            url=reverse("conferences:case_conference_list", args=[case.public_id]),
            partner_id=row.partner_id))
    return entries


# ---- choices for the forms ------------------------------------------------------------------------------

def staff_choices(*, actor, case: Case):
    """Counsellors and the lead of the case's team: the colleagues who can take part."""
    from lotse.accounts.models import User
    from lotse.organisations.models import Membership, Role

    members = Membership.objects.filter(team=case.team, is_active=True, role__in=[Role.COUNSELLOR, Role.TEAM_LEAD])
    return policy.scope(actor, User.objects.filter(is_active=True, pk__in=members.values("user_id"))).order_by(
        "last_name", "first_name", "username")


def partner_choices(*, actor, case: Case):
    """Active partners of the case's organisation with their active contact persons prefetched."""
    from lotse.consent.selectors import partner_choices as release_recipients
    from lotse.network.models import PartnerContact

    return release_recipients(actor=actor, person=case.person).prefetch_related(
        Prefetch("contacts", queryset=PartnerContact.objects.filter(is_active=True).order_by("name", "pk"),
                 to_attr="active_contacts")).order_by("name", "pk")


def goal_choices(*, actor, case: Case):
    """Open goals of the case's integration plan: where a decision can become a step."""
    from lotse.planning.models import OPEN_GOAL_STATUSES, Goal

    return policy.scope(actor, Goal.objects.filter(plan__case=case, status__in=OPEN_GOAL_STATUSES)).order_by(
        "position", "pk")


def participant_find(*, actor, conference: Conference, public_id) -> Participant | None:
    """A participant of ``conference`` (already in the actor's scope), or None when no longer invited."""
    return policy.scope(actor, Participant.objects.select_related("user", "partner", "partner_contact", "person"),
                        Action.CHANGE).filter(conference=conference, public_id=public_id).first()


# ---- the invitation ---------------------------------------------------------------------------------

def invitation_text(conference: Conference, participants: list[Participant]) -> str:
    """A German invitation to copy into a letter or an e-mail: date, place, agenda, who is invited."""
    with translation.override("de"):
        when = timezone.localtime(conference.scheduled_at)
        lines = [_("Invitation to a case conference: %(title)s") % {"title": conference.title}, "",
                 _("Date: %(date)s, %(time)s") % {"date": when.strftime("%d.%m.%Y"), "time": when.strftime("%H:%M")},
                 _("Place: %(place)s") % {"place": conference.location or "–"}, ""]
        items = conference.agenda_items()
        if items:
            lines.append(_("Agenda:"))
            lines += [f"{number}. {item}" for number, item in enumerate(items, start=1)]
            lines.append("")
        if participants:
            lines.append(_("Invited:"))
            for participant in participants:
                extra = ", ".join(filter(None, [participant.role, participant.organisation_name]))
                lines.append(f"- {participant.display_name}" + (f" ({extra})" if extra else ""))
            lines.append("")
        released = ", ".join(category_labels(conference.categories))
        lines.append(_("The family has agreed to this case conference. Only what the family has released may be "
                       "discussed: %(categories)s.") % {"categories": released})
        inviter = conference.invited_by
        if inviter is not None:
            lines += ["", _("Kind regards"), inviter.get_full_name() or inviter.get_username(),
                      conference.case.team.name]
        return "\n".join(lines)
