from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from lotse.pools.services import LanguageEntry, MemberData, pool_member_create


@pytest.fixture
def signed():
    return timezone.localdate() - timedelta(days=30)


@pytest.fixture
def make_member(org_a, counsellor, signed):
    """A pool member through the service (partner entry, audit and version are real)."""
    def make(name="Rania Nasser", kind="interpreter", languages=(("ara", "native"),), organisation=None,
             actor=None, confidentiality_signed_on=signed, **extra):
        data = MemberData(kind=kind, name=name, languages=tuple(LanguageEntry(*row) for row in languages),
                          confidentiality_signed_on=confidentiality_signed_on, **extra)
        return pool_member_create(actor=actor or counsellor, organisation=organisation or org_a.organisation,
                                  data=data)
    return make


@pytest.fixture
def interpreter(make_member):
    return make_member()


@pytest.fixture
def volunteer(make_member):
    return make_member(name="Gisela Brandt", kind="volunteer", languages=(("deu", "native"),))


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def tomorrow():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def make_appointment(case, counsellor, org_a, tomorrow):
    from lotse.appointments.services import appointment_create

    def make(hour=10, minutes=60, with_case=True, language="ara", day=None, **extra):
        starts = at(day or tomorrow, hour)
        return appointment_create(actor=counsellor, owner=counsellor, team=org_a.team,
                                  case=case if with_case else None, starts_at=starts,
                                  ends_at=starts + timedelta(minutes=minutes),
                                  interpreter_needed=bool(language), interpreter_language=language,
                                  location="Caritas-Haus", room="1.04", **extra)
    return make
