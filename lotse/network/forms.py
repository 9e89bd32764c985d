from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.codelists.selectors import code_choices
from lotse.core.versioning import VersionField
from lotse.network.models import CooperationLevel, PartnerType
from lotse.network.selectors import DirectoryFilter, Status
from lotse.network.services import PartnerData
from lotse.network.spreadsheets import MAX_BYTES

STATUS_CHOICES = [(Status.ACTIVE, _("active partners")), (Status.INACTIVE, _("inactive partners")),
                  (Status.ALL, _("all partners"))]


class DirectoryFilterForm(forms.Form):
    """Search and filters of the directory (GET). Values that do not fit are ignored, never an error page."""

    q = forms.CharField(label=_("Search (name, service, contact person)"), max_length=100, required=False)
    art = forms.ChoiceField(label=_("Type"), required=False)
    programm = forms.ChoiceField(label=_("Programme"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, offerings, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.offerings = {str(offering.public_id): offering for offering in offerings}
        self.organisations = {str(organisation.public_id): organisation for organisation in organisations}
        self.fields["art"].choices = [("", _("all types")), *PartnerType.choices]
        several = len(self.organisations) > 1
        self.fields["programm"].choices = [("", _("all programmes")), *[
            (key, f"{offering.name} ({offering.organisation.name})" if several else offering.name)
            for key, offering in self.offerings.items()]]
        if several:
            self.fields["organisation"].choices = [("", _("all organisations")), *[
                (key, organisation.name) for key, organisation in self.organisations.items()]]
        else:
            del self.fields["organisation"]

    def selection(self) -> DirectoryFilter:
        if not self.is_bound:
            return DirectoryFilter()
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilter(query=data.get("q") or "", partner_type=data.get("art") or "",
                               offering=self.offerings.get(data.get("programm") or ""),
                               organisation=self.organisations.get(data.get("organisation") or ""),
                               status=data.get("status") or Status.ACTIVE)

    def query_string(self) -> str:
        """The valid filter values as a query string (for the next page and the export links)."""
        from django.http import QueryDict

        selection = self.selection()
        query = QueryDict(mutable=True)
        for key, value in (("q", selection.query), ("art", selection.partner_type),
                           ("programm", selection.offering.public_id if selection.offering else ""),
                           ("organisation",
                            selection.organisation.public_id if selection.organisation else ""),
                           ("status", selection.status if selection.status != Status.ACTIVE else "")):
            if value:
                query[key] = str(value)
        return query.urlencode()


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    partner_type = forms.ChoiceField(label=_("Type"), choices=[("", "–"), *PartnerType.choices])
    is_internal = forms.BooleanField(label=_("Part of our own organisation"), required=False,
                                     help_text=_("e.g. another department or service of the same provider"))
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    website = forms.CharField(label=_("Website"), max_length=300, required=False,
                              help_text=_("For example https://www.example.de"))
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=500, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    languages = forms.MultipleChoiceField(label=_("Languages spoken"), required=False,
                                          choices=lambda: code_choices("language"),
                                          widget=forms.SelectMultiple(attrs={"size": 8}),
                                          help_text=_("Several can be chosen (Ctrl or Cmd key)."))
    contact = forms.CharField(label=_("General contact (phone, e-mail)"), max_length=300, required=False,
                              help_text=_("Contact persons are added on the partner's page."))
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("No client data: the partner list is seen by all teams."))

    def __init__(self, *args, organisations=None, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=organisations, to_field_name="public_id",
                help_text=_("Whose partner list the entry belongs to."))
            self.order_fields(["organisation"])
        if edit:
            self.fields["version"] = VersionField()

    def data_object(self) -> PartnerData:
        data = self.cleaned_data
        values = {name: data[name] for name in ("name", "partner_type", "contact", "is_internal", "street",
                                                "postal_code", "city", "phone", "email", "website",
                                                "opening_hours", "notes")}
        return PartnerData(languages=list(data["languages"]), **values)


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Service"), max_length=200,
                           help_text=_("For example “Integration course with childcare”."))
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if edit:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Active"), required=False,
                help_text=_("Switched-off services are no longer shown; records that name them keep them."))


class ContactPersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    function = forms.CharField(label=_("Function"), max_length=200, required=False,
                               help_text=_("For example “Team lead” or “Case manager U25”."))
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)

    def __init__(self, *args, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if edit:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Active"), required=False,
                help_text=_("Switch off contact persons who have left; records that name them keep them."))


LEVEL_CHOICES = [("", _("no cooperation agreed")), *CooperationLevel.choices]


class ProgrammesForm(forms.Form):
    """One choice per programme offering of the partner's organisation: mandatory, optional or none."""

    version = VersionField()

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.offerings = {}
        for row in rows:
            name = f"programme_{row.offering.public_id.hex}"
            self.offerings[name] = row.offering
            self.fields[name] = forms.ChoiceField(label=row.offering.name, choices=LEVEL_CHOICES,
                                                  required=False, widget=forms.RadioSelect, initial=row.level)

    def levels(self) -> dict:
        return {offering: self.cleaned_data[name] or "" for name, offering in self.offerings.items()}


class ActiveForm(forms.Form):
    version = VersionField()
    active = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1",
                                    widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or Excel .xlsx, at most 2 MB and 2,000 rows)"),
                           max_length=255, allow_empty_file=False)
    existing = forms.ChoiceField(
        label=_("Partners that are already in the list (same name)"), widget=forms.RadioSelect,
        initial="update",
        choices=[("update", _("complete them with the values from the file")),
                 ("skip", _("leave them as they are (skip the row)"))])

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Import into the partner list of"), queryset=organisations, to_field_name="public_id")
            self.order_fields(["organisation"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB. Please split it into several files."))
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    mode = forms.ChoiceField(
        label=_("Which rows should be imported?"), widget=forms.RadioSelect, initial="all",
        choices=[("all", _("only if all rows are valid (otherwise nothing)")),
                 ("valid", _("the valid rows; rows with errors are skipped"))])
