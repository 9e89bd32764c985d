"""Reporting periods: whole months, written ``YYYY-MM`` or ``YYYY-MM..YYYY-MM`` (a year is ``YYYY``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

_MONTH = r"(\d{4})-(\d{2})"
_PATTERN = re.compile(rf"^\s*(?:{_MONTH}(?:\s*\.\.\s*{_MONTH})?|(\d{{4}}))\s*$")
EARLIEST_YEAR = 2000
LONGEST_MONTHS = 120


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def _shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A span of whole months, both ends inclusive."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(_month_start(year, month), _month_end(year, month))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10``, ``2026-01..2026-06`` or ``2026``; raises a ValidationError with a German message."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValidationError(_("Enter the period as YYYY-MM, YYYY-MM..YYYY-MM or YYYY."), code="period")
        y1, m1, y2, m2, whole_year = match.groups()
        try:
            if whole_year:
                period = cls.year(int(whole_year))
            else:
                first = _month_start(int(y1), int(m1))
                last = _month_start(int(y2), int(m2)) if y2 else first
                period = cls(first, _month_end(last.year, last.month))
        except ValueError:
            raise ValidationError(_("The period contains a month that does not exist."), code="period") from None
        if period.end < period.start:
            raise ValidationError(_("The period ends before it starts."), code="period")
        if period.start.year < EARLIEST_YEAR or period.end.year > 2100:
            raise ValidationError(_("The period lies outside the years Lotse reports on."), code="period")
        if period.months > LONGEST_MONTHS:
            raise ValidationError(_("A period can be at most ten years long."), code="period")
        return period

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        """The period of the same length directly before."""
        start = _shift(self.start, -self.months)
        last = _shift(self.start, -1)
        return Period(start, _month_end(last.year, last.month))

    def year_before(self) -> Period:
        start, last = _shift(self.start, -12), _shift(self.end.replace(day=1), -12)
        return Period(start, _month_end(last.year, last.month))

    @property
    def code(self) -> str:
        first = f"{self.start:%Y-%m}"
        if self.months == 1:
            return first
        if self.start.month == 1 and self.end.month == 12 and self.start.year == self.end.year:
            return f"{self.start:%Y}"
        return f"{first}..{self.end:%Y-%m}"

    @property
    def label(self) -> str:
        if self.months == 1:
            return formats.date_format(self.start, "F Y")
        if self.start.month == 1 and self.end.month == 12 and self.start.year == self.end.year:
            return str(self.start.year)
        return f"{formats.date_format(self.start, 'F Y')} – {formats.date_format(self.end, 'F Y')}"

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes [start, end) in the local time zone, for ``occurred_at__gte/__lt``."""
        zone = timezone.get_default_timezone()
        return (datetime.combine(self.start, time.min, tzinfo=zone),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end
