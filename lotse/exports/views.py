"""Export pages: request (from a list page), status with progress, download, the user's own exports."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lotse.core.views import safe_next
from lotse.exports import selectors, services
from lotse.exports.forms import ExportRequestForm, NewExportForm

NAV = "account"  # exports are the user's own, next to the account page


def _crumbs(*tail):
    return [(_("Start"), reverse("core:home")), (_("My exports"), reverse("exports:export_list")), *tail]


def _problem(request, *, status: int, title: str, message: str, job=None):
    return render(request, "exports/export_problem.html", {
        "title": title, "message": message, "job": job, "status": status,
        "back_url": safe_next(request, reverse("exports:export_list")),
        "breadcrumbs": _crumbs((title, None)),
    }, status=status)


@require_GET
def export_list(request):
    services.export_expire_due(actor=request.user)
    return render(request, "exports/export_list.html", {
        "jobs": selectors.export_list(actor=request.user),
        "form": NewExportForm(kinds=selectors.exportable_kinds(actor=request.user)),
        "ttl_hours": int(services.ttl().total_seconds() // 3600), "active_nav": NAV,
        "breadcrumbs": _crumbs()[:-1] + [(_("My exports"), None)],
    })


@require_POST
def export_create(request):
    form = ExportRequestForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([message for errors in form.errors.values() for message in errors])
        job = services.export_request(actor=request.user, kind=form.cleaned_data["kind"],
                                      parameters=form.cleaned_data["parameters"],
                                      format=form.cleaned_data["format"])
    except ValidationError as error:
        return _problem(request, status=400, title=_("The export could not be started"),
                        message=" ".join(error.messages))
    return redirect("exports:export_detail", public_id=job.public_id)


@require_GET
def export_detail(request, public_id):
    job = services.export_check(job=selectors.export_get(actor=request.user, public_id=public_id))
    template = "exports/export_detail.html#status" if request.htmx else "exports/export_detail.html"
    return render(request, template, {"job": job, "parameters_query": urlencode(job.parameters),
                                      "active_nav": NAV, "breadcrumbs": _crumbs((job.title, None))})


@require_POST
def export_download(request, public_id):
    """A POST (with CSRF token): every download is audited, so no other site can trigger one."""
    job = selectors.export_get(actor=request.user, public_id=public_id, content=True)
    try:
        services.export_download(actor=request.user, job=job)
    except services.ExportGone:
        return _problem(request, status=410, job=job, title=_("The export has expired"),
                        message=_("The file was deleted when it expired. Please request the export again."))
    except services.ExportNotReady:
        return _problem(request, status=409, job=job, title=_("The export is not ready"),
                        message=job.error or _("The file is still being created. Please wait a moment."))
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "no-store"
    return response
