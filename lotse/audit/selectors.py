from django.apps import apps
from django.db.models import Q

from lotse.access import policy
from lotse.audit.chain import GENESIS_HASH, CHAIN_FIELDS, verify_chain
from lotse.audit.models import AuditChainHead, AuditEvent, AuditEventRecord


def audit_events_for_object(*, actor, obj):
    """Who read or changed this record ("Wer hat diese Akte gesehen?").

    The caller fetched ``obj`` through the policy; here we check that the actor may also read its log.
    """
    if not policy.record_log_allowed(actor, obj):
        policy.deny(actor, "record access log")
    object_type, object_id = obj._meta.label_lower, str(getattr(obj, "public_id", obj.pk))
    listed = AuditEventRecord.objects.filter(object_type=object_type, object_id=object_id).values("event_id")
    return AuditEvent.objects.filter(
        Q(object_type=object_type, object_id=object_id) | Q(pk__in=listed)
    ).select_related("actor")


def audit_events_list(*, actor, category: str | None = None):
    events = policy.scope(actor, AuditEvent.objects.all()).select_related("actor")
    if category:
        events = events.filter(category=category)
    return events


def audit_chain_problem(*, chunk_size: int = 5000):
    """First break in the chain, or None. Reads the whole table in id order, in chunks."""
    head = AuditChainHead.objects.filter(pk=1).first()
    head_id, head_hash = (head.last_event_id, head.last_hash) if head else (0, GENESIS_HASH)
    events = AuditEvent.objects.order_by("id").values(*CHAIN_FIELDS, "hash").iterator(chunk_size=chunk_size)
    return verify_chain(events, head_id=head_id, head_hash=head_hash)


# Record types whose access log can be opened; later apps add persons, cases, ...
RECORD_TYPES = frozenset({"accounts.user", "people.person", "people.household"})


def record_for_log(*, actor, object_type: str, public_id):
    if object_type not in RECORD_TYPES:
        raise LookupError(object_type)
    model = apps.get_model(object_type)
    return policy.get_or_404(actor, model._default_manager.all(), public_id=public_id)
