from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")
    SECURITY = "security", _("Security")


class AuditEvent(models.Model):
    """Append-only, hash-chained record of who did what to which personal data.

    Ids are assigned by the chain (head id + 1) so that a gap reveals a deleted row.
    Foreign keys carry no database constraint: nothing may ever cascade into this table.
    """

    id = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    category = models.CharField(max_length=10, choices=Category.choices)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(null=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-id"], name="audit_object_idx"),
            models.Index(fields=["organisation", "-id"], name="audit_org_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
        ]


class AuditChainHead(models.Model):
    """Single row naming the last event, so that deleting the newest events is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)


class AuditEventRecord(models.Model):
    """Index of the records shown by a list or search event, so a record's access log finds them.

    The authoritative list is in the hash-chained ``details["ids"]`` of the event.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_record_idx")]


class AuditCheckpoint(models.Model):
    """Anchor of the chain after retention removed the events up to ``event_id``.

    ``hash`` is the hash of event ``event_id``: the first remaining event must link to it. Each
    checkpoint is confirmed by an ``audit.checkpoint`` event in the remaining chain that names
    ``event_id`` and ``hash``, so a forged checkpoint row alone does not verify. Append-only on
    PostgreSQL, like the events.
    """

    event_id = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    removed_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-event_id"]
