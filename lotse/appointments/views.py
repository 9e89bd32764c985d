"""Appointment views: thin — selectors read, services write, the policy decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.appointments import forms, ical, selectors, services
from lotse.appointments.models import Appointment
from lotse.audit.services import audit_security
from lotse.cases.selectors import case_get
from lotse.core.forms import add_service_errors
from lotse.core.versioning import is_stale, stale_context

NAV = "appointments"


def _crumbs(*tail):
    return [(_("Start"), reverse("core:home")), (_("My appointments"), reverse("appointments:appointment_list")),
            *tail]


def _may_work(user) -> None:
    if not policy.casework_team_ids(user):
        policy.deny(user, "appointment.list")


def _detail_url(appointment: Appointment) -> str:
    return reverse("appointments:appointment_detail", args=[appointment.public_id])


def _form_page(request, *, form, title, submit_label, cancel_url, breadcrumbs, stale=None, extra=None):
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": cancel_url, "active_nav": NAV,
        "stale": stale, "breadcrumbs": breadcrumbs, **(extra or {})}, status=409 if stale else 200)


# ---- lists ---------------------------------------------------------------------------------------

@require_GET
def appointment_list(request):
    _may_work(request.user)
    page = selectors.upcoming(actor=request.user, cursor=request.GET.get("seite"))
    return render(request, "appointments/appointment_list.html", {
        "page": page, "active_nav": NAV, "breadcrumbs": [(_("Start"), reverse("core:home")),
                                                          (_("My appointments"), None)]})


@require_GET
def appointment_week(request):
    _may_work(request.user)
    monday = selectors.week_start(request.GET.get("woche"))
    context = selectors.week(actor=request.user, monday=monday)
    return render(request, "appointments/week.html", {
        **context, "active_nav": NAV, "breadcrumbs": _crumbs((_("Week"), None))})


@require_GET
def case_appointment_list(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    page = selectors.case_appointments(actor=request.user, case=case, cursor=request.GET.get("seite"))
    return render(request, "appointments/case_appointments.html", {
        "case": case, "page": page, "active_nav": "cases",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
                        (str(case.person), reverse("cases:case_detail", args=[case.public_id])),
                        (_("Appointments"), None)]})


# ---- create and edit -----------------------------------------------------------------------------

def _create(request, *, form, team, case):
    try:
        appointment = services.appointment_create(actor=request.user, team=team, case=case, **form.service_values())
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, _("The appointment has been saved."))
    return redirect(_detail_url(appointment))


@require_http_methods(["GET", "POST"])
def case_appointment_create(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    staff = selectors.staff_choices(actor=request.user, teams=[case.team])
    form = forms.AppointmentForm(request.POST or None, staff=staff,
                                 initial=forms.AppointmentForm.initial_new(owner=case.owner or request.user))
    case_url = reverse("cases:case_detail", args=[case.public_id])
    if case.status != case.Status.OPEN:
        messages.error(request, _("The case is not open. Reopen it first."))
        return redirect(case_url)
    if request.method == "POST" and form.is_valid():
        response = _create(request, form=form, team=case.team, case=case)
        if response is not None:
            return response
    title = _("New appointment")
    return _form_page(request, form=form, title=title, submit_label=_("Save appointment"), cancel_url=case_url,
                      breadcrumbs=[(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
                                   (str(case.person), case_url), (title, None)])


@require_http_methods(["GET", "POST"])
def appointment_create(request):
    """An internal appointment without a case (team meeting, network meeting, …)."""
    _may_work(request.user)
    teams = selectors.appointment_teams(actor=request.user)
    staff = selectors.staff_choices(actor=request.user, teams=teams)
    form = forms.AppointmentForm(request.POST or None, teams=teams, staff=staff,
                                 initial=forms.AppointmentForm.initial_new(owner=request.user))
    if request.method == "POST" and form.is_valid():
        response = _create(request, form=form, team=form.cleaned_data["team"], case=None)
        if response is not None:
            return response
    title = _("New internal appointment")
    return _form_page(request, form=form, title=title, submit_label=_("Save appointment"),
                      cancel_url=reverse("appointments:appointment_list"), breadcrumbs=_crumbs((title, None)),
                      extra={"intro": _("An appointment without a case, e.g. a team or network meeting. "
                                        "Appointments with a client are made in the case.")})


@require_GET
def appointment_detail(request, public_id):
    appointment = selectors.appointment_get(actor=request.user, public_id=public_id)
    selectors.appointment_detail(actor=request.user, appointment=appointment)
    from lotse.documents import texts

    return render(request, "appointments/appointment_detail.html", {
        "appointment": appointment, "case": appointment.case, "statuses": Appointment.Status,
        "document_language": texts.language_for(appointment.case.person) if appointment.case_id else "de",
        "document_languages": [texts.language(code) for code in texts.LANGUAGES],
        "active_nav": NAV, "breadcrumbs": _crumbs((_("Appointment"), None))})


@require_http_methods(["GET", "POST"])
def appointment_edit(request, public_id):
    appointment = selectors.appointment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    detail_url = _detail_url(appointment)
    if appointment.status != Appointment.Status.PLANNED:
        messages.error(request, _("Only planned appointments can be changed."))
        return redirect(detail_url)
    staff = selectors.staff_choices(actor=request.user, teams=[appointment.team])
    form = forms.AppointmentForm(request.POST or None, staff=staff, with_version=True,
                                 initial=forms.AppointmentForm.initial_for(appointment))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(actor=request.user, appointment=appointment,
                                        version=form.cleaned_data["version"], **form.service_values())
        except ValidationError as error:
            if is_stale(error):
                current = selectors.appointment_get(actor=request.user, public_id=public_id)
                stale = stale_context(form, current, compare=False)
                stale["differences"] = _differences(form, current)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The appointment has been saved."))
            return redirect(detail_url)
    title = _("Change the appointment")
    return _form_page(request, form=form, title=title, submit_label=_("Save"), cancel_url=detail_url,
                      breadcrumbs=_crumbs((_("Appointment"), detail_url), (title, None)), stale=stale)


def _differences(form, current: Appointment) -> list:
    """The stored appointment against the form, field by field, in the form's terms."""
    from lotse.core.versioning import Difference, _display

    stored = forms.AppointmentForm.initial_for(current)
    result = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        yours = form.cleaned_data[name]
        mine = stored.get(name)
        if name == "owner":
            yours = yours.public_id if yours is not None else None
            shown_stored, shown_yours = str(current.owner), str(form.cleaned_data[name])
        else:
            shown_stored, shown_yours = _display(field, mine), _display(field, yours)
        if (mine or None) != (yours or None):
            result.append(Difference(label=str(field.label), stored=shown_stored, yours=shown_yours))
    return result


@require_POST
def appointment_status(request, public_id):
    appointment = selectors.appointment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.StatusForm(request.POST)
    detail_url = _detail_url(appointment)
    if not form.is_valid():
        messages.error(request, _("The appointment could not be changed. Please reload the page."))
        return redirect(detail_url)
    try:
        services.appointment_set_status(actor=request.user, appointment=appointment, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The appointment has been updated."))
    return redirect(detail_url)


@require_GET
def appointment_letter(request, public_id):
    from lotse.documents.views import _language, document_download

    appointment = selectors.appointment_get(actor=request.user, public_id=public_id)
    if "sprache" not in request.GET:
        return _letter_language_page(request, appointment)
    return document_download(request, kind="appointment_letter", obj=appointment, language=_language(request))


def _letter_language_page(request, appointment):
    from lotse.documents import texts

    detail_url = _detail_url(appointment)
    return render(request, "appointments/letter_language.html", {
        "appointment": appointment,
        "document_language": texts.language_for(appointment.case.person) if appointment.case_id else "de",
        "document_languages": [texts.language(code) for code in texts.LANGUAGES], "active_nav": NAV,
        "breadcrumbs": _crumbs((_("Appointment"), detail_url), (_("Appointment letter"), None))})


# ---- office hours --------------------------------------------------------------------------------

@require_GET
def office_hours(request):
    teams = list(selectors.office_hour_teams(actor=request.user))
    if not teams:
        policy.deny(request.user, "office_hour.list")
    schedule = selectors.office_hour_schedule(actor=request.user, teams=teams)
    return render(request, "appointments/office_hours.html", {
        **schedule, "teams": teams, "may_add": bool(policy.casework_team_ids(request.user)), "active_nav": NAV,
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Office hours"), None)]})


def _office_hour_staff(actor, teams):
    """Whose office hours the actor can keep: their own, and as team lead the team's counsellors."""
    from lotse.accounts.models import User
    from lotse.organisations.models import Membership, Role

    led = [team.pk for team in teams if policy.leads_team(actor, team)]
    members = Membership.objects.filter(team_id__in=led, is_active=True, role__in=[Role.COUNSELLOR, Role.TEAM_LEAD])
    return User.objects.filter(is_active=True).filter(
        pk__in=[actor.pk, *members.values_list("user_id", flat=True)]).order_by("last_name", "first_name",
                                                                                "username")


@require_http_methods(["GET", "POST"])
def office_hour_create(request):
    _may_work(request.user)
    teams = selectors.appointment_teams(actor=request.user)
    form = forms.OfficeHourForm(request.POST or None, teams=teams, staff=_office_hour_staff(request.user, teams),
                                initial={"user": request.user.public_id})
    list_url = reverse("appointments:office_hours")
    if request.method == "POST" and form.is_valid():
        try:
            services.office_hour_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The office hour has been saved."))
            return redirect(list_url)
    title = _("New office hour")
    return _form_page(request, form=form, title=title, submit_label=_("Save office hour"), cancel_url=list_url,
                      breadcrumbs=[(_("Start"), reverse("core:home")), (_("Office hours"), list_url), (title, None)])


@require_http_methods(["GET", "POST"])
def office_hour_edit(request, public_id):
    hour = selectors.office_hour_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.OfficeHourForm(request.POST or None, staff=_office_hour_staff(request.user, [hour.team]), initial={
        "user": hour.user.public_id, "weekday": hour.weekday, "starts_at": hour.starts_at, "ends_at": hour.ends_at,
        "location": hour.location, "room": hour.room, "valid_from": hour.valid_from,
        "valid_until": hour.valid_until})
    list_url = reverse("appointments:office_hours")
    if request.method == "POST" and form.is_valid():
        try:
            services.office_hour_update(actor=request.user, office_hour=hour, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The office hour has been saved."))
            return redirect(list_url)
    title = _("Change the office hour")
    return _form_page(request, form=form, title=title, submit_label=_("Save"), cancel_url=list_url,
                      breadcrumbs=[(_("Start"), reverse("core:home")), (_("Office hours"), list_url), (title, None)])


@require_POST
def office_hour_end(request, public_id):
    hour = selectors.office_hour_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    services.office_hour_end(actor=request.user, office_hour=hour)
    messages.success(request, _("The office hour has been ended."))
    return redirect("appointments:office_hours")


# ---- calendar feed -------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    _may_work(request.user)
    feed = selectors.calendar_feed_of(actor=request.user)
    form = forms.CalendarFeedForm(request.POST or None,
                                  initial={"include_initials": feed.include_initials if feed else False})
    token = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("aktion", "")
        initials = form.cleaned_data["include_initials"]
        if action == "erstellen":
            feed, token = services.calendar_feed_create(actor=request.user, include_initials=initials)
            messages.success(request, _("The calendar address has been created. Copy it now: it is shown only once."))
        elif action == "speichern" and feed is not None:
            feed = services.calendar_feed_set_initials(actor=request.user, include_initials=initials)
            messages.success(request, _("The setting has been saved."))
            return redirect("appointments:calendar_settings")
        elif action == "loeschen":
            services.calendar_feed_delete(actor=request.user)
            messages.success(request, _("The calendar address has been deleted. It no longer works."))
            return redirect("appointments:calendar_settings")
        else:
            messages.error(request, _("Unknown action. Please use one of the buttons."))
            return redirect("appointments:calendar_settings")
    feed_url = request.build_absolute_uri(reverse("appointments:calendar_feed", args=[token])) if token else None
    return render(request, "appointments/calendar_settings.html", {
        "feed": feed, "form": form, "feed_url": feed_url, "active_nav": NAV,
        "breadcrumbs": _crumbs((_("Calendar subscription"), None))})


@login_not_required
@require_GET
def calendar_feed(request, token):
    """The iCal feed; unknown, regenerated and deleted tokens all answer 404."""
    feed = services.calendar_feed_authenticate(token)
    if feed is None:
        raise Http404
    contents = selectors.feed_contents(feed=feed)
    body = ical.feed_calendar(appointments=contents["appointments"], office_hours=contents["office_hours"],
                              with_initials=feed.include_initials, language=feed.user.language or "de")
    audit_security(actor=None, actor_label=feed.user.get_username(), action="calendar_feed.fetched",
                   details={"user": str(feed.user.public_id), "events": len(contents["appointments"]),
                            "office_hours": len(contents["office_hours"])})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="lotse-termine.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
