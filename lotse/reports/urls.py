from django.urls import path, register_converter

from lotse.reports import views

app_name = "reports"


class KindConverter:
    """A report kind's code; words used by other pages under /statistik/ are not kinds, so those pages
    (e.g. the template editor at /statistik/vorlagen/) stay reachable whatever the include order."""

    regex = "[-a-zA-Z0-9_]+"
    RESERVED = frozenset({"vorlagen", "zielgruppen", "exporte"})

    def to_python(self, value: str) -> str:
        if value in self.RESERVED:
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "report_kind")

urlpatterns = [
    path("statistik/", views.overview, name="overview"),
    path("statistik/<report_kind:kind>/", views.report, name="report"),
    *[path(f"statistik/<report_kind:kind>/export.{fmt}", views.report_export, {"fmt": fmt},
           name=f"report_{fmt}") for fmt in views.FORMATS],
]
