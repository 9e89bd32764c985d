"""Demo data: two target groups of the municipality. The SIM team shares "long-term tolerated persons in
municipal accommodation" (it finds the Ahmadi couple once ``lotse.people.demo_life.seed_life_situations`` ran);
the county coordinator keeps Münster's preset organisation-wide, where the count is protected.
Idempotent: nothing is created twice."""

from django.db import transaction


@transaction.atomic
def seed_demo() -> int:
    from lotse.cohorts.criteria import DULDUNG_TYPES, MUNICIPAL_ACCOMMODATION, PRESETS
    from lotse.cohorts.models import Cohort
    from lotse.cohorts.services import CohortData, cohort_create
    from lotse.organisations.models import Membership, Role, Team

    team = Team.objects.filter(name="SIM-Team Haanfeld").select_related("organisation").first()
    if team is None:
        return 0
    created = 0
    counsellor = Membership.objects.filter(team=team, role=Role.COUNSELLOR, is_active=True).select_related(
        "user").first()
    if counsellor is not None and not Cohort.objects.filter(organisation=team.organisation, team=team).exists():
        cohort_create(actor=counsellor.user, data=CohortData(
            name="Langzeitgeduldete in kommunaler Unterbringung", scope=f"team:{team.public_id}",
            unit=Cohort.Unit.FAMILIES, is_shared=True,
            description="Familien, in denen jemand seit mindestens fünf Jahren geduldet ist, in einer kommunalen "
                        "Unterkunft lebt und Leistungen nach dem AsylbLG bezieht.",
            criteria={"status_types": list(DULDUNG_TYPES), "status_min_years": 5,
                      "accommodation": [str(value) for value in MUNICIPAL_ACCOMMODATION],
                      "livelihood": ["asylblg"]}))
        created += 1
    coordinator = Membership.objects.filter(organisation=team.organisation, role=Role.COORDINATOR,
                                            is_active=True).select_related("user").first()
    if coordinator is not None and not Cohort.objects.filter(organisation=team.organisation,
                                                             team__isnull=True).exists():
        preset = PRESETS["muenster"]
        cohort_create(actor=coordinator.user, data=CohortData(
            name="Zielgruppe nach dem Münsteraner Modell", scope=f"org:{team.organisation.public_id}",
            unit=preset["unit"], criteria=dict(preset["criteria"]), is_shared=True,
            description="Langjährig geduldete Familien mit Kindern an weiterführenden Schulen, die in kommunalen "
                        "Unterkünften leben und Leistungen nach dem AsylbLG beziehen (Stadt Münster)."))
        created += 1
    return created
