"""On PostgreSQL the seat ledger is append-only: the app cannot rewrite or delete its events.

The one update allowed is the employee link becoming NULL when an employee row is deleted (the label stays).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION billing_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.employee_id IS NULL
       AND (to_jsonb(NEW) - 'employee_id') = (to_jsonb(OLD) - 'employee_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'the seat ledger is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_ledger_append_only
    BEFORE UPDATE OR DELETE ON billing_seatledgerevent
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS billing_ledger_append_only ON billing_seatledgerevent;
DROP FUNCTION IF EXISTS billing_ledger_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
