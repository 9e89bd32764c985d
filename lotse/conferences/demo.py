"""Demo case conference for the Haddad MBE case: held last week with the job centre's case manager and the
family, two decisions that became steps of the integration plan.

Uses what the demo already has: Amal Haddad's consent to sharing and her release for the job centre
(master data, education, work). The job centre's contact person is added to the partner directory here."""

from datetime import timedelta

from django.utils import timezone

from lotse.conferences.models import Conference

TITLE = "Gemeinsame Planung: Sprachkurs und Arbeitssuche"


def seed_demo(*, case, actor) -> None:
    """Idempotent: does nothing when the case already has a conference (or the demo lacks what it needs)."""
    from lotse.conferences import services
    from lotse.consent.rules import valid_release
    from lotse.network.models import Partner, PartnerContact
    from lotse.planning.models import Goal

    if Conference.objects.filter(case=case).exists():
        return
    jobcentre = Partner.objects.filter(organisation=case.team.organisation, partner_type="job_centre",
                                       is_active=True).order_by("pk").first()
    if jobcentre is None:
        return
    contact, _ = PartnerContact.objects.get_or_create(partner=jobcentre, name="Frau Berg",
                                                      defaults={"function": "Fallmanagerin U25/Ü25"})
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=6)
    conference = services.conference_create(actor=actor, case=case, data=services.ConferenceData(
        title=TITLE, scheduled_at=start, location="Caritas-Haus, Raum 1.04", categories=["education", "work"],
        persons=[case.person],
        agenda="Stand Deutschkurs B1 und Kinderbetreuung\nAnerkennung des Studienabschlusses\n"
               "Nächste Schritte bei der Arbeitssuche"))
    # The demo's release for the job centre covers education and work; without it the counsellor takes over.
    covered = all(valid_release(case.person, jobcentre, category) for category in conference.categories)
    berg = services.participant_add(actor=actor, conference=conference, data=services.ParticipantData(
        kind="partner", partner_contact=contact, role="Fallmanagerin Jobcenter")) if covered else \
        conference.participants.get(user=actor)
    amal = services.participant_add(actor=actor, conference=conference, data=services.ParticipantData(
        kind="family", person=case.person, role="Klientin"))
    services.participant_add(actor=actor, conference=conference, data=services.ParticipantData(
        kind="other", name="Frau Nasser", role="Sprachmittlerin (Arabisch)"))
    conference.refresh_from_db()
    services.conference_record_minutes(
        actor=actor, conference=conference, version=conference.version, held_on=start.date(),
        minutes="Jobcenter übernimmt die Kosten des Berufssprachkurses, sobald der Kita-Platz sicher ist. "
                "Frau Haddad bringt die Zeugnisse zur Anerkennungsberatung mit.",
        attended=list(conference.participants.all()))
    goals = {goal.domain: goal for goal in Goal.objects.filter(plan__case=case).order_by("position")}
    today = timezone.localdate()
    services.decision_create(actor=actor, conference=conference, data=services.DecisionData(
        text="Bildungsgutschein für den Berufssprachkurs B1 ausstellen", responsible=berg,
        due_on=today + timedelta(days=14), goal=goals.get("language") or goals.get("work")))
    services.decision_create(actor=actor, conference=conference, data=services.DecisionData(
        text="Zeugnisse und Übersetzungen zur Anerkennungsberatung mitbringen", responsible=amal,
        due_on=today + timedelta(days=21), goal=goals.get("education") or goals.get("work")))
