"""HTML to tagged PDF (PDF/UA-1) with WeasyPrint, offline."""

import logging
import threading

from django.core.exceptions import ImproperlyConfigured
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from lotse.documents.fonts import LocalFontFetcher, font_face_css, missing_font_files

PDF_VARIANT = "pdf/ua-1"
_local = threading.local()
# Seven INFO lines per document ("Step 1 - Fetching and parsing HTML" ...) would flood the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _fonts() -> tuple[FontConfiguration, CSS]:
    """Loading the fonts costs more than a whole document, so each thread loads them once and keeps them.

    Per thread because WeasyPrint's font configuration wraps fontconfig/Pango objects that are not
    meant to be shared between threads.
    """
    cached = getattr(_local, "fonts", None)
    if cached is None:
        missing = missing_font_files()
        if missing:
            raise ImproperlyConfigured(f"Font files missing (run npm ci): {', '.join(map(str, missing))}")
        font_config = FontConfiguration()
        css = CSS(string=font_face_css(), font_config=font_config, url_fetcher=LocalFontFetcher())
        cached = _local.fonts = (font_config, css)
    return cached


def html_to_pdf(html: str) -> bytes:
    font_config, font_css = _fonts()
    document = HTML(string=html, base_url=None, url_fetcher=LocalFontFetcher())
    return document.write_pdf(stylesheets=[font_css], font_config=font_config,
                              pdf_variant=PDF_VARIANT, pdf_tags=True)
