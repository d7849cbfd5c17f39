"""The demo business speaks its language: a Russian demo has Russian services, roubles and Moscow time."""

import pytest
from django.conf import settings
from django.utils import translation

from staffroom.catalog.demo import DEMO_SERVICES
from staffroom.catalog.models import Service
from staffroom.clients.demo import DEMO_CLIENT_COUNT
from staffroom.clients.models import Client
from staffroom.core.demodata import demo_profile, load_demo
from staffroom.orders.models import OrderItem, OrderTask, Product
from staffroom.scheduling.models import WorkingHours
from staffroom.staff.models import Employee
from staffroom.tenancy.models import Branch


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


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def test_a_russian_demo_names_its_clients_branches_products_and_tasks_in_russian(db):
    business = load_demo("ru")["business"]
    branches = Branch.objects.for_business(business)
    assert set(branches.values_list("name", flat=True)) == {"Тверская", "Арбат"}
    assert all(_cyrillic(address) for address in branches.values_list("address", flat=True))
    assert all(_cyrillic(name) for name in Client.objects.for_business(business).values_list("full_name", flat=True))
    assert all(_cyrillic(name) for name in Product.objects.for_business(business).values_list("name", flat=True))
    product_lines = OrderItem.objects.for_business(business).filter(product__isnull=False)
    assert product_lines.exists()
    assert all(_cyrillic(name) for name in product_lines.values_list("name", flat=True))
    assert all(_cyrillic(title) for title in OrderTask.objects.for_business(business).values_list("title", flat=True))
    # The demo employees and their schedules are in the Russian-named branches.
    staff = Employee.objects.for_business(business).exclude(pk=business.owner_id)
    assert all(employee.branches.exists() for employee in staff)
    assert WorkingHours.objects.for_business(business).filter(branch__name="Арбат").exists()


def test_the_english_demo_stays_in_english(db):
    business = load_demo("en")["business"]
    assert set(Branch.objects.for_business(business).values_list("name", flat=True)) == {"Tverskaya", "Arbat"}
    names = list(Client.objects.for_business(business).values_list("full_name", flat=True))
    assert "Anna Petrova" in names
    assert not any(_cyrillic(name) for name in names)
    assert not any(_cyrillic(name) for name in Product.objects.for_business(business).values_list("name", flat=True))


@pytest.mark.parametrize(("language", "branch"), [("hu", "Andrássy"), ("uk", "Хрещатик")])
def test_the_hungarian_and_ukrainian_demos_have_their_own_branches_and_clients(db, language, branch):
    business = load_demo(language)["business"]
    assert Branch.objects.for_business(business).filter(name=branch).exists()
    assert not Client.objects.for_business(business).filter(full_name="Anna Petrova").exists()
    assert Client.objects.for_business(business).count() == DEMO_CLIENT_COUNT  # the same rows as in English


@pytest.mark.parametrize(("language", "script"), [("ru", _cyrillic), ("uk", _cyrillic), ("hu", str.isascii)])
def test_demo_people_and_support_tickets_speak_the_demo_language(db, language, script):
    from staffroom.support.models import Ticket, TicketMessage

    business = load_demo(language)["business"]
    names = list(Employee.objects.for_business(business).values_list("full_name", flat=True))
    english = set(load_english_names())
    assert not english & set(names)
    if language == "hu":
        assert not any(_cyrillic(name) for name in names)
    else:
        assert all(script(name) for name in names)
    subjects = list(Ticket.objects.for_business(business).values_list("subject", flat=True))
    assert subjects
    assert not any(subject in ENGLISH_TICKET_SUBJECTS for subject in subjects)
    if language != "hu":
        assert all(_cyrillic(subject) for subject in subjects)
    bodies = TicketMessage.objects.for_business(business).values_list("body", flat=True)
    assert not any("Maria" in body or "Tverskaya" in body for body in bodies)


def load_english_names():
    from staffroom.staff.demo import DEMO_PEOPLE

    return [person["name"] for person in DEMO_PEOPLE.values()]


ENGLISH_TICKET_SUBJECTS = {
    "Calendar shows yesterday's appointments",
    "How do I give a specialist access to only one branch?",
    "Export the client list to Excel",
}


@pytest.mark.parametrize(("language", "code"), [("en", "+7"), ("ru", "+7"), ("hu", "+36"), ("uk", "+380")])
def test_demo_phones_are_valid_numbers_of_the_business_country(db, language, code):
    import phonenumbers

    business = load_demo(language)["business"]
    phones = [
        *Client.objects.for_business(business).exclude(phone="").values_list("phone", flat=True),
        *Employee.objects.for_business(business).exclude(phone="").values_list("phone", flat=True),
    ]
    assert len(phones) > DEMO_CLIENT_COUNT
    for phone in phones:
        parsed = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(parsed), phone
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == phone  # stored E.164
        assert phonenumbers.region_code_for_number(parsed) == business.country, phone
        assert phone.startswith(code)
