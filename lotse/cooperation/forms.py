from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.cooperation.models import AgreementStatus, EventKind
from lotse.cooperation.services import DOCUMENT_MAX_BYTES, PARTICIPANTS_MAX, AgreementData, EventData
from lotse.core.versioning import VersionField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerField(forms.ModelMultipleChoiceField):
    """Partners by name; with partners of several organisations on offer, the organisation is named too."""

    def __init__(self, *args, with_organisation=False, **kwargs):
        self.with_organisation = with_organisation
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        if self.with_organisation:
            return f"{obj.name} ({obj.organisation.name})"
        return obj.name


class StaffField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _organisation_field(form, organisations) -> None:
    """A choice only when the actor works for several organisations."""
    organisations = list(organisations)
    if len(organisations) > 1:
        field = OrganisationField(label=_("Organisation"), queryset=form.organisation_queryset,
                                  to_field_name="public_id")
        form.fields = {"organisation": field, **form.fields}
    form.single_organisation = organisations[0] if len(organisations) == 1 else None


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject = forms.CharField(label=_("Subject and purpose"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    partners = PartnerField(label=_("Partners (other parties)"), queryset=None,
                            widget=forms.CheckboxSelectMultiple, to_field_name="public_id",
                            help_text=_("From your organisation's partner directory."))
    division_of_tasks = forms.CharField(label=_("Division of tasks"), max_length=10000, required=False,
                                        widget=forms.Textarea(attrs={"rows": 5}),
                                        help_text=_("Who does what: the tasks of each party."))
    joint_tasks = forms.CharField(label=_("Joint tasks"), max_length=10000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)
    review_on = forms.DateField(label=_("Next review"), required=False, widget=DATE_WIDGET,
                                help_text=_("Empty: one year after the start. "
                                            "Agreements are reviewed yearly."))
    responsible = StaffField(label=_("Responsible"), queryset=None, to_field_name="public_id",
                             help_text=_("Is reminded of the review in the worklist."))
    status = forms.ChoiceField(label=_("Status"), choices=AgreementStatus.choices,
                               initial=AgreementStatus.DRAFT)
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DATE_WIDGET,
                               help_text=_("Only for an ended agreement."))
    agreed_in_writing_on = forms.DateField(
        label=_("Change agreed in writing on"), required=False, widget=DATE_WIDGET,
        help_text=_("Required when the content of an agreement in force changes."))
    note = forms.CharField(label=_("Note on the change"), max_length=500, required=False,
                           help_text=_("Appears in the history of the agreement."))

    def __init__(self, *args, organisations, partners, staff, edit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_queryset = organisations
        self.fields["partners"].queryset = partners
        self.fields["responsible"].queryset = staff
        if edit:
            self.fields["version"] = VersionField()
            self.single_organisation = None
        else:
            del self.fields["agreed_in_writing_on"]
            self.fields["note"].label = _("Note")
            _organisation_field(self, organisations)
            self.fields["partners"].with_organisation = "organisation" in self.fields

    def organisation(self):
        return self.cleaned_data.get("organisation") or self.single_organisation

    def agreement_data(self) -> AgreementData:
        data = self.cleaned_data
        return AgreementData(title=data["title"], subject=data["subject"], partners=list(data["partners"]),
                             division_of_tasks=data["division_of_tasks"], joint_tasks=data["joint_tasks"],
                             starts_on=data["starts_on"], review_on=data["review_on"],
                             responsible=data["responsible"], status=data["status"],
                             ended_on=data["ended_on"])


class AgreementFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), ("due", _("Review due (30 days) or overdue")),
                                         *AgreementStatus.choices]

    def chosen_status(self) -> str:
        return self.cleaned_data["status"] if self.is_valid() else ""


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Result of the review"), max_length=500, required=False)
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("reviewed_on", timezone.localdate())


class DocumentForm(forms.Form):
    document = forms.FileField(label=_("Signed agreement (PDF, ODT or DOCX, at most 10 MB)"), max_length=1000,
                               widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.odt,.docx"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = VersionField()

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(max)d MB.") % {
                "max": DOCUMENT_MAX_BYTES // (1024 * 1024)})
        return upload


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of event"), choices=[("", "–"), *EventKind.choices])
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Until"), required=False, widget=DATE_WIDGET,
                               help_text=_("Only for events lasting several days, "
                                           "e.g. the intercultural week."))
    participants = forms.IntegerField(label=_("Number of participants"), min_value=0,
                                      max_value=PARTICIPANTS_MAX, initial=0)
    partners = PartnerField(label=_("Organisations involved"), queryset=None, required=False,
                            widget=forms.CheckboxSelectMultiple, to_field_name="public_id")
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations, partners, edit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_queryset = organisations
        self.fields["partners"].queryset = partners
        if edit:
            self.fields["version"] = VersionField()
            self.single_organisation = None
        else:
            _organisation_field(self, organisations)
            self.fields["partners"].with_organisation = "organisation" in self.fields

    def organisation(self):
        return self.cleaned_data.get("organisation") or self.single_organisation

    def event_data(self) -> EventData:
        data = self.cleaned_data
        return EventData(kind=data["kind"], title=data["title"], date=data["date"], end_date=data["end_date"],
                         participants=data["participants"], partners=list(data["partners"]),
                         note=data["note"])


class DeleteForm(forms.Form):
    version = VersionField()


class YearForm(forms.Form):
    """The year (``?jahr=``) and, for people working for several organisations, the organisation."""

    jahr = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, years, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jahr"].choices = [(year, str(year)) for year in years]
        self.default_year = timezone.localdate().year
        self.initial.setdefault("jahr", self.default_year)
        self.organisations = list(organisations) if organisations is not None else []
        if len(self.organisations) > 1:
            self.fields["organisation"] = OrganisationField(
                label=_("Organisation"), queryset=organisations, to_field_name="public_id", required=False,
                empty_label=None)

    def year(self) -> int:
        if self.is_valid() and self.cleaned_data["jahr"] not in (None, ""):
            return self.cleaned_data["jahr"]
        return self.default_year

    def organisation(self):
        if "organisation" in self.fields and self.is_valid() and self.cleaned_data.get("organisation"):
            return self.cleaned_data["organisation"]
        return self.organisations[0] if self.organisations else None
