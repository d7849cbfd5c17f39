"""The demo business speaks its language: a Russian demo has Russian services, roubles and Moscow time."""

import pytest
from django.conf import settings
from django.utils import translation

from staffroom.catalog.demo import DEMO_SERVICES
from staffroom.catalog.models import Service
from staffroom.core.demodata import demo_profile, load_demo


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_russian_demo_business_is_in_russian(db):
    context = load_demo("ru")
    business = context["business"]
    assert (business.locale, business.currency, business.time_zone) == ("ru", "RUB", "Europe/Moscow")
    names = set(Service.objects.for_business(business).values_list("name", flat=True))
    # Stored as the Russian catalogue writes them (the catalogue pass after the merge translates the demo names).
    with translation.override("ru"):
        expected = {translation.gettext(name) for rows in DEMO_SERVICES.values() for name, *_rest in rows}
    assert names == expected
    assert translation.get_language() == settings.LANGUAGE_CODE  # the loader leaves the language as it was


def test_every_offered_language_has_a_profile_and_others_are_refused():
    for code, _name in settings.LANGUAGES:
        assert demo_profile(code)["locale"] == code
    with pytest.raises(ValueError):
        demo_profile("xx")
