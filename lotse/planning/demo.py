"""Demo data of the planning area for the Haddad MBE case: an assessment, a plan with three goals, an agreement."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from lotse.planning.models import Assessment, GoalAgreement, Plan

RATINGS = {
    "residence": (3, "Aufenthaltserlaubnis bis 2027, Verlängerung rechtzeitig beantragt.", "", ""),
    "language": (2, "Arabisch, Englisch gut; Integrationskurs A2 abgeschlossen.", "Deutsch B1 für die Arbeitssuche.", ""),
    "education": (3, "Abgeschlossenes Studium der Betriebswirtschaft (Damaskus).",
                  "Anerkennung des Abschlusses klären.", ""),
    "work": (2, "Berufserfahrung in der Buchhaltung.", "Zugang zu Qualifizierung über das Jobcenter.", ""),
    "housing": (4, "Eigene Wohnung seit einem Jahr.", "", ""),
    "health": (4, "", "", ""),
    "family": (2, "Familie hält zusammen, Kinder gehen gern zur Schule.", "Kita-Platz für das jüngste Kind.",
               "Ohne Kita-Platz kein Sprachkurs möglich."),
    "finances": (3, "", "Bürgergeld-Bescheide verstehen.", ""),
    "participation": (3, "Kontakt zum Elterncafé der Grundschule.", "", ""),
    "psychosocial": (None, "", "", "Nicht angesprochen."),
}


def _youngest_child(person):
    from lotse.people.models import HouseholdMember, Person

    households = HouseholdMember.objects.filter(person=person, until__isnull=True).values("household_id")
    return (Person.objects.filter(household_memberships__household_id__in=households,
                                  household_memberships__until__isnull=True, birth_date__isnull=False)
            .exclude(pk=person.pk).order_by("-birth_date").first())


def seed_demo(*, case, actor) -> None:
    """Idempotent: does nothing when the case already has an assessment, a plan or an agreement."""
    from lotse.network.models import Partner
    from lotse.planning import services

    if Assessment.objects.filter(case=case).exists() or Plan.objects.filter(case=case).exists() \
            or GoalAgreement.objects.filter(case=case).exists():
        return
    today = timezone.localdate()
    services.assessment_create(
        actor=actor, case=case, assessed_on=today - timedelta(days=21),
        note="Frau Haddad ist sehr motiviert. Vorrang haben Deutsch B1 und ein Kita-Platz für das jüngste Kind, "
             "damit sie an einem Berufssprachkurs teilnehmen kann.",
        items={domain: {"rating": rating, "strengths": strengths, "needs": needs, "notes": notes}
               for domain, (rating, strengths, needs, notes) in RATINGS.items()})

    version = 0
    language = services.goal_create(
        actor=actor, case=case, version=version, domain="language", category="german",
        client_words="Ich möchte Deutsch auf B1-Niveau lernen, damit ich wieder in der Buchhaltung arbeiten kann.",
        target_on=today + relativedelta(months=8), priority=2, review_on=today + relativedelta(months=2))
    version += 1
    for description, responsible, days in (
            ("Freie Plätze in Berufssprachkursen B1 bei den Kursträgern erfragen", "counsellor", 10),
            ("Zum Einstufungstest der Volkshochschule gehen", "client", 21)):
        services.step_create(actor=actor, goal=language, version=version, description=description,
                             responsible=responsible, due_on=today + timedelta(days=days))
        version += 1

    jobcentre = Partner.objects.filter(organisation=case.team.organisation, name__icontains="Jobcenter",
                                       is_active=True).order_by("name").first()
    work = services.goal_create(
        actor=actor, case=case, version=version, domain="work", category="labour_market",
        client_words="Ich möchte über das Jobcenter eine Weiterbildung in der Lohnbuchhaltung machen.",
        target_on=today + relativedelta(months=12), priority=1)
    version += 1
    services.step_create(actor=actor, goal=work, version=version,
                         description="Termin bei der Arbeitsvermittlung zur Maßnahme vereinbaren",
                         responsible="client", due_on=today + timedelta(days=14))
    version += 1
    if jobcentre is not None:
        services.step_create(actor=actor, goal=work, version=version,
                             description="Bildungsgutschein für die Maßnahme prüfen", responsible="partner",
                             responsible_partner=jobcentre, due_on=today + timedelta(days=45))
    else:
        services.step_create(actor=actor, goal=work, version=version,
                             description="Anerkennung des Studienabschlusses beantragen", responsible="counsellor",
                             due_on=today + timedelta(days=30))
    version += 1

    child = _youngest_child(case.person)
    name = child.given_names if child is not None else "das jüngste Kind"
    kita = services.goal_create(
        actor=actor, case=case, version=version, domain="family", category="kindergarten",
        client_words=f"Wir wollen einen Kita-Platz für {name}, damit ich den Sprachkurs besuchen kann.",
        target_on=today + relativedelta(months=4), priority=2)
    version += 1
    for description, responsible, days in (
            ("Im Kita-Portal der Stadt anmelden", "client", 7),
            ("Bei der Anmeldung im Kita-Portal unterstützen", "counsellor", 7)):
        services.step_create(actor=actor, goal=kita, version=version, description=description,
                             responsible=responsible, due_on=today + timedelta(days=days))
        version += 1
    services.plan_review_set(actor=actor, case=case, version=version, review_on=today + relativedelta(months=3))

    agreement = services.agreement_create(actor=actor, case=case, language="ar")
    services.agreement_sign(actor=actor, agreement=agreement, signed_on=today,
                            signed_by_client=str(case.person), signed_by_counsellor=actor, copy_handed_over=True)
