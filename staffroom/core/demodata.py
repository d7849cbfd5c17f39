"""The demo business: each app may have a `demo.py` with `load(context)`; they run in INSTALLED_APPS order.

Each loader is idempotent (re-running does not duplicate) and adds its keys to the shared `context` dict.
The demo speaks one language (`DEMO_LANGUAGE`, or `demo_load --language`): the loaders run with it active,
so the names they create from marked strings (services, categories...) are stored in that language, as a
business of that country would type them, and the business gets that country's currency and time zone.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import translation

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


# The business as a salon of each language's first market would set it up; the name is the owner's own text.
DEMO_PROFILES = {
    "en": {"name": "Demo Beauty", "country": "RU", "currency": "RUB", "time_zone": "Europe/Moscow"},
    "ru": {"name": "Демо Салон", "country": "RU", "currency": "RUB", "time_zone": "Europe/Moscow"},
    "hu": {"name": "Demo Szépségszalon", "country": "HU", "currency": "HUF", "time_zone": "Europe/Budapest"},
    "uk": {"name": "Демо Салон краси", "country": "UA", "currency": "UAH", "time_zone": "Europe/Kyiv"},
}


# Numbers as the demo business's country dials them: mobile and city prefixes that the numbering plan accepts, so
# every demo number is valid E.164 and shows in the country's national format. Data, not UI text.
DEMO_PHONE_PREFIXES = {
    "RU": {"mobile": "+7916", "landline": "+7495"},  # Moscow: MTS mobile, the city
    "HU": {"mobile": "+3630", "landline": "+361"},  # a mobile network, Budapest
    "UA": {"mobile": "+38067", "landline": "+38044"},  # a mobile network, Kyiv
}


def demo_phone(country: str, number: int, *, landline: bool = False) -> str:
    """The `number`-th demo phone of a business in `country` (E.164): seven subscriber digits after the prefix."""
    prefixes = DEMO_PHONE_PREFIXES.get((country or "").upper(), DEMO_PHONE_PREFIXES["RU"])
    return f"{prefixes['landline' if landline else 'mobile']}{1000000 + number % 9000000:07d}"


def demo_profile(language: str) -> dict:
    offered = dict(settings.LANGUAGES)
    if language not in offered:
        raise ValueError(f"{language!r} is not in settings.LANGUAGES ({', '.join(offered)})")
    return {"locale": language, **DEMO_PROFILES.get(language, DEMO_PROFILES["en"])}


def load_demo(language: str | None = None) -> dict:
    language = language or settings.DEMO_LANGUAGE
    context: dict = {"language": language, "profile": demo_profile(language)}
    with translation.override(language):
        for _label, module in demo_loaders():
            with transaction.atomic():
                module.load(context)
    return context
