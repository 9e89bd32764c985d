from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import Responsible
from lotse.core.versioning import VersionField
from lotse.documents import texts
from lotse.planning.models import GoalCategory, GoalStatus, LifeDomain, Priority, StepStatus

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_ASSESSED = ""


class PlanVersionField(VersionField):
    """The plan version the form was loaded with (0 while the case has no plan yet)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


class AssessmentForm(forms.Form):
    """All ten life domains on one form; the rating uses the programme's scale."""

    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("Summary"), required=False, max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, scale, versioned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_ASSESSED, _("not assessed")), *[(str(value), f"{value} – {label}") for value, label in scale]]
        for domain, label in LifeDomain.choices:
            self.fields[f"{domain}_rating"] = forms.ChoiceField(label=_("Rating"), choices=choices, required=False)
            self.fields[f"{domain}_strengths"] = forms.CharField(
                label=_("Strengths and resources"), required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{domain}_needs"] = forms.CharField(label=_("Needs"), required=False, max_length=5000,
                                                             widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{domain}_notes"] = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                                                             widget=forms.Textarea(attrs={"rows": 2}))
        if versioned:
            self.fields["version"] = VersionField()

    def domain_groups(self):
        return [{"domain": domain, "label": label,
                 "fields": [self[f"{domain}_{name}"] for name in ("rating", "strengths", "needs", "notes")]}
                for domain, label in LifeDomain.choices]

    def items(self) -> dict:
        data = self.cleaned_data
        return {domain: {"rating": int(data[f"{domain}_rating"]) if data[f"{domain}_rating"] else None,
                         "strengths": data[f"{domain}_strengths"], "needs": data[f"{domain}_needs"],
                         "notes": data[f"{domain}_notes"]} for domain in LifeDomain.values}

    @staticmethod
    def initial_for(assessment, items) -> dict:
        initial = {"assessed_on": assessment.assessed_on, "note": assessment.note, "version": assessment.version}
        for item in items:
            initial[f"{item.domain}_rating"] = "" if item.rating is None else str(item.rating)
            for name in ("strengths", "needs", "notes"):
                initial[f"{item.domain}_{name}"] = getattr(item, name)
        return initial


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Life domain"), choices=[("", _("– please choose –")), *LifeDomain.choices])
    category = forms.ChoiceField(label=_("Goal category"),
                                 choices=[("", _("– please choose –")), *GoalCategory.choices])
    client_words = forms.CharField(label=_("The goal in the client's words"), max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    target_on = forms.DateField(label=_("Target date"), widget=DATE_WIDGET)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int,
                                      initial=Priority.NORMAL, widget=forms.RadioSelect)
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.OPEN)
    status_reason = forms.CharField(label=_("Reason for the status"), required=False, max_length=1000,
                                    help_text=_("Needed when the goal was partly reached, not reached or discarded."))
    version = PlanVersionField()

    def __init__(self, *args, with_status: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_status:
            del self.fields["status"]
            del self.fields["status_reason"]

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class StepForm(forms.Form):
    description = forms.CharField(label=_("Step"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ChoiceField(label=_("Who is responsible"), choices=Responsible.choices,
                                    widget=forms.RadioSelect)
    responsible_partner = forms.ModelChoiceField(label=_("Partner (when a partner is responsible)"), queryset=None,
                                                 to_field_name="public_id", required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices, initial=StepStatus.OPEN)
    status_reason = forms.CharField(label=_("Reason or note on the status"), required=False, max_length=1000)
    version = PlanVersionField()

    def __init__(self, *args, partners, with_status: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_partner"].queryset = partners
        if not with_status:
            del self.fields["status"]
            del self.fields["status_reason"]

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class PlanReviewForm(forms.Form):
    review_on = forms.DateField(label=_("Next review of the plan"), required=False, widget=DATE_WIDGET)
    version = PlanVersionField()


class CompareForm(forms.Form):
    von = forms.TypedChoiceField(label=_("Older version"), coerce=int, choices=())
    bis = forms.TypedChoiceField(label=_("Newer version"), coerce=int, choices=())

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["von"].choices = versions
        self.fields["bis"].choices = versions


class AgreementCreateForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the client"), choices=(),
                                 help_text=_("The agreement is printed in German and in this language."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, texts.language(code).name) for code in texts.LANGUAGES]


class AgreementSignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_WIDGET, initial=timezone.localdate)
    signed_by_client = forms.CharField(label=_("Signed by (client or legal guardian)"), max_length=200)
    signed_by_counsellor = forms.ModelChoiceField(label=_("Signed by (counsellor)"), queryset=None,
                                                  to_field_name="public_id", required=False,
                                                  empty_label=_("– nobody –"))
    copy_handed_over = forms.BooleanField(label=_("A copy was handed to the client"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_by_counsellor"].queryset = staff
