"""Fonts for the PDF documents: Noto from the npm packages in node_modules, never from the internet.

The @fontsource packages split each font into script subsets; we declare only the subsets the supported
languages need. Each subset gets a family name of its own ("Noto Sans cyrillic") instead of one family
with ``unicode-range``: WeasyPrint identifies an embedded font by family, weight and style, so subsets
sharing a family would be merged in the PDF and draw Cyrillic text with the glyph ids of the Latin file.
"""

import json
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

# (CSS family, npm package, subsets); weights 400 and 700 of each.
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
    return _package_dir(package) / "files" / f"{name}-{subset}-{weight}-normal.woff2"


@cache
def font_face_css() -> str:
    """@font-face rules with file:// URLs into node_modules; cached, the files do not change at run time."""
    rules = []
    for family, package, subsets in FONTS:
        ranges = json.loads((_package_dir(package) / "unicode.json").read_text())
        for subset in subsets:
            for weight in WEIGHTS:
                path = _font_file(package, subset, weight)
                rules.append(
                    f'@font-face {{ font-family: "{_family(family, subset)}"; font-style: normal; '
                    f'font-weight: {weight}; src: url("{path.as_uri()}") format("woff2"); '
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
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/woff2"})
        raise ValueError(f"Fetching {url!r} is not allowed while rendering documents")
