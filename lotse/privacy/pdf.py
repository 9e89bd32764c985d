"""HTML → PDF with WeasyPrint, never fetching anything: no network, no files outside the document."""

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class LocalOnlyFetcher(URLFetcher):
    """Allows only ``data:`` URLs embedded in the document itself."""

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError(f"External resources are not loaded: {url[:40]}")
        return super().fetch(url, headers)


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url="about:blank", url_fetcher=LocalOnlyFetcher()).write_pdf()
