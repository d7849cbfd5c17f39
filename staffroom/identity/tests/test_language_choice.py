"""The language switch persists per person: chosen once, it follows them to every device and business."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from staffroom.core.errors import ValidationFailed
from staffroom.identity import services
from staffroom.staff.tests.factories import PASSWORD, make_employee
from staffroom.tenancy.services import business_update


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _fresh_device(employee) -> Client:
    browser = Client()
    assert browser.login(email=employee.person.email, password=PASSWORD)
    return browser


def test_the_choice_is_stored_on_the_person_and_applied_on_another_device(business, owner, administrator, client_for):
    business_update(actor=owner, locale="ru")
    client_for(administrator).post("/i18n/setlang/", {"language": "en", "next": "/employees/"})
    administrator.person.refresh_from_db()
    assert administrator.person.language == "en"
    # A new browser with no cookie, asking for Russian, in a Russian business: the person's choice wins.
    response = _fresh_device(administrator).get("/employees/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "en"


def test_the_choice_wins_over_a_stale_cookie(business, owner, client_for):
    services.person_language_set(actor=owner.person, language="ru")
    browser = client_for(owner)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert browser.get("/employees/")["Content-Language"] == "ru"


def test_the_choice_follows_the_person_into_another_business(business, other_business, owner):
    second = make_employee(other_business, "manager", with_login=False, full_name="Owner Elsewhere")
    second.person = owner.person
    second.save(update_fields=["person"])
    services.person_language_set(actor=owner.person, language="ru")
    browser = _fresh_device(owner)
    browser.post("/business/select/", {"business": other_business.pk})
    assert second.person_id == owner.person_id
    assert browser.get("/")["Content-Language"] == "ru"


def test_anonymous_switch_sets_only_the_cookie(anonymous, owner):
    response = anonymous.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert anonymous.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    owner.person.refresh_from_db()
    assert owner.person.language == ""


def test_an_unoffered_language_changes_nothing(owner, client_for):
    client_for(owner).post("/i18n/setlang/", {"language": "xx", "next": "/"})
    owner.person.refresh_from_db()
    assert owner.person.language == ""
    with pytest.raises(ValidationFailed) as caught:
        services.person_language_set(actor=owner.person, language="xx")
    assert "language" in caught.value.errors
