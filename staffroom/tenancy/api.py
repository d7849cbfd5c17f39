"""REST API: the current business and its branches."""

from ninja import Field, Router, Schema, Status

from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import EMPLOYEE, api_permission

from . import services
from .models import Branch

router = Router(tags=["business"])


class BusinessOut(Schema):
    id: int
    name: str
    time_zone: str
    currency: str
    locale: str
    country: str
    owner_id: int | None
    is_chain: bool


class BusinessUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    time_zone: str | None = Field(None, max_length=64)
    currency: str | None = Field(None, max_length=3)
    locale: str | None = Field(None, max_length=10)
    country: str | None = Field(None, max_length=2)


class BranchOut(Schema):
    id: int
    name: str
    address: str
    phone: str
    is_active: bool


class BranchIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    address: str = Field("", max_length=300)
    phone: str = Field("", max_length=32)


class BranchUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=32)
    is_active: bool | None = None


def business_out(business) -> dict:
    return {
        "id": business.pk,
        "name": business.name,
        "time_zone": business.time_zone,
        "currency": business.currency,
        "locale": business.locale,
        "country": business.country,
        "owner_id": business.owner_id,
        "is_chain": Branch.objects.for_business(business).filter(is_active=True).count() > 1,
    }


@router.get("/business", response=BusinessOut)
@api_permission(EMPLOYEE)
def business_current(request):
    return business_out(request.business)


@router.patch("/business", response=BusinessOut)
@api_permission(Perm.SETTINGS_MANAGE)
def business_update(request, payload: BusinessUpdateIn):
    values = {name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None}
    return business_out(services.business_update(actor=request.employee, **values))


@router.get("/branches", response=list[BranchOut])
@api_permission(EMPLOYEE)
def branch_list(request):
    return list(Branch.objects.for_business(request.business))


@router.get("/branches/{branch_id}", response=BranchOut)
@api_permission(EMPLOYEE)
def branch_detail(request, branch_id: int):
    return get_for_business_or_404(Branch, request.business, pk=branch_id)


@router.post("/branches", response={201: BranchOut})
@api_permission(Perm.SETTINGS_MANAGE_BRANCHES)
def branch_create(request, payload: BranchIn):
    return Status(201, services.branch_create(actor=request.employee, **payload.dict()))


@router.patch("/branches/{branch_id}", response=BranchOut)
@api_permission(Perm.SETTINGS_MANAGE_BRANCHES)
def branch_update(request, branch_id: int, payload: BranchUpdateIn):
    branch = get_for_business_or_404(Branch, request.business, pk=branch_id)
    values = {name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None}
    return services.branch_update(actor=request.employee, branch=branch, **values)
