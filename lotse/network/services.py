"""Every write to the partner directory: partners, their services and contact persons, the cooperation per
programme, and the import of a spreadsheet.

Partners are never deleted: releases from confidentiality, tasks, referrals and closures name them and must
keep their meaning. A partner that is no longer needed is deactivated (and can be reactivated); the same holds
for services and contact persons."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.access import policy
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.core.versioning import bump, ensure_current
from lotse.intake.services import clean_text
from lotse.network.models import (CooperationLevel, Partner, PartnerContact, PartnerProgramme, PartnerService,
                                  PartnerType)

LIMITS = {"name": 200, "contact": 300, "street": 200, "postal_code": 10, "city": 100, "phone": 50,
          "email": 254, "website": 300, "opening_hours": 500, "notes": 5000}
MULTILINE = {"opening_hours", "notes"}
LANGUAGES_MAX = 40
SERVICE_LIMITS = {"name": 200, "description": 2000}
CONTACT_LIMITS = {"name": 200, "function": 200, "phone": 50, "email": 254}


@dataclass
class PartnerData:
    """A directory entry as a form, the API or an import row delivers it (languages as code-list codes)."""

    name: str
    partner_type: str
    contact: str = ""
    is_internal: bool = False
    street: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    opening_hours: str = ""
    languages: list[str] = field(default_factory=list)
    notes: str = ""


def _may_maintain(actor, organisation) -> bool:
    """Mirrors the CHANGE part of the policy rule ``network.partner``."""
    from lotse.network.selectors import maintained_organisation_ids

    return policy.grants(actor).is_system_admin or organisation.pk in maintained_organisation_ids(actor)


def _require_maintainer(actor, organisation, reason: str) -> None:
    if not _may_maintain(actor, organisation):
        policy.deny(actor, reason)


def normalised_email(value: str, *, field_name: str = "email") -> str:
    value = clean_text(value, field_name=field_name, max_length=254)
    if value:
        try:
            EmailValidator()(value)
        except ValidationError:
            raise ValidationError({field_name: _("Please enter a valid e-mail address.")}) from None
    return value


def normalised_website(value: str, *, field_name: str = "website") -> str:
    """A web address; "www.example.de" is completed to "https://www.example.de"."""
    value = clean_text(value, field_name=field_name, max_length=LIMITS["website"])
    if not value:
        return value
    if "://" not in value:
        value = f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError({field_name: _(
            "Please enter a valid web address (e.g. https://www.example.de).")}) from None
    if len(value) > LIMITS["website"]:
        raise ValidationError({field_name: _(
            "This text can have at most %(max)d characters (it has %(length)d).")
            % {"max": LIMITS["website"], "length": len(value)}})
    return value


def language_codes(values) -> list:
    """The ``Code`` objects of the code list "language" for ``values`` (codes); refuses unknown codes."""
    from lotse.codelists.models import Code

    wanted = list(dict.fromkeys(str(value).strip() for value in values or [] if str(value).strip()))
    if len(wanted) > LANGUAGES_MAX:
        raise ValidationError({"languages": _("Please choose at most %(max)d languages.")
                               % {"max": LANGUAGES_MAX}})
    codes = {code.code: code for code in Code.objects.filter(code_list__slug="language", code__in=wanted)}
    unknown = [value for value in wanted if value not in codes]
    if unknown:
        raise ValidationError({"languages": _("“%(value)s” is not a value of the official code list.")
                               % {"value": unknown[0][:40]}})
    return [codes[value] for value in wanted]


def _name_taken(names, name: str, *, exclude_pk=None) -> bool:
    """Whether ``name`` is among ``names`` (a queryset) ignoring case, in Python: SQLite compares only ASCII
    letters case-insensitively, and "ÄMT" must clash with "Ämt" on every database."""
    if exclude_pk is not None:
        names = names.exclude(pk=exclude_pk)
    wanted = name.casefold()
    return any(stored.casefold() == wanted for stored in names.values_list("name", flat=True))


def _validated(organisation, data: PartnerData, *, exclude_pk=None) -> tuple[dict, list]:
    """Clean and check everything before anything is written; returns field values and language codes."""
    errors: dict[str, list[str]] = {}
    values = {}
    for name, limit in LIMITS.items():
        try:
            if name == "email":
                values[name] = normalised_email(data.email)
            elif name == "website":
                values[name] = normalised_website(data.website)
            else:
                values[name] = clean_text(str(getattr(data, name) or ""), field_name=name, max_length=limit,
                                          multiline=name in MULTILINE)
        except ValidationError as error:
            errors.update(error.message_dict)
    if "name" not in errors and not values["name"]:
        errors["name"] = [_("Please enter the name.")]
    if data.partner_type not in PartnerType.values:
        errors["partner_type"] = [_("Please choose the type.")]
    values["partner_type"] = data.partner_type
    values["is_internal"] = bool(data.is_internal)
    languages = []
    try:
        languages = language_codes(data.languages)
    except ValidationError as error:
        errors.update(error.message_dict)
    if "name" not in errors and _name_taken(Partner.objects.filter(organisation=organisation), values["name"],
                                            exclude_pk=exclude_pk):
        errors["name"] = [_("This partner is already in the list.")]
    if errors:
        raise ValidationError(errors)
    return values, languages


def _saved(save):
    """Run a write whose unique name may have been taken concurrently; report that as a validation error."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError:
        raise ValidationError({"name": _("This partner is already in the list.")}) from None


@transaction.atomic
def partner_create(*, actor, organisation, name: str, partner_type: str, contact: str = "",
                   **details) -> Partner:
    """A new directory entry; ``details`` are the further fields of :class:`PartnerData`."""
    _require_maintainer(actor, organisation, "partner.create")
    values, languages = _validated(organisation, PartnerData(name=name, partner_type=partner_type,
                                                             contact=contact, **details))
    partner = _saved(lambda: Partner.objects.create(organisation=organisation, **values))
    partner.languages.set(languages)
    audit_record(actor=actor, action="partner.created", category=Category.WRITE, obj=partner,
                 organisation=organisation, details={"name": partner.name, "type": partner.partner_type})
    return partner


@transaction.atomic
def partner_update(*, actor, partner: Partner, version: int | None, data: PartnerData) -> Partner:
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    _require_maintainer(actor, locked.organisation, "partner.update")
    ensure_current(locked, version)
    values, languages = _validated(locked.organisation, data, exclude_pk=locked.pk)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    languages_changed = set(locked.languages.values_list("pk", flat=True)) != {code.pk for code in languages}
    if changed or languages_changed:
        for name in changed:
            setattr(locked, name, values[name])
        _saved(lambda: bump(locked, fields=[*changed, "updated_at"]))
        if languages_changed:
            locked.languages.set(languages)
        audit_record(actor=actor, action="partner.updated", category=Category.WRITE, obj=locked,
                     organisation=locked.organisation,
                     details={"fields": sorted(changed + (["languages"] if languages_changed else []))})
    return locked


@transaction.atomic
def partner_set_active(*, actor, partner: Partner, version: int | None, active: bool) -> Partner:
    """Deactivate (or reactivate) a partner: it stays in releases and records but is no longer offered."""
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    _require_maintainer(actor, locked.organisation, "partner.set_active")
    ensure_current(locked, version)
    if locked.is_active != bool(active):
        locked.is_active = bool(active)
        bump(locked, fields=["is_active", "updated_at"])
        audit_record(actor=actor, action="partner.reactivated" if active else "partner.deactivated",
                     category=Category.WRITE, obj=locked, organisation=locked.organisation)
    return locked


def _touch(partner: Partner) -> None:
    """A change to a service, contact person or programme is a change of the entry: its version moves on."""
    bump(partner, fields=["updated_at"])


def _locked_partner(actor, partner: Partner, reason: str) -> Partner:
    locked = Partner.objects.select_for_update().select_related("organisation").get(pk=partner.pk)
    _require_maintainer(actor, locked.organisation, reason)
    return locked


# ---- services (Leistungen) ---------------------------------------------------------------------------------

def _service_values(partner: Partner, *, name: str, description: str, exclude_pk=None) -> dict:
    errors = {}
    values = {}
    for key, limit in SERVICE_LIMITS.items():
        try:
            values[key] = clean_text({"name": name, "description": description}[key] or "", field_name=key,
                                     max_length=limit, multiline=key == "description")
        except ValidationError as error:
            errors.update(error.message_dict)
    if "name" not in errors and not values["name"]:
        errors["name"] = [_("Please enter the service.")]
    if "name" not in errors and _name_taken(PartnerService.objects.filter(partner=partner), values["name"],
                                            exclude_pk=exclude_pk):
        errors["name"] = [_("The partner already has this service.")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def service_create(*, actor, partner: Partner, name: str, description: str = "") -> PartnerService:
    locked = _locked_partner(actor, partner, "partner_service.create")
    values = _service_values(locked, name=name, description=description)
    service = PartnerService.objects.create(partner=locked, **values)
    _touch(locked)
    audit_record(actor=actor, action="partner.service_added", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation, details={"service": str(service.public_id),
                                                            "name": service.name})
    return service


@transaction.atomic
def service_update(*, actor, service: PartnerService, name: str, description: str = "",
                   is_active: bool = True) -> PartnerService:
    locked_partner = _locked_partner(actor, service.partner, "partner_service.update")
    locked = PartnerService.objects.select_for_update().get(pk=service.pk)
    values = _service_values(locked_partner, name=name, description=description, exclude_pk=locked.pk)
    values["is_active"] = bool(is_active)
    changed = [key for key, value in values.items() if getattr(locked, key) != value]
    if changed:
        for key in changed:
            setattr(locked, key, values[key])
        locked.save(update_fields=changed)
        _touch(locked_partner)
        audit_record(actor=actor, action="partner.service_updated", category=Category.WRITE,
                     obj=locked_partner, organisation=locked_partner.organisation,
                     details={"service": str(locked.public_id), "fields": sorted(changed)})
    return locked


# ---- contact persons (Ansprechpersonen) --------------------------------------------------------------------

def _contact_values(*, name: str, function: str, phone: str, email: str) -> dict:
    errors = {}
    values = {}
    raw = {"name": name, "function": function, "phone": phone}
    for key in ("name", "function", "phone"):
        try:
            values[key] = clean_text(raw[key] or "", field_name=key, max_length=CONTACT_LIMITS[key])
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        values["email"] = normalised_email(email or "")
    except ValidationError as error:
        errors.update(error.message_dict)
    if "name" not in errors and not values["name"]:
        errors["name"] = [_("Please enter the name of the contact person.")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def contact_create(*, actor, partner: Partner, name: str, function: str = "", phone: str = "",
                   email: str = "") -> PartnerContact:
    locked = _locked_partner(actor, partner, "partner_contact.create")
    values = _contact_values(name=name, function=function, phone=phone, email=email)
    contact = PartnerContact.objects.create(partner=locked, **values)
    _touch(locked)
    audit_record(actor=actor, action="partner.contact_added", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation, details={"contact": str(contact.public_id)})
    return contact


@transaction.atomic
def contact_update(*, actor, contact: PartnerContact, name: str, function: str = "", phone: str = "",
                   email: str = "", is_active: bool = True) -> PartnerContact:
    locked_partner = _locked_partner(actor, contact.partner, "partner_contact.update")
    locked = PartnerContact.objects.select_for_update().get(pk=contact.pk)
    values = _contact_values(name=name, function=function, phone=phone, email=email)
    values["is_active"] = bool(is_active)
    changed = [key for key, value in values.items() if getattr(locked, key) != value]
    if changed:
        for key in changed:
            setattr(locked, key, values[key])
        locked.save(update_fields=changed)
        _touch(locked_partner)
        audit_record(actor=actor, action="partner.contact_updated", category=Category.WRITE,
                     obj=locked_partner, organisation=locked_partner.organisation,
                     details={"contact": str(locked.public_id), "fields": sorted(changed)})
    return locked


# ---- cooperation per programme -----------------------------------------------------------------------------

@transaction.atomic
def programmes_set(*, actor, partner: Partner, version: int | None, levels: dict) -> Partner:
    """``levels``: programme offering → "mandatory", "optional" or "" (no cooperation agreed).

    Offerings not named keep their level; offerings of another organisation are refused."""
    locked = _locked_partner(actor, partner, "partner_programme.set")
    ensure_current(locked, version)
    errors = {}
    for offering, level in levels.items():
        if offering.organisation_id != locked.organisation_id:
            errors["programmes"] = [_("Please choose programmes of the partner's organisation.")]
        elif level not in ("", *CooperationLevel.values):
            errors["programmes"] = [_("Please choose mandatory, optional or no cooperation.")]
    if errors:
        raise ValidationError(errors)
    current = {link.offering_id: link for link in PartnerProgramme.objects.filter(partner=locked)}
    changes = {}
    for offering, level in levels.items():
        link = current.get(offering.pk)
        if not level and link is not None:
            link.delete()
        elif level and link is None:
            PartnerProgramme.objects.create(partner=locked, offering=offering, level=level)
        elif level and link.level != level:
            link.level = level
            link.save(update_fields=["level"])
        else:
            continue
        changes[str(offering.public_id)] = level or "none"
    if changes:
        _touch(locked)
        audit_record(actor=actor, action="partner.programmes_set", category=Category.WRITE, obj=locked,
                     organisation=locked.organisation, details={"programmes": changes})
    return locked


# ---- import ------------------------------------------------------------------------------------------------

class ImportRefused(ValidationError):
    """Nothing was imported (rows with errors and "only if all rows are valid", or a concurrent change)."""


@transaction.atomic
def partner_import(*, actor, organisation, rows: list, update_existing: bool,
                   only_if_all_valid: bool) -> dict:
    """Import checked spreadsheet rows in ONE transaction: new partners are created, partners of the same name
    are completed (``update_existing``) or skipped. The rows are checked again here, against the directory as
    it is now. Rows with errors are skipped, or nothing is imported when ``only_if_all_valid``.

    An import never deletes: empty cells leave stored values as they are, and services, languages and contact
    persons are added to those already recorded. Returns the counts per outcome."""
    from lotse.network import importing

    _require_maintainer(actor, organisation, "partner.import")
    # Lock the directory entries the rows name, then check against what is stored now.
    names = [" ".join(str(row.values.get("name", "")).split()) for row in rows]
    list(Partner.objects.select_for_update().filter(organisation=organisation,
                                                    name__in=[n for n in names if n]))
    checked = importing.check_rows(organisation=organisation, rows=rows, update_existing=update_existing)
    errors = [row for row in checked if row.status == importing.ERROR]
    if errors and only_if_all_valid:
        raise ImportRefused(ngettext(
            "Nothing has been imported: %(count)d row has errors. Correct the file and upload it again, or choose "
            "to import only the valid rows.",
            "Nothing has been imported: %(count)d rows have errors. Correct the file and upload it again, or choose "
            "to import only the valid rows.", len(errors)) % {"count": len(errors)})
    counts = {importing.NEW: 0, importing.UPDATED: 0, importing.UNCHANGED: 0, importing.SKIPPED: 0,
              importing.ERROR: len(errors)}
    try:
        with transaction.atomic():
            for row in checked:
                if row.status == importing.NEW:
                    _import_new(organisation, row)
                elif row.status == importing.UPDATED:
                    _import_update(row)
                if row.status != importing.ERROR:
                    counts[row.status] += 1
    except IntegrityError:
        raise ImportRefused(_("Nothing has been imported: the partner list was changed at the same time. "
                              "Please upload the file again.")) from None
    audit_record(actor=actor, action="partner.imported", category=Category.WRITE, organisation=organisation,
                 object_type="organisations.organisation", object_id=str(organisation.public_id),
                 details={"rows": len(rows), **counts})
    return counts


def _import_new(organisation, row) -> None:
    partner = Partner.objects.create(organisation=organisation, **row.fields)
    partner.languages.set(row.languages)
    PartnerService.objects.bulk_create(PartnerService(partner=partner, name=name) for name in row.services)
    PartnerContact.objects.bulk_create(PartnerContact(partner=partner, **contact) for contact in row.contacts)


def _import_update(row) -> None:
    partner = Partner.objects.select_for_update().get(pk=row.existing.pk)
    changed = [name for name, value in row.fields.items() if getattr(partner, name) != value]
    for name in changed:
        setattr(partner, name, row.fields[name])
    if row.languages:
        partner.languages.add(*row.languages)
    existing_services = {service.name.casefold(): service for service in partner.services.all()}
    for name in row.services:
        service = existing_services.get(name.casefold())
        if service is None:
            PartnerService.objects.create(partner=partner, name=name)
        elif not service.is_active:
            service.is_active = True
            service.save(update_fields=["is_active"])
    existing_contacts = {contact.name.casefold(): contact for contact in partner.contacts.all()}
    for values in row.contacts:
        contact = existing_contacts.get(values["name"].casefold())
        if contact is None:
            PartnerContact.objects.create(partner=partner, **values)
            continue
        updates = {key: value for key, value in values.items() if value and getattr(contact, key) != value}
        if not contact.is_active:
            updates["is_active"] = True
        if updates:
            for key, value in updates.items():
                setattr(contact, key, value)
            contact.save(update_fields=list(updates))
    bump(partner, fields=[*changed, "updated_at"])
