from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.codelists.selectors import code_choices
from lotse.core.versioning import VersionField
from lotse.pools.models import LanguageLevel, PoolKind, PoolMember, PoolTopic
from lotse.pools.services import LINK_DAYS_DEFAULT, LanguageEntry, MemberData

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LANGUAGE_ROWS = 4


class PoolMemberForm(forms.Form):
    """An interpreter or volunteer; languages in up to four rows (language and optional level)."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, to_field_name="public_id",
                                          empty_label=None)
    kind = forms.ChoiceField(label=_("Role in the pool"), choices=PoolKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    availability = forms.CharField(label=_("Availability"), max_length=500, required=False,
                                   help_text=_("e.g. “Mon–Wed mornings, not during school holidays”"))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=PoolTopic.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    confidentiality_signed_on = forms.DateField(
        label=_("Confidentiality agreement signed on"), required=False, widget=DATE_WIDGET,
        help_text=_("Without a signed confidentiality agreement the person can neither be booked nor "
                    "assigned to a case."))
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()

    def __init__(self, *args, organisations=None, with_version: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        if not with_version:
            del self.fields["version"]
        languages = [("", "–"), *code_choices("language")]
        levels = [("", _("not stated")), *LanguageLevel.choices]
        for number in range(1, LANGUAGE_ROWS + 1):
            self.fields[f"language_{number}"] = forms.ChoiceField(
                label=_("Language %(number)d") % {"number": number}, choices=languages, required=False)
            self.fields[f"level_{number}"] = forms.ChoiceField(
                label=_("Level of language %(number)d") % {"number": number}, choices=levels, required=False)

    MAIN = ("organisation", "kind", "name", "phone", "email")
    MORE = ("availability", "topics", "confidentiality_signed_on", "notes")

    def main_fields(self):
        return [self[name] for name in self.MAIN if name in self.fields]

    def more_fields(self):
        return [self[name] for name in self.MORE]

    def language_fields(self):
        return [(self[f"language_{number}"], self[f"level_{number}"])
                for number in range(1, LANGUAGE_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for number in range(1, LANGUAGE_ROWS + 1):
            if data.get(f"level_{number}") and not data.get(f"language_{number}"):
                self.add_error(f"language_{number}", _("Please choose the language for this level."))
        return data

    def member_data(self) -> MemberData:
        data = self.cleaned_data
        languages = tuple(LanguageEntry(data[f"language_{number}"], data.get(f"level_{number}") or "")
                          for number in range(1, LANGUAGE_ROWS + 1) if data.get(f"language_{number}"))
        return MemberData(kind=data["kind"], name=data["name"], phone=data["phone"], email=data["email"],
                          languages=languages, availability=data["availability"],
                          topics=tuple(data["topics"]),
                          confidentiality_signed_on=data["confidentiality_signed_on"], notes=data["notes"])

    @staticmethod
    def initial_for(member: PoolMember) -> dict:
        initial = {name: getattr(member, name) for name in (
            "kind", "name", "phone", "email", "availability", "topics", "confidentiality_signed_on", "notes",
            "version")}
        for number, row in enumerate(member.language_rows.all()[:LANGUAGE_ROWS], start=1):
            initial[f"language_{number}"] = row.language.code
            initial[f"level_{number}"] = row.level
        return initial


class PoolFilterForm(forms.Form):
    art = forms.ChoiceField(label=_("Role in the pool"), required=False, choices=[
        ("", _("Interpreters and volunteers")), (PoolKind.INTERPRETER, _("Interpreters")),
        (PoolKind.VOLUNTEER, _("Volunteers"))])
    sprache = forms.ChoiceField(label=_("Language"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("aktiv", _("active")), ("inaktiv", _("inactive")), ("alle", _("all"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sprache"].choices = [("", _("All languages")), *code_choices("language")]

    def values(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"kind": "", "language": "", "status": "aktiv"}
        data = self.cleaned_data
        return {"kind": data["art"], "language": data["sprache"], "status": data["status"] or "aktiv"}


class LanguageFilterForm(forms.Form):
    sprache = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sprache"].choices = [("", _("All languages")), *code_choices("language")]

    def language(self) -> str | None:
        """The chosen code; None when nothing (valid) was chosen."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data["sprache"]


class BookForm(forms.Form):
    member = forms.UUIDField()
    version = VersionField()


class VersionForm(forms.Form):
    version = VersionField()


class StatusForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")
    version = VersionField()


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AssignmentForm(forms.Form):
    member = MemberChoiceField(
        label=_("Volunteer"), queryset=None, to_field_name="public_id",
        help_text=_("Only active volunteers who signed the confidentiality agreement."))
    purpose = forms.CharField(
        label=_("What the volunteer helps with"), max_length=300,
        help_text=_("e.g. “Accompaniment to the job centre”, “Homework help for Yusuf”"))
    since = forms.DateField(label=_("Since"), required=False, widget=DATE_WIDGET,
                            help_text=_("Leave empty for today."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class LinkForm(forms.Form):
    valid_days = forms.TypedChoiceField(label=_("The link is valid for"), coerce=int,
                                        initial=LINK_DAYS_DEFAULT, choices=[
                                            (7, _("7 days")), (14, _("14 days")), (30, _("30 days")),
                                            (90, _("90 days"))])
