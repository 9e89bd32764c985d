"""Choosing a report: which kinds, organisations, teams and counsellors the actor may pick, and the defaults.

The choices only offer what ``lotse.reports.selectors`` lists for the actor; whether the chosen combination may
be seen (exactly or protected) is decided by ``report_build`` alone. A well-formed id that is not among the
actor's choices marks the form as ``refused`` (the views answer 403 and audit it); malformed input is a
validation error (400).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.access import policy
from lotse.organisations.models import Organisation, ProgrammeOffering, Role, Team
from lotse.reports.engine import Level, ReportKind, report_kinds
from lotse.reports.periods import Period
from lotse.reports.selectors import (
    AGGREGATE_ROLES,
    coordinator_organisations,
    report_counsellors,
    report_organisations,
    report_teams,
)
from lotse.reports.tables import Audience

ALL = "all"
CASEWORK = (Role.TEAM_LEAD, Role.COUNSELLOR)
FIELDS = ("organisation", "team", "counsellor", "period", "period_end", "audience")
MONTH_WIDGET = forms.TextInput(attrs={"type": "month", "placeholder": "JJJJ-MM", "inputmode": "numeric"})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def default_period(kind: ReportKind | None) -> Period:
    """The last complete month; for the annual monitoring the last complete year."""
    today = timezone.localdate()
    if kind is not None and kind.code == "monitoring":
        return Period.year(today.year - 1)
    last = today.replace(day=1) - timedelta(days=1)
    return Period.month(last.year, last.month)


class ReportChoices:
    """What one actor may choose from, computed once per request with a fixed number of queries."""

    def __init__(self, actor):
        self.actor = actor
        self.grants = policy.grants(actor)
        self.organisations: list[Organisation] = report_organisations(actor=actor)
        self._kinds: dict[str, ReportKind] | None = None
        self._programmes: dict[int, set[str]] | None = None
        self._coordinated: list[Organisation] | None = None
        self._teams: dict[int, list[Team]] = {}
        self._counsellors: dict[int, list] = {}

    # ---- kinds and levels ----------------------------------------------------------------------------------

    def all_kinds(self) -> dict[str, ReportKind]:
        if self._kinds is None:
            self._kinds = report_kinds() if self.organisations else {}
        return self._kinds

    @property
    def programmes(self) -> dict[int, set[str]]:
        if self._programmes is None:
            self._programmes = {}
            rows = ProgrammeOffering.objects.filter(organisation__in=self.organisations).values_list(
                "organisation_id", "programme")
            for organisation_id, programme in rows:
                self._programmes.setdefault(organisation_id, set()).add(programme)
        return self._programmes

    def levels(self, kind: ReportKind, organisation: Organisation) -> set[str]:
        """The levels of ``kind`` the actor may ask for in this organisation (exactly or protected)."""
        if kind.template is not None and kind.template.programme not in self.programmes.get(organisation.pk, ()):
            return set()
        available = set()
        if self.grants.is_system_admin or organisation.pk in self.grants.orgs_with(*AGGREGATE_ROLES):
            available |= {Level.ORGANISATION, Level.TEAM}
        if organisation.pk in self.grants.orgs_with(Role.COUNSELLOR, Role.TEAM_LEAD):
            available.add(Level.COUNSELLOR)
        return available & set(kind.levels)

    def organisations_for(self, kind: ReportKind | None) -> list[Organisation]:
        if kind is None:
            return [org for org in self.organisations if any(self.levels(k, org) for k in self.all_kinds().values())]
        return [org for org in self.organisations if self.levels(kind, org)]

    def kinds(self) -> list[ReportKind]:
        return [kind for kind in self.all_kinds().values() if self.organisations_for(kind)]

    def kind(self, code: str) -> ReportKind | None:
        kind = self.all_kinds().get(code)
        return kind if kind is not None and self.organisations_for(kind) else None

    def coordinated(self, kind: ReportKind | None) -> list[Organisation]:
        """The coordinator's assigned organisations, when there are several: the "all" choice."""
        if self._coordinated is None:
            self._coordinated = coordinator_organisations(actor=self.actor) if self.grants.orgs_with(
                Role.COORDINATOR) else []
        allowed = {org.pk for org in self.organisations_for(kind)}
        chosen = [org for org in self._coordinated if org.pk in allowed]
        return chosen if len(chosen) > 1 else []

    def teams(self, organisation: Organisation) -> list[Team]:
        if organisation.pk not in self._teams:
            self._teams[organisation.pk] = report_teams(actor=self.actor, organisation=organisation)
        return self._teams[organisation.pk]

    def counsellors(self, team: Team) -> list:
        if team.pk not in self._counsellors:
            self._counsellors[team.pk] = report_counsellors(actor=self.actor, team=team)
        return self._counsellors[team.pk]

    def may_choose_audience(self) -> bool:
        """Team leads and administrators see exact figures and may ask for the protected version to pass on."""
        return bool(self.grants.orgs_with(Role.TEAM_LEAD, Role.ORG_ADMIN))

    # ---- defaults -----------------------------------------------------------------------------------------

    def defaults(self, kind: ReportKind | None) -> dict[str, str]:
        """The most useful scope the actor may see exactly (own organisation, led team, own figures), else the
        first organisation, protected; the default period."""
        period = default_period(kind)
        values = {"organisation": "", "team": "", "counsellor": "", "period": f"{period.start:%Y-%m}",
                  "period_end": f"{period.end:%Y-%m}" if period.months > 1 else ""}
        kinds = [kind] if kind is not None else self.kinds()
        g = self.grants
        for candidate in kinds:
            for organisation in self.organisations_for(candidate):
                levels = self.levels(candidate, organisation)
                values["organisation"] = values["organisation"] or str(organisation.public_id)
                if organisation.pk in g.orgs_with(Role.ORG_ADMIN) and Level.ORGANISATION in levels:
                    return {**values, "organisation": str(organisation.public_id)}
                own = [(team, role) for team in self.teams(organisation) for role in (Role.TEAM_LEAD, Role.COUNSELLOR)
                       if team.pk in g.teams_with(role)] if organisation.pk in g.orgs_with(*CASEWORK) else []
                led = [team for team, role in own if role == Role.TEAM_LEAD]
                if led and Level.TEAM in levels:
                    return {**values, "organisation": str(organisation.public_id), "team": str(led[0].public_id)}
                if own and Level.COUNSELLOR in levels:
                    return {**values, "organisation": str(organisation.public_id),
                            "team": str(own[0][0].public_id), "counsellor": str(self.actor.public_id)}
        return values


class AudienceCheckbox(forms.CheckboxInput):
    """Sends ``audience=external`` when ticked and passes any other value on unchanged, to be validated."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value in (True, Audience.EXTERNAL.value, Audience.EXTERNAL))

    def format_value(self, value):
        return Audience.EXTERNAL.value

    def value_from_datadict(self, data, files, name):
        return data.get(name) if name in data else None


class AudienceField(forms.Field):
    """A tick box sending ``audience=external``; the API may also send ``internal``. Empty: decided by role."""

    widget = AudienceCheckbox

    def to_python(self, value):
        if value in (None, "", False):
            return None
        if value is True or value == Audience.EXTERNAL.value:
            return Audience.EXTERNAL
        if value == Audience.INTERNAL.value:
            return Audience.INTERNAL
        raise ValidationError(_("Choose whether the figures are for passing on."), code="audience")

    def validate(self, value):
        return None


class ReportForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    team = forms.ChoiceField(label=_("Team"), required=False)
    counsellor = forms.ChoiceField(label=_("Counsellor"), required=False,
                                   help_text=_("Only your own figures, or for team leads those of the team."))
    period = forms.CharField(label=_("Month"), max_length=30, widget=MONTH_WIDGET,
                             help_text=_("As YYYY-MM, e.g. 2026-10. A whole year: first and last month."))
    period_end = forms.CharField(label=_("Until month"), required=False, max_length=30, widget=MONTH_WIDGET,
                                 help_text=_("Only for a period of several months."))
    audience = AudienceField(label=_("For passing on (protected)"), required=False,
                             help_text=_("Counts from 1 to 4, and cells that would reveal them, are not shown "
                                         "(e.g. for the funder)."))

    def __init__(self, data=None, *, choices: ReportChoices, kind: ReportKind | None, **kwargs):
        super().__init__(data, **kwargs)
        self.choices, self.kind = choices, kind
        self.refused = False
        raw = self.data if self.is_bound else self.initial
        organisations = choices.organisations_for(kind)
        coordinated = choices.coordinated(kind)
        org_choices = [(str(org.public_id), org.name) for org in organisations]
        if coordinated:
            org_choices.append((ALL, _("All assigned organisations (protected)")))
        self.fields["organisation"].choices = org_choices
        self.organisation_map = {str(org.public_id): org for org in organisations}
        selected = self.organisation_map.get(str(raw.get("organisation") or ""))
        levels = choices.levels(kind, selected) if kind is not None and selected is not None else (
            {Level.ORGANISATION, Level.TEAM, Level.COUNSELLOR} if selected is not None else set())
        kind_levels = set(kind.levels) if kind is not None else {Level.ORGANISATION, Level.TEAM, Level.COUNSELLOR}

        teams = choices.teams(selected) if selected is not None and levels & {Level.TEAM, Level.COUNSELLOR} else []
        self.team_map = {str(team.public_id): team for team in teams}
        team_choices = [("", _("Whole organisation"))] if Level.ORGANISATION in levels or not levels else []
        self.fields["team"].choices = team_choices + [(key, team.name) for key, team in self.team_map.items()]
        chosen_team = self.team_map.get(str(raw.get("team") or ""))

        people = choices.counsellors(chosen_team) if chosen_team is not None and Level.COUNSELLOR in levels else []
        self.counsellor_map = {str(person.public_id): person for person in people}
        self.fields["counsellor"].choices = [("", _("Whole team"))] + [
            (key, str(person)) for key, person in self.counsellor_map.items()]

        if not kind_levels & {Level.TEAM, Level.COUNSELLOR}:
            del self.fields["team"]
        if Level.COUNSELLOR not in kind_levels:
            del self.fields["counsellor"]
        if kind is None:
            del self.fields["audience"]
        elif not choices.may_choose_audience():
            # Only team leads and administrators get the tick box; an audience in the link is still checked.
            self.fields["audience"].widget = forms.HiddenInput()
        if self.is_bound:
            self._check_foreign_ids(raw)

    @classmethod
    def from_query(cls, query, *, choices: ReportChoices, kind: ReportKind | None, **kwargs) -> ReportForm:
        """Bind to a query string; what it leaves out comes from the defaults (a bare link shows a report)."""
        present = {name: query.get(name) for name in FIELDS if name in query}
        data = dict(present)
        if "organisation" in present and "period" in present:
            return cls(data, choices=choices, kind=kind, **kwargs)
        defaults = choices.defaults(kind)
        if "organisation" not in present:
            data.update({name: defaults[name] for name in ("organisation", "team", "counsellor")
                         if name not in present})
        if "period" not in present:
            data["period"] = defaults["period"]
            data.setdefault("period_end", defaults["period_end"])
        return cls(data, choices=choices, kind=kind, **kwargs)

    def _check_foreign_ids(self, raw) -> None:
        for name, known in (("organisation", self.organisation_map), ("team", self.team_map),
                            ("counsellor", self.counsellor_map)):
            value = raw.get(name)
            if name in self.fields and value and value not in known and _is_uuid(value):
                self.refused = True

    def clean(self):
        data = super().clean()
        start, end = (data.get("period") or "").strip(), (data.get("period_end") or "").strip()
        if start:
            if end and (".." in start or len(start) != 7):
                self.add_error("period_end", _("Enter a single month as YYYY-MM when you also give an end month."))
            else:
                try:
                    data["period_obj"] = Period.parse(f"{start}..{end}" if end else start)
                except ValidationError as error:
                    self.add_error("period_end" if end and self._valid_month(start) else "period", error)
        choice = data.get("organisation")
        if choice == ALL:
            data["organisations"] = self.choices.coordinated(self.kind)
            if data.get("team"):
                self.add_error("team", _("For all assigned organisations only the whole organisations can be "
                                         "shown."))
        elif choice:
            data["organisations"] = [self.organisation_map[choice]]
        if any(self.data.get(name) for name in ("team", "counsellor") if name not in self.fields):
            self.add_error(None, _("This report is not available at this level."))
        data["team_obj"] = self.team_map.get(data.get("team") or "")
        data["counsellor_obj"] = self.counsellor_map.get(data.get("counsellor") or "")
        if data["counsellor_obj"] is not None and data["team_obj"] is None:
            self.add_error("counsellor", _("Choose the counsellor's team."))
        return data

    @staticmethod
    def _valid_month(text: str) -> bool:
        try:
            Period.parse(text)
        except ValidationError:
            return False
        return True

    def parameters(self) -> dict:
        """The arguments of ``report_build`` for the valid form."""
        data = self.cleaned_data
        return {"period": data["period_obj"], "organisations": data["organisations"], "team": data["team_obj"],
                "counsellor": data["counsellor_obj"], "audience": data.get("audience")}

    def query(self) -> dict[str, str]:
        """The normalised query string of the valid form (for the download links)."""
        data, period = self.cleaned_data, self.cleaned_data["period_obj"]
        values = {"organisation": data["organisation"], "team": data.get("team") or "",
                  "counsellor": data.get("counsellor") or "", "period": f"{period.start:%Y-%m}",
                  "period_end": f"{period.end:%Y-%m}" if period.months > 1 else ""}
        if data.get("audience") is Audience.EXTERNAL:
            values["audience"] = Audience.EXTERNAL.value
        elif data.get("audience") is Audience.INTERNAL:
            values["audience"] = Audience.INTERNAL.value
        return {key: value for key, value in values.items() if value or key in ("team", "counsellor")}


class OverviewForm(ReportForm):
    """The form of the overview page: the kind, then the same choices; a valid form leads to the report."""

    kind = forms.ChoiceField(label=_("Report"))
    field_order = ("kind", *FIELDS)

    def __init__(self, data=None, *, choices: ReportChoices, **kwargs):
        super().__init__(data, choices=choices, kind=None, **kwargs)
        self.fields["kind"].choices = [(kind.code, kind.label) for kind in choices.kinds()]
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        kind = self.choices.kind(data.get("kind") or "")
        organisations = data.get("organisations") or []
        if kind is not None and organisations:
            allowed = {org.pk for org in self.choices.organisations_for(kind)}
            if not all(org.pk in allowed for org in organisations):
                self.add_error("organisation", _("This report is not available for the organisation."))
        return data
