"""Demo pool: interpreters for Arabic, Farsi, Tigrinya, Ukrainian and Turkish, two volunteers, one of them
helping in the demo case with a release from confidentiality for master data and the course of the
counselling. Idempotent: members are found by name, nothing is created twice."""

from datetime import timedelta

from django.utils import timezone

from lotse.pools.models import PoolMember, VolunteerAssignment

INTERPRETERS = (
    ("Rania Nasser", "ara", "Mo–Mi vormittags", ("doctors", "authorities")),
    ("Dariush Karimi", "pes", "Di und Do ganztags", ("authorities",)),
    ("Saba Tesfay", "tir", "nach Absprache, auch abends", ("doctors",)),
    ("Olena Kovalenko", "ukr", "Mo–Fr nachmittags", ("authorities", "forms")),
    ("Emre Aydın", "tur", "Fr vormittags", ("authorities",)),
)
VOLUNTEERS = (
    ("Gisela Brandt", "deu", "Di und Do nachmittags", ("authorities", "forms", "housing")),
    ("Jonas Weber", "eng", "Mo und Mi ab 15 Uhr", ("homework", "leisure")),
)


def seed_demo(*, organisation, case, actor) -> None:
    from lotse.pools.services import LanguageEntry, MemberData, pool_member_create, volunteer_assign

    signed = timezone.localdate() - timedelta(days=120)
    existing = set(PoolMember.objects.filter(organisation=organisation).values_list("name", flat=True))
    for name, language, availability, topics in INTERPRETERS:
        if name not in existing:
            languages = (LanguageEntry(language, "native"), LanguageEntry("deu", "fluent"))
            pool_member_create(actor=actor, organisation=organisation, data=MemberData(
                kind="interpreter", name=name, languages=languages, availability=availability, topics=topics,
                confidentiality_signed_on=signed))
    for name, language, availability, topics in VOLUNTEERS:
        if name not in existing:
            pool_member_create(actor=actor, organisation=organisation, data=MemberData(
                kind="volunteer", name=name, languages=(LanguageEntry(language, "native"),),
                availability=availability, topics=topics, confidentiality_signed_on=signed))
    if case is None or case.status != case.Status.OPEN:
        return
    volunteer = PoolMember.objects.select_related("partner").get(organisation=organisation,
                                                                  name=VOLUNTEERS[0][0])
    if not VolunteerAssignment.objects.filter(case=case, member=volunteer).exists():
        volunteer_assign(actor=actor, case=case, member=volunteer, purpose="Begleitung zum Jobcenter und zur "
                         "Wohnungsbesichtigung")
    _release(case=case, partner=volunteer.partner, actor=actor)


def _release(*, case, partner, actor) -> None:
    from lotse.consent.models import Release
    from lotse.consent.services import release_record

    if Release.objects.filter(person=case.person, recipient=partner).exists():
        return
    today = timezone.localdate()
    release_record(actor=actor, person=case.person, recipient=partner, categories=["master_data", "case"],
                   purpose="Begleitung durch die Ehrenamtliche", given_on=today,
                   valid_until=today + timedelta(days=180), form="paper")
