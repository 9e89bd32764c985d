"""Demo data: a county, a welfare association running MBE and JMD, a municipality running SIM.

Idempotent: running it again changes nothing that is already there.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lotse.accounts.models import User
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.organisations.models import Membership, Organisation, ProgrammeOffering, Role, Team

DEMO_PASSWORD = "Lotse-Demo-2026!"

ORGANISATIONS = [
    {"key": "county", "name": "Landkreis Lindenau", "kind": Organisation.Kind.COUNTY, "parent": None},
    {"key": "welfare", "name": "Caritasverband Lindenau e. V.", "kind": Organisation.Kind.WELFARE,
     "parent": "county"},
    {"key": "municipality", "name": "Stadt Haanfeld", "kind": Organisation.Kind.MUNICIPALITY, "parent": "county"},
]

OFFERINGS = [
    {"organisation": "welfare", "programme": ProgrammeOffering.Programme.MBE, "name": "MBE Lindenau"},
    {"organisation": "welfare", "programme": ProgrammeOffering.Programme.JMD, "name": "JMD Lindenau"},
    {"organisation": "municipality", "programme": ProgrammeOffering.Programme.SIM,
     "name": "Sozial- und Integrationsmanagement Haanfeld"},
]

TEAMS = [
    {"key": "mbe", "organisation": "welfare", "name": "MBE-Team Lindenau-Nord", "offerings": ["MBE Lindenau"]},
    {"key": "jmd", "organisation": "welfare", "name": "JMD-Team Lindenau", "offerings": ["JMD Lindenau"]},
    {"key": "sim", "organisation": "municipality", "name": "SIM-Team Haanfeld",
     "offerings": ["Sozial- und Integrationsmanagement Haanfeld"]},
    {"key": "accommodation", "organisation": "municipality", "name": "Unterkunftsverwaltung Haanfeld",
     "offerings": []},
]

DEMO_USERS = [
    {"username": "berater", "first_name": "Mara", "last_name": "Yilmaz", "description": _("Counsellor, MBE team"),
     "roles": [("welfare", "mbe", Role.COUNSELLOR)]},
    {"username": "jmd-berater", "first_name": "Jonas", "last_name": "Becker", "description": _("Counsellor, JMD team"),
     "roles": [("welfare", "jmd", Role.COUNSELLOR)]},
    {"username": "teamleitung", "first_name": "Sabine", "last_name": "Krüger",
     "description": _("Team lead, MBE team"), "roles": [("welfare", "mbe", Role.TEAM_LEAD)]},
    {"username": "orgadmin", "first_name": "Thomas", "last_name": "Weber",
     "description": _("Organisation administrator, welfare association"), "roles": [("welfare", None, Role.ORG_ADMIN)]},
    {"username": "sim-beraterin", "first_name": "Leyla", "last_name": "Haddad",
     "description": _("Social and integration manager, municipality"), "roles": [("municipality", "sim", Role.COUNSELLOR)]},
    {"username": "unterkunft", "first_name": "Peter", "last_name": "Schmitz",
     "description": _("Accommodation management, municipality"),
     "roles": [("municipality", "accommodation", Role.ACCOMMODATION)]},
    {"username": "koordination", "first_name": "Anna", "last_name": "Vogel",
     "description": _("Coordination, county office (figures only)"),
     "roles": [("county", None, Role.COORDINATOR), ("welfare", None, Role.COORDINATOR),
               ("municipality", None, Role.COORDINATOR)]},
    {"username": "sysadmin", "first_name": "Sam", "last_name": "Admin", "description": _("System administrator"),
     "roles": [], "is_system_admin": True},
]


@transaction.atomic
def seed_demo(*, statistics: bool = True) -> dict:
    """Create what is missing. Returns counts of created objects.

    ``statistics`` adds two years of synthetic casework for the reports (a few seconds; tests of the demo
    roles leave it out)."""
    created = {"organisations": 0, "offerings": 0, "teams": 0, "users": 0, "memberships": 0}
    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation, new = Organisation.objects.get_or_create(
            name=spec["name"],
            defaults={"kind": spec["kind"], "parent": organisations.get(spec["parent"]) if spec["parent"] else None},
        )
        organisations[spec["key"]] = organisation
        created["organisations"] += new
    offerings: dict[str, ProgrammeOffering] = {}
    for spec in OFFERINGS:
        offering, new = ProgrammeOffering.objects.get_or_create(
            organisation=organisations[spec["organisation"]], name=spec["name"],
            defaults={"programme": spec["programme"]},
        )
        offerings[spec["name"]] = offering
        created["offerings"] += new
    teams: dict[str, Team] = {}
    for spec in TEAMS:
        team, new = Team.objects.get_or_create(organisation=organisations[spec["organisation"]], name=spec["name"])
        if new:
            team.offerings.set([offerings[name] for name in spec["offerings"]])
        teams[spec["key"]] = team
        created["teams"] += new
    for spec in DEMO_USERS:
        user, new = User.objects.get_or_create(
            username=spec["username"],
            defaults={"first_name": spec["first_name"], "last_name": spec["last_name"],
                      "email": f"{spec['username']}@demo.lotse.invalid",
                      "is_system_admin": spec.get("is_system_admin", False)},
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        created["users"] += new
        for org_key, team_key, role in spec["roles"]:
            _, new = Membership.objects.get_or_create(
                user=user, organisation=organisations[org_key], team=teams[team_key] if team_key else None, role=role,
            )
            created["memberships"] += new
    created["persons"] = _seed_persons(teams)
    created["partners"] = _seed_network(organisations)
    created["casework"] = _seed_casework()
    from lotse.people.demo_life import seed_life_situations

    created["life_situations"] = seed_life_situations()
    from lotse.cohorts.demo import seed_demo as seed_cohorts

    created["cohorts"] = seed_cohorts()
    if statistics:
        from lotse.reports.demo import seed_statistics_demo

        created["statistics"] = sum(seed_statistics_demo().values())
    if any(created.values()):
        audit_record(actor=None, actor_label="seed_demo", action="demo.seeded", category=Category.WRITE,
                     details=created)
    return created


DEMO_PERSONS = [
    # team, family, given, original script, birth date, sex, nationalities, household
    ("mbe", "Haddad", "Amal", "أمل حداد", date(1986, 4, 12), "w", ["475"], "Familie Haddad"),
    ("mbe", "Haddad", "Karim", "كريم حداد", date(1982, 9, 3), "m", ["475"], "Familie Haddad"),
    ("mbe", "Haddad", "Lina", "", date(2012, 6, 1), "w", ["475"], "Familie Haddad"),
    ("mbe", "Haddad", "Omar", "", date(2015, 2, 20), "m", ["475"], "Familie Haddad"),
    ("mbe", "Haddad", "Yusuf", "", date(2019, 11, 8), "m", ["475"], "Familie Haddad"),
    ("mbe", "Shevchenko", "Olena", "Олена Шевченко", date(1979, 1, 30), "w", ["166"], ""),
    ("mbe", "Al-Hassan", "Mohammed", "محمد الحسن", date(1990, 1, 1), "m", ["475"], ""),
    ("jmd", "Yılmaz", "Elif", "", date(2004, 7, 15), "w", ["163"], ""),
    ("jmd", "Tesfamariam", "Yohannes", "ዮሃንስ ተስፋማርያም", date(2006, 3, 2), "m", ["224"], ""),
    ("sim", "Ahmadi", "Rahmatullah", "رحمت الله احمدی", date(1975, 5, 5), "m", ["423"], "Familie Ahmadi"),
    ("sim", "Ahmadi", "Zainab", "زینب احمدی", date(1980, 8, 19), "w", ["423"], "Familie Ahmadi"),
]


def _seed_persons(teams: dict) -> int:
    """Clients of the demo teams, with a family of five (Arabic names) and their relations."""
    from lotse.people.models import Person
    from lotse.people.services import (
        PersonData, household_create_with_member, household_member_add, person_create, relationship_add,
    )

    created = 0
    counsellors = {membership.team_id: membership.user for membership in Membership.objects.filter(
        role=Role.COUNSELLOR, team__in=teams.values()).select_related("user")}
    households = {}
    persons = {}
    for team_key, family, given, original, born, sex, nationalities, household in DEMO_PERSONS:
        team = teams[team_key]
        actor = counsellors[team.pk]
        person = Person.objects.filter(team=team, family_name=family, given_names=given).first()
        if person is None:
            person = person_create(actor=actor, team=team, data=PersonData(
                family_name=family, given_names=given, name_original_script=original, birth_date=born,
                birth_date_precision="year" if (born.month, born.day) == (1, 1) else "exact", sex=sex,
                nationalities=nationalities))
            created += 1
            if household:
                since = date(2021, 3, 1)
                if household not in households:
                    households[household] = household_create_with_member(
                        actor=actor, person=person, name=household, address="Lindenstraße 4, 88045 Lindenau",
                        since=since)
                else:
                    household_member_add(actor=actor, household=households[household], person=person, since=since)
        persons[(family, given)] = person
    if created:
        amal, karim = persons[("Haddad", "Amal")], persons[("Haddad", "Karim")]
        relationship_add(actor=counsellors[amal.team_id], person=amal, relative=karim, kind="partner")
        for child in ("Lina", "Omar", "Yusuf"):
            for parent in (amal, karim):
                relationship_add(actor=counsellors[amal.team_id], person=parent, relative=persons[("Haddad", child)],
                                 kind="parent")
        father, mother = persons[("Ahmadi", "Rahmatullah")], persons[("Ahmadi", "Zainab")]
        relationship_add(actor=counsellors[father.team_id], person=father, relative=mother, kind="partner")
    return created


DEMO_PARTNERS = [
    ("welfare", "Jobcenter Landkreis Lindenau", "job_centre", "Frau Berg, 07541 204-0"),
    ("welfare", "Ausländerbehörde Landratsamt Lindenau", "foreigners_authority", "Sachgebiet 2.3"),
    ("welfare", "Sprachschule Lindenau (Integrationskurse)", "course_provider", "kurse@sprachschule.invalid"),
    ("municipality", "Jobcenter Landkreis Lindenau", "job_centre", "Team Haanfeld"),
    ("municipality", "Schuldnerberatung Diakonie Haanfeld", "debt_counselling", ""),
]


def _seed_network(organisations: dict) -> int:
    """Partners of the demo organisations, consents and a release for the Haddad family, one MBE case."""
    from datetime import timedelta

    from django.utils import timezone

    from lotse.cases.models import Case
    from lotse.cases.services import case_request
    from lotse.consent.models import Consent, Release
    from lotse.consent.services import consent_record, release_record
    from lotse.network.models import Partner
    from lotse.people.models import Person

    created = 0
    for org_key, name, partner_type, contact in DEMO_PARTNERS:
        _, new = Partner.objects.get_or_create(organisation=organisations[org_key], name=name,
                                               defaults={"partner_type": partner_type, "contact": contact})
        created += new
    from lotse.network.demo import seed_demo as seed_directory

    created += seed_directory(organisation=organisations["welfare"], actor=None)
    amal = Person.objects.filter(family_name="Haddad", given_names="Amal").first()
    if amal is None or Consent.objects.filter(person=amal).exists():
        return created
    actor = Membership.objects.filter(team=amal.team, role=Role.COUNSELLOR).first().user
    today = timezone.localdate()
    for purpose in ("documentation", "statistics", "sharing", "contact_messenger"):
        consent_record(actor=actor, person=amal, purpose=purpose, given_on=today - timedelta(days=40), form="paper")
    jobcentre = Partner.objects.get(organisation=amal.organisation, name="Jobcenter Landkreis Lindenau")
    if not Release.objects.filter(person=amal).exists():
        release_record(actor=actor, person=amal, recipient=jobcentre, categories=["master_data", "education", "work"],
                       purpose="Vermittlung in einen Berufssprachkurs", given_on=today - timedelta(days=40),
                       valid_until=today + timedelta(days=20), form="paper")
    if not Case.objects.filter(person=amal).exists():
        case_request(actor=actor, person=amal, offering=amal.team.offerings.first())
    return created


CASEWORK_DEMOS = ("lotse.appointments.demo.seed_demo", "lotse.contacts.demo.seed_demo",
                  "lotse.planning.demo.seed_demo", "lotse.referrals.demo.seed_demo",
                  "lotse.conferences.demo.seed_demo",
                  "lotse.cooperation.demo.seed_demo", "lotse.helpermap.demo.seed_demo")


def _seed_casework() -> int:
    """The Haddad MBE case in case management: Karim co-counselled, contacts, assessment, plan, agreement,
    appointments (each area seeds its own part and does nothing when it is already there)."""
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from lotse.cases.models import Case, CaseMember, Phase, PhaseChange
    from lotse.people.models import Person

    case = Case.objects.filter(person__family_name="Haddad", person__given_names="Amal", status="open").first()
    if case is None or case.owner is None:
        return 0
    created = 0
    karim = Person.objects.filter(family_name="Haddad", given_names="Karim", team=case.team).first()
    if karim is not None and not CaseMember.objects.filter(case=case, person=karim).exists():
        CaseMember.objects.create(case=case, person=karim, since=case.opened_on)
        created += 1
    if case.phase == Phase.CLEARING:
        from datetime import timedelta

        from lotse.organisations.programme_settings import programme_settings

        today = timezone.localdate()
        opened = today - timedelta(days=35)
        Case.objects.filter(pk=case.pk).update(requested_on=opened, opened_on=opened,
                                               time_limit_on=programme_settings(case.offering).time_limit_from(opened))
        PhaseChange.objects.filter(case=case).update(changed_on=opened)
        CaseMember.objects.filter(case=case).update(since=opened)
        PhaseChange.objects.create(case=case, from_phase=Phase.CLEARING, to_phase=Phase.MONITORING, changed_on=today,
                                   note="Integrationsplan vereinbart", changed_by=case.owner)
        Case.objects.filter(pk=case.pk).update(phase=Phase.MONITORING, phase_since=today)
        case.refresh_from_db()
        created += 1
    for path in CASEWORK_DEMOS:
        import_string(path)(case=case, actor=case.owner)
    from lotse.pools.demo import seed_demo as seed_pools

    seed_pools(organisation=case.person.organisation, case=case, actor=case.owner)
    return created
