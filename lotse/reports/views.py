"""Report pages and downloads: thin — the form offers the actor's choices, ``report_build`` checks, builds,
protects and audits, ``render`` draws the same report in every format."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lotse.access import policy
from lotse.core.forms import add_service_errors
from lotse.reports import render as output
from lotse.reports.forms import OverviewForm, ReportChoices, ReportForm
from lotse.reports.selectors import report_build

NAV = "reports"
FORMATS = output.FORMATS
REFUSED = "reports.figures"


def _crumbs(*tail):
    return [(_("Start"), reverse("core:home")), (_("Statistics"), reverse("reports:overview")), *tail]


def _choices(request) -> ReportChoices:
    choices = ReportChoices(request.user)
    if not choices.organisations:
        policy.deny(request.user, REFUSED)
    return choices


@require_GET
def overview(request):
    choices = _choices(request)
    kinds = choices.kinds()
    if not kinds:
        policy.deny(request.user, REFUSED)
    status = 200
    if "kind" in request.GET:
        form = OverviewForm(request.GET, choices=choices)
        if form.refused:
            policy.deny(request.user, REFUSED)
        if form.is_valid():
            target = reverse("reports:report", kwargs={"kind": form.cleaned_data["kind"]})
            return redirect(f"{target}?{urlencode(form.query())}")
        status = 400
    else:
        form = OverviewForm(choices=choices, initial={"kind": kinds[0].code, **choices.defaults(None)})
    return render(request, "reports/overview.html", {
        "form": form, "kinds": [(kind, reverse("reports:report", kwargs={"kind": kind.code})) for kind in kinds],
        "active_nav": NAV, "breadcrumbs": _crumbs()}, status=status)


def _prepare(request, kind: str, *, purpose: str = "viewed", output_format: str = "html"):
    """(kind, form, report or None): a refused choice raises PermissionDenied, an invalid one leaves the form
    with its errors and no report."""
    choices = _choices(request)
    report_kind = choices.kind(kind)
    if report_kind is None:
        raise Http404(_("There is no report of this kind."))
    form = ReportForm.from_query(request.GET, choices=choices, kind=report_kind)
    if form.refused:
        policy.deny(request.user, REFUSED)
    report = None
    if form.is_valid():
        try:
            report = report_build(actor=request.user, kind=report_kind.code, purpose=purpose,
                                  output_format=output_format, **form.parameters())
        except ValidationError as error:
            add_service_errors(form, error)
    return report_kind, form, report


def _page(request, report_kind, form, report):
    downloads = []
    if report is not None:
        query = urlencode(form.query())
        downloads = [(fmt.upper(), f"{reverse(f'reports:report_{fmt}', kwargs={'kind': report_kind.code})}?{query}")
                     for fmt in FORMATS]
    context = {"kind": report_kind, "form": form, "downloads": downloads, "active_nav": NAV,
               "breadcrumbs": _crumbs((report_kind.label, None))}
    if report is not None:
        context.update(output.report_context(report))
    return render(request, "reports/report.html", context, status=200 if report is not None else 400)


@require_GET
def report(request, kind):
    return _page(request, *_prepare(request, kind))


@require_GET
def report_export(request, kind, fmt):
    report_kind, form, built = _prepare(request, kind, purpose="exported", output_format=fmt)
    if built is None:
        return _page(request, report_kind, form, None)
    rendered = output.render(built, fmt, kind_label=report_kind.label)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
