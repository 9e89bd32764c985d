"""Every read of first contacts and eligibility: scoped by the access policy, audited."""

from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Max, Prefetch
from django.db.models.functions import Cast
from django.utils import timezone

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read, audit_read_many
from lotse.core.pagination import keyset_page
from lotse.intake import eligibility
from lotse.intake.models import EligibilityCheck, FirstContact, Programme, Topic
from lotse.intake.services import team_programmes
from lotse.organisations.models import ProgrammeOffering, Team
from lotse.people.models import Person
from lotse.people.selectors import residence_history

# keyset_page encodes str, int and datetime cursors but not dates: the contact date is paged as its ISO
# text, which sorts the same way ("2026-01-31" < "2026-02-01") on SQLite and PostgreSQL.
LIST_ORDERING = ("-date_key", "-pk")


def _first_contacts(actor, action: Action = Action.VIEW):
    return policy.scope(actor, FirstContact.objects.select_related("team", "person", "recorded_by"), action)


def first_contact_page(*, actor, cursor: str | None, page_size: int = 50):
    """Newest first; the ids shown are audited (one event however long the page)."""
    queryset = _first_contacts(actor).annotate(date_key=Cast("date", CharField(max_length=10))).prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by(
        "sort_order", "label")))
    page = keyset_page(queryset, ordering=LIST_ORDERING, cursor=cursor, page_size=page_size)
    audit_read_many(actor=actor, objects=page.items, object_type="intake.firstcontact", action="first_contact.listed")
    return page


def first_contact_get(*, actor, public_id, action: Action = Action.VIEW) -> FirstContact:
    queryset = _first_contacts(actor, action).select_related("organisation").prefetch_related("topics")
    contact = policy.get_or_404(actor, queryset, action=action, public_id=public_id)
    if action is Action.VIEW:
        audit_read(actor=actor, obj=contact, organisation=contact.organisation_id)
    return contact


def first_contact_count(*, organisation, period: tuple[date, date]) -> int:
    """First contacts of the organisation in the period (both days included), anonymous ones too.

    Aggregate figure for statistics: no personal data, so no actor and no audit.
    """
    start, end = period
    return FirstContact.objects.filter(organisation=organisation, date__gte=start, date__lte=end).count()


def client_teams(*, actor):
    """The active teams in which the actor may record first contacts."""
    return Team.objects.filter(pk__in=policy.client_team_ids(actor), is_active=True).order_by("name")


def topic_choices(*, teams) -> list[tuple[str, str]]:
    """Active topics of the programmes the teams offer (all active topics if they offer none)."""
    programmes = set(ProgrammeOffering.objects.filter(teams__in=teams, is_active=True).values_list(
        "programme", flat=True))
    topics = Topic.objects.filter(is_active=True)
    if programmes:
        topics = topics.filter(programme__in=programmes)
    return list(topics.order_by("programme", "sort_order", "label").values_list("code", "label"))


# ---- eligibility ---------------------------------------------------------------------------------

@dataclass
class ProgrammeEligibility:
    programme: str
    label: str
    evaluation: eligibility.Evaluation
    latest: EligibilityCheck | None
    answers: dict

    @property
    def explanations(self) -> list[dict]:
        return eligibility.explained(self.evaluation.explanations)

    @property
    def fact_labels(self) -> list[tuple[str, str]]:
        return [(key, eligibility.fact_label(key)) for key in self.evaluation.facts]

    @property
    def override(self) -> EligibilityCheck | None:
        return self.latest if self.latest is not None and self.latest.override else None


def latest_checks(*, actor, person: Person) -> dict[str, EligibilityCheck]:
    """The newest recorded check per programme (one query)."""
    newest = EligibilityCheck.objects.filter(person=person).values("programme").annotate(last=Max("pk")).values(
        "last")
    checks = policy.scope(actor, EligibilityCheck.objects.select_related("overridden_by")).filter(pk__in=newest)
    return {check.programme: check for check in checks}


def eligibility_overview(*, actor, person: Person, on: date | None = None,
                         programmes: list[str] | None = None) -> list[ProgrammeEligibility]:
    """Each programme of the person's team, evaluated on ``on`` with the answers last confirmed.

    The person must already have been fetched through the people selectors (scoped and audited);
    this is a read and records no check.
    """
    on = on or timezone.localdate()
    programmes = programmes if programmes is not None else team_programmes(person.team)
    rules = eligibility.rules_in_force(on, programmes)
    statuses = list(residence_history(actor=actor, person=person))
    checks = latest_checks(actor=actor, person=person)
    labels = dict(Programme.choices)
    overview = []
    for programme in programmes:
        latest = checks.get(programme)
        programme_rules = rules.get(programme, [])
        asked = {fact for rule in programme_rules for fact in eligibility.facts_of_rule(rule)}
        answers = {key: value for key, value in (latest.answers if latest else {}).items() if key in asked}
        evaluation = eligibility.evaluate(programme=programme, rules=programme_rules,
                                          facts=eligibility.PersonFacts.of(person, statuses, answers), on=on)
        overview.append(ProgrammeEligibility(programme, str(labels.get(programme, programme)), evaluation, latest,
                                             answers))
    return overview


def eligibility_check_get(*, actor, public_id, action: Action = Action.VIEW) -> EligibilityCheck:
    return policy.get_or_404(actor, EligibilityCheck.objects.select_related("person"), action=action,
                             public_id=public_id)


def override_count(*, organisation, period: tuple[date, date]) -> int:
    """How often counsellors overrode the rules in the period (statistics; no personal data)."""
    start, end = period
    return EligibilityCheck.objects.filter(person__organisation=organisation, override=True,
                                           overridden_at__date__gte=start, overridden_at__date__lte=end).count()
