"""Fonts for the PDF documents: from the npm packages in node_modules, never from the internet.

- Noto Sans: Latin (German, English, French, Turkish) and Cyrillic (Ukrainian, Russian).
- Vazirmatn: Arabic script (Arabic, Farsi/Dari, Pashto). Not Noto Sans/Naskh Arabic: those fonts draw
  letters as a shared dotless skeleton plus separate dot glyphs, and WeasyPrint maps each glyph to one
  character in the PDF's ToUnicode table, so copied or screen-read text came out with wrong letters
  (ف read as خ). Vazirmatn has one glyph per letter form, so the text layer is right.
- Noto Sans Ethiopic: Ge'ez script (Tigrinya).

The @fontsource packages split each font into script subsets; we declare only the subsets we need.
Each subset gets a family name of its own ("Noto Sans cyrillic"): WeasyPrint identifies an embedded
font by family, weight and style, so subsets sharing one family were merged in the PDF and drew
Cyrillic text with the glyphs of the Latin file. WOFF (zlib) rather than WOFF2: it loads ten times faster.
"""

import json
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

# (family, npm package, subsets); weights 400 and 700 of each.
FONTS = (
    ("Noto Sans", "@fontsource/noto-sans", ("latin", "latin-ext", "cyrillic", "cyrillic-ext")),
    ("Vazirmatn", "@fontsource/vazirmatn", ("arabic",)),
    ("Noto Sans Ethiopic", "@fontsource/noto-sans-ethiopic", ("ethiopic",)),
)
WEIGHTS = (400, 700)


def _family(family: str, subset: str) -> str:
    return f"{family} {subset}"


FONT_STACK = ", ".join(f'"{_family(family, subset)}"' for family, _, subsets in FONTS for subset in subsets)


def _package_dir(package: str) -> Path:
    return Path(settings.NODE_MODULES) / package


def _font_file(package: str, subset: str, weight: int) -> Path:
    name = package.split("/")[-1]
    return _package_dir(package) / "files" / f"{name}-{subset}-{weight}-normal.woff"


@cache
def font_face_css() -> str:
    """@font-face rules with file:// URLs into node_modules."""
    rules = []
    for family, package, subsets in FONTS:
        ranges = json.loads((_package_dir(package) / "unicode.json").read_text())
        for subset in subsets:
            for weight in WEIGHTS:
                path = _font_file(package, subset, weight)
                rules.append(
                    f'@font-face {{ font-family: "{_family(family, subset)}"; font-style: normal; '
                    f'font-weight: {weight}; src: url("{path.as_uri()}") format("woff"); '
                    f'unicode-range: {ranges[subset]}; }}'
                )
    return "\n".join(rules)


@cache
def allowed_font_files() -> frozenset[Path]:
    return frozenset(
        _font_file(package, subset, weight).resolve()
        for _, package, subsets in FONTS for subset in subsets for weight in WEIGHTS
    )


def missing_font_files() -> list[Path]:
    return sorted(path for path in allowed_font_files() if not path.is_file())


class LocalFontFetcher(URLFetcher):
    """Fetches only the declared font files; every other URL (http, data, other files) is refused."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if path in allowed_font_files():
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/woff"})
        raise ValueError(f"Fetching {url!r} is not allowed while rendering documents")
