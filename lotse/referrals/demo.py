"""Demo referrals for the Haddad MBE case, both to the job centre (the partner Amal Haddad's release covers):

- a referral to the Integration Point a month ago, accepted, first appointment, took place: the whereabouts
  are to be checked after the programme's number of weeks;
- a referral sent 16 days ago without an answer yet: "ask for feedback" is on the worklist.

Both go through the services, so the disclosure decisions are on record. Idempotent: does nothing when the
case already has referrals or the release no longer covers the job centre.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lotse.referrals.models import Referral


def seed_demo(*, case, actor) -> None:
    from lotse.consent.rules import valid_release
    from lotse.network.models import Partner
    from lotse.referrals import services

    if Referral.objects.filter(case=case).exists():
        return
    partner = Partner.objects.filter(organisation=case.person.organisation, partner_type="job_centre",
                                     is_active=True).order_by("pk").first()
    if partner is None or valid_release(case.person, partner, "work") is None:
        return
    today = timezone.localdate()
    opened = case.opened_on or today
    try:
        with transaction.atomic():
            _seed(services, case=case, actor=actor, partner=partner, today=today, opened=opened)
    except ValidationError:
        # Demo data never stops the demo: a case or release that changed meanwhile just gets no referrals.
        return


def _seed(services, *, case, actor, partner, today, opened) -> None:
    first_sent = max(opened, today - timedelta(days=30))
    first = services.referral_send(actor=actor, case=case, data=services.ReferralData(
        person=case.person, partner=partner, sent_on=first_sent, categories=["master_data", "work"],
        reason="Beratung zur Arbeitsaufnahme und Anerkennung des Berufsabschlusses (Elektriker) im "
               "Integration Point; Anmeldung zum Berufssprachkurs B1."))
    first = services.referral_accept(actor=actor, referral=first, version=first.version,
                                     on=min(first_sent + timedelta(days=3), today))
    first = services.referral_appointment(actor=actor, referral=first, version=first.version,
                                          on=min(first_sent + timedelta(days=12), today),
                                          note="Erstgespräch Integration Point, 9:30 Uhr, Raum 112")
    services.referral_outcome(actor=actor, referral=first, version=first.version, outcome="took_place",
                              on=first.appointment_on)
    services.referral_send(actor=actor, case=case, data=services.ReferralData(
        person=case.person, partner=partner, sent_on=max(opened, today - timedelta(days=16)),
        categories=["master_data", "education"],
        reason="Prüfung einer Förderung der Anerkennung des ausländischen Berufsabschlusses."))
