"""The SLA rules of PRODUCT.md M7 as data; the operator may change them later."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

BUG = {"target": "resolution", "working_hours": Decimal(8), "same_day_cutoff": dt.time(16, 0)}
CONSULTATION = {"target": "first_reply", "working_hours": Decimal(12), "same_day_cutoff": None}
ENHANCEMENT = {"target": "resolution", "working_hours": None, "same_day_cutoff": None}

DEFAULT_RULES = {
    ("free", "bug"): BUG,
    ("paid", "bug"): BUG,
    ("paid", "consultation"): CONSULTATION,
    ("paid", "enhancement"): ENHANCEMENT,
    ("individual", "bug"): BUG,
    ("individual", "consultation"): CONSULTATION,
    ("individual", "enhancement"): ENHANCEMENT,
}


def add_rules(apps, schema_editor):
    rule_model = apps.get_model("support", "SlaRule")
    for (plan, ticket_type), terms in DEFAULT_RULES.items():
        rule_model.objects.get_or_create(plan=plan, ticket_type=ticket_type, defaults=terms)


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
