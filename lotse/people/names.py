"""Checks and clean-up of names as typed or pasted by counsellors."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NAME_MAX_LENGTH = 200

# Dropped silently: invisible characters that copy-and-paste brings along and that carry no meaning.
_DROPPED = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u180e"))
# Refused: bidi overrides and isolates can make a name display differently from what is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _script(ch: str) -> str:
    if not ch.isalpha():
        return "neutral"
    name = unicodedata.name(ch, "")
    return "latin" if name.startswith("LATIN") else "other"


def clean_name(value: str, *, field: str, script: str = "latin", required: bool = False) -> str:
    """Normalise a name field or raise a ValidationError whose message says what to change.

    ``script`` is ``latin`` for the names as written in German documents and ``original`` for the
    name in original script (Arabic, Cyrillic, Ge'ez, …).
    """
    value = unicodedata.normalize("NFC", value or "").translate(_DROPPED)
    if any(ch in _BIDI_CONTROLS for ch in value):
        raise ValidationError({field: _("The name contains invisible direction-control characters. "
                                        "Please type it again without copying it.")})
    if any(unicodedata.category(ch) in {"Cc", "Cf"} and ch not in "\u200c\u200d" for ch in value):
        raise ValidationError({field: _("The name contains control characters. Please type it again.")})
    value = " ".join(value.split())
    if required and not value:
        raise ValidationError({field: _("Please enter the name.")})
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationError({field: _("A name can have at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}})
    if value and not any(ch.isalpha() for ch in value):
        raise ValidationError({field: _("A name must contain letters.")})
    if any(ch.isdigit() for ch in value):
        raise ValidationError({field: _("A name must not contain digits.")})
    scripts = {_script(ch) for ch in value} - {"neutral"}
    if script == "latin" and "other" in scripts:
        raise ValidationError({field: _("Please write the name in Latin letters as in German documents; "
                                        "the original script has its own field.")})
    if script == "original" and scripts == {"latin"}:
        raise ValidationError({field: _("This field is for the name in its original script (e.g. Arabic or "
                                        "Cyrillic letters).")})
    return value
