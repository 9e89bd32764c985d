from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.cohorts.criteria import KEYS
from lotse.cohorts.models import Cohort
from lotse.cohorts.services import DESCRIPTION_MAX, NAME_MAX, CohortData
from lotse.core.versioning import VersionField
from lotse.organisations.models import ProgrammeOffering
from lotse.people.models import Accommodation, Education, Livelihood

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EARLIEST = date(1990, 1, 1)


def _status_choices():
    from lotse.people.models import ResidenceStatusType

    return list(ResidenceStatusType.objects.order_by("sort_order", "label").values_list("code", "label"))


def _several(label, choices, help_text=""):
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, help_text=help_text,
                                     widget=forms.CheckboxSelectMultiple)


def _years(label, low, high, help_text=""):
    return forms.IntegerField(label=label, min_value=low, max_value=high, required=False, help_text=help_text)


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    description = forms.CharField(label=_("Description"), max_length=DESCRIPTION_MAX, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    scope = forms.ChoiceField(label=_("Whose persons"), help_text=_(
        "A team's persons, or – for team leads, administrators and coordinators – the whole organisation."))
    unit = forms.ChoiceField(label=_("Count"), choices=Cohort.Unit.choices, widget=forms.RadioSelect,
                             initial=Cohort.Unit.PERSONS, help_text=_(
                                 "Families: a household counts if one member matches the person criteria and it "
                                 "has the children asked for."))
    is_shared = forms.BooleanField(label=_("Shared with the team"), required=False, help_text=_(
        "Team groups: the team sees it. Organisation-wide groups: the organisation's team leads, administrators "
        "and coordinators see it. Only you can change it."))
    status_types = _several(_("Current residence status"), _status_choices)
    status_min_years = _years(_("In one of these statuses for at least … years"), 1, 100,
                              help_text=_("Without interruption by another status; renewals count as one."))
    years_in_germany_min = _years(_("Years in Germany at least"), 0, 100,
                                  help_text=_("Completed years since the date of entry."))
    years_in_germany_max = _years(_("Years in Germany at most"), 0, 100)
    programmes = _several(_("Open case in the programme"), ProgrammeOffering.Programme.choices)
    accommodation = _several(_("Accommodation"), Accommodation.choices,
                             help_text=_("From the current life situation."))
    livelihood = _several(_("Main livelihood / benefits"), Livelihood.choices,
                          help_text=_("From the current life situation."))
    has_children = forms.BooleanField(label=_("Has children"), required=False, help_text=_(
        "Persons: a recorded child (relation “parent of”). Families: a current member of the household."))
    child_age_min = _years(_("Child aged at least"), 0, 99, help_text=_("Completed years."))
    child_age_max = _years(_("Child aged at most"), 0, 99)
    child_schools = _several(_("Child attends"), Education.choices,
                             help_text=_("From the child's current life situation."))
    version = VersionField(required=False)

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(scope.key, scope.label) for scope in scopes]
        if len(scopes) == 1:
            self.fields["scope"].initial = scopes[0].key

    def clean(self):
        cleaned = super().clean()
        for low, high in (("years_in_germany_min", "years_in_germany_max"), ("child_age_min", "child_age_max")):
            if cleaned.get(low) is not None and cleaned.get(high) is not None and cleaned[low] > cleaned[high]:
                self.add_error(high, _("The maximum must not be smaller than the minimum."))
        if cleaned.get("status_min_years") and not cleaned.get("status_types"):
            self.add_error("status_min_years", _("Please choose the residence statuses the years refer to."))
        return cleaned

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in KEYS if data.get(key) not in (None, "", [], False)}

    def cohort_data(self) -> CohortData:
        data = self.cleaned_data
        return CohortData(name=data["name"], description=data.get("description") or "", scope=data["scope"],
                          unit=data["unit"], criteria=self.criteria(), is_shared=bool(data.get("is_shared")))

    @staticmethod
    def initial_from(*, name="", description="", unit=Cohort.Unit.PERSONS, criteria=None, scope="",
                     is_shared=False, version=None) -> dict:
        initial = {"name": name, "description": description, "unit": unit, "is_shared": is_shared,
                   **(criteria or {})}
        if scope:
            initial["scope"] = scope
        if version is not None:
            initial["version"] = version
        return initial


SHOW_CHOICES = [("", _("All target groups I can see")), ("mine", _("Created by me")),
                ("shared", _("Shared"))]


class CohortFilterForm(forms.Form):
    anzeigen = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)

    def show(self) -> str:
        return self.cleaned_data.get("anzeigen", "") if self.is_valid() else ""


class ReferenceDayForm(forms.Form):
    """The day the group is evaluated on (Stichtag): today, or a past day such as 31 December."""

    stichtag = forms.DateField(label=_("Reference day"), required=False, widget=DATE_WIDGET,
                               help_text=_("Empty: today. For example 31 December for the annual monitoring."))

    def clean_stichtag(self):
        value = self.cleaned_data.get("stichtag")
        if value is not None and not EARLIEST <= value <= timezone.localdate():
            raise forms.ValidationError(_("Please enter a day between %(first)s and today.") % {
                "first": EARLIEST.strftime("%d.%m.%Y")})
        return value

    def day(self) -> date:
        return (self.cleaned_data.get("stichtag") if self.is_valid() else None) or timezone.localdate()


class DeleteForm(forms.Form):
    version = VersionField()
