"""Dates of persons that may be known only to the month or year."""

import calendar
from datetime import date

from lotse.people.models import DatePrecision


def date_span(value: date | None, precision: str) -> tuple[date, date] | None:
    """The earliest and latest day a date with this precision can stand for; None if unknown."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return date(value.year, 1, 1), date(value.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1), value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value, value


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def youngest_age_on(person, on: date) -> int | None:
    """The lowest age the person can have on ``on`` given how precisely the birth date is known."""
    span = date_span(person.birth_date, person.birth_date_precision)
    return None if span is None else age_on(span[1], on)
