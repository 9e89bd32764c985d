"""Case conference views: thin — selectors read, services write, the policy decides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access.policy import Action
from lotse.cases.selectors import case_get
from lotse.conferences import selectors, services
from lotse.conferences.forms import (KIND_PARAMETER, KINDS, CancelForm, ConferenceForm, DecisionForm, MinutesForm,
                                     ParticipantForm, kind_from)
from lotse.conferences.models import ConferenceStatus, ParticipantKind
from lotse.core.forms import add_service_errors
from lotse.core.versioning import refusal_context
from lotse.documents import texts
from lotse.documents.views import document_download

NAV = "cases"
KIND = "conference_summary"


def _crumbs(case, *tail):
    return [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
            (str(case.person), reverse("cases:case_detail", args=[case.public_id])), *tail]


def _conference_crumbs(conference, *tail):
    return _crumbs(conference.case, (_("Case conferences"), reverse("conferences:case_conference_list",
                                                                     args=[conference.case.public_id])),
                   (conference.title, reverse("conferences:conference_detail", args=[conference.public_id])), *tail)


def _detail_url(conference) -> str:
    return reverse("conferences:conference_detail", args=[conference.public_id])


def _form_page(request, *, form, title, submit_label, cancel_url, breadcrumbs, intro="", stale=None,
               template="core/form_page.html", extra=None):
    return render(request, template, {
        "form": form, "title": title, "intro": intro, "submit_label": submit_label, "cancel_url": cancel_url,
        "stale": stale, "active_nav": NAV, "breadcrumbs": breadcrumbs, **(extra or {})},
        status=409 if stale else 200)


@require_GET
def case_conference_list(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    page = selectors.conferences_for_case(actor=request.user, case=case, cursor=request.GET.get("seite"))
    return render(request, "conferences/conference_list.html", {
        "case": case, "page": page, "active_nav": NAV, "breadcrumbs": _crumbs(case, (_("Case conferences"), None))})


@require_http_methods(["GET", "POST"])
def conference_create(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = ConferenceForm(request.POST or None, persons=services.discussed_choices(case),
                          initial={"persons": [case.person.public_id]})
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.conference_create(actor=request.user, case=case, data=form.conference_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case conference has been planned. Now invite the participants."))
            return redirect(_detail_url(conference))
    title = _("Plan a case conference")
    return _form_page(request, form=form, title=title, submit_label=_("Plan the case conference"),
                      cancel_url=reverse("cases:case_detail", args=[case.public_id]),
                      breadcrumbs=_crumbs(case, (title, None)),
                      intro=_("A case conference needs the family's consent to sharing with named partners. Partners "
                              "can only be invited when the family has released the information discussed to them."))


@require_GET
def conference_detail(request, public_id):
    conference = selectors.conference_get(actor=request.user, public_id=public_id)
    detail = selectors.conference_detail(actor=request.user, conference=conference)
    case = conference.case
    return render(request, "conferences/conference_detail.html", {
        "conference": conference, "case": case, **detail, "active_nav": NAV,
        "may_change": case.status == "open" and conference.status == ConferenceStatus.PLANNED,
        "may_record": case.status == "open" and conference.status != ConferenceStatus.CANCELLED,
        "may_decide": case.status == "open" and services.may_decide(conference),
        "cancel_form": CancelForm(initial={"version": conference.version}),
        "kinds": [(slug, kind.label) for slug, kind in KINDS.items()], "kind_parameter": KIND_PARAMETER,
        "document_language": texts.language_for(case.person),
        "document_language_name": texts.language(texts.language_for(case.person)).name,
        "breadcrumbs": _crumbs(case, (_("Case conferences"), reverse("conferences:case_conference_list",
                                                                      args=[case.public_id])),
                               (conference.title, None))})


@require_http_methods(["GET", "POST"])
def conference_edit(request, public_id):
    conference = selectors.conference_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = conference.case
    initial = {"title": conference.title, "scheduled_at": timezone.localtime(conference.scheduled_at),
               "location": conference.location, "categories": conference.categories, "agenda": conference.agenda,
               "persons": [person.public_id for person in conference.persons.all()], "version": conference.version}
    form = ConferenceForm(request.POST or None, persons=services.discussed_choices(case), initial=initial, edit=True)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_update(actor=request.user, conference=conference,
                                       version=form.cleaned_data["version"], data=form.conference_data())
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.conference_get(actor=request.user, public_id=public_id))
        else:
            messages.success(request, _("The case conference has been saved."))
            return redirect(_detail_url(conference))
    title = _("Change the case conference")
    return _form_page(request, form=form, title=title, submit_label=_("Save"), cancel_url=_detail_url(conference),
                      breadcrumbs=_conference_crumbs(conference, (title, None)), stale=stale,
                      intro=_("New information categories or family members are checked against the releases of "
                              "every partner taking part."))


PARTICIPANT_TITLES = {ParticipantKind.STAFF: gettext_lazy("Invite a colleague"),
                      ParticipantKind.PARTNER: gettext_lazy("Invite a partner"),
                      ParticipantKind.FAMILY: gettext_lazy("Invite a family member"),
                      ParticipantKind.OTHER: gettext_lazy("Invite another person")}


def _participant_form(request, conference, kind: str) -> ParticipantForm:
    """The form for one kind of participant; who is already invited is not offered again."""
    case = conference.case
    invited = selectors.participant_choices(actor=request.user, conference=conference)
    choices = {}
    if kind == ParticipantKind.STAFF:
        choices["users"] = selectors.staff_choices(actor=request.user, case=case).exclude(
            pk__in=invited.filter(user__isnull=False).values("user_id"))
    elif kind == ParticipantKind.PARTNER:
        choices["partners"] = selectors.partner_choices(actor=request.user, case=case)
    elif kind == ParticipantKind.FAMILY:
        choices["persons"] = services.discussed_choices(case).exclude(
            pk__in=invited.filter(person__isnull=False).values("person_id"))
    return ParticipantForm(request.POST or None, kind=kind, **choices)


@require_http_methods(["GET", "POST"])
def participant_add(request, public_id):
    conference = selectors.conference_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    slug, kind = kind_from(request.GET.get(KIND_PARAMETER))
    form = _participant_form(request, conference, kind)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_add(actor=request.user, conference=conference,
                                                   data=form.participant_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been invited.") % {"name": participant.display_name})
            return redirect(f"{_detail_url(conference)}#teilnehmende")
    title = str(PARTICIPANT_TITLES[kind])
    intro = ""
    if kind == ParticipantKind.PARTNER:
        intro = _("Only partners for whom the family has given a valid release from confidentiality covering "
                  "%(what)s can take part. The check is recorded.") % {
            "what": ", ".join(selectors.category_labels(conference.categories))}
    return _form_page(request, form=form, title=title, submit_label=_("Invite"), cancel_url=_detail_url(conference),
                      breadcrumbs=_conference_crumbs(conference, (title, None)), intro=intro,
                      template="conferences/participant_form.html",
                      extra={"kind_slug": slug, "kind_parameter": KIND_PARAMETER,
                             "kinds": [(key, PARTICIPANT_TITLES[value]) for key, value in KINDS.items()]})


@require_POST
def participant_remove(request, public_id, participant_id):
    conference = selectors.conference_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    participant = selectors.participant_find(actor=request.user, conference=conference, public_id=participant_id)
    if participant is None:
        messages.info(request, _("This person is no longer invited."))
        return redirect(f"{_detail_url(conference)}#teilnehmende")
    try:
        services.participant_remove(actor=request.user, participant=participant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is no longer invited.") % {"name": participant.display_name})
    return redirect(f"{_detail_url(conference)}#teilnehmende")


@require_http_methods(["GET", "POST"])
def conference_minutes(request, public_id):
    conference = selectors.conference_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    participants = selectors.participant_choices(actor=request.user, conference=conference)
    initial = {"minutes": conference.minutes, "version": conference.version,
               "attended": [p.public_id for p in participants if p.attended]}
    if conference.held_on:
        initial["held_on"] = conference.held_on
    elif timezone.localtime(conference.scheduled_at).date() <= timezone.localdate():
        initial["held_on"] = timezone.localtime(conference.scheduled_at).date()
    form = MinutesForm(request.POST or None, participants=participants, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_record_minutes(actor=request.user, conference=conference,
                                               version=form.cleaned_data["version"],
                                               held_on=form.cleaned_data["held_on"],
                                               minutes=form.cleaned_data["minutes"],
                                               attended=list(form.cleaned_data["attended"]))
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.conference_get(actor=request.user, public_id=public_id))
        else:
            messages.success(request, _("The minutes have been saved; the case conference is marked as held."))
            return redirect(_detail_url(conference))
    title = _("Minutes and attendance")
    return _form_page(request, form=form, title=title, submit_label=_("Save the minutes"),
                      cancel_url=_detail_url(conference), breadcrumbs=_conference_crumbs(conference, (title, None)),
                      stale=stale, intro=_("Saving the minutes marks the case conference as held. Record the "
                                           "decisions afterwards: they go into the integration plan and the "
                                           "family's summary."))


@require_http_methods(["GET", "POST"])
def decision_create(request, public_id):
    conference = selectors.conference_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = conference.case
    form = DecisionForm(request.POST or None, participants=selectors.participant_choices(
        actor=request.user, conference=conference, responsible_only=True),
                        goals=selectors.goal_choices(actor=request.user, case=case))
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_create(actor=request.user, conference=conference,
                                                data=form.decision_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision has been recorded as a step of the integration plan.")
                             if decision.step_id else _("The decision has been recorded as a task of the case."))
            return redirect(f"{_detail_url(conference)}#beschluesse")
    title = _("Record a decision")
    return _form_page(request, form=form, title=title, submit_label=_("Record the decision"),
                      cancel_url=_detail_url(conference), breadcrumbs=_conference_crumbs(conference, (title, None)),
                      intro=_("Who does what by when. The decision appears in the family's summary."))


@require_POST
def conference_cancel(request, public_id):
    conference = selectors.conference_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The case conference could not be cancelled. Please reload the page."))
        return redirect(_detail_url(conference))
    try:
        services.conference_cancel(actor=request.user, conference=conference, version=form.cleaned_data["version"],
                                   reason=form.cleaned_data["cancel_reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case conference has been cancelled."))
    return redirect(_detail_url(conference))


@require_GET
def conference_summary(request, public_id):
    conference = selectors.conference_get(actor=request.user, public_id=public_id)
    language = request.GET.get("sprache", "").strip().lower() or texts.language_for(conference.case.person)
    return document_download(request, kind=KIND, obj=conference, language=language)
