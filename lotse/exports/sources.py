"""What can be exported: one source per list page, with the page's scope, filters and order.

A source validates the page's filters (its query string) with the page's own rules, counts, and yields the
rows in the page's order — exactly what the user could page through, all pages at once. Where the list's
selectors return a queryset (persons and their search, staff, audit log, target groups) the source reads
through them; cases, first contacts and appointments have page selectors only, so their sources apply the same
policy scope and the same filters (tests/exports compares every kind with the page's selector).

Headings are German in every user language: they are part of the file format, like the partner export's.
Confidential notes, health and religion are never among the columns. ``records`` names what each row
discloses for the audit trail (``(object_type, public_id)`` pairs); the export service writes them as one read
event per type when the file is finished."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Callable
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.access import policy

# Paging and page-state keys of the list pages: an export always covers every page.
IGNORED_KEYS = frozenset({"nach", "seite", "gespeichert", "page", "cursor"})
MAX_KEYS = 20
MAX_VALUE = 500
SEARCH_LIMIT = 10**6


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportRow:
    values: list
    records: tuple[tuple[str, str], ...] = ()


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _precise_date(value: date | None, precision: str) -> date | str | None:
    """A date as precisely as it is known: the full date, MM.YYYY or the year."""
    if value is None or precision == "unknown":
        return None
    if precision == "month":
        return value.strftime("%m.%Y")
    if precision == "year":
        return str(value.year)
    return value


def _person_record(person) -> tuple[str, str]:
    return ("people.person", str(person.public_id))


class ExportSource:
    kind: str = ""
    label = ""
    slug = ""
    columns: tuple[Column, ...] = ()
    ordering: tuple[str, ...] = ("pk",)

    class Filters(forms.Form):
        pass

    # ---- who, which filters -------------------------------------------------------------------------------

    def allowed(self, actor) -> bool:
        raise NotImplementedError

    def clean(self, *, actor, raw: dict[str, str]) -> dict:
        """The page's filters, validated; unknown keys (tracking, page state) are left out."""
        form = self.Filters({key: value for key, value in raw.items() if key in self.Filters.base_fields})
        if not form.is_valid():
            names = ", ".join(f"„{name}“" for name in form.errors)
            message = _("The list filter %(names)s has a value that cannot be used.") % {"names": names}
            raise ValidationError({"parameters": message})
        return self.normalise(form.cleaned_data)

    def normalise(self, data: dict) -> dict:
        """JSON-safe parameters as stored with the job (and shown to the user)."""
        return {key: value for key, value in data.items() if value not in (None, "")}

    def title(self, *, actor, parameters: dict) -> str:
        return str(self.label)

    def heading_row(self) -> list[str]:
        return [column.heading for column in self.columns]

    # ---- reading ------------------------------------------------------------------------------------------

    def queryset(self, *, actor, parameters: dict) -> QuerySet:
        raise NotImplementedError

    def ids(self, *, actor, parameters: dict) -> list[int]:
        """The rows in the page's order, as a snapshot: later changes do not shift the batches."""
        queryset = self.queryset(actor=actor, parameters=parameters).prefetch_related(None)
        return list(queryset.order_by(*self.ordering).values_list("pk", flat=True))

    def count(self, *, actor, parameters: dict) -> int:
        return self.queryset(actor=actor, parameters=parameters).order_by().count()

    def snapshot(self, *, actor, parameters: dict) -> tuple[int, list[int] | None]:
        """The row count when the export is requested, and the rows already if counting found them anyway."""
        return self.count(actor=actor, parameters=parameters), None

    def fetch(self, *, actor, parameters: dict, ids: list[int]) -> list:
        found = self.queryset(actor=actor, parameters=parameters).in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def records(self, obj) -> tuple[tuple[str, str], ...]:
        return ()

    def row(self, obj) -> ExportRow:
        return ExportRow([column.value(obj) for column in self.columns], self.records(obj))

    def batches(self, *, actor, parameters: dict, ids: list[int] | None = None,
                batch_size: int = 500) -> Iterator[tuple[int, list[ExportRow]]]:
        """``(ids consumed, rows)`` per batch; a row deleted meanwhile is skipped but still consumed."""
        if ids is None:
            ids = self.ids(actor=actor, parameters=parameters)
        for start in range(0, len(ids), batch_size):
            chunk = ids[start:start + batch_size]
            found = self.fetch(actor=actor, parameters=parameters, ids=chunk)
            yield len(chunk), [self.row(obj) for obj in found]

    def rows(self, *, actor, parameters: dict, batch_size: int = 500) -> Iterator[ExportRow]:
        for _consumed, rows in self.batches(actor=actor, parameters=parameters, batch_size=batch_size):
            yield from rows


# ---- persons ---------------------------------------------------------------------------------------------

def _nationalities(person) -> str:
    return ", ".join(code.label for code in person.nationalities.all())


class PersonSource(ExportSource):
    """The persons list (``people:person_list``): all persons of the user's teams, or the search result."""

    kind, slug = "persons", "personen"
    label = gettext_lazy("Persons")
    columns = (
        Column("Aktenzeichen", lambda p: p.file_number),
        Column("Familienname", lambda p: p.family_name),
        Column("Vornamen", lambda p: p.given_names),
        Column("Name in Originalschrift", lambda p: p.name_original_script),
        Column("Geburtsdatum", lambda p: _precise_date(p.birth_date, p.birth_date_precision)),
        Column("Geschlecht", lambda p: p.sex.label if p.sex else ""),
        Column("Staatsangehörigkeiten", _nationalities),
        Column("Einreisedatum", lambda p: _precise_date(p.entry_date, p.entry_date_precision)),
        Column("Team", lambda p: p.team.name),
    )

    class Filters(forms.Form):
        q = forms.CharField(max_length=200, required=False)

    def allowed(self, actor) -> bool:
        return bool(policy.client_team_ids(actor))

    def normalise(self, data: dict) -> dict:
        query = " ".join(data.get("q", "").split())
        return {"q": query} if query else {}

    def title(self, *, actor, parameters: dict) -> str:
        if parameters.get("q"):
            return _("Persons (search: “%(query)s”)") % {"query": parameters["q"]}
        return str(self.label)

    def queryset(self, *, actor, parameters: dict) -> QuerySet:
        from lotse.people.selectors import person_list

        return person_list(actor=actor).prefetch_related("nationalities")

    def _search(self, *, actor, parameters: dict) -> list[int]:
        from lotse.people.selectors import person_search

        result = person_search(actor=actor, query=parameters["q"], page_size=SEARCH_LIMIT)
        return [hit.person.pk for hit in result.hits]

    def ids(self, *, actor, parameters: dict) -> list[int]:
        if parameters.get("q"):
            return self._search(actor=actor, parameters=parameters)
        from lotse.people.selectors import LIST_ORDERING

        return list(self.queryset(actor=actor, parameters=parameters).prefetch_related(None)
                    .order_by(*LIST_ORDERING).values_list("pk", flat=True))

    def count(self, *, actor, parameters: dict) -> int:
        if parameters.get("q"):
            return len(self._search(actor=actor, parameters=parameters))
        return super().count(actor=actor, parameters=parameters)

    def snapshot(self, *, actor, parameters: dict) -> tuple[int, list[int] | None]:
        """A search is run (and audited by the search) once: its hits are the rows."""
        if parameters.get("q"):
            ids = self._search(actor=actor, parameters=parameters)
            return len(ids), ids
        return super().snapshot(actor=actor, parameters=parameters)

    def records(self, obj):
        return (_person_record(obj),)


# ---- cases -----------------------------------------------------------------------------------------------

class CaseFilters(forms.Form):
    alle = forms.ChoiceField(choices=[("0", "0"), ("1", "1")], required=False)
    status = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        from lotse.cases.models import Case

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Case.Status.choices


class CaseSource(ExportSource):
    """The case list (``cases:case_list``): my cases or all cases of my teams, in one status."""

    kind, slug = "cases", "faelle"
    label = gettext_lazy("Cases")
    ordering = ("-requested_on", "-pk")
    Filters = CaseFilters
    columns = (
        Column("Aktenzeichen", lambda c: c.person.file_number),
        Column("Hauptklient/in", lambda c: str(c.person)),
        Column("Programm", lambda c: c.offering.name),
        Column("Team", lambda c: c.team.name),
        Column("Status", lambda c: c.get_status_display()),
        Column("Phase", lambda c: c.get_phase_display()),
        Column("Fallverantwortung", lambda c: _user_name(c.owner)),
        Column("Vertretung", lambda c: _user_name(c.deputy)),
        Column("Angefragt am", lambda c: c.requested_on),
        Column("Eröffnet am", lambda c: c.opened_on),
        Column("Abgeschlossen am", lambda c: c.closed_on),
    )

    def allowed(self, actor) -> bool:
        return bool(policy.casework_team_ids(actor))

    def normalise(self, data: dict) -> dict:
        from lotse.cases.models import Case

        return {"alle": data.get("alle") or "0", "status": data.get("status") or Case.Status.OPEN}

    def title(self, *, actor, parameters: dict) -> str:
        from lotse.cases.models import Case

        status = dict(Case.Status.choices).get(parameters.get("status"), "")
        if parameters.get("alle") == "1":
            return _("Cases of my teams (%(status)s)") % {"status": status}
        return _("My cases (%(status)s)") % {"status": status}

    def queryset(self, *, actor, parameters: dict) -> QuerySet:
        from lotse.cases.models import Case
        from lotse.cases.selectors import case_list_queryset

        cases = case_list_queryset(actor=actor, mine=parameters.get("alle") != "1",
                                   status=parameters.get("status") or Case.Status.OPEN)
        return cases.select_related("deputy", "team")

    def records(self, obj):
        return (_person_record(obj.person),)


# ---- first contacts --------------------------------------------------------------------------------------

class FirstContactSource(ExportSource):
    """The first-contact list (``intake:first_contact_list``), newest first. The concern (free text) stays in
    Lotse: it may hold health or other special-category details."""

    kind, slug = "first_contacts", "erstkontakte"
    label = gettext_lazy("First contacts")
    ordering = ("-date", "-pk")
    columns = (
        Column("Datum", lambda f: f.date),
        Column("Zugangsweg", lambda f: f.get_channel_display()),
        Column("Person", lambda f: str(f.person) if f.person else "anonym"),
        Column("Aktenzeichen", lambda f: f.person.file_number if f.person else ""),
        Column("Vermittelt durch", lambda f: f.referred_by),
        Column("Themen", lambda f: ", ".join(topic.label for topic in f.topics.all())),
        Column("Ergebnis", lambda f: f.get_outcome_display()),
        Column("Verwiesen an", lambda f: f.referred_to),
        Column("Dolmetschung", lambda f: f.interpreter),
        Column("Team", lambda f: f.team.name),
    )

    def allowed(self, actor) -> bool:
        return bool(policy.client_team_ids(actor))

    def queryset(self, *, actor, parameters: dict) -> QuerySet:
        """The scope of ``lotse.intake.selectors.first_contact_page``."""
        from lotse.intake.models import FirstContact, Topic

        return policy.scope(actor, FirstContact.objects.select_related("team", "person")).prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("sort_order", "label")))

    def records(self, obj):
        found = [("intake.firstcontact", str(obj.public_id))]
        if obj.person_id is not None:
            found.append(_person_record(obj.person))
        return tuple(found)


# ---- appointments ----------------------------------------------------------------------------------------

def _appointment_client(appointment) -> str:
    if appointment.case_id is None:
        return f"intern: {appointment.note}" if appointment.note else "intern"
    return str(appointment.case.person)


def _interpreter(appointment) -> str:
    if not appointment.interpreter_needed:
        return ""
    return appointment.interpreter_language.label if appointment.interpreter_language else "ja"


class AppointmentSource(ExportSource):
    """My appointments (``appointments:appointment_list``): my own from today on, soonest first."""

    kind, slug = "appointments", "termine"
    label = gettext_lazy("My appointments")
    ordering = ("starts_at", "pk")
    columns = (
        Column("Beginn", lambda a: a.starts_at),
        Column("Ende", lambda a: a.ends_at),
        Column("Art", lambda a: a.get_kind_display()),
        Column("Klient/in", _appointment_client),
        Column("Aktenzeichen", lambda a: a.case.person.file_number if a.case_id else ""),
        Column("Ort", lambda a: a.location),
        Column("Raum", lambda a: a.room),
        Column("Dolmetschung", _interpreter),
        Column("Beratende Person", lambda a: _user_name(a.owner)),
        Column("Status", lambda a: a.get_status_display()),
    )

    def allowed(self, actor) -> bool:
        return bool(policy.casework_team_ids(actor))

    def queryset(self, *, actor, parameters: dict) -> QuerySet:
        """The scope and filter of ``lotse.appointments.selectors.upcoming``."""
        from lotse.appointments.models import Appointment

        today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        return policy.scope(actor, Appointment.objects.select_related(
            "case__person", "owner", "interpreter_language")).filter(owner=actor, starts_at__gte=today)

    def records(self, obj):
        return (_person_record(obj.case.person),) if obj.case_id is not None else ()


# ---- staff -----------------------------------------------------------------------------------------------

def _roles(user) -> str:
    parts = []
    for membership in user.visible_memberships:
        if membership.is_active:
            team = f" ({membership.team.name})" if membership.team else ""
            parts.append(f"{membership.get_role_display()}{team}")
    return "; ".join(parts)


class StaffSource(ExportSource):
    """The staff list (``organisations:staff_list``), with its search."""

    kind, slug = "staff", "mitarbeitende"
    label = gettext_lazy("Staff")
    columns = (
        Column("Name", lambda u: u.get_full_name() or u.get_username()),
        Column("Benutzername", lambda u: u.get_username()),
        Column("Rollen", _roles),
        Column("Status", lambda u: "aktiv" if u.is_active else "deaktiviert"),
    )

    class Filters(forms.Form):
        q = forms.CharField(max_length=100, required=False)

    @property
    def ordering(self):
        from lotse.organisations.selectors import STAFF_ORDERING

        return STAFF_ORDERING

    def allowed(self, actor) -> bool:
        return policy.may_see_personal_data(actor)

    def normalise(self, data: dict) -> dict:
        query = data.get("q", "").strip()
        return {"q": query} if query else {}

    def title(self, *, actor, parameters: dict) -> str:
        if parameters.get("q"):
            return _("Staff (search: “%(query)s”)") % {"query": parameters["q"]}
        return str(self.label)

    def queryset(self, *, actor, parameters: dict) -> QuerySet:
        from lotse.organisations.selectors import staff_list

        return staff_list(actor=actor, query=parameters.get("q", ""))

    def records(self, obj):
        return (("accounts.user", str(obj.public_id)),)


# ---- audit log -------------------------------------------------------------------------------------------

class AuditFilters(forms.Form):
    kategorie = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        from lotse.audit.models import Category

        super().__init__(*args, **kwargs)
        self.fields["kategorie"].choices = [("", ""), *Category.choices]


class AuditEventSource(ExportSource):
    """The audit log (``audit:event_list``) as the page shows it: the details (search terms, lists of ids)
    stay in Lotse."""

    kind, slug = "audit_events", "protokoll"
    label = gettext_lazy("Audit log")
    ordering = ("-id",)
    Filters = AuditFilters
    columns = (
        Column("Zeitpunkt", lambda e: e.occurred_at),
        Column("Wer", lambda e: (e.actor.get_username() if e.actor else e.actor_label)),
        Column("Aktion", lambda e: e.action),
        Column("Art", lambda e: e.get_category_display()),
        Column("Datensatz-Typ", lambda e: e.object_type),
        Column("Datensatz", lambda e: e.object_id),
        Column("Gezeigte Datensätze", lambda e: len(e.details.get("ids", []))
               if isinstance(e.details, dict) and isinstance(e.details.get("ids"), list) else None),
        Column("IP-Adresse", lambda e: e.ip_address),
    )

    def allowed(self, actor) -> bool:
        return policy.may_read_audit_log(actor)

    def title(self, *, actor, parameters: dict) -> str:
        from lotse.audit.models import Category

        if parameters.get("kategorie"):
            return f"{self.label} ({dict(Category.choices)[parameters['kategorie']]})"
        return str(self.label)

    def queryset(self, *, actor, parameters: dict) -> QuerySet:
        from lotse.audit.selectors import audit_events_list

        return audit_events_list(actor=actor, category=parameters.get("kategorie") or None)


# ---- members of a target group ---------------------------------------------------------------------------

class CohortFilters(forms.Form):
    cohort = forms.UUIDField()


class CohortMemberSource(ExportSource):
    """The members of a saved target group (``cohorts:cohort_detail``): the persons of the group the user
    looks after, alphabetically. The group is looked up through the policy; who may see its members and which
    persons they are is ``lotse.cohorts.selectors``' decision (imported when used, so the registry does not
    depend on the cohorts area)."""

    kind, slug = "cohort_members", "zielgruppe"
    label = gettext_lazy("Members of a target group")
    Filters = CohortFilters
    columns = PersonSource.columns

    def allowed(self, actor) -> bool:
        return bool(policy.client_team_ids(actor))

    def clean(self, *, actor, raw: dict[str, str]) -> dict:
        from lotse.cohorts.selectors import may_see_members

        parameters = super().clean(actor=actor, raw=raw)
        if not may_see_members(actor, self.cohort(actor=actor, parameters=parameters)):
            policy.deny(actor, "export.cohort_members")
        return parameters

    def normalise(self, data: dict) -> dict:
        return {"cohort": str(data["cohort"])}

    def cohort(self, *, actor, parameters: dict):
        """404 for a group out of the actor's scope (and for one that was deleted meanwhile)."""
        from lotse.cohorts.models import Cohort

        return policy.get_or_404(actor, Cohort.objects.all(), public_id=UUID(parameters["cohort"]))

    def title(self, *, actor, parameters: dict) -> str:
        return _("Target group “%(name)s”") % {"name": self.cohort(actor=actor, parameters=parameters).name}

    @property
    def ordering(self):
        from lotse.cohorts.selectors import MEMBER_ORDERING

        return MEMBER_ORDERING

    def queryset(self, *, actor, parameters: dict) -> QuerySet:
        from lotse.cohorts import selectors

        members = getattr(selectors, "cohort_members_queryset", None) or selectors.cohort_member_queryset
        persons = members(actor=actor, cohort=self.cohort(actor=actor, parameters=parameters))
        return persons.select_related("team", "sex").prefetch_related("nationalities")

    def records(self, obj):
        return (_person_record(obj),)


EXPORT_SOURCES: dict[str, ExportSource] = {source.kind: source for source in (
    PersonSource(), CaseSource(), FirstContactSource(), AppointmentSource(), StaffSource(),
    AuditEventSource(), CohortMemberSource(),
)}
# Kinds that export a list page as it is (the cohort export needs its group and starts on the group's page).
LIST_KINDS = ("persons", "cases", "first_contacts", "appointments", "staff", "audit_events")


def read_parameters(raw) -> dict[str, str]:
    """The list page's query string (``"q=Haddad&nach=…"``) or an API object, as flat text values.

    Refuses anything else with a German message; paging keys are dropped (an export covers every page)."""
    from django.http import QueryDict

    unreadable = ValidationError({"parameters": _("The list filters could not be read.")})
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        if len(raw) > 2000:
            raise unreadable
        query = QueryDict(raw.lstrip("?"))
        raw = {key: query.getlist(key)[-1] for key in query}
    if not isinstance(raw, dict) or len(raw) > MAX_KEYS:
        raise unreadable
    values = {}
    for key, value in raw.items():
        if not isinstance(key, str) or len(key) > 50:
            raise unreadable
        if isinstance(value, bool) or value is None:
            raise unreadable
        if isinstance(value, (int, float)):
            value = str(value)
        if not isinstance(value, str) or len(value) > MAX_VALUE:
            raise unreadable
        if key not in IGNORED_KEYS:
            values[key] = value
    return values
