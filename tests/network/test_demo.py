"""The demo directory: realistic, idempotent; it completes (never duplicates) partners created elsewhere."""

import pytest

from lotse.network import demo
from lotse.network.models import Partner, PartnerContact, PartnerProgramme, PartnerService

pytestmark = pytest.mark.django_db


def test_seed_twice_creates_once_and_completes_existing_partners(org_a, counsellor):
    from lotse.organisations.models import ProgrammeOffering

    ProgrammeOffering.objects.create(organisation=org_a.organisation, programme="jmd", name="JMD A")
    existing = Partner.objects.create(organisation=org_a.organisation, name="Jobcenter Landkreis Lindenau",
                                      partner_type="job_centre", contact="Frau Berg, 07541 204-0")
    created = demo.seed_demo(organisation=org_a.organisation, actor=counsellor)
    assert created == len(demo.DEMO_DIRECTORY) - 1
    counts = (Partner.objects.count(), PartnerService.objects.count(), PartnerContact.objects.count(),
              PartnerProgramme.objects.count())
    assert demo.seed_demo(organisation=org_a.organisation, actor=counsellor) == 0
    assert (Partner.objects.count(), PartnerService.objects.count(), PartnerContact.objects.count(),
            PartnerProgramme.objects.count()) == counts
    existing.refresh_from_db()
    assert existing.street == "Bahnhofstraße 12" and existing.contact == "Frau Berg, 07541 204-0"
    assert existing.contacts.filter(name="Frau Berg").exists()
    assert dict(existing.programmes.values_list("offering__programme", "level")) == {"mbe": "mandatory",
                                                                                     "jmd": "mandatory"}
    types = set(Partner.objects.values_list("partner_type", flat=True))
    assert {"job_centre", "foreigners_authority", "course_provider", "school", "kita", "youth_office",
            "debt_counselling", "addiction_counselling", "social_psychiatric", "return_counselling",
            "landlord",
            "migrant_organisation", "volunteers"} <= types
    assert all(partner.languages.exists() for partner in Partner.objects.all())
    assert Partner.objects.filter(is_internal=True).count() == 1


def test_every_demo_language_is_in_the_code_list():
    from lotse.codelists.models import Code

    codes = {code for entry in demo.DEMO_DIRECTORY for code in entry["languages"]}
    found = Code.objects.filter(code_list__slug="language", code__in=codes).values_list("code", flat=True)
    assert set(found) == codes
