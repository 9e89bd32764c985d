from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from lotse.people.services import PersonData, person_create
from tests.factories import login


@pytest.fixture
def counsellor(org_a):
    return org_a.user("counsellor")


@pytest.fixture
def cclient(client, counsellor):
    login(client, counsellor)
    return client


@pytest.fixture
def make_person(org_a, counsellor):
    def make(family_name, given_names="", team=None, actor=None, **extra):
        return person_create(actor=actor or counsellor, team=team or org_a.team,
                             data=PersonData(family_name=family_name, given_names=given_names, **extra))
    return make


@pytest.fixture
def clock(monkeypatch):
    """Time travel: ``clock.set(datetime)`` makes django.utils.timezone.now() return that moment."""

    class Clock:
        current = None

        def set(self, moment: datetime):
            aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
            self.current = aware.astimezone(UTC)  # like the real now(): UTC

        @contextmanager
        def at(self, moment: datetime):
            before = self.current
            self.set(moment)
            try:
                yield
            finally:
                self.current = before

    state = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: state.current or real_now())
    return state
