import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.codelists.selectors import code_choices
from lotse.people.models import (
    Accommodation, ContactChannel, DatePrecision, Education, IntegrationCourse, LabourMarket, Livelihood, NameSource,
    Participation, PersonLanguage, Relationship, ResidenceStatusType,
)

VOLUNTARY = _("Voluntary information.")
SPECIAL_CATEGORY = _("Special category of personal data (Art. 9 GDPR): only record it where the counselling needs it, "
                     "with the person's consent.")


class FlexibleDateField(forms.CharField):
    """Accepts 15.03.1990, 03.1990 or 1990 and returns (date, precision).

    01.01. is often a placeholder in documents: it is kept as "only the year known" unless the
    counsellor confirms it is the real date.
    """

    PATTERNS = (
        (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), DatePrecision.EXACT),
        (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), DatePrecision.EXACT),
        (re.compile(r"^(\d{1,2})[./](\d{4})$"), DatePrecision.MONTH),
        (re.compile(r"^(\d{4})$"), DatePrecision.YEAR),
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("DD.MM.YYYY, or MM.YYYY or YYYY if only that is known."))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None, DatePrecision.UNKNOWN
        for pattern, precision in self.PATTERNS:
            match = pattern.match(value)
            if not match:
                continue
            parts = [int(part) for part in match.groups()]
            try:
                if precision == DatePrecision.EXACT:
                    day, month, year = parts if "." in value else (parts[2], parts[1], parts[0])
                    return date(year, month, day), precision
                if precision == DatePrecision.MONTH:
                    return date(parts[1], parts[0], 1), precision
                return date(parts[0], 1, 1), precision
            except ValueError:
                raise forms.ValidationError(_("This date does not exist (e.g. 31.02.). Please check it."))
        raise forms.ValidationError(_("Please enter the date as DD.MM.YYYY, MM.YYYY or YYYY."))


def _code_field(slug: str, label, *, required=False, multiple=False, help_text=""):
    field_class = forms.MultipleChoiceField if multiple else forms.ChoiceField
    field = field_class(label=label, required=required, help_text=help_text,
                        choices=lambda: ([] if multiple else [("", "–")]) + code_choices(slug))
    if multiple:
        field.widget = forms.SelectMultiple(attrs={"size": 6})
    return field


class PersonForm(forms.Form):
    family_name = forms.CharField(label=_("Family name(s)"), max_length=200,
                                  help_text=_("As written in German documents, in Latin letters."))
    given_names = forms.CharField(label=_("Given name(s)"), max_length=200, required=False,
                                  help_text=_("Leave empty if the person has only one name."))
    name_original_script = forms.CharField(label=_("Name in original script"), max_length=200, required=False,
                                           help_text=_("For example in Arabic, Persian, Cyrillic or Ge'ez letters."))
    birth_date = FlexibleDateField(label=_("Date of birth"))
    birth_date_confirmed = forms.BooleanField(
        label=_("01.01. is the real date of birth (not a placeholder)"), required=False)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=200, required=False)
    birth_country = _code_field("state", _("Country of birth"))
    sex = _code_field("sex", _("Sex"), help_text=VOLUNTARY)
    nationalities = _code_field("nationality", _("Nationalities"), multiple=True,
                                help_text=_("Several can be chosen; also “stateless” and “unclear”."))
    marital_status = _code_field("marital_status", _("Marital status"))
    entry_date = FlexibleDateField(label=_("Date of entry to Germany"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_channel = forms.ChoiceField(label=_("Preferred contact channel"), required=False,
                                          choices=[("", "–"), *ContactChannel.choices])
    preferred_language = _code_field("language", _("Preferred language"))
    address = forms.CharField(label=_("Address or accommodation"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))
    school_qualification = forms.CharField(label=_("School qualification"), max_length=200, required=False,
                                           help_text=VOLUNTARY)
    vocational_qualification = forms.CharField(label=_("Vocational qualification"), max_length=200, required=False,
                                               help_text=VOLUNTARY)
    profession = forms.CharField(label=_("Profession"), max_length=200, required=False, help_text=VOLUNTARY)
    interests = forms.CharField(label=_("Interests"), required=False, max_length=2000, help_text=VOLUNTARY,
                                widget=forms.Textarea(attrs={"rows": 2}))
    health_notes = forms.CharField(label=_("Health"), required=False, max_length=4000, help_text=SPECIAL_CATEGORY,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    religion = forms.CharField(label=_("Religion"), max_length=100, required=False, help_text=SPECIAL_CATEGORY)
    is_deceased = forms.BooleanField(label=_("Deceased"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        birth = cleaned.get("birth_date")
        if birth and birth[0] is not None and birth[1] == DatePrecision.EXACT and (birth[0].month, birth[0].day) == (1, 1) \
                and not cleaned.get("birth_date_confirmed"):
            cleaned["birth_date"] = (birth[0], DatePrecision.YEAR)
        return cleaned

    def person_data(self):
        from lotse.people.services import PersonData

        data = {name: self.cleaned_data.get(name) for name in (
            "family_name", "given_names", "name_original_script", "birth_place", "birth_country", "sex",
            "marital_status", "phone", "email", "preferred_channel", "preferred_language", "address",
            "school_qualification", "vocational_qualification", "profession", "interests", "health_notes",
            "religion", "is_deceased")}
        data = {name: ("" if value is None else value) for name, value in data.items()}
        data["is_deceased"] = bool(self.cleaned_data.get("is_deceased"))
        data["nationalities"] = list(self.cleaned_data.get("nationalities") or [])
        data["birth_date"], data["birth_date_precision"] = self.cleaned_data.get("birth_date") or (None, "unknown")
        data["entry_date"], data["entry_date_precision"] = self.cleaned_data.get("entry_date") or (None, "unknown")
        return PersonData(**data)

    @staticmethod
    def initial_from(person) -> dict:
        def flexible(value, precision):
            if value is None:
                return ""
            return {"exact": value.strftime("%d.%m.%Y"), "month": value.strftime("%m.%Y"),
                    "year": str(value.year)}.get(precision, value.strftime("%d.%m.%Y"))

        initial = {name: getattr(person, name) for name in (
            "family_name", "given_names", "name_original_script", "birth_place", "phone", "email",
            "preferred_channel", "address", "school_qualification", "vocational_qualification", "profession",
            "interests", "health_notes", "religion", "is_deceased", "version")}
        for name in ("birth_country", "sex", "marital_status", "preferred_language"):
            code = getattr(person, name)
            initial[name] = code.code if code else ""
        initial["nationalities"] = [code.code for code in person.nationalities.all()]
        initial["birth_date"] = flexible(person.birth_date, person.birth_date_precision)
        initial["birth_date_confirmed"] = person.birth_date_precision == "exact"
        initial["entry_date"] = flexible(person.entry_date, person.entry_date_precision)
        return initial


class NewPersonForm(PersonForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, to_field_name="public_id", empty_label=None)
    confirm_new = forms.BooleanField(label=_("I checked the possible duplicates: this is another person"),
                                     required=False)

    field_order = ["team"]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = teams.first().public_id


class PersonNameForm(forms.Form):
    family_name = forms.CharField(label=_("Family name(s)"), max_length=200, required=False)
    given_names = forms.CharField(label=_("Given name(s)"), max_length=200, required=False)
    source = forms.ChoiceField(label=_("Source of this spelling"), choices=NameSource.choices)


class ResidenceStatusForm(forms.Form):
    status_type = forms.ModelChoiceField(label=_("Status"), queryset=ResidenceStatusType.objects.filter(is_active=True),
                                         to_field_name="code")
    paragraph = forms.CharField(label=_("Legal basis"), max_length=100, required=False,
                                help_text=_("For a residence permit the paragraph, e.g. § 25 Abs. 2 AufenthG."))
    valid_from = forms.DateField(label=_("Valid from"), help_text=_("DD.MM.YYYY"))
    valid_until = forms.DateField(label=_("Valid until"), required=False, help_text=_("DD.MM.YYYY"))
    document = forms.CharField(label=_("Document"), max_length=200, required=False,
                               help_text=_("For example the kind and number of the document."))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=lambda: [("", "–"), *code_choices("language")])
    level = forms.ChoiceField(label=_("Level"), choices=PersonLanguage.Level.choices,
                              help_text=_("For German the CEFR level (A1–C2)."))
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)


class RelationshipForm(forms.Form):
    kind = forms.ChoiceField(label=_("Relation"), choices=Relationship.Kind.choices,
                             help_text=_("Read as: this person is … of the chosen person."))
    relative = forms.ModelChoiceField(label=_("Related person"), queryset=None, to_field_name="public_id")

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relative"].queryset = persons


class HouseholdForm(forms.Form):
    name = forms.CharField(label=_("Name of the household"), max_length=200,
                           help_text=_("For example “Familie Haddad”."))
    address = forms.CharField(label=_("Address or accommodation"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))
    since = forms.DateField(label=_("Lives there since"), help_text=_("DD.MM.YYYY"))


class HouseholdMemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, to_field_name="public_id")
    since = forms.DateField(label=_("Lives there since"), help_text=_("DD.MM.YYYY"))

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, year of birth or file number"), max_length=200, required=False)


class ResidenceStatusTypeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50, help_text=_("Short, unique, e.g. duldung."))
    label = forms.CharField(label=_("Label"), max_length=200)
    needs_paragraph = forms.BooleanField(label=_("Legal basis must be given"), required=False)
    is_secure = forms.BooleanField(label=_("Counts as secure status"), required=False)
    is_active = forms.BooleanField(label=_("Can be chosen"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=32000, initial=100)


def _area_field(label, choices):
    return forms.ChoiceField(label=label, required=False, choices=[("", "–"), *choices])


class LifeSituationForm(forms.Form):
    """The situation as of a date; all areas together make one record (empty: not known)."""

    recorded_on = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text=_("Not in the future. A second entry on the same day replaces the first."))
    accommodation = _area_field(_("Accommodation"), Accommodation.choices)
    livelihood = _area_field(_("Main livelihood / benefits"), Livelihood.choices)
    labour_market = _area_field(_("Work"), LabourMarket.choices)
    education = _area_field(_("Education / school"), Education.choices)
    integration_course = _area_field(_("Integration course"), IntegrationCourse.choices)
    participation = _area_field(_("Social participation"), Participation.choices)

    def clean(self):
        cleaned = super().clean()
        areas = [name for name in self.fields if name != "recorded_on"]
        if not self.errors and not any(cleaned.get(name) for name in areas):
            raise forms.ValidationError(_("Please fill in at least one area of the life situation."))
        return cleaned
