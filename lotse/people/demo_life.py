"""Demo data: the life situation (Lebenslage) of the demo persons, with a history for the Haddad family, and the
Duldung history of the Ahmadi couple (SIM team) so that the target group of long-term tolerated persons finds
someone. Idempotent: a person who already has a life situation is left alone."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

# (family, given) -> [(months before today, accommodation, livelihood, work, education, course, participation)]
SITUATIONS = {
    ("Haddad", "Amal"): [(26, "shared", "sgb2", "not_available", "language_course", "attending", "little"),
                         (3, "follow_up", "sgb2", "measure", "none", "completed_b1", "contacts")],
    ("Haddad", "Karim"): [(26, "shared", "sgb2", "unemployed", "language_course", "attending", "little"),
                          (2, "follow_up", "sgb2", "employed", "none", "completed_below_b1", "contacts")],
    ("Haddad", "Lina"): [(26, "shared", "family", "", "gesamtschule", "", "contacts"),
                         (3, "follow_up", "family", "", "gesamtschule", "", "active")],
    ("Haddad", "Omar"): [(26, "shared", "family", "", "primary", "", "contacts"),
                         (3, "follow_up", "family", "", "realschule", "", "contacts")],
    ("Haddad", "Yusuf"): [(26, "shared", "family", "", "kindergarten", "", ""),
                          (3, "follow_up", "family", "", "primary", "", "")],
    ("Shevchenko", "Olena"): [(8, "own_flat", "sgb2", "marginal", "language_course", "attending", "contacts")],
    ("Al-Hassan", "Mohammed"): [(5, "shared", "asylblg", "no_permit", "none", "entitled", "little")],
    ("Yılmaz", "Elif"): [(10, "with_relatives", "student_support", "vocational_training", "vocational_school",
                          "not_applicable", "active")],
    ("Tesfamariam", "Yohannes"): [(6, "shared", "asylblg", "in_education", "vocational_school", "not_applicable",
                                   "contacts")],
    ("Ahmadi", "Rahmatullah"): [(40, "shared", "asylblg", "no_permit", "none", "not_applicable", "little"),
                                (14, "municipal_emergency", "asylblg", "no_permit", "none", "not_applicable",
                                 "little")],
    ("Ahmadi", "Zainab"): [(40, "shared", "asylblg", "not_available", "none", "not_applicable", "little"),
                           (14, "municipal_emergency", "asylblg", "not_available", "none", "not_applicable",
                            "contacts")],
}
AREAS = ("accommodation", "livelihood", "labour_market", "education", "integration_course", "participation")
TOLERATED_SINCE = date(2019, 5, 2)


def _counsellor(team):
    from lotse.organisations.models import Membership, Role

    membership = Membership.objects.filter(team=team, role__in=[Role.COUNSELLOR, Role.TEAM_LEAD],
                                           is_active=True).select_related("user").order_by("role", "pk").first()
    return membership.user if membership else None


@transaction.atomic
def seed_life_situations() -> int:
    """Record the demo persons' situations through the service (audited like any entry). Returns how many
    records were created."""
    from lotse.people.models import LifeSituation, Person, ResidenceStatus, ResidenceStatusType
    from lotse.people.services import LifeSituationData, life_situation_record, residence_status_add

    today = timezone.localdate()
    created = 0
    for (family, given), entries in SITUATIONS.items():
        person = Person.objects.filter(family_name=family, given_names=given, merged_into__isnull=True).select_related(
            "team", "organisation").first()
        if person is None or person.restricted_at is not None:
            continue
        actor = _counsellor(person.team)
        if actor is None:
            continue
        if family == "Ahmadi" and not ResidenceStatus.objects.filter(person=person).exists():
            duldung = ResidenceStatusType.objects.filter(code="duldung").first()
            if duldung is not None:
                residence_status_add(actor=actor, person=person, status_type=duldung, paragraph="§ 60a AufenthG",
                                     valid_from=TOLERATED_SINCE, valid_until=today + timedelta(days=120),
                                     document="Duldung, zuletzt verlängert")
        if LifeSituation.objects.filter(person=person).exists():
            continue
        for months, *values in entries:
            recorded_on = today - relativedelta(months=months)
            if person.birth_date is not None and recorded_on < person.birth_date:
                recorded_on = person.birth_date
            life_situation_record(actor=actor, person=person, data=LifeSituationData(
                recorded_on=recorded_on, **dict(zip(AREAS, values))))
            created += 1
    return created
