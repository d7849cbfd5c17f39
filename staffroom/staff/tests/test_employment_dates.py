"""Hire and leave dates of employees in the API and the employee form: kept, cleared, and checked in order."""

import datetime as dt

from staffroom.core.testing import database_fingerprint
from staffroom.staff.models import Employee
from staffroom.staff.tests.factories import make_employee, role_of


def test_api_creates_and_shows_hire_and_leave_dates(business, owner, api_for):
    client = api_for(owner)
    response = client.post(
        "/api/v1/employees",
        {
            "full_name": "Seasonal",
            "role_id": role_of(business, "accountant").pk,
            "hire_date": "2026-06-01",
            "leave_date": "2026-08-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["hire_date"], body["leave_date"]) == ("2026-06-01", "2026-08-31")
    employee = Employee.objects.for_business(business).get(pk=body["id"])
    assert (employee.hire_date, employee.leave_date) == (dt.date(2026, 6, 1), dt.date(2026, 8, 31))


def test_api_refuses_a_leave_date_before_the_hire_date_and_changes_nothing(business, owner, api_for):
    client = api_for(owner)
    before = database_fingerprint()
    response = client.post(
        "/api/v1/employees",
        {
            "full_name": "Backwards",
            "role_id": role_of(business, "accountant").pk,
            "hire_date": "2026-06-01",
            "leave_date": "2026-05-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "leave_date" in response.json()["errors"]
    assert database_fingerprint() == before


def test_api_patch_sets_and_clears_the_leave_date(business, owner, api_for):
    employee = make_employee(business, "accountant", hire_date=dt.date(2026, 1, 10))
    client = api_for(owner)
    url = f"/api/v1/employees/{employee.pk}"
    response = client.patch(url, {"leave_date": "2026-03-31"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["leave_date"] == "2026-03-31"
    response = client.patch(url, {"leave_date": "2026-01-09"}, content_type="application/json")
    assert response.status_code == 422
    assert "leave_date" in response.json()["errors"]
    response = client.patch(url, {"leave_date": None}, content_type="application/json")
    assert response.status_code == 200
    employee.refresh_from_db()
    assert (employee.hire_date, employee.leave_date) == (dt.date(2026, 1, 10), None)


def test_form_shows_the_dates_and_refuses_a_leave_date_before_the_hire_date(business, owner, client_for):
    employee = make_employee(business, "accountant", hire_date=dt.date(2026, 1, 10), full_name="Dated")
    client = client_for(owner)
    page = client.get(f"/employees/{employee.pk}/").content.decode()
    assert 'name="hire_date"' in page and "2026-01-10" in page
    before = database_fingerprint()
    response = client.post(
        f"/employees/{employee.pk}/",
        {
            "full_name": "Dated",
            "role": employee.role_id,
            "hire_date": "2026-01-10",
            "leave_date": "2026-01-01",
            "version": employee.version,
        },
    )
    assert response.status_code == 200
    assert "The leave date cannot be before the hire date." in response.content.decode()
    assert database_fingerprint() == before
