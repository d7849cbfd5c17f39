"""Tenancy fails closed: a business-owned query that is not scoped refuses to run."""

import pytest

from staffroom.core.models import UnscopedQueryError
from staffroom.staff.models import Employee, Role
from staffroom.tenancy.models import Branch


@pytest.mark.parametrize(
    "evaluate",
    [
        lambda qs: list(qs),
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.first(),
        lambda qs: qs.get(pk=1),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.aggregate(),
        lambda qs: qs.update(name="x"),
        lambda qs: qs.delete(),
        lambda qs: list(qs.values_list("pk")),
    ],
)
def test_unscoped_queries_refuse_to_run(business, evaluate):
    with pytest.raises(UnscopedQueryError):
        evaluate(Branch.objects.filter(name__startswith="N"))
    assert Branch.objects.for_business(business).count() == 2


def test_scoped_queries_see_only_their_business(business, other_business):
    mine = set(Role.objects.for_business(business).values_list("business_id", flat=True))
    assert mine == {business.pk}
    assert Role.objects.for_business(business).count() == Role.objects.for_business(other_business).count() == 8


def test_a_filter_on_business_scopes_and_an_or_does_not(business, other_business):
    assert Branch.objects.filter(business=business).count() == 2
    assert Branch.objects.filter(business_id__in=[business.pk]).count() == 2
    from django.db.models import Q

    with pytest.raises(UnscopedQueryError):
        Branch.objects.filter(Q(business=business) | Q(name="South")).count()


def test_reaching_rows_through_a_loaded_parent_is_scoped(business, owner):
    role = owner.role
    assert list(role.employees.all()) == [owner]
    assert list(owner.person.employments.all()) == [owner]


def test_unscoped_is_explicit_and_sees_everything(business, other_business):
    assert Employee.objects.unscoped().filter(business__in=[business, other_business]).count() == 2
