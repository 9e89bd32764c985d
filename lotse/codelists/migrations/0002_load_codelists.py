"""Load the bundled code lists, so a fresh database has them without a separate command.

Uses the historical models; later versions of a list are loaded with ``manage.py load_codelists``.
"""

from django.db import migrations


def load_bundled_lists(apps, schema_editor):
    from lotse.codelists.loader import load_all

    load_all(model_classes=(apps.get_model("codelists", "CodeList"), apps.get_model("codelists", "Code")))


class Migration(migrations.Migration):

    dependencies = [
        ("codelists", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_bundled_lists, migrations.RunPython.noop),
    ]
