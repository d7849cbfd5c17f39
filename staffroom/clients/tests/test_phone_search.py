"""Phone numbers: stored E.164, found however they are typed, shown the way the business's country writes them."""

import pytest

from staffroom.clients import services
from staffroom.clients.selectors import client_search
from staffroom.core.formatting import format_phone

# One Russian number typed ten ways (and a fragment), as people type it into the search box.
TEN_WAYS = [
    "+79161316760",
    "79161316760",
    "89161316760",
    "8 916 131 67 60",
    "8 (916) 131-67-60",
    "+7 (916) 131-67-60",
    "+7 916 131 6760",
    "9161316760",
    "916-131-67-60",
    "(916) 131 67 60",
    "8-916-131",
    "1316760",
]


@pytest.fixture
def stored(business, administrator):
    business.country = "RU"
    business.save(update_fields=["country"])
    target = services.client_create(actor=administrator, full_name="Nina Nomer", phone="8 (916) 131-67-60")
    services.client_create(actor=administrator, full_name="Other Person", phone="+7 925 777 00 11")
    return target


def test_the_number_is_stored_in_e164(stored):
    assert stored.phone == "+79161316760"


@pytest.mark.parametrize("typed", TEN_WAYS)
def test_a_client_is_found_however_the_number_is_typed(business, stored, typed):
    assert [client.pk for client in client_search(business, typed)] == [stored.pk]


def test_the_client_list_finds_a_number_typed_with_the_trunk_prefix(business, stored, administrator, client_for):
    page = client_for(administrator).get("/clients/", {"q": "8 916 131 67 60"}).content.decode()
    assert "Nina Nomer" in page and "Other Person" not in page
    assert "8 (916) 131-67-60" in page  # shown in the national format of a Russian business


def test_a_hungarian_number_typed_nationally_is_found(business, administrator):
    business.country = "HU"
    business.save(update_fields=["country"])
    target = services.client_create(actor=administrator, full_name="Hanna", phone="06 30 123 4567")
    assert target.phone == "+36301234567"
    for typed in ("06 30 123 4567", "+36 30 123 4567", "30/123-4567", "0630 1234567"):
        assert [client.pk for client in client_search(business, typed)] == [target.pk], typed


def test_search_stays_inside_the_business(business, other_business, stored):
    assert list(client_search(other_business, "8 916 131 67 60")) == []


@pytest.mark.parametrize(
    ("phone", "region", "shown"),
    [
        ("+79161316760", "RU", "8 (916) 131-67-60"),
        ("+79161316760", "HU", "+7 916 131-67-60"),
        ("+36301234567", "HU", "06 30 123 4567"),
        ("+380501234567", "UA", "050 123 4567"),
        ("+12025550123", "US", "(202) 555-0123"),
        ("+7916•••••60", "RU", "+7916•••••60"),
        ("", "RU", ""),
    ],
)
def test_phone_display_follows_the_business_country(phone, region, shown):
    assert format_phone(phone, region) == shown
