"""allauth's seed-derived recovery codes give way to our hashed ones: one mechanism (people make new codes)."""

from django.db import migrations


def drop_seeded_recovery_codes(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    Authenticator.objects.filter(type="recovery_codes").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0006_recovery_codes"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(drop_seeded_recovery_codes, migrations.RunPython.noop)]
