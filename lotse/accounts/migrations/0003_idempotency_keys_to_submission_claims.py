import hashlib

from django.db import migrations


def move_keys(apps, schema_editor):
    """Keys claimed within the last day stay claimed, now as ``core.SubmissionClaim`` (digest as in
    ``lotse.core.services.api_submission_token``)."""
    IdempotencyKey = apps.get_model("accounts", "IdempotencyKey")
    SubmissionClaim = apps.get_model("core", "SubmissionClaim")
    SubmissionClaim.objects.bulk_create(
        [SubmissionClaim(token="api:" + hashlib.sha256(f"{row.token_id}\n{row.key}".encode()).hexdigest(),
                         claimed_at=row.created_at) for row in IdempotencyKey.objects.iterator()],
        ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_idempotencykey"),
        ("core", "0002_submission_claim"),
    ]

    operations = [
        migrations.RunPython(move_keys, migrations.RunPython.noop),
        migrations.DeleteModel(name="IdempotencyKey"),
    ]
