"""Partner report views: thin — selectors read, services write, the policy decides.

Staff pages (login): a partner's report links (list, create, revoke) and one received report. Public pages
(no login, token in the URL): the report form and its neutral confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access.policy import Action
from lotse.audit.middleware import client_ip
from lotse.core.forms import add_service_errors
from lotse.partnerreports import forms, selectors, services
from lotse.partnerreports.models import ReportKind
from lotse.partnerreports.services import LinkState

NAV = "partners"


def _url(name: str, *args) -> str | None:
    """A page of the partner directory, when the directory offers it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _crumbs(partner, *tail):
    crumbs = [(_("Start"), reverse("core:home"))]
    directory = _url("network:partner_list")
    if directory:
        crumbs.append((_("Partners"), directory))
    detail = _url("network:partner_detail", partner.public_id)
    if detail:
        crumbs.append((partner.name, detail))
    return [*crumbs, *tail]


# ---- report links (staff) ------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def link_list(request, public_id):
    """The partner's report links, and a form for a new one. A new link's token is shown on the answer to the
    POST only (never stored in the session or shown again)."""
    partner = selectors.partner_get(actor=request.user, public_id=public_id)
    form = forms.ReportLinkForm(request.POST if request.method == "POST" else None,
                                initial={"expires_on": services.default_expiry()})
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            link, token = services.link_create(actor=request.user, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            created = {"link": link, "token": token,
                       "form_url": request.build_absolute_uri(reverse("partnerreports:report_form",
                                                                      args=[token])),
                       "api_url": request.build_absolute_uri(reverse("api:partner_report_create"))}
            form = forms.ReportLinkForm(initial={"expires_on": services.default_expiry()})
    links = selectors.link_list(actor=request.user, partner=partner)
    return render(request, "partnerreports/link_list.html", {
        "partner": partner, "links": links, "form": form, "created": created, "kinds": ReportKind,
        "active_nav": NAV, "breadcrumbs": _crumbs(partner, (_("Report links"), None))})


@require_POST
def link_revoke(request, public_id):
    link = selectors.link_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    services.link_revoke(actor=request.user, link=link)
    messages.success(request, _("The report link has been revoked. It no longer works."))
    return redirect("partnerreports:link_list", public_id=link.partner.public_id)


# ---- a received report (case team) ---------------------------------------------------------------

@require_GET
def report_detail(request, public_id):
    report = selectors.report_get(actor=request.user, public_id=public_id)
    case_url = reverse("cases:case_detail", args=[report.case.public_id])
    return render(request, "partnerreports/report_detail.html", {
        "report": report, "case": report.case, "active_nav": "cases",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
                        (str(report.case.person), case_url), (_("Partner report"), None)]})


# ---- the public report form ----------------------------------------------------------------------

def _public(response):
    """Public report pages: never cached, never indexed, never passed on as referrer (the token is in the
    URL)."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refused(request, state: LinkState):
    if state is LinkState.RATE_LIMITED:
        return _public(render(request, "partnerreports/rate_limited.html", status=429))
    return _public(render(request, "partnerreports/link_invalid.html",
                          status=410 if state is LinkState.INACTIVE else 404))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request, token):
    """The form a course provider or school fills in. Whatever becomes of the report, the answer is the
    same."""
    if request.method == "POST":
        link, state = services.link_admit(token=token, ip_address=client_ip(request))
    else:
        link, state = services.link_for_token(token)
    if state is not LinkState.VALID:
        return _refused(request, state)
    form = forms.PartnerReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_submit(link=link, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _public(redirect("partnerreports:report_thanks", token=token))
    return _public(render(request, "partnerreports/report_form.html", {
        "form": form, "partner": link.partner, "organisation": link.partner.organisation}))


@login_not_required
@never_cache
@require_GET
def report_thanks(request, token):
    """The neutral confirmation; it reads nothing, so it looks the same after every report."""
    return _public(render(request, "partnerreports/report_thanks.html", {"token": token}))
