from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.codelists.selectors import code_choices
from lotse.intake.models import Channel, Outcome, Result
from lotse.intake.services import CONCERN_MAX, REASON_MAX, SHORT_TEXT_MAX, FirstContactData


class FirstOptionFocused(forms.RadioSelect):
    """Radio buttons whose first option receives the focus when the page opens (fast keyboard entry)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if index == 0:
            option["attrs"]["autofocus"] = True
        return option


class FirstContactForm(forms.Form):
    """The fast entry: date (prefilled), channel and outcome are required, everything else optional."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=None, to_field_name="public_id", empty_label=None)
    date = forms.DateField(label=_("Date"), help_text=_("DD.MM.YYYY"))
    channel = forms.ChoiceField(label=_("How did the person get in touch?"), choices=Channel.choices,
                                widget=FirstOptionFocused)
    referred_by = forms.CharField(label=_("Referred by"), max_length=SHORT_TEXT_MAX, required=False,
                                  help_text=_("Required for a referral by an institution, e.g. “Jobcenter”."))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    referred_to = forms.CharField(label=_("Referred to"), max_length=SHORT_TEXT_MAX, required=False,
                                  help_text=_("Required for a referral elsewhere: the service the person was "
                                              "pointed to."))
    concern = forms.CharField(label=_("Concern"), max_length=CONCERN_MAX, required=False, strip=False,
                              help_text=_("In the client's own words."), widget=forms.Textarea(attrs={"rows": 3}))
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=_("Language of the conversation"), required=False,
                                 choices=lambda: [("", "–"), *code_choices("language")])
    interpreter = forms.BooleanField(label=_("Interpreter present"), required=False)

    def __init__(self, *args, teams, topics, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        listed = list(teams)
        self._only_team = listed[0] if len(listed) == 1 else None
        if self._only_team is not None:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = self._only_team.public_id
            self.fields["team"].required = False
        self.fields["topics"].choices = topics

    def clean_team(self):
        return self.cleaned_data.get("team") or self._only_team

    def contact_data(self) -> FirstContactData:
        data = self.cleaned_data
        return FirstContactData(channel=data["channel"], outcome=data["outcome"], date=data["date"],
                                referred_by=data.get("referred_by") or "", concern=data.get("concern") or "",
                                topics=list(data.get("topics") or []), language=data.get("language") or "",
                                interpreter=bool(data.get("interpreter")), referred_to=data.get("referred_to") or "")


class LinkPersonForm(forms.Form):
    person = forms.UUIDField(label=_("Person"), widget=forms.Select,
                             help_text=_("Only persons of the team that recorded the first contact."))

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.choices = [("", "–")] + [
            (str(person.public_id), f"{person} ({person.file_number})") for person in persons]


ANSWER_CHOICES = [("", _("not known")), ("yes", _("yes")), ("no", _("no"))]


class AnswersForm(forms.Form):
    """The facts the data cannot tell, one yes/no/not known question each."""

    def __init__(self, *args, facts: list[tuple[str, str]], answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in facts:
            self.fields[key] = forms.ChoiceField(label=label, choices=ANSWER_CHOICES, required=False,
                                                 widget=forms.RadioSelect)
            value = answers.get(key)
            self.fields[key].initial = "" if value is None else ("yes" if value else "no")

    def answers(self) -> dict:
        return {key: {"yes": True, "no": False}.get(value) for key, value in self.cleaned_data.items()}


class OverrideForm(forms.Form):
    result = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect,
                               choices=[(Result.MET, _("eligible")), (Result.NOT_MET, _("not eligible"))])
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, strip=False,
                             help_text=_("Required. Why the rules do not decide this case correctly."),
                             widget=forms.Textarea(attrs={"rows": 3}))
