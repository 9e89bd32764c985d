from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.core.versioning import VersionField
from lotse.helpermap.models import HelperKind
from lotse.helpermap.services import HelperData

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_partner_type_display()})"


class HelperEntryForm(forms.Form):
    partner = PartnerField(label=_("Partner from the directory"), queryset=None, required=False,
                           to_field_name="public_id", empty_label=_("– none, enter a name instead –"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False,
                           help_text=_("Without a partner: the person or organisation. With a partner: the "
                                       "contact person, if you like."))
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False,
                                   help_text=_("Only without a partner, e.g. the school of a volunteer."))
    role = forms.CharField(label=_("Role"), max_length=200,
                           help_text=_("What the helper does for the family, "
                                       "e.g. “Schuldnerberatung”, “Patin”."))
    kind = forms.ChoiceField(label=_("Group in the map"), required=False,
                             help_text=_("Empty: taken from the partner's type, otherwise “Other”."))
    since = forms.DateField(label=_("Involved since"), widget=DATE_WIDGET)
    last_contact_on = forms.DateField(label=_("Last contact"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("No longer involved since"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, partners, edit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["kind"].choices = [("", "–"), *HelperKind.choices]
        if edit:
            self.fields["version"] = VersionField()
        else:
            del self.fields["until"]
            self.initial.setdefault("since", timezone.localdate())

    def helper_data(self) -> HelperData:
        data = self.cleaned_data
        return HelperData(role=data["role"], since=data["since"], partner=data["partner"], name=data["name"],
                          organisation=data["organisation"], kind=data["kind"],
                          last_contact_on=data["last_contact_on"], until=data.get("until"), note=data["note"])


class EndForm(forms.Form):
    version = VersionField()


class MapFilterForm(forms.Form):
    beendete = forms.BooleanField(label=_("Also show helpers who are no longer involved"), required=False)

    def include_ended(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data["beendete"])
