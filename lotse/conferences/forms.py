from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.conferences.models import ParticipantKind, default_categories
from lotse.conferences.services import ConferenceData, DecisionData, ParticipantData
from lotse.consent.models import InformationCategory
from lotse.core.versioning import VersionField

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def participant_label(participant) -> str:
    extra = ", ".join(filter(None, [participant.role, participant.organisation_name]))
    return f"{participant.display_name} ({extra})" if extra else participant.display_name


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return participant_label(obj)


class ParticipantsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return participant_label(obj)


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        words = " ".join(obj.client_words.split())
        return words if len(words) <= 90 else words[:89] + "…"


class ConferenceForm(forms.Form):
    title = forms.CharField(label=_("Occasion"), max_length=200,
                            help_text=_("e.g. “Jointly planning the return to work”"))
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    location = forms.CharField(label=_("Place"), max_length=200, required=False,
                               help_text=_("An address and room, or “Video” or “Telefon”."))
    categories = forms.MultipleChoiceField(
        label=_("Information that will be discussed"), choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple, initial=default_categories,
        help_text=_("Every partner taking part needs a release from confidentiality covering all of these."))
    persons = PersonField(label=_("Family members whose matters are discussed"), queryset=None, required=False,
                          widget=forms.CheckboxSelectMultiple, to_field_name="public_id",
                          help_text=_("The main client is always included. Each needs to have consented to "
                                      "sharing with named partners."))
    agenda = forms.CharField(label=_("Agenda"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 5}), help_text=_("One item per line."))

    def __init__(self, *args, persons, edit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = persons
        if edit:
            self.fields["version"] = VersionField()

    def conference_data(self) -> ConferenceData:
        data = self.cleaned_data
        return ConferenceData(title=data["title"], scheduled_at=data["scheduled_at"], location=data["location"],
                              categories=list(data["categories"]), persons=list(data["persons"]),
                              agenda=data["agenda"])


KIND_PARAMETER = "art"
KINDS = {"kollegin": ParticipantKind.STAFF, "partner": ParticipantKind.PARTNER, "familie": ParticipantKind.FAMILY,
         "weitere": ParticipantKind.OTHER}


def kind_from(value: str | None) -> tuple[str, str]:
    """The URL parameter ``?art=`` (German) and the participant kind it stands for; unknown: a colleague."""
    value = (value or "").strip().lower()
    return (value, KINDS[value]) if value in KINDS else ("kollegin", ParticipantKind.STAFF)


class ParticipantForm(forms.Form):
    """One form per kind of participant; the page shows only the fields of the kind chosen in the URL."""

    role = forms.CharField(label=_("Role"), max_length=200, required=False,
                           help_text=_("e.g. case manager at the job centre, mother, guardian"))

    def __init__(self, *args, kind, users=None, partners=None, persons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        fields = {}
        if kind == ParticipantKind.STAFF:
            fields["user"] = UserChoiceField(label=_("Colleague"), queryset=users, to_field_name="public_id",
                                             help_text=_("Counsellors and the lead of the case's team."))
        elif kind == ParticipantKind.PARTNER:
            self.partners = list(partners)
            choices = [("", "–")]
            for partner in self.partners:
                group = [(f"p:{partner.public_id}", _("%(partner)s (the organisation)") % {"partner": partner.name})]
                group += [(f"c:{contact.public_id}", f"{contact.name}" + (f" – {contact.function}"
                                                                           if contact.function else ""))
                          for contact in partner.active_contacts]
                choices.append((partner.name, group))
            fields["partner"] = forms.ChoiceField(
                label=_("Partner or contact person"), choices=choices,
                help_text=_("The partner needs a valid release from confidentiality of the family covering the "
                            "information discussed."))
        elif kind == ParticipantKind.FAMILY:
            fields["person"] = PersonChoiceField(label=_("Family member"), queryset=persons,
                                                 to_field_name="public_id")
        else:
            fields["name"] = forms.CharField(label=_("Name"), max_length=200)
            self.fields["role"].required = True
        self.fields = {**fields, "role": self.fields["role"]}

    def clean_partner(self):
        value = self.cleaned_data["partner"]
        prefix, _sep, public_id = value.partition(":")
        for partner in self.partners:
            if prefix == "p" and str(partner.public_id) == public_id:
                return (partner, None)
            for contact in partner.active_contacts:
                if prefix == "c" and str(contact.public_id) == public_id:
                    return (partner, contact)
        raise forms.ValidationError(_("Please choose a partner from your organisation's partner list."))

    def participant_data(self) -> ParticipantData:
        data = self.cleaned_data
        partner, contact = data.get("partner") or (None, None)
        return ParticipantData(kind=self.kind, user=data.get("user"), partner=partner, partner_contact=contact,
                               person=data.get("person"), name=data.get("name", ""), role=data.get("role", ""))


class MinutesForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    attended = ParticipantsField(label=_("Who took part"), queryset=None, required=False,
                                 widget=forms.CheckboxSelectMultiple, to_field_name="public_id")
    minutes = forms.CharField(label=_("Minutes"), max_length=20000, required=False,
                              widget=forms.Textarea(attrs={"rows": 12}),
                              help_text=_("For the professionals only: the minutes never appear in the family's "
                                          "summary. Record decisions separately."))
    version = VersionField()

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = participants
        if not self.is_bound and "held_on" not in self.initial:
            self.initial["held_on"] = timezone.localdate()


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("What is to be done"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))
    responsible = ParticipantChoiceField(label=_("Who does it"), queryset=None, to_field_name="public_id", empty_label="–",
                                         help_text=_("A participant of the conference."))
    due_on = forms.DateField(label=_("By when"), widget=DATE_WIDGET)
    goal = GoalChoiceField(label=_("Goal of the integration plan"), queryset=None, required=False,
                           to_field_name="public_id", empty_label=_("No goal: record it as a task of the case"),
                           help_text=_("With a goal, the decision becomes a step of the integration plan."))

    def __init__(self, *args, participants, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = participants
        self.fields["goal"].queryset = goals

    def decision_data(self) -> DecisionData:
        data = self.cleaned_data
        return DecisionData(text=data["text"], responsible=data["responsible"], due_on=data["due_on"],
                            goal=data["goal"])


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_("Reason for the cancellation"), max_length=500, required=False)
    version = VersionField()
