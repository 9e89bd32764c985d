from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import Responsible
from lotse.contacts.models import ContactKind, ContactOutcome
from lotse.contacts.services import Agreement, ContactData
from lotse.core.versioning import VersionField

AGREEMENT_ROWS = 3
AGREEMENT_ROWS_MAX = 20
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TopicField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class PersonField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ContactForm(forms.Form):
    """A routine contact needs five fields: when, how long, type, outcome and topics (prefilled where sensible)."""

    occurred_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=0, max_value=720, initial=30)
    kind = forms.ChoiceField(label=_("Type of contact"), choices=ContactKind.choices, initial=ContactKind.OFFICE_HOUR)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices, initial=ContactOutcome.TOOK_PLACE,
                                widget=forms.RadioSelect)
    topics = TopicField(label=_("Topics"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                        to_field_name="code",
                        help_text=_("Required when the contact took place and the programme's catalogue has topics."))
    occasion = forms.CharField(label=_("Occasion"), max_length=500, required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    persons_present = PersonField(label=_("Family members present"), queryset=None, required=False,
                                  widget=forms.CheckboxSelectMultiple, to_field_name="public_id")
    interpreter_present = forms.BooleanField(label=_("An interpreter was present"), required=False)
    interpreter_name = forms.CharField(label=_("Interpreter"), max_length=200, required=False)
    others_present = forms.CharField(label=_("Others present (e.g. partner staff)"), max_length=500, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=20000, required=False,
                            widget=forms.Textarea(attrs={"rows": 5}))
    notes_confidential = forms.BooleanField(
        label=_("Confidential notes"), required=False,
        help_text=_("Only you and the team lead can read confidential notes; they never appear in documents."))
    repeat_offer_on = forms.DateField(label=_("Repeat the declined offer on"), required=False, widget=DATE_WIDGET,
                                      help_text=_("Only when the offer was declined."))
    next_appointment_at = forms.DateTimeField(label=_("Next appointment"), required=False, widget=DATETIME_WIDGET,
                                              help_text=_("Creates an appointment in your calendar."))

    def __init__(self, *args, topics, persons, partners, with_agreements=True, edit=False, rows=AGREEMENT_ROWS,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics
        self.fields["persons_present"].queryset = persons
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        self.agreement_rows = []
        if with_agreements:
            for number in range(1, max(AGREEMENT_ROWS, min(rows, AGREEMENT_ROWS_MAX)) + 1):
                self.fields[f"agreement_{number}_title"] = forms.CharField(
                    label=_("Agreement %(number)d: what") % {"number": number}, max_length=500, required=False)
                self.fields[f"agreement_{number}_responsible"] = forms.ChoiceField(
                    label=_("Agreement %(number)d: who") % {"number": number}, required=False,
                    choices=[("", "–"), *Responsible.choices])
                self.fields[f"agreement_{number}_partner"] = forms.ModelChoiceField(
                    label=_("Agreement %(number)d: partner") % {"number": number}, queryset=partners,
                    required=False, to_field_name="public_id")
                self.fields[f"agreement_{number}_due_on"] = forms.DateField(
                    label=_("Agreement %(number)d: by when") % {"number": number}, required=False,
                    widget=DATE_WIDGET)
                self.agreement_rows.append(number)
        else:
            del self.fields["next_appointment_at"]
        if edit:
            self.fields["version"] = VersionField()

    @property
    def may_add_agreement(self) -> bool:
        return 0 < len(self.agreement_rows) < AGREEMENT_ROWS_MAX

    @staticmethod
    def rows_requested(data) -> int:
        """How many agreement rows the submitted form had, plus one when "add a row" was pressed."""
        try:
            rows = int(data.get("agreement_rows", AGREEMENT_ROWS))
        except (TypeError, ValueError):
            rows = AGREEMENT_ROWS
        rows = max(AGREEMENT_ROWS, min(rows, AGREEMENT_ROWS_MAX))
        if data.get("add_agreement"):
            rows = min(rows + 1, AGREEMENT_ROWS_MAX)
        return rows

    def main_fields(self):
        return [self[name] for name in ("occurred_at", "duration_minutes", "kind", "outcome", "topics")]

    def more_fields(self):
        return [self[name] for name in ("occasion", "location", "persons_present", "interpreter_present",
                                        "interpreter_name", "others_present", "notes", "notes_confidential",
                                        "repeat_offer_on")]

    def agreement_fields(self):
        return [(number, [self[f"agreement_{number}_{part}"] for part in ("title", "responsible", "partner",
                                                                          "due_on")])
                for number in self.agreement_rows]

    def contact_data(self) -> ContactData:
        data = self.cleaned_data
        return ContactData(
            occurred_at=data["occurred_at"], duration_minutes=data["duration_minutes"], kind=data["kind"],
            topics=list(data["topics"]), outcome=data["outcome"], repeat_offer_on=data["repeat_offer_on"],
            location=data["location"], occasion=data["occasion"], persons_present=list(data["persons_present"]),
            interpreter_present=data["interpreter_present"], interpreter_name=data["interpreter_name"],
            others_present=data["others_present"], notes=data["notes"],
            notes_confidential=data["notes_confidential"], next_appointment_at=data.get("next_appointment_at"))

    def agreements(self) -> list[Agreement]:
        return [Agreement(title=self.cleaned_data[f"agreement_{n}_title"],
                          responsible=self.cleaned_data[f"agreement_{n}_responsible"],
                          responsible_partner=self.cleaned_data[f"agreement_{n}_partner"],
                          due_on=self.cleaned_data[f"agreement_{n}_due_on"]) for n in self.agreement_rows]


class TopicFilterForm(forms.Form):
    programm = forms.ChoiceField(label=_("Programme"), required=False)

    def __init__(self, *args, **kwargs):
        from lotse.organisations.models import ProgrammeOffering

        super().__init__(*args, **kwargs)
        self.fields["programm"].choices = [("", _("All programmes")), *ProgrammeOffering.Programme.choices]

    def programme(self) -> str:
        return self.cleaned_data["programm"] if self.is_valid() else ""


class TopicForm(forms.Form):
    """New topic: the code is generated from the label and never changes."""

    programme = forms.ChoiceField(label=_("Programme"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, to_field_name="public_id")
    label = forms.CharField(label=_("Topic"), max_length=200)
    sort_order = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=32767, required=False,
                                    help_text=_("Empty: at the end."))

    def __init__(self, *args, organisations, shared_allowed: bool, **kwargs):
        from lotse.organisations.models import ProgrammeOffering

        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "–"), *ProgrammeOffering.Programme.choices]
        field = self.fields["organisation"]
        field.queryset = organisations
        if shared_allowed:
            field.required = False
            field.empty_label = _("Shared catalogue of all organisations")
            field.help_text = _("Empty: the topic appears for every organisation with this programme.")


class TopicEditForm(forms.Form):
    label = forms.CharField(label=_("Topic"), max_length=200)
    sort_order = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=32767)
    is_active = forms.BooleanField(label=_("Active"), required=False,
                                   help_text=_("Switched-off topics can no longer be chosen; recorded contacts "
                                               "keep them."))
