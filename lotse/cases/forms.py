from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import Case


class CaseRequestForm(forms.Form):
    offering = forms.ModelChoiceField(label=_("Programme"), queryset=None, to_field_name="public_id", empty_label=None)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Case.Priority.choices, coerce=int,
                                      initial=Case.Priority.NORMAL, widget=forms.RadioSelect)

    def __init__(self, *args, offerings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings
