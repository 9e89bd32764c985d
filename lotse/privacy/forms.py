from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.people.models import Person
from lotse.privacy.services import CORRECTABLE_FIELDS, REASON_MAX


def _correctable_choices():
    labels = {f.name: f.verbose_name for f in Person._meta.get_fields() if hasattr(f, "verbose_name")}
    return [(name, labels.get(name, name)) for name in CORRECTABLE_FIELDS]


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect, initial="pdf", choices=[
        ("pdf", _("PDF – readable document for the person")),
        ("json", _("JSON – machine-readable (data portability)")),
    ])


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=_correctable_choices)
    value = forms.CharField(label=_("Correct value"), max_length=1000, required=False,
                            help_text=_("Dates as DD.MM.YYYY; code-list fields as code (e.g. 475); several "
                                        "nationalities separated by commas; “deceased” as yes or no."))
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX,
                             help_text=_("For example “spelling according to passport”."))
    requested_by_client = forms.BooleanField(label=_("The person asked for this correction"), required=False,
                                             initial=True)


class RestrictionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the restriction"), max_length=REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example “the person disputes the accuracy of the data”."))


class ErasureForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the erasure"), max_length=REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the audit trail. Do not name the person."))
    file_number = forms.CharField(label=_("File number, to confirm"), max_length=20,
                                  help_text=_("Type the file number of the person to confirm the erasure."))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_file_number(self):
        typed = self.cleaned_data["file_number"].strip().upper()
        if typed != self.person.file_number:
            raise forms.ValidationError(_("The file number does not match."))
        return typed
