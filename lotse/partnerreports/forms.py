from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.partnerreports.models import ReportKind
from lotse.partnerreports.services import LABEL_MAX, NOTE_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportLinkForm(forms.Form):
    """A new report link; the service checks the label and the validity."""

    label = forms.CharField(label=_("Label"), max_length=LABEL_MAX,
                            help_text=_("So that you can tell the links apart, e.g. the course or the "
                                        "contact person. No client names."))
    expires_on = forms.DateField(label=_("Valid until"), widget=DATE_WIDGET, required=False,
                                 help_text=_("Leave empty for one year; at most two years."))


class PartnerReportForm(forms.Form):
    """What a course provider or school reports about a participant (public form, no account)."""

    family_name = forms.CharField(label=_("Family name of the participant"), max_length=200)
    given_names = forms.CharField(label=_("Given name(s)"), max_length=200, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("What happened?"), choices=ReportKind.choices, widget=forms.RadioSelect)
    occurred_on = forms.DateField(
        label=_("On which day?"), widget=DATE_WIDGET,
        help_text=_("The day of the absence, or the day the participant dropped out."))
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Plain text, at most 1000 characters. Please write only what the "
                                       "counselling service needs to know."))

    def clean(self):
        """All messages at once: the service's checks for the fields the form itself found no fault with."""
        from django.core.exceptions import ValidationError

        from lotse.partnerreports.services import report_clean

        data = super().clean()
        try:
            report_clean(**{name: data.get(name) for name in self.FIELDS})
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return data

    FIELDS = ("family_name", "given_names", "birth_date", "kind", "occurred_on", "note")

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
