"""Demo data: office hours of the Haddad case's counsellor and two appointments, one with an Arabic interpreter."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from lotse.appointments.models import Appointment, OfficeHour


def _next(weekday: int, at: time, *, after_days: int = 1) -> datetime:
    day = timezone.localdate() + timedelta(days=after_days)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, at))


def seed_demo(*, case, actor) -> None:
    from lotse.appointments.services import appointment_create, office_hour_create

    if Appointment.objects.filter(case=case).exists():
        return
    start_of_year = timezone.localdate().replace(month=1, day=1)
    if not OfficeHour.objects.filter(user=actor, team=case.team).exists():
        office_hour_create(actor=actor, team=case.team, user=actor, weekday=1, starts_at=time(9), ends_at=time(12),
                           location="Caritas-Haus, Marktstraße 12", room="1.04", valid_from=start_of_year)
        office_hour_create(actor=actor, team=case.team, user=actor, weekday=3, starts_at=time(14), ends_at=time(16),
                           location="Stadtteilbüro Nord", room="Beratungsraum", valid_from=start_of_year)
    appointment_create(actor=actor, owner=actor, team=case.team, case=case, kind="appointment",
                       starts_at=_next(0, time(10)), ends_at=_next(0, time(11)),
                       location="Caritas-Haus, Marktstraße 12",
                       room="1.04", interpreter_needed=True, interpreter_language="ara",
                       note="Fortschreibung Integrationsplan, Anerkennung der Berufsabschlüsse")
    appointment_create(actor=actor, owner=actor, team=case.team, case=case, kind="home_visit",
                       starts_at=_next(2, time(15), after_days=8), ends_at=_next(2, time(16), after_days=8),
                       note="Wohnsituation, Kita-Platz für Yusuf")
