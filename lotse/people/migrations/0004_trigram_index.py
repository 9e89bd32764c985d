"""Typo-tolerant search on PostgreSQL: a pg_trgm GIN index on the normalised names.

SQLite has no trigram index; the search falls back to rapidfuzz over the user's scope there.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS person_search_name_trgm ON people_person USING gin (search_name gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS person_search_name_trgm;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_search_name")]
    operations = [migrations.RunPython(forwards, backwards)]
