from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.consent.models import Form, InformationCategory, Purpose, Release


class GivenFields(forms.Form):
    given_on = forms.DateField(label=_("Given on"), help_text=_("DD.MM.YYYY"))
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices, widget=forms.RadioSelect)
    by_guardian = forms.BooleanField(label=_("Given by a guardian (for minors)"), required=False)
    guardian_name = forms.CharField(label=_("Name of the guardian"), max_length=200, required=False)


class ConsentForm(GivenFields):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices, widget=forms.RadioSelect)

    field_order = ["purpose", "given_on", "form", "by_guardian", "guardian_name"]


class ReleaseForm(GivenFields):
    recipient = forms.ModelChoiceField(label=_("Recipient"), queryset=None, to_field_name="public_id",
                                       help_text=_("Missing? Add the partner to the partner list first."))
    categories = forms.MultipleChoiceField(label=_("Information that may be passed on"),
                                           choices=InformationCategory.choices, widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label=_("Purpose"), max_length=500,
                              help_text=_("For example “placement in a language course”."))
    direction = forms.ChoiceField(label=_("Direction"), choices=Release.Direction.choices, widget=forms.RadioSelect,
                                  initial=Release.Direction.ONE_WAY)
    valid_until = forms.DateField(label=_("Valid until"), help_text=_("DD.MM.YYYY"))

    field_order = ["recipient", "categories", "purpose", "direction", "given_on", "valid_until", "form",
                   "by_guardian", "guardian_name"]

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients


class EndForm(forms.Form):
    on = forms.DateField(label=_("Date"), help_text=_("DD.MM.YYYY"), initial=timezone.localdate)

