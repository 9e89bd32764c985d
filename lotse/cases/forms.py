from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import Case, ClosureReason, Indicator, IndicatorValue, Phase, Responsible, Task
from lotse.cases.services import OpenItems
from lotse.core.versioning import VersionField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseRequestForm(forms.Form):
    offering = forms.ModelChoiceField(label=_("Programme"), queryset=None, to_field_name="public_id", empty_label=None)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Case.Priority.choices, coerce=int,
                                      initial=Case.Priority.NORMAL, widget=forms.RadioSelect)

    def __init__(self, *args, offerings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings


class CaseEditForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Case owner"), queryset=None, to_field_name="public_id", required=False,
                                   empty_label=_("– nobody –"))
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=None, to_field_name="public_id", required=False,
                                    empty_label=_("– nobody –"))
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Case.Priority.choices, coerce=int)
    own_flat_since = forms.DateField(label=_("In own flat since"), required=False, widget=DATE_WIDGET,
                                     help_text=_("SIM: responsibility moves to the general social service some "
                                                 "years after the client moved into their own flat."))
    version = VersionField()

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff
        self.fields["deputy"].queryset = staff


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("New phase"), choices=[(value, label) for value, label in Phase.choices
                                                             if value != Phase.CLOSED])
    on = forms.DateField(label=_("Since"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    version = VersionField()


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Family member"), queryset=None, to_field_name="public_id",
                                    empty_label=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What"), max_length=500)
    responsible = forms.ChoiceField(label=_("Who"), choices=Responsible.choices, widget=forms.RadioSelect)
    responsible_partner = forms.ModelChoiceField(label=_("Partner (when a partner is responsible)"), queryset=None,
                                                 to_field_name="public_id", required=False)
    due_on = forms.DateField(label=_("By when"), widget=DATE_WIDGET)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_partner"].queryset = partners


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices)
    version = VersionField()


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[("", _("– please choose –")),
                                                                      *ClosureReason.choices])
    handover_to = forms.ModelChoiceField(
        label=_("Handed over to"), queryset=None, to_field_name="public_id", required=False,
        help_text=_("Only for a hand-over. Needs a valid release from confidentiality for this recipient covering "
                    "master data and the course of the counselling."))
    note = forms.CharField(label=_("Evaluation and note"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    open_items = forms.ChoiceField(
        label=_("Open goals, steps and tasks"), required=False, widget=forms.RadioSelect,
        choices=[(OpenItems.DISCARD, _("Discard them (status “discarded”, reason: the closure)")),
                 (OpenItems.DONE, _("Mark them as done"))])
    follow_up_on = forms.DateField(label=_("Sustainability check on"), required=False, widget=DATE_WIDGET,
                                   help_text=_("Leave empty to use the programme's follow-up period."))
    version = VersionField()

    def __init__(self, *args, partners, goals, goal_statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handover_to"].queryset = partners
        self.goals = goals
        for code, label in Indicator.choices:
            self.fields[f"indicator_{code}"] = forms.ChoiceField(label=label, choices=IndicatorValue.choices,
                                                                 widget=forms.RadioSelect)
        for goal in goals:
            self.fields[f"goal_{goal.public_id}"] = forms.ChoiceField(
                label=goal.client_words[:200], choices=goal_statuses, initial=goal.status)
            self.fields[f"goal_{goal.public_id}_reason"] = forms.CharField(
                label=_("Reason"), required=False, max_length=1000, initial=goal.status_reason)

    def indicator_fields(self):
        return [self[f"indicator_{code}"] for code in Indicator.values]

    def goal_fields(self):
        return [(goal, self[f"goal_{goal.public_id}"], self[f"goal_{goal.public_id}_reason"]) for goal in self.goals]

    def indicators(self) -> dict:
        return {code: self.cleaned_data[f"indicator_{code}"] for code in Indicator.values}

    def goal_evaluations(self) -> dict:
        return {str(goal.public_id): (self.cleaned_data[f"goal_{goal.public_id}"],
                                      self.cleaned_data[f"goal_{goal.public_id}_reason"]) for goal in self.goals}


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=500)
    version = VersionField()


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Checked on"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("Result: how is the client doing, are the results lasting?"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))
