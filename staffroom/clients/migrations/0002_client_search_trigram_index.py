"""On PostgreSQL, client search (a part of the name, phone digits or e-mail) uses a trigram index per business."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX IF NOT EXISTS client_search_text_trigram
    ON clients_client USING gin (business_id, search_text gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS client_search_text_trigram;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
