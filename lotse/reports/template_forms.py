"""Forms of the template editor. The specification is edited as JSON text; its structure is checked by
:func:`lotse.reports.programme.validate_spec` (each problem as its own German message)."""

import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.organisations.models import ProgrammeOffering
from lotse.reports.programme import validate_spec

SPEC_MAX_CHARS = 200_000
MAX_DEPTH = 12


class _Refused(ValueError):
    pass


def _refuse_constant(name):
    raise _Refused(name)


def _depth(value, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(item, level + 1) for item in value.values()], default=level + 1)
    if isinstance(value, list):
        return max([_depth(item, level + 1) for item in value], default=level + 1)
    return level


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def parse_spec(text: str):
    """The JSON text as data, or a ValidationError with a German message (never an exception of the
    parser)."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except _Refused:
        message = _("The sections contain a number that JSON does not allow (NaN or Infinity).")
        raise forms.ValidationError(message, code="json") from None
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            _("The sections are not valid JSON (line %(line)s, column %(column)s)."),
            params={"line": error.lineno, "column": error.colno}, code="json") from None
    except (RecursionError, ValueError):
        raise forms.ValidationError(_("The sections are nested too deeply."), code="json") from None
    if _depth(value) > MAX_DEPTH:
        raise forms.ValidationError(_("The sections are nested too deeply."), code="json")
    if _has_nul(value):
        raise forms.ValidationError(_("The sections contain a null character."), code="json")
    return value


class FilterForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), required=False,
                                  choices=[("", _("All programmes")), *ProgrammeOffering.Programme.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Active and inactive")), ("active", _("active")),
                                        ("inactive", _("inactive"))])

    def chosen(self) -> dict:
        """The valid choices; anything else is ignored (the list is shown unfiltered)."""
        if not self.is_bound or not self.is_valid():
            return {"programme": "", "status": ""}
        return {"programme": self.cleaned_data["programme"], "status": self.cleaned_data["status"]}


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    funder = forms.CharField(label=_("Funder"), max_length=200, required=False)
    programme = forms.ChoiceField(label=_("Programme"), choices=ProgrammeOffering.Programme.choices,
                                  help_text=_("The report counts the cases of this programme."))
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    spec = forms.CharField(
        label=_("Sections (JSON)"), max_length=SPEC_MAX_CHARS, strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "lotse-code"}),
        help_text=_("An object with the list “sections”; each section has key, title (de/en), unit, "
                    "dimension and the dimension's params. The units and dimensions are listed below."))
    loaded = forms.CharField(
        widget=forms.HiddenInput, max_length=64,
        error_messages={"required": _("The form is incomplete. Please reload the page.")})

    def clean_spec(self):
        value = parse_spec(self.cleaned_data["spec"])
        errors = validate_spec(value)
        if errors:
            raise forms.ValidationError(errors)
        return value


class CopyForm(forms.Form):
    code = forms.SlugField(label=_("Code of the new template"), max_length=50,
                           help_text=_("Lower-case letters, digits, “-” or “_”; it names the report kind."))
    name = forms.CharField(label=_("Name of the new template"), max_length=200)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,49}", code):
            raise forms.ValidationError(_("Use lower-case letters, digits, “-” or “_” only."), code="code")
        return code


def spec_text(spec) -> str:
    return json.dumps(spec, ensure_ascii=False, indent=2)
