from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.utils import timezone



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
