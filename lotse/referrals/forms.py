from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.consent.models import InformationCategory
from lotse.core.versioning import VersionField
from lotse.referrals.models import ReferralOutcome, Step, Whereabouts
from lotse.referrals.services import NOTE_MAX, REASON_MAX, REQUIRED_CATEGORY, ReferralData

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIGURES_MAX_DAYS = 3660


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ServiceField(forms.ModelChoiceField):
    """Services and contact persons of all active partners, named with their partner (no JavaScript)."""

    def label_from_instance(self, obj):
        return f"{obj.partner.name} – {obj.name}"


class ReferralForm(forms.Form):
    person = PersonField(label=_("Who is referred"), queryset=None, to_field_name="public_id",
                         empty_label=None)
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None, to_field_name="public_id")
    service = ServiceField(label=_("Service of the partner"), queryset=None, to_field_name="public_id",
                           required=False)
    partner_contact = ServiceField(label=_("Contact person at the partner"), queryset=None,
                                   to_field_name="public_id", required=False)
    categories = forms.MultipleChoiceField(
        label=_("Information that goes with the referral"), choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what a valid release from confidentiality for this partner covers. Master data and "
                    "contact details always go with a referral."))
    reason = forms.CharField(label=_("Reason for the referral"), max_length=REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Goes into the letter to the partner: write only what the released "
                                         "information covers."))
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE_WIDGET)

    def __init__(self, *args, persons, partners, services, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["partner"].queryset = partners
        self.fields["service"].queryset = services
        self.fields["partner_contact"].queryset = contacts
        if not self.is_bound:
            self.initial.setdefault("sent_on", timezone.localdate())
            self.initial.setdefault("categories", [REQUIRED_CATEGORY])

    def referral_data(self) -> ReferralData:
        data = self.cleaned_data
        return ReferralData(person=data["person"], partner=data["partner"], service=data["service"],
                            partner_contact=data["partner_contact"], reason=data["reason"],
                            categories=list(data["categories"]), sent_on=data["sent_on"])


class StepForm(forms.Form):
    """The base of the forms of the steps; ``auto_id`` keeps the ids apart when several are on one page."""

    step = ""
    version = VersionField()

    def __init__(self, *args, referral=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.step}_%s")
        super().__init__(*args, **kwargs)
        if referral is not None and not self.is_bound:
            self.initial.setdefault("version", referral.version)

    def service_values(self) -> dict:
        return dict(self.cleaned_data)


class AcceptForm(StepForm):
    step = Step.ACCEPTED
    on = forms.DateField(label=_("Accepted or contacted on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())


class AppointmentForm(StepForm):
    step = Step.APPOINTMENT
    on = forms.DateField(label=_("Date of the first appointment at the partner"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False,
                           help_text=_("e.g. time and place, or why the appointment was moved"))


class OutcomeForm(StepForm):
    step = Step.OUTCOME
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices, widget=forms.RadioSelect)
    on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    rejection_reason = forms.CharField(label=_("Reason for the rejection"), max_length=NOTE_MAX,
                                       required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("Only when the partner rejected the referral."))

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            self.fields["outcome"].choices = [(value, label) for value, label in ReferralOutcome.choices
                                              if value in outcomes]
        self.initial.setdefault("on", timezone.localdate())


class WhereaboutsForm(StepForm):
    step = Step.WHEREABOUTS
    whereabouts = forms.ChoiceField(label=_("Whereabouts"), choices=Whereabouts.choices,
                                    widget=forms.RadioSelect)
    on = forms.DateField(label=_("Checked on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())


class CancelForm(StepForm):
    step = Step.WITHDRAWN
    on = forms.DateField(label=_("Withdrawn on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())


STEP_FORMS = {form.step: form
              for form in (AcceptForm, AppointmentForm, OutcomeForm, WhereaboutsForm, CancelForm)}


class FiguresForm(forms.Form):
    """Period (date sent) and, for people in several organisations, the organisation."""

    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    von = forms.DateField(label=_("Sent from"), required=False, widget=DATE_WIDGET)
    bis = forms.DateField(label=_("Sent until"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        self.fields["organisation"].choices = [(str(org.public_id), org.name) for org in self.organisations]
        if len(self.organisations) < 2:
            del self.fields["organisation"]

    @staticmethod
    def default_period():
        today = timezone.localdate()
        return today - timedelta(days=364), today

    def clean(self):
        data = super().clean()
        start, end = data.get("von"), data.get("bis")
        if start and end and end < start:
            self.add_error("bis", _("The end of the period lies before its start."))
        elif start and end and (end - start).days > FIGURES_MAX_DAYS:
            self.add_error("bis", _("Please choose a period of at most ten years."))
        return data

    def chosen(self):
        """(organisation, (start, end)) from valid input, else the defaults (first organisation, a year)."""
        start, end = self.default_period()
        organisation = self.organisations[0] if self.organisations else None
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            chosen = data.get("organisation")
            organisation = next((org for org in self.organisations if str(org.public_id) == chosen),
                                organisation)
            if data.get("von") and data.get("bis"):
                start, end = data["von"], data["bis"]
            elif data.get("von"):
                start, end = data["von"], max(data["von"], end)
            elif data.get("bis"):
                start, end = data["bis"] - timedelta(days=364), data["bis"]
        return organisation, (start, end)
