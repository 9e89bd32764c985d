"""Demo data: a cooperation agreement with the job centre whose yearly review is due soon (the team lead is
reminded in the worklist), a draft with the course provider, and this year's network events."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from lotse.cooperation.models import CooperationAgreement, NetworkEvent


def seed_demo(*, case, actor) -> None:
    """``case``/``actor`` as for the other case-work demos; agreements are kept by the team's lead."""
    from lotse.cooperation import services
    from lotse.network.models import Partner
    from lotse.organisations.models import Membership, Role

    organisation = case.team.organisation
    if CooperationAgreement.objects.filter(organisation=organisation).exists():
        return
    lead_membership = Membership.objects.filter(team=case.team, role=Role.TEAM_LEAD, is_active=True).first()
    if lead_membership is None:
        return
    lead = lead_membership.user
    partners = {partner.partner_type: partner
                for partner in Partner.objects.filter(organisation=organisation).order_by("-pk")}
    today = timezone.localdate()
    if "job_centre" in partners:
        data = services.AgreementData(
            title="Kooperationsvereinbarung Jobcenter – Migrationsberatung",
            subject="Abgestimmte Begleitung zugewanderter Menschen in Arbeit und Ausbildung; schnelle "
                    "Klärung bei Leistungsfragen.",
            partners=[partners["job_centre"]], starts_on=today - relativedelta(months=11),
            review_on=today + timedelta(days=25), responsible=lead, status="active",
            division_of_tasks="Jobcenter: Leistungen, Förderinstrumente, Arbeitsvermittlung.\n"
                              "Migrationsberatung: Clearing, Begleitung, Vorbereitung der Termine mit "
                              "Sprachmittlung.",
            joint_tasks="Gemeinsame Fallbesprechungen (mit Schweigepflichtentbindung), jährliches "
                        "Netzwerktreffen.")
        services.agreement_create(actor=lead, organisation=organisation, data=data,
                                  note="Unterzeichnet im Netzwerktreffen")
    if "course_provider" in partners:
        services.agreement_create(actor=lead, organisation=organisation, data=services.AgreementData(
            title="Meldung von Fehlzeiten im Integrationskurs", subject="Die Sprachschule meldet der "
            "Migrationsberatung, wenn Teilnehmende fehlen oder den Kurs abbrechen.",
            partners=[partners["course_provider"]], starts_on=today, responsible=lead, status="draft"))
    if NetworkEvent.objects.filter(organisation=organisation).exists():
        return
    year = today.year
    involved = [partner for partner in partners.values()]
    events = [
        ("network_meeting", "Netzwerktreffen Integration", today - timedelta(days=60), None, 18),
        ("training", "Fortbildung Aufenthaltsrecht für Ehrenamtliche", today - timedelta(days=20), None, 24),
        ("intercultural_week", "Interkulturelle Woche", date(year, 9, 21), date(year, 9, 28), 350),
        ("volunteers_day", "Tag des Ehrenamts", date(year, 12, 5), None, 0),
    ]
    for kind, title, day, until, participants in events:
        services.event_create(actor=lead, organisation=organisation, data=services.EventData(
            kind=kind, title=title, date=day, end_date=until, participants=participants,
            partners=involved[:2] if kind != "volunteers_day" else []))
