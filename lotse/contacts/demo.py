"""Demo contacts for the Haddad MBE case: a first counselling session with an Arabic interpreter and a phone
call, with agreements that become tasks."""

from datetime import timedelta

from django.utils import timezone

from lotse.contacts.models import Contact


def seed_demo(*, case, actor) -> None:
    from lotse.cases.models import Task
    from lotse.intake.models import Topic

    if Contact.objects.filter(case=case).exists():
        return
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    topics = {topic.code: topic for topic in Topic.objects.filter(programme=case.offering.programme)}
    first = Contact.objects.create(
        case=case, occurred_at=now - timedelta(days=21, hours=2), duration_minutes=60, kind="office_hour",
        location="Caritas-Haus, Raum 1.04", occasion="Erstgespräch nach Einzug in die Wohnung",
        interpreter_present=True, interpreter_name="Frau Nasser (Arabisch)",
        notes="Familie ist seit März in Lindenau. Herr Haddad sucht Arbeit, Frau Haddad möchte einen Deutschkurs "
              "B1 besuchen; Kita-Platz für Yusuf fehlt.", author=actor)
    first.topics.set([topics[code] for code in ("mbe-labour", "mbe-education", "mbe-family") if code in topics])
    first.persons_present.set([case.person, *[member.person for member in case.members.all()]])
    Task.objects.create(case=case, title="Anmeldung zum Berufssprachkurs B1 mitbringen", responsible="client",
                        due_on=(now + timedelta(days=5)).date(), source="contact", contact=first, created_by=actor)
    Task.objects.create(case=case, title="Kita-Bedarf beim Jugendamt anmelden", responsible="counsellor",
                        responsible_user=actor, due_on=(now - timedelta(days=2)).date(), source="contact",
                        contact=first, created_by=actor)
    second = Contact.objects.create(
        case=case, occurred_at=now - timedelta(days=7, hours=5), duration_minutes=15, kind="phone",
        occasion="Rückfrage zum Jobcenter-Termin", notes="Termin beim Jobcenter bestätigt.", author=actor)
    second.topics.set([topics[code] for code in ("mbe-labour",) if code in topics])
