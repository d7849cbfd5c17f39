"""The business's language: validated against the offered languages, the default UI language of its employees."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation

from staffroom.core.errors import ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.security.tests.helpers import enrol_totp
from staffroom.staff.models import Role
from staffroom.staff.services import business_onboard
from staffroom.staff.tests.factories import PersonFactory
from staffroom.tenancy.middleware import activate_business_language
from staffroom.tenancy.models import Business
from staffroom.tenancy.services import business_update, validate_business_settings


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Russian leaves Russian active on the test thread; later tests expect the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def russian_business(business, owner):
    business_update(actor=owner, locale="ru")
    business.refresh_from_db()
    return business


def employees_page(client, **headers):
    response = client.get("/employees/", **headers)
    assert response.status_code == 200
    return response


def test_an_employee_without_a_chosen_language_sees_the_business_language(russian_business, administrator, client_for):
    response = employees_page(client_for(administrator))
    assert response["Content-Language"] == "ru"
    assert "Сотрудники" in response.content.decode()


def test_the_business_language_wins_over_the_browser_language(russian_business, owner, client_for):
    response = employees_page(client_for(owner), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "ru"


def test_an_english_business_shows_english_to_a_russian_browser(business, owner, client_for):
    assert business.locale == "en"
    response = employees_page(client_for(owner), HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "en"
    assert "Employees" in response.content.decode()


def test_the_language_the_employee_chose_wins_over_the_business_language(russian_business, owner, client_for):
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = employees_page(client)
    assert response["Content-Language"] == "en"
    assert "Сотрудники" not in response.content.decode()


def test_choosing_a_language_in_the_switcher_overrides_the_business_language(russian_business, owner, client_for):
    client = client_for(owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/employees/"})
    assert employees_page(client)["Content-Language"] == "en"


def test_an_unknown_language_cookie_counts_as_no_choice(russian_business, owner, client_for):
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert employees_page(client)["Content-Language"] == "ru"


def test_a_stored_language_that_is_no_longer_offered_is_ignored(business, owner, client_for):
    Business.objects.filter(pk=business.pk).update(locale="fr")
    response = employees_page(client_for(owner), HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "ru"


def test_the_request_language_code_is_the_business_language(russian_business, owner):
    request = RequestFactory().get("/employees/")
    activate_business_language(request, russian_business)
    assert request.LANGUAGE_CODE == "ru"
    assert translation.get_language() == "ru"


@pytest.mark.parametrize("locale", ["fr", "", "RU", "ru-xx", "english"])
def test_the_business_language_must_be_an_offered_language(locale):
    with pytest.raises(ValidationFailed) as raised:
        validate_business_settings({"locale": locale})
    assert list(raised.value.errors) == ["locale"]


@pytest.mark.parametrize("locale", [code for code, _name in settings.LANGUAGES])
def test_every_offered_language_is_accepted(locale):
    assert validate_business_settings({"locale": locale}) == {"locale": locale}


def test_an_unknown_language_changes_nothing(business, owner):
    before = database_fingerprint()
    with pytest.raises(ValidationFailed):
        business_update(actor=owner, locale="de")
    assert database_fingerprint() == before


def test_the_api_refuses_an_unknown_language(business, owner, api_for):
    client = api_for(owner)
    before = database_fingerprint()
    response = client.patch("/api/v1/business", {"locale": "de"}, content_type="application/json")
    assert response.status_code == 422
    assert "locale" in response.json()["errors"]
    assert database_fingerprint() == before
    response = client.patch("/api/v1/business", {"locale": "ru"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["locale"] == "ru"


def test_the_settings_form_offers_the_languages(business, owner, client_for):
    page = client_for(owner).get("/settings/").content.decode()
    assert '<select name="locale"' in page
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}"' in page


def test_the_settings_form_changes_the_language(business, owner, client_for):
    client = client_for(owner)
    values = {"name": business.name, "time_zone": business.time_zone, "currency": business.currency}
    response = client.post("/settings/", {**values, "locale": "ru", "country": business.country}, follow=True)
    business.refresh_from_db()
    assert business.locale == "ru"
    assert response["Content-Language"] == "ru"
    assert "Настройки компании" in response.content.decode()


def test_the_settings_form_refuses_an_unknown_language(business, owner, client_for):
    before = database_fingerprint()
    values = {"name": business.name, "time_zone": business.time_zone, "currency": business.currency}
    response = client_for(owner).post("/settings/", {**values, "locale": "de", "country": business.country})
    assert response.status_code == 200
    assert response.context["form"].errors["locale"]
    assert database_fingerprint() == before


def test_the_operator_console_offers_only_the_languages(db):
    operator = PersonFactory(is_staff=True, is_superuser=True)
    enrol_totp(operator)  # SECURITY.md 34: the console needs a second factor
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(operator)
    page = client.get("/operator/tenancy/business/add/").content.decode()
    assert '<select name="locale"' in page
    response = client.post(
        "/operator/tenancy/business/add/",
        {
            "name": "Paris Nails",
            "time_zone": "Europe/Paris",
            "currency": "EUR",
            "locale": "fr",
            "country": "FR",
            "owner_name": "Anne",
            "owner_email": "anne@example.test",
            "branch_names": "Main",
        },
    )
    assert response.status_code == 200
    assert not Business.objects.filter(name="Paris Nails").exists()


def test_a_business_gets_its_built_in_roles_named_in_its_language(db):
    business = business_onboard(
        name="Салон Лада",
        time_zone="Europe/Moscow",
        currency="RUB",
        locale="ru",
        country="RU",
        owner_email="lada@example.test",
        owner_name="Лада",
    )
    names = dict(Role.objects.for_business(business).values_list("template_code", "name"))
    assert names["owner"] == "Владелец" and names["specialist"] == "Специалист"
    assert names["call_center"] == "Колл-центр"
    assert business.owner.position == "Владелец"
    assert translation.get_language() == settings.LANGUAGE_CODE
