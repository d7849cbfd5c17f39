"""The demo business: each app may have a `demo.py` with `load(context)`; they run in INSTALLED_APPS order.

Each loader is idempotent (re-running does not duplicate) and adds its keys to the shared `context` dict.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction

DEMO_PASSWORD = "staffroom-demo-2026"  # noqa: S105 - published demo credentials, demo data only
DEMO_EMAIL_DOMAIN = "demo.staffroom.test"
OPERATOR_EMAIL = "operator@staffroom.test"


def demo_loaders():
    for config in apps.get_app_configs():
        if not config.name.startswith("staffroom."):
            continue
        module_name = f"{config.name}.demo"
        if find_spec(module_name) is not None:
            yield config.label, import_module(module_name)


def load_demo() -> dict:
    context: dict = {}
    for _label, module in demo_loaders():
        with transaction.atomic():
            module.load(context)
    return context
