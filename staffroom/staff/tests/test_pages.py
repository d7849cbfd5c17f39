"""Pages: permission checks, cross-business 404, form errors that change nothing, the business picker."""

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.security.tests.helpers import reauthenticated
from staffroom.staff.models import Employee, Role
from staffroom.staff.tests.factories import make_employee


@pytest.fixture
def page_targets(business, specialist):
    role = Role.objects.create(business=business, name="Custom", permissions=["clients.view"])
    return {"employee": specialist.pk, "role": role.pk, "branch": specialist.branches.first().pk}


PAGES = [
    ("/employees/", "specialist"),
    ("/employees/new/", "administrator"),
    ("/employees/{employee}/", "administrator"),
    ("/roles/", "specialist"),
    ("/roles/new/", "administrator"),
    ("/roles/{role}/", "administrator"),
    ("/settings/", "administrator"),
    ("/settings/branches/", "administrator"),
    ("/settings/branches/{branch}/", "administrator"),
]


@pytest.mark.parametrize(("path", "lacking"), PAGES)
def test_page_access_matrix(path, lacking, page_targets, owner, outsider, request, client_for, anonymous):
    url = path.format(**page_targets)
    assert client_for(owner).get(url).status_code == 200
    assert client_for(request.getfixturevalue(lacking)).get(url).status_code == 403
    response = anonymous.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    if "{" in path:
        assert client_for(outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/employees/{employee}/", {"full_name": "Hijacked", "role": "{role}"}),
        ("/employees/{employee}/block/", {}),
        ("/roles/{role}/", {"name": "Hijacked"}),
        ("/roles/{role}/delete/", {}),
        ("/settings/branches/{branch}/", {"name": "Hijacked"}),
    ],
)
def test_writes_to_another_business_answer_404_and_change_nothing(path, data, page_targets, outsider, client_for):
    client = reauthenticated(client_for(outsider))
    before = database_fingerprint()
    filled = {key: value.format(**page_targets) for key, value in data.items()}
    assert client.post(path.format(**page_targets), filled).status_code == 404
    assert database_fingerprint() == before


def test_invalid_employee_form_shows_errors_and_changes_nothing(owner, client_for):
    client = reauthenticated(client_for(owner))
    before = database_fingerprint()
    response = client.post("/employees/new/", {"full_name": "", "login_email": "not-an-email", "role": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"full_name", "login_email", "role"} <= set(errors)
    assert database_fingerprint() == before


def test_a_role_of_another_business_is_not_a_choice(owner, outsider, client_for):
    foreign_role = outsider.role
    response = reauthenticated(client_for(owner)).post("/employees/new/", {"full_name": "Eve", "role": foreign_role.pk})
    assert "role" in response.context["form"].errors
    assert not Employee.objects.for_business(owner.business).filter(full_name="Eve").exists()


def test_person_with_two_memberships_picks_the_business(business, other_business, client_for, anonymous):
    from staffroom.staff.tests.factories import PASSWORD, PersonFactory, role_of

    person = PersonFactory()
    for target in (business, other_business):
        Employee.objects.create(
            business=target, person=person, full_name="Remote Operator", role=role_of(target, "call_center")
        )

    response = anonymous.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert anonymous.get("/").status_code == 302  # no business chosen yet
    picker = anonymous.get("/business/select/").content.decode()
    assert "Test Beauty" in picker and "Other Salon" in picker
    anonymous.post("/business/select/", {"business": other_business.pk})
    home = anonymous.get("/")
    assert home.status_code == 200 and home.context["current_business"] == other_business
    # A business the person does not belong to cannot be chosen.
    third = make_employee(other_business, "viewer")
    assert third.person != person
    assert anonymous.post("/business/select/", {"business": 999999}).status_code == 200
    assert anonymous.get("/").context["current_business"] == other_business


def test_templates_show_only_permitted_actions(owner, accountant, client_for):
    owner_page = client_for(owner).get("/employees/").content.decode()
    assert "Add employee" in owner_page
    viewer_nav = client_for(accountant).get("/").content.decode()
    assert "/employees/" not in viewer_nav and "/settings/" not in viewer_nav
