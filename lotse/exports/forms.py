from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.exports.models import ExportJob

FORMAT_CHOICES = [(ExportJob.Format.XLSX, _("Excel workbook (XLSX)")), (ExportJob.Format.CSV, _("CSV file"))]


class ExportRequestForm(forms.Form):
    """What a list page posts: the list, the format and the page's query string (checked by the service)."""

    kind = forms.CharField(max_length=50)
    format = forms.CharField(max_length=10)
    parameters = forms.CharField(max_length=2000, required=False, strip=False)


class NewExportForm(forms.Form):
    """The form on the exports page: a whole list as the page shows it without filters."""

    kind = forms.ChoiceField(label=_("List"))
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial=ExportJob.Format.XLSX,
                               widget=forms.RadioSelect)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
