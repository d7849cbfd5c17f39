"""Factories for businesses, branches and employees in tests."""

import factory
from django.contrib.auth import get_user_model

from staffroom.staff.models import Employee, Role
from staffroom.staff.services import business_onboard
from staffroom.tenancy.models import Branch

PASSWORD = "correct-horse-battery-9"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


_business_counter = iter(range(1, 10**9))


def make_business(*, name=None, branch_names=("North", "South"), time_zone="Europe/Moscow", currency="RUB"):
    number = next(_business_counter)
    return business_onboard(
        name=name or f"Business {number}",
        time_zone=time_zone,
        currency=currency,
        owner_email=f"owner{number}@example.test",
        owner_name=f"Owner {number}",
        owner_password=PASSWORD,
        branch_names=branch_names,
    )


def role_of(business, template_code: str) -> Role:
    return Role.objects.for_business(business).get(template_code=template_code)


def make_employee(business, template_code="specialist", *, role=None, with_login=True, branches=None, **fields):
    person = PersonFactory() if with_login else None
    employee = Employee.objects.create(
        business=business,
        person=person,
        full_name=fields.pop("full_name", person.full_name if person else "No Login"),
        role=role or role_of(business, template_code),
        **fields,
    )
    employee.branches.set(branches if branches is not None else Branch.objects.for_business(business))
    return employee
