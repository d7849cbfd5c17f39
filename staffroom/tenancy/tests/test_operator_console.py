"""The operator console creates a business through the onboarding service: roles, branches, owner."""

from django.test import Client

from staffroom.security.tests.helpers import enrol_totp
from staffroom.staff.models import Employee, Role
from staffroom.staff.tests.factories import PersonFactory
from staffroom.tenancy.models import Branch, Business


def test_operator_creates_a_business_with_roles_branches_and_owner(db):
    operator = PersonFactory(is_staff=True, is_superuser=True)
    enrol_totp(operator)  # SECURITY.md 34: the console needs a second factor
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(operator)
    response = client.post(
        "/operator/tenancy/business/add/",
        {
            "name": "Budapest Nails",
            "time_zone": "Europe/Budapest",
            "currency": "HUF",
            "locale": "en",
            "country": "HU",
            "owner_name": "Kata Kovacs",
            "owner_email": "kata@example.test",
            "branch_names": "Pest, Buda",
        },
    )
    assert response.status_code == 302, response.content
    business = Business.objects.get(name="Budapest Nails")
    assert business.owner.person.email == "kata@example.test"
    assert Role.objects.for_business(business).count() == 8
    assert sorted(Branch.objects.for_business(business).values_list("name", flat=True)) == ["Buda", "Pest"]
    assert Employee.objects.for_business(business).count() == 1


def test_business_employees_cannot_open_the_operator_console(owner, client_for):
    response = client_for(owner).get("/operator/")
    assert response.status_code == 302 and "/operator/login/" in response["Location"]
