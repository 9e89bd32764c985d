"""The document texts are data: lotse/documents/texts/<kind>.<language>.json, German plus translations.

German is the reference: its keys and order define the document; every translation must have the
same keys (a test checks this). Texts may contain ``{placeholders}`` that are filled from the object.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEXT_DIR = Path(__file__).resolve().parent / "texts"
REFERENCE_LANGUAGE = "de"
RTL_LANGUAGES = frozenset({"ar", "fa", "ps"})
# Code -> BCP 47 tag used in lang attributes (Dari shares the Persian texts: "fa" covers Farsi and Dari).
LANGUAGES = ("de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "fr", "ti")
TRANSLATION_STATUS = "machine-assisted draft, to be reviewed by a certified translator"


@dataclass(frozen=True)
class Language:
    code: str
    name: str

    @property
    def direction(self) -> str:
        return "rtl" if self.code in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class Pair:
    """One text in German and, for a bilingual document, in the client's language."""

    de: str
    other: str | None = None


@cache
def load(name: str, language: str) -> dict:
    """One text file as stored; cached for the life of the process."""
    path = TEXT_DIR / f"{name}.{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def language(code: str) -> Language:
    return Language(code=code, name=load("common", code)["texts"]["language_name"])


def _format(text: str, values: dict) -> str:
    return text.format_map(values) if "{" in text else text


def _pair(reference, translation, values: dict):
    if isinstance(reference, dict):
        return {key: _pair(value, translation[key] if translation is not None else None, values)
                for key, value in reference.items()}
    if isinstance(reference, list):
        return [_pair(value, translation[index] if translation is not None else None, values)
                for index, value in enumerate(reference)]
    return Pair(de=_format(reference, values),
                other=_format(translation, values) if translation is not None else None)


def bilingual(name: str, language: str, values: dict) -> dict:
    """The texts of ``name`` as a tree of :class:`Pair` leaves; ``other`` is None for German."""
    reference = load(name, REFERENCE_LANGUAGE)["texts"]
    translation = None if language == REFERENCE_LANGUAGE else load(name, language)["texts"]
    return _pair(reference, translation, values)


# ISO 639-2/3 codes of the language catalogue (codelists "sprachen") -> document language.
CATALOGUE_LANGUAGES = {
    "deu": "de", "ger": "de", "eng": "en", "ara": "ar", "arb": "ar", "apc": "ar", "acm": "ar", "fas": "fa",
    "per": "fa", "pes": "fa", "prs": "fa", "pus": "ps", "pbt": "ps", "pbu": "ps", "ukr": "uk", "rus": "ru",
    "tur": "tr", "fra": "fr", "fre": "fr", "tir": "ti",
}


def language_for(person) -> str:
    """The document language for the person: their preferred language if Lotse has texts for it, else German."""
    code = getattr(getattr(person, "preferred_language", None), "code", "") or ""
    return CATALOGUE_LANGUAGES.get(code.lower(), REFERENCE_LANGUAGE)
