"""Typed view of a programme offering's ``settings`` JSON with the defaults of each programme.

Everything case work needs to know about a programme's rules lives here: the time limit, the contact
cadence, the assessment scale, follow-up and hand-over periods. Stored values override the defaults;
unknown or malformed values fall back to the default so a bad setting never breaks a page.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

DEFAULT_SCALE = (
    (1, _("acute need for action")),
    (2, _("considerable need for support")),
    (3, _("some support needed")),
    (4, _("largely independent")),
    (5, _("independent")),
)


@dataclass(frozen=True)
class ProgrammeSettings:
    time_limit_months: int | None = None
    time_limit_warning_days: int = 90
    intensive_weeks: int = 8
    intensive_interval_days: int = 7
    regular_interval_days: int = 30
    follow_up_months: int = 6
    handover_after_years: int | None = None
    expiry_warning_days: int = 30
    scale_min: int = 1
    scale_max: int = 5
    whereabouts_check_weeks: int = 12

    def time_limit_from(self, opened_on: date | None) -> date | None:
        if opened_on is None or not self.time_limit_months:
            return None
        return opened_on + relativedelta(months=self.time_limit_months)

    def contact_interval_days(self, *, opened_on: date | None, today: date) -> int:
        """Weekly at the start to build trust, later monthly (DOMAIN.md §3 [001 §3.3])."""
        if opened_on is not None and today < opened_on + timedelta(weeks=self.intensive_weeks):
            return self.intensive_interval_days
        return self.regular_interval_days

    def follow_up_from(self, closed_on: date) -> date:
        return closed_on + relativedelta(months=self.follow_up_months)

    def whereabouts_due(self, outcome_on: date) -> date:
        """When to check whether a referred client stayed with the partner (Verbleib) [003 §6.3.2]."""
        return outcome_on + timedelta(weeks=self.whereabouts_check_weeks)

    def handover_due(self, own_flat_since: date | None) -> date | None:
        if own_flat_since is None or not self.handover_after_years:
            return None
        return own_flat_since + relativedelta(years=self.handover_after_years)

    @property
    def scale(self) -> list[tuple[int, str]]:
        labels = dict(DEFAULT_SCALE)
        return [(value, labels.get(value, str(value))) for value in range(self.scale_min, self.scale_max + 1)]


PROGRAMME_DEFAULTS = {
    "mbe": ProgrammeSettings(time_limit_months=36),
    "jmd": ProgrammeSettings(),
    "im": ProgrammeSettings(),
    "sim": ProgrammeSettings(handover_after_years=5),
    "custom": ProgrammeSettings(),
}
LIMITS = {
    "time_limit_months": (1, 240), "time_limit_warning_days": (1, 365), "intensive_weeks": (0, 104),
    "intensive_interval_days": (1, 365), "regular_interval_days": (1, 365), "follow_up_months": (1, 60),
    "handover_after_years": (1, 30), "expiry_warning_days": (1, 365), "scale_min": (0, 10), "scale_max": (1, 10),
    "whereabouts_check_weeks": (1, 104),
}
SETTING_NAMES = tuple(field.name for field in fields(ProgrammeSettings))


def programme_settings(offering) -> ProgrammeSettings:
    """The offering's settings: its stored values where valid, the programme's defaults for the rest."""
    stored = offering.settings if isinstance(offering.settings, dict) else {}
    valid = tuple((name, stored[name]) for name in SETTING_NAMES
                  if isinstance(stored.get(name), int) and not isinstance(stored[name], bool)
                  and LIMITS[name][0] <= stored[name] <= LIMITS[name][1])
    return _settings(offering.programme, valid)


@lru_cache(maxsize=512)
def _settings(programme: str, valid: tuple[tuple[str, int], ...]) -> ProgrammeSettings:
    """Built once per programme and set of stored values: the worklist asks for every case's settings."""
    base = PROGRAMME_DEFAULTS.get(programme, ProgrammeSettings())
    result = replace(base, **dict(valid))
    if result.scale_max <= result.scale_min:
        result = replace(result, scale_min=base.scale_min, scale_max=base.scale_max)
    return result
