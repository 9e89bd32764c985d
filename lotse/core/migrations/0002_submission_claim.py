from django.db import migrations, models


class Migration(migrations.Migration):
    """Form tokens and API idempotency keys share one table of claims (``api:<digest>`` for the API)."""

    dependencies = [
        ("core", "0001_form_submission"),
    ]

    operations = [
        migrations.RenameModel(old_name="FormSubmission", new_name="SubmissionClaim"),
        migrations.AlterField(model_name="submissionclaim", name="token",
                              field=models.CharField(max_length=80, unique=True)),
    ]
