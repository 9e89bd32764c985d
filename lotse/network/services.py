"""Every write to the partner directory."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.network.models import Partner, PartnerType


@transaction.atomic
def partner_create(*, actor, organisation, name: str, partner_type: str, contact: str = "") -> Partner:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Please enter the name.")})
    if partner_type not in PartnerType.values:
        raise ValidationError({"partner_type": _("Please choose the type.")})
    if Partner.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": _("This partner is already in the list.")})
    partner = Partner.objects.create(organisation=organisation, name=name[:200], partner_type=partner_type,
                                     contact=" ".join(contact.split())[:300])
    audit_record(actor=actor, action="partner.created", category=Category.WRITE, obj=partner,
                 organisation=organisation)
    return partner
