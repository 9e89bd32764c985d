from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.appointments.models import Appointment, AppointmentKind, Weekday
from lotse.codelists.selectors import code_choices
from lotse.core.versioning import VersionField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _language_choices():
    return [("", "–"), *code_choices("language")]


class AppointmentForm(forms.Form):
    """Date, time and place of an appointment; the service checks everything against the team and case."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=None, to_field_name="public_id", empty_label=None)
    owner = forms.ModelChoiceField(label=_("Counsellor"), queryset=None, to_field_name="public_id",
                                   empty_label=None)
    kind = forms.ChoiceField(label=_("Type"), choices=AppointmentKind.choices, initial=AppointmentKind.APPOINTMENT)
    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    starts = forms.TimeField(label=_("From"), widget=TIME_WIDGET)
    ends = forms.TimeField(label=_("Until"), widget=TIME_WIDGET, required=False,
                           help_text=_("Leave empty for 30 minutes."))
    location = forms.CharField(label=_("Location"), max_length=200, required=False,
                               help_text=_("For home visits the client's address is not repeated here."))
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    interpreter_language = forms.ChoiceField(label=_("Language for the interpreter"), required=False,
                                             choices=_language_choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           help_text=_("Internal note; it never appears in the calendar feed."))
    version = VersionField()

    def __init__(self, *args, teams=None, staff, with_version: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams
        self.fields["owner"].queryset = staff
        if not with_version:
            del self.fields["version"]

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day is not None and starts is not None:
            try:
                data["starts_at"] = timezone.make_aware(datetime.combine(day, starts))
                data["ends_at"] = timezone.make_aware(datetime.combine(day, ends)) if ends is not None else None
            except (OverflowError, ValueError):
                self.add_error("day", _("Please enter a valid date."))
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"owner": data["owner"], "kind": data["kind"], "starts_at": data["starts_at"],
                "ends_at": data["ends_at"], "location": data["location"], "room": data["room"],
                "interpreter_needed": data["interpreter_needed"],
                "interpreter_language": data["interpreter_language"] or None, "note": data["note"]}

    @staticmethod
    def initial_for(appointment: Appointment) -> dict:
        starts = timezone.localtime(appointment.starts_at)
        ends = timezone.localtime(appointment.ends_at)
        return {"owner": appointment.owner.public_id, "kind": appointment.kind, "day": starts.date(),
                "starts": starts.time().replace(second=0, microsecond=0),
                "ends": ends.time().replace(second=0, microsecond=0), "location": appointment.location,
                "room": appointment.room, "interpreter_needed": appointment.interpreter_needed,
                "interpreter_language": appointment.interpreter_language.code if appointment.interpreter_language
                else "", "note": appointment.note, "version": appointment.version}

    @staticmethod
    def initial_new(*, owner, office_hour=None) -> dict:
        tomorrow = timezone.localdate() + timedelta(days=1)
        initial = {"owner": owner.public_id if owner else None, "day": tomorrow}
        if office_hour is not None:
            initial.update(location=office_hour.location, room=office_hour.room)
        return initial


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("What happened"), choices=Appointment.Status.choices)
    version = VersionField()


class OfficeHourForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, to_field_name="public_id", empty_label=None)
    user = forms.ModelChoiceField(label=_("Counsellor"), queryset=None, to_field_name="public_id", empty_label=None)
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("From"), widget=TIME_WIDGET)
    ends_at = forms.TimeField(label=_("Until"), widget=TIME_WIDGET)
    location = forms.CharField(label=_("Location"), max_length=200)
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET, required=False,
                                 help_text=_("Leave empty for today."))
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, teams=None, staff, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams
        self.fields["user"].queryset = staff


class CalendarFeedForm(forms.Form):
    include_initials = forms.BooleanField(
        label=_("Show the client's initials in the calendar"), required=False,
        help_text=_("Without this the calendar shows only the type of appointment and the place – no names."))
