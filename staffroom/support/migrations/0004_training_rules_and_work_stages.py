"""Training requests are accepted on the Paid and Individual plans (their deadline comes from the accepted
estimate, like an enhancement); enhancements filed before the workflow get the stage their estimates imply."""

from django.db import migrations

TRAINING = {"target": "resolution", "working_hours": None, "same_day_cutoff": None}
TRAINING_RULES = {("paid", "training"): TRAINING, ("individual", "training"): TRAINING}


def add_rules(apps, schema_editor):
    rule_model = apps.get_model("support", "SlaRule")
    for (plan, ticket_type), terms in TRAINING_RULES.items():
        rule_model.objects.get_or_create(plan=plan, ticket_type=ticket_type, defaults=terms)


def set_work_stages(apps, schema_editor):
    ticket_model = apps.get_model("support", "Ticket")
    enhancements = ticket_model.objects.filter(ticket_type="enhancement", work_stage="")
    enhancements.filter(estimates__accepted_at__isnull=False).update(work_stage="in_progress")
    enhancements.filter(work_stage="", estimates__isnull=False).update(work_stage="estimated")
    enhancements.filter(work_stage="").update(work_stage="requested")


def forwards(apps, schema_editor):
    add_rules(apps, schema_editor)
    set_work_stages(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("support", "0003_enhancement_workflow_training_strikes_per_contact")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
