"""Writing the audit trail. Every write happens inside the caller's transaction."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from lotse.audit import context
from lotse.audit.chain import CHAIN_FIELDS, GENESIS_HASH, event_hash
from lotse.audit.models import AuditChainHead, AuditEvent, AuditEventRecord, Category


def object_type_of(obj) -> str:
    return obj._meta.label_lower


def audit_record(
    *,
    actor,
    action: str,
    category: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    organisation=None,
    details: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(getattr(obj, "public_id", obj.pk))
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if organisation is None and actor is not None:
        organisation = _sole_organisation(actor)
    values = {
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_label": (actor.get_username() if actor else actor_label)[:150],
        "action": action,
        "category": category,
        "object_type": object_type,
        "object_id": str(object_id)[:64],
        "organisation_id": getattr(organisation, "pk", organisation),
        "ip_address": context.current().ip_address,
        "details": details or {},
    }
    # No savepoint inside the caller's transaction: an audit write that fails fails the whole operation anyway,
    # and the savepoint would cost two more round trips on every audited read and write.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        values["id"] = head.last_event_id + 1
        values["prev_hash"] = head.last_hash
        values["hash"] = event_hash(values)
        event = AuditEvent.objects.create(**{name: values[name] for name in (*CHAIN_FIELDS, "hash")})
        AuditChainHead.objects.filter(pk=head.pk).update(last_event_id=event.id, last_hash=event.hash)
    return event


def _sole_organisation(actor):
    """Attribute an event to the actor's organisation when there is exactly one."""
    from lotse.access.policy import grants

    organisations = grants(actor).all_orgs
    return next(iter(organisations)) if len(organisations) == 1 else None


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_event_id": 0, "last_hash": GENESIS_HASH})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def audit_read(*, actor, obj, organisation=None, action: str | None = None) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=action or f"{object_type_of(obj)}.view",
        category=Category.READ,
        obj=obj,
        organisation=organisation,
    )


def audit_read_many(*, actor, objects: Iterable, object_type: str, action: str, organisation=None,
                    details: dict | None = None) -> AuditEvent:
    """One event for a list or search result, naming every id that was shown."""
    ids = [str(getattr(obj, "public_id", obj)) for obj in objects]
    with transaction.atomic(savepoint=False):
        event = audit_record(
            actor=actor,
            action=action,
            category=Category.READ,
            object_type=object_type,
            organisation=organisation,
            details={**(details or {}), "ids": ids},
        )
        AuditEventRecord.objects.bulk_create(
            AuditEventRecord(event=event, object_type=object_type, object_id=object_id) for object_id in ids
        )
    return event


def audit_security(*, actor, action: str, details: dict | None = None, actor_label: str = "",
                   organisation=None) -> AuditEvent:
    return audit_record(
        actor=actor, action=action, category=Category.SECURITY, details=details, actor_label=actor_label,
        organisation=organisation,
    )
