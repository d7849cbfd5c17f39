"""allauth's pages (password reset, re-authentication, two-step) in the product's layout and the reader's language."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _product_layout(page: str) -> bool:
    return 'class="topbar"' in page and "css/staffroom.css" in page


def test_password_reset_is_in_the_product_layout_and_in_russian(anonymous):
    response = anonymous.get("/accounts/password/reset/", HTTP_ACCEPT_LANGUAGE="ru")
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "ru"
    assert _product_layout(page) and '<main id="main" class="entrance">' in page
    assert '<form method="post" action="/accounts/password/reset/" class="stack">' in page
    assert '<button type="submit" class="primary">' in page
    assert "Сброс пароля" in page and "Password Reset" not in page


def test_reauthentication_is_in_the_product_layout_and_the_persons_language(owner, client_for):
    owner.person.language = "ru"
    owner.person.save(update_fields=["language"])
    response = client_for(owner).get("/accounts/reauthenticate/")
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "ru"
    assert _product_layout(page) and 'type="password"' in page
    assert "Confirm Access" not in page


def test_two_step_overview_is_the_products_own_page(owner, client_for):
    assert client_for(owner).get("/accounts/2fa/")["Location"] == "/security/two-factor/"
