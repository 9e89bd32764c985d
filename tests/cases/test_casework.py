"""Case services and views: phases, members, tasks, closure with evaluation, hand-over, reopening,
follow-up, lost access, concurrent edits."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lotse.audit.models import AuditEvent
from lotse.cases import services
from lotse.cases.models import Case, CaseMember, Closure, Indicator, Phase, PhaseChange, Task
from lotse.consent.models import Disclosure
from lotse.consent.services import release_record
from lotse.network.services import partner_create
from lotse.organisations.models import Membership
from tests.factories import login

pytestmark = pytest.mark.django_db

ALL_YES = {code: "yes" for code in Indicator.values}


@pytest.fixture
def case(org_a, make_person, counsellor):
    return services.case_request(actor=counsellor, person=make_person(), offering=org_a.offering)


@pytest.fixture
def partner(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Allgemeiner Sozialdienst",
                          partner_type="youth_office")


def _close(case, actor, **extra):
    values = {"version": Case.objects.get(pk=case.pk).version, "reason": "goals_reached", "indicators": ALL_YES}
    values.update(extra)
    return services.case_close(actor=actor, case=case, **values)


# ---- opening ------------------------------------------------------------------------------------

def test_opening_sets_owner_phase_history_and_the_programme_time_limit(case, counsellor):
    today = timezone.localdate()
    assert case.owner == counsellor and case.phase == Phase.CLEARING and case.phase_since == today
    assert case.time_limit_on == today + relativedelta(years=3)  # MBE: three years
    assert list(case.phase_changes.values_list("to_phase", flat=True)) == [Phase.CLEARING]


def test_a_programme_without_time_limit_has_none(org_a, make_person, counsellor):
    org_a.offering.programme = "jmd"
    org_a.offering.save()
    case = services.case_request(actor=counsellor, person=make_person(), offering=org_a.offering)
    assert case.time_limit_on is None


# ---- phases ------------------------------------------------------------------------------------

def test_phase_change_is_recorded_and_bad_changes_are_refused(case, counsellor):
    today = timezone.localdate()
    services.case_phase_change(actor=counsellor, case=case, version=case.version, phase=Phase.ASSESSMENT, on=today)
    case.refresh_from_db()
    assert case.phase == Phase.ASSESSMENT and case.is_case_management and case.version == 2
    for phase, on, field in ((Phase.ASSESSMENT, today, "phase"), (Phase.CLOSED, today, "phase"),
                             ("nonsense", today, "phase"), (Phase.PLANNING, today + timedelta(days=1), "on"),
                             (Phase.PLANNING, today - timedelta(days=1), "on")):
        with pytest.raises(ValidationError) as error:
            services.case_phase_change(actor=counsellor, case=case, version=case.version, phase=phase, on=on)
        assert field in error.value.message_dict
    assert case.phase_changes.count() == 2


def test_a_stale_phase_change_is_refused(case, counsellor):
    with pytest.raises(ValidationError) as error:
        services.case_phase_change(actor=counsellor, case=case, version=case.version + 5, phase=Phase.COUNSELLING,
                                   on=timezone.localdate())
    assert error.value.error_list[0].code == "stale"


# ---- members and tasks ----------------------------------------------------------------------------

def test_family_members_of_the_household_can_be_co_counselled(case, counsellor, make_person):
    child = make_person(given_names="Lina")
    with pytest.raises(ValidationError):
        services.case_member_add(actor=counsellor, case=case, person=case.person)
    member = services.case_member_add(actor=counsellor, case=case, person=child)
    with pytest.raises(ValidationError):
        services.case_member_add(actor=counsellor, case=case, person=child)
    services.case_member_end(actor=counsellor, case=case, member=member)
    assert CaseMember.objects.get(pk=member.pk).until == timezone.localdate()


def test_a_person_of_another_team_cannot_be_a_member(case, counsellor, org_b):
    from lotse.people.services import PersonData, person_create

    foreign = person_create(actor=org_b.user("counsellor"), team=org_b.team, data=PersonData(family_name="X"))
    with pytest.raises(ValidationError):
        services.case_member_add(actor=counsellor, case=case, person=foreign)


@pytest.mark.parametrize("values, field", [
    ({"title": "", "responsible": "client"}, "title"),
    ({"title": "Antrag", "responsible": ""}, "responsible"),
    ({"title": "Antrag", "responsible": "partner"}, "responsible_partner"),
    ({"title": "Antrag", "responsible": "client", "due_on": None}, "due_on"),
    ({"title": "Antrag", "responsible": "client", "due_on": "yesterday"}, "due_on"),
])
def test_bad_tasks_are_refused_with_a_message_and_nothing_is_saved(case, counsellor, values, field):
    today = timezone.localdate()
    due = values.pop("due_on", today)
    if due == "yesterday":
        due = today - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.task_create(actor=counsellor, case=case, due_on=due, **values)
    assert field in error.value.message_dict
    assert not Task.objects.exists()


def test_task_from_another_organisations_partner_is_refused(case, counsellor, org_b):
    foreign = partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation, name="Fremd",
                             partner_type="job_centre")
    with pytest.raises(ValidationError):
        services.task_create(actor=counsellor, case=case, title="x", responsible="partner",
                             responsible_partner=foreign, due_on=timezone.localdate())


def test_task_status_changes(case, counsellor):
    task = services.task_create(actor=counsellor, case=case, title="Wohngeld beantragen", responsible="client",
                                due_on=timezone.localdate())
    services.task_set_status(actor=counsellor, task=task, status="done", version=task.version)
    task.refresh_from_db()
    assert task.status == "done" and task.done_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.task_set_status(actor=counsellor, task=task, status="done", version=1)


# ---- lost access, restriction ---------------------------------------------------------------------

def test_a_user_who_lost_access_meanwhile_is_refused_and_nothing_is_saved(case, counsellor):
    version = case.version
    Membership.objects.filter(user=counsellor).update(is_active=False)
    counsellor = type(counsellor).objects.get(pk=counsellor.pk)
    with pytest.raises(PermissionDenied):
        services.case_phase_change(actor=counsellor, case=case, version=version, phase=Phase.COUNSELLING,
                                   on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.task_create(actor=counsellor, case=case, title="x", responsible="client",
                             due_on=timezone.localdate())
    case.refresh_from_db()
    assert case.phase == Phase.CLEARING and case.version == version and not Task.objects.exists()


def test_a_form_sent_after_losing_access_is_refused_and_the_denial_recorded(case, counsellor, cclient):
    url = reverse("cases:case_phase", args=[case.public_id])
    assert cclient.get(url).status_code == 200
    Membership.objects.filter(user=counsellor).update(is_active=False)
    response = cclient.post(url, {"phase": "counselling", "on": timezone.localdate().isoformat(),
                                  "version": case.version})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).phase == Phase.CLEARING
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_a_restricted_person_cannot_be_worked_on(case, counsellor):
    type(case.person).objects.filter(pk=case.person_id).update(restricted_at=timezone.now())
    with pytest.raises(ValidationError):
        services.task_create(actor=counsellor, case=case, title="x", responsible="client",
                             due_on=timezone.localdate())


# ---- closure ---------------------------------------------------------------------------------------

def test_closing_with_open_tasks_asks_what_happens_to_them(case, counsellor):
    services.task_create(actor=counsellor, case=case, title="Kita-Platz", responsible="counsellor",
                         due_on=timezone.localdate())
    with pytest.raises(ValidationError) as error:
        _close(case, counsellor)
    assert "open_items" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and not Closure.objects.exists()
    closure = _close(case, counsellor, open_items="discard", note="Ziele erreicht.")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.phase == Phase.CLOSED and case.closed_on
    assert Task.objects.get().status == "discarded"
    assert closure.indicators == ALL_YES
    assert closure.follow_up_on == timezone.localdate() + relativedelta(months=6)  # the programme's default
    assert AuditEvent.objects.filter(action="case.closed").exists()


@pytest.mark.parametrize("extra, field", [
    ({"reason": "bogus"}, "reason"),
    ({"indicators": {}}, "indicator_residence_secured"),
    ({"indicators": {**ALL_YES, "goals_reached": "maybe"}}, "indicator_goals_reached"),
    ({"follow_up_on": "past"}, "follow_up_on"),
    ({"open_items": "burn"}, "open_items"),
])
def test_bad_closures_are_refused(case, counsellor, extra, field):
    if extra.get("follow_up_on") == "past":
        extra["follow_up_on"] = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _close(case, counsellor, **extra)
    assert field in error.value.message_dict
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


def test_hand_over_needs_a_release_for_the_recipient(case, counsellor, partner):
    with pytest.raises(ValidationError):
        _close(case, counsellor, reason="handed_over")
    with pytest.raises(ValidationError, match="Schweigepflichtentbindung|release"):
        _close(case, counsellor, reason="handed_over", handover_to=partner)
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN
    assert Disclosure.objects.filter(recipient=partner, allowed=False).count() == 1
    today = timezone.localdate()
    release_record(actor=counsellor, person=case.person, recipient=partner, categories=["master_data", "case"],
                   purpose="Übergabe an den ASD", given_on=today, valid_until=today + timedelta(days=90), form="paper")
    closure = _close(case, counsellor, reason="handed_over", handover_to=partner)
    assert closure.handed_over_to == partner
    assert Disclosure.objects.filter(recipient=partner, allowed=True).count() == 1


def test_reopen_and_follow_up(case, counsellor):
    closure = _close(case, counsellor)
    with pytest.raises(ValidationError):
        services.closure_follow_up_record(actor=counsellor, closure=closure, done_on=timezone.localdate(), note="")
    services.closure_follow_up_record(actor=counsellor, closure=closure, done_on=timezone.localdate(),
                                      note="Arbeitet weiterhin, Wohnung gesichert.")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.case_reopen(actor=counsellor, case=case, version=case.version, reason="")
    services.case_reopen(actor=counsellor, case=case, version=case.version, reason="Neue Krise")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.phase == Phase.COUNSELLING and case.closed_on is None
    assert Closure.objects.get().reopened_on == timezone.localdate()
    assert PhaseChange.objects.filter(case=case).count() == 3


def test_erasure_takes_closed_cases_with_it(case, counsellor, org_a):
    from lotse.privacy.services import person_erase

    _close(case, counsellor)
    person = case.person
    person_erase(actor=org_a.user("team_lead"), person=person, reason="Antrag auf Löschung nach Art. 17")
    assert not Case.objects.filter(pk=case.pk).exists()


# ---- views -----------------------------------------------------------------------------------------

def test_case_edit_detects_a_concurrent_edit_in_two_sessions(case, counsellor, org_a):
    lead = org_a.user("team_lead")
    first, second = Client(), Client()
    login(first, counsellor)
    login(second, lead)
    url = reverse("cases:case_edit", args=[case.public_id])
    assert first.get(url).status_code == second.get(url).status_code == 200
    base = {"owner": counsellor.public_id, "deputy": "", "priority": "0", "version": str(case.version)}
    assert first.post(url, {**base, "priority": "2"}).status_code == 302
    response = second.post(url, {**base, "deputy": lead.public_id, "priority": "1"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "In der Zwischenzeit" in text or "inzwischen" in text.lower()
    assert "Priorität" in text
    case.refresh_from_db()
    assert case.priority == 2 and case.deputy is None


def test_close_view_with_open_items_shows_the_question(case, cclient, counsellor):
    services.task_create(actor=counsellor, case=case, title="Kita-Platz", responsible="counsellor",
                         due_on=timezone.localdate())
    url = reverse("cases:case_close", args=[case.public_id])
    data = {"reason": "goals_reached", "version": case.version,
            **{f"indicator_{code}": "yes" for code in Indicator.values}}
    response = cclient.post(url, data)
    assert response.status_code == 422
    assert "Bitte wählen Sie, was mit ihnen geschehen soll" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN
    response = cclient.post(url, {**data, "open_items": "done"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED


def test_erasure_takes_a_closed_case_with_plan_and_goal_agreement(case, counsellor, org_a):
    from lotse.planning.models import GoalAgreement
    from lotse.planning.services import agreement_create, goal_create
    from lotse.privacy.services import person_erase

    goal_create(actor=counsellor, case=case, version=0, domain="language", category="german",
                client_words="Deutsch lernen", target_on=timezone.localdate() + timedelta(days=90))
    agreement_create(actor=counsellor, case=case, language="de")
    _close(case, counsellor, open_items="discard")
    person_erase(actor=org_a.user("team_lead"), person=case.person, reason="Antrag auf Löschung nach Art. 17")
    assert not Case.objects.filter(pk=case.pk).exists() and not GoalAgreement.objects.exists()
