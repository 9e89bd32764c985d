"""Demo data: the Haddad family's helpers entered by hand — the job centre with its contact person, the
day-care centre place for Yusuf and a volunteer sponsor."""

from datetime import timedelta

from lotse.helpermap.models import HelperEntry


def seed_demo(*, case, actor) -> None:
    from lotse.helpermap import services
    from lotse.network.models import Partner

    if HelperEntry.objects.filter(case=case).exists() or case.status != "open":
        return
    from django.utils import timezone

    today = timezone.localdate()
    since = min(case.opened_on or case.requested_on or today, today)

    def later(days: int):
        return min(since + timedelta(days=days), today)

    jobcentre = Partner.objects.filter(organisation=case.team.organisation, partner_type="job_centre").first()
    entries = [services.HelperData(role="Kita-Platz für Yusuf", name="Kita Sonnenschein", kind="education",
                                   since=later(7)),
               services.HelperData(role="Patin, Deutsch üben", name="Frau Müller",
                                   organisation="Patenschaftsprojekt", kind="volunteers", since=since,
                                   last_contact_on=later(14))]
    if jobcentre is not None:
        entries.insert(0, services.HelperData(role="Arbeitsvermittlung", partner=jobcentre, name="Frau Berg",
                                              since=since, last_contact_on=later(21)))
    for data in entries:
        services.helper_entry_create(actor=actor, case=case, data=data)
