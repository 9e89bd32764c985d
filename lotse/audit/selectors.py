from django.apps import apps
from django.db.models import Q

from lotse.access import policy
from lotse.audit.chain import CHAIN_FIELDS, CHECKPOINT_ACTION, GENESIS_HASH, ChainProblem, verify_chain
from lotse.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent, AuditEventRecord


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
    """First break in the chain, or None. Reads the table in id order, in chunks.

    After retention removed old events, the chain starts at the newest checkpoint: the first remaining
    event must link to the checkpoint's hash, and an ``audit.checkpoint`` event in the remaining chain must
    confirm the checkpoint (so that a forged checkpoint row cannot hide deleted events).
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    head_id, head_hash = (head.last_event_id, head.last_hash) if head else (0, GENESIS_HASH)
    checkpoint = AuditCheckpoint.objects.order_by("-event_id").first()
    anchor_id, anchor_hash = (checkpoint.event_id, checkpoint.hash) if checkpoint else (0, GENESIS_HASH)
    events = AuditEvent.objects.filter(id__gt=anchor_id).order_by("id").values(
        *CHAIN_FIELDS, "hash").iterator(chunk_size=chunk_size)
    problem = verify_chain(events, head_id=head_id, head_hash=head_hash, anchor_id=anchor_id,
                           anchor_hash=anchor_hash)
    if problem is None and checkpoint is not None:
        return checkpoint_problem(checkpoint)
    return problem


def checkpoint_problem(checkpoint):
    """None if an event of the (verified) remaining chain confirms the checkpoint."""
    confirmations = AuditEvent.objects.filter(id__gt=checkpoint.event_id, action=CHECKPOINT_ACTION).values_list(
        "details", flat=True)
    for details in confirmations:
        if details.get("event_id") == checkpoint.event_id and details.get("hash") == checkpoint.hash:
            return None
    return ChainProblem(checkpoint.event_id, "checkpoint is not confirmed by the chain")


# Record types whose access log can be opened; later apps add persons, cases, ...
RECORD_TYPES = frozenset({"accounts.user", "people.person", "people.household"})


def record_for_log(*, actor, object_type: str, public_id):
    if object_type not in RECORD_TYPES:
        raise LookupError(object_type)
    model = apps.get_model(object_type)
    return policy.get_or_404(actor, model._default_manager.all(), public_id=public_id)
