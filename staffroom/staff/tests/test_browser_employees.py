"""A person signs in with Debian's chromium and creates an employee; the list shows the seat and why."""

import pytest

from conftest import browser_sign_in
from staffroom.staff.models import Employee

pytestmark = pytest.mark.browser


def test_owner_signs_in_and_creates_an_employee(browser_page, owner, branches):
    page = browser_page
    browser_sign_in(page, owner)
    page.goto("/employees/")
    assert page.locator("h1").inner_text() == "Employees"
    page.click("text=Add employee")
    page.fill("#id_full_name", "Lena Browser")
    page.fill("#id_login_email", "lena.browser@example.test")
    page.fill("#id_position", "Colorist")
    page.check("#id_provides_services")
    page.select_option("#id_role", label="Specialist")
    page.check(f"input[name=branches][value='{branches['North'].pk}']")
    page.click("main button[type=submit]")
    page.wait_for_url("**/employees/")
    row = page.locator("tr", has_text="Lena Browser")
    assert row.locator(".seat").inner_text().startswith("billable")
    assert "Provides services" in row.locator(".seat-reason").inner_text()
    page.screenshot(path="var/screenshot-employees.png", full_page=True)

    created = Employee.objects.for_business(owner.business).get(full_name="Lena Browser")
    assert created.person.email == "lena.browser@example.test"
    assert list(created.branches.all()) == [branches["North"]]
