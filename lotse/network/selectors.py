"""Reads of the partner directory: the list with search and filters, one partner with everything about it,
the programmes it cooperates in, the export and the import preview.

The directory is shared by all teams of an organisation and holds no client data, so reads are not audited
(the export is: it leaves the system). Every member of an organisation sees its directory (coordinators too);
organisation admins and the team roles maintain it (policy rule ``network.partner``). System administrators
are no members of an organisation and do not use the directory."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from lotse.access import policy
from lotse.access.policy import Action
from lotse.core.pagination import keyset_page
from lotse.network.models import CooperationLevel, Partner, PartnerContact, PartnerProgramme, PartnerService
from lotse.organisations.models import TEAM_ROLES, Organisation, ProgrammeOffering, Role

SEARCH_MAX = 100
ORDERING = ("name", "pk")
API_PAGE_MAX = 100


class Status:
    ACTIVE = "aktiv"
    INACTIVE = "inaktiv"
    ALL = "alle"


def directory_organisation_ids(actor) -> set[int]:
    """Organisations whose directory the actor sees: those they are a member of."""
    return set(policy.grants(actor).all_orgs)


def maintained_organisation_ids(actor) -> set[int]:
    """Organisations whose directory the actor keeps (mirrors the CHANGE part of the policy rule)."""
    return policy.grants(actor).orgs_with(Role.ORG_ADMIN, *TEAM_ROLES)


def may_use_directory(actor) -> bool:
    return bool(directory_organisation_ids(actor))


def may_maintain(actor, organisation=None) -> bool:
    """Whether the actor keeps the directory of ``organisation`` (of any organisation when None)."""
    ids = maintained_organisation_ids(actor)
    return bool(ids) if organisation is None else organisation.pk in ids


def directory_organisations(*, actor) -> QuerySet[Organisation]:
    return policy.scope(actor,
                        Organisation.objects.filter(pk__in=directory_organisation_ids(actor))).order_by(
        "name", "pk")


def maintained_organisations(*, actor) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=maintained_organisation_ids(actor), is_active=True).order_by(
        "name", "pk")


def _partners(actor, action: Action = Action.VIEW) -> QuerySet[Partner]:
    """The partners in the actor's scope, limited to the organisations they belong to."""
    return policy.scope(actor, Partner.objects.all(), action).filter(
        organisation_id__in=directory_organisation_ids(actor))


def offering_choices(*, actor) -> QuerySet[ProgrammeOffering]:
    """Programme offerings of the actor's organisations: the programme filter of the list."""
    return policy.scope(actor, ProgrammeOffering.objects.select_related("organisation")).filter(
        organisation_id__in=directory_organisation_ids(actor)).order_by("organisation__name", "name", "pk")


@dataclass(frozen=True)
class DirectoryFilter:
    query: str = ""
    partner_type: str = ""
    offering: ProgrammeOffering | None = None
    organisation: Organisation | None = None
    status: str = Status.ACTIVE


def _filtered(partners: QuerySet[Partner], selection: DirectoryFilter) -> QuerySet[Partner]:
    query = " ".join((selection.query or "").split())[:SEARCH_MAX]
    if query:
        services = PartnerService.objects.filter(name__icontains=query).values("partner_id")
        contacts = PartnerContact.objects.filter(
            Q(name__icontains=query) | Q(function__icontains=query)).values("partner_id")
        partners = partners.filter(Q(name__icontains=query) | Q(pk__in=services) | Q(pk__in=contacts))
    if selection.partner_type:
        partners = partners.filter(partner_type=selection.partner_type)
    if selection.offering is not None:
        partners = partners.filter(pk__in=PartnerProgramme.objects.filter(offering=selection.offering)
                                   .values("partner_id"))
    if selection.organisation is not None:
        partners = partners.filter(organisation=selection.organisation)
    if selection.status == Status.ACTIVE:
        partners = partners.filter(is_active=True)
    elif selection.status == Status.INACTIVE:
        partners = partners.filter(is_active=False)
    return partners


def _with_list_relations(partners: QuerySet[Partner]) -> QuerySet[Partner]:
    return partners.select_related("organisation").prefetch_related(
        Prefetch("services", queryset=PartnerService.objects.filter(is_active=True),
                 to_attr="active_services"))


def partner_list(*, actor, selection: DirectoryFilter | None = None, cursor: str | None = None,
                 page_size: int = 50):
    """One page of the directory (keyset pagination: constant queries however deep the user pages)."""
    partners = _with_list_relations(_filtered(_partners(actor), selection or DirectoryFilter()))
    return keyset_page(partners, ordering=ORDERING, cursor=cursor,
                       page_size=max(1, min(page_size, API_PAGE_MAX)))


def partner_get(*, actor, public_id, action: Action = Action.VIEW) -> Partner:
    return policy.get_or_404(actor, Partner.objects.select_related("organisation").filter(
        organisation_id__in=directory_organisation_ids(actor)), action=action, public_id=public_id)


def partner_detail(*, actor, partner: Partner) -> dict:
    """Everything the detail page and the API show, in a constant number of queries."""
    services = list(policy.scope(actor, PartnerService.objects.filter(partner=partner)))
    contacts = list(policy.scope(actor, PartnerContact.objects.filter(partner=partner)))
    languages = list(partner.languages.order_by("label", "code"))
    return {"services": services, "contacts": contacts, "partner_languages": languages,
            "programmes": programme_rows(actor=actor, partner=partner),
            "may_maintain": may_maintain(actor, partner.organisation)}


@dataclass(frozen=True)
class ProgrammeRow:
    offering: ProgrammeOffering
    level: str  # "" = no cooperation agreed for this programme

    @property
    def level_label(self) -> str:
        return str(CooperationLevel(self.level).label) if self.level else ""


def programme_rows(*, actor, partner: Partner) -> list[ProgrammeRow]:
    """Each programme offering of the partner's organisation with the agreed cooperation (two queries)."""
    offerings = list(policy.scope(actor,
                                  ProgrammeOffering.objects.filter(organisation_id=partner.organisation_id))
                     .order_by("name", "pk"))
    levels = dict(policy.scope(actor, PartnerProgramme.objects.filter(partner=partner))
                  .values_list("offering_id", "level"))
    return [ProgrammeRow(offering=offering, level=levels.get(offering.pk, "")) for offering in offerings
            if offering.is_active or offering.pk in levels]


def service_get(*, actor, public_id, action: Action = Action.CHANGE) -> PartnerService:
    return policy.get_or_404(actor, PartnerService.objects.select_related("partner__organisation").filter(
        partner__organisation_id__in=directory_organisation_ids(actor)), action=action, public_id=public_id)


def contact_get(*, actor, public_id, action: Action = Action.CHANGE) -> PartnerContact:
    return policy.get_or_404(actor, PartnerContact.objects.select_related("partner__organisation").filter(
        partner__organisation_id__in=directory_organisation_ids(actor)), action=action, public_id=public_id)


def service_choices(*, actor, partners) -> QuerySet[PartnerService]:
    """Active services of the given partners (e.g. what a referral goes to)."""
    return policy.scope(actor, PartnerService.objects.select_related("partner")).filter(
        partner__in=partners, is_active=True).order_by("partner__name", "name", "pk")


def partner_contact_choices(*, actor, partners) -> QuerySet[PartnerContact]:
    """Active contact persons of the given partners."""
    return policy.scope(actor, PartnerContact.objects.select_related("partner")).filter(
        partner__in=partners, is_active=True).order_by("partner__name", "name", "pk")


def contact_choices(*, actor, organisation) -> QuerySet[PartnerContact]:
    """Active contact persons of the organisation's active partners (e.g. to invite to a case conference)."""
    return policy.scope(actor, PartnerContact.objects.select_related("partner")).filter(
        partner__organisation=organisation, partner__is_active=True, is_active=True).order_by(
        "partner__name", "name", "pk")


def export_partners(*, actor, selection: DirectoryFilter | None = None) -> list[Partner]:
    """The filtered directory with everything the export file holds (five queries, however many rows)."""
    partners = _filtered(_partners(actor), selection or DirectoryFilter(status=Status.ALL))
    return list(partners.order_by(*ORDERING).prefetch_related(
        Prefetch("services", queryset=PartnerService.objects.filter(is_active=True).order_by("name", "pk")),
        Prefetch("contacts", queryset=PartnerContact.objects.filter(is_active=True).order_by("name", "pk")),
        "languages"))


def _export_row(partner: Partner) -> list[str]:
    """One row of the export, in the order of ``spreadsheets.COLUMNS`` (values as the import reads them)."""
    from django.utils import translation

    from lotse.network.spreadsheets import join_values

    with translation.override("de"):
        type_label = str(partner.get_partner_type_display())
    contacts = list(partner.contacts.all())
    values = {
        "name": partner.name, "partner_type": type_label,
        "is_internal": "ja" if partner.is_internal else "nein", "street": partner.street,
        "postal_code": partner.postal_code, "city": partner.city, "phone": partner.phone,
        "email": partner.email, "website": partner.website, "opening_hours": partner.opening_hours,
        "languages": join_values([f"{code.label} ({code.code})" for code in partner.languages.all()]),
        "services": join_values([service.name for service in partner.services.all()]),
        "contact": partner.contact,
        "contact_name": join_values([contact.name for contact in contacts]),
        "contact_function": join_values([contact.function for contact in contacts]),
        "contact_phone": join_values([contact.phone for contact in contacts]),
        "contact_email": join_values([contact.email for contact in contacts]),
        "notes": partner.notes, "is_active": "ja" if partner.is_active else "nein",
    }
    from lotse.network.spreadsheets import KEYS

    return [values[key] for key in KEYS]


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def partner_export(*, actor, file_format: str, selection: DirectoryFilter | None = None) -> ExportFile:
    """The (filtered) directory as CSV or XLSX, with the import's columns; the export is audited."""
    from django.utils import timezone

    from lotse.audit.models import Category
    from lotse.audit.services import audit_record
    from lotse.network import spreadsheets

    if file_format not in EXPORT_TYPES:
        raise ValueError(file_format)
    partners = export_partners(actor=actor, selection=selection)
    rows = [_export_row(partner) for partner in partners]
    content = spreadsheets.write_csv(rows) if file_format == "csv" else spreadsheets.write_xlsx(rows)
    organisations = {partner.organisation_id for partner in partners}
    audit_record(actor=actor, action="partner.exported", category=Category.READ,
                 organisation=next(iter(organisations)) if len(organisations) == 1 else None,
                 object_type="network.partner",
                 details={"format": file_format, "rows": len(rows),
                          "ids": [str(p.public_id) for p in partners]})
    return ExportFile(content=content, filename=f"partner-{timezone.localdate():%Y-%m-%d}.{file_format}",
                      content_type=EXPORT_TYPES[file_format])


def import_preview(*, actor, organisation, rows, update_existing: bool):
    """Step 2 of the import: every row checked against the organisation's directory (nothing is written)."""
    from lotse.network import importing

    if not may_maintain(actor, organisation):
        policy.deny(actor, "partner.import")
    return importing.check_rows(organisation=organisation, rows=rows, update_existing=update_existing)
