"""REST API for the services catalogue: categories, services, and which specialists provide them."""

from decimal import Decimal

from ninja import Field, Router, Schema, Status

from staffroom.core.shortcuts import choice_for_business, get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee
from staffroom.staff.permissions import EMPLOYEE, api_permission

from . import services
from .models import Service, ServiceCategory

router = Router(tags=["services"])


class CategoryOut(Schema):
    id: int
    name: str
    position: int


class CategoryIn(Schema):
    name: str = Field(..., max_length=120)
    position: int = Field(0, ge=0, le=100000)


class SpecialistLinkOut(Schema):
    specialist_id: int
    specialist_name: str
    price: Decimal
    duration_minutes: int


class ServiceOut(Schema):
    id: int
    name: str
    category_id: int | None
    description: str
    duration_minutes: int
    price: Decimal
    is_active: bool
    specialists: list[SpecialistLinkOut]


class ServiceIn(Schema):
    name: str = Field(..., max_length=200)
    category_id: int | None = None
    description: str = Field("", max_length=5000)
    duration_minutes: int = Field(..., ge=1, le=1440)
    price: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    specialist_ids: list[int] = Field(default_factory=list)


class ServiceUpdateIn(Schema):
    name: str | None = Field(None, max_length=200)
    category_id: int | None = None
    description: str | None = Field(None, max_length=5000)
    duration_minutes: int | None = Field(None, ge=1, le=1440)
    price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    is_active: bool | None = None


class SpecialistLinkIn(Schema):
    specialist_id: int
    price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    duration_minutes: int | None = Field(None, ge=1, le=1440)


def service_out(service: Service) -> dict:
    links = [link for link in service.specialist_links.all() if link.specialist.is_active]
    return {
        "id": service.pk,
        "name": service.name,
        "category_id": service.category_id,
        "description": service.description,
        "duration_minutes": service.duration_minutes,
        "price": service.price,
        "is_active": service.is_active,
        "specialists": [
            {
                "specialist_id": link.specialist_id,
                "specialist_name": link.specialist.full_name,
                "price": link.effective_price,
                "duration_minutes": link.effective_duration_minutes,
            }
            for link in links
        ],
    }


def _services(business):
    return Service.objects.for_business(business).prefetch_related("specialist_links__specialist")


@router.get("/service-categories", response=list[CategoryOut])
@api_permission(EMPLOYEE)
def category_list(request):
    return list(ServiceCategory.objects.for_business(request.business))


@router.post("/service-categories", response={201: CategoryOut})
@api_permission(Perm.SERVICES_MANAGE)
def category_create(request, payload: CategoryIn):
    return Status(201, services.service_category_create(actor=request.employee, **payload.dict()))


@router.patch("/service-categories/{category_id}", response=CategoryOut)
@api_permission(Perm.SERVICES_MANAGE)
def category_update(request, category_id: int, payload: CategoryIn):
    category = get_for_business_or_404(ServiceCategory, request.business, pk=category_id)
    return services.service_category_update(actor=request.employee, category=category, **payload.dict())


@router.get("/services", response=list[ServiceOut])
@api_permission(EMPLOYEE)
def service_list(request, include_inactive: bool = False):
    queryset = _services(request.business)
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return [service_out(service) for service in queryset]


@router.get("/services/{service_id}", response=ServiceOut)
@api_permission(EMPLOYEE)
def service_detail(request, service_id: int):
    return service_out(get_for_business_or_404(_services(request.business), request.business, pk=service_id))


@router.post("/services", response={201: ServiceOut})
@api_permission(Perm.SERVICES_MANAGE)
def service_create(request, payload: ServiceIn):
    from staffroom.core.shortcuts import choices_for_business

    business = request.business
    service = services.service_create(
        actor=request.employee,
        name=payload.name,
        duration_minutes=payload.duration_minutes,
        price=payload.price,
        description=payload.description,
        category=choice_for_business(ServiceCategory, business, payload.category_id, "category_id"),
        specialists=choices_for_business(Employee, business, payload.specialist_ids, "specialist_ids"),
    )
    return Status(201, service_out(get_for_business_or_404(_services(business), business, pk=service.pk)))


@router.patch("/services/{service_id}", response=ServiceOut)
@api_permission(Perm.SERVICES_MANAGE)
def service_update(request, service_id: int, payload: ServiceUpdateIn):
    business = request.business
    service = get_for_business_or_404(Service, business, pk=service_id)
    data = payload.dict(exclude_unset=True)
    values = {key: value for key, value in data.items() if key != "category_id" and value is not None}
    if "category_id" in data:
        values["category"] = choice_for_business(ServiceCategory, business, data["category_id"], "category_id")
    services.service_update(actor=request.employee, service=service, **values)
    return service_out(get_for_business_or_404(_services(business), business, pk=service_id))


@router.put("/services/{service_id}/specialists", response=ServiceOut)
@api_permission(Perm.SERVICES_MANAGE)
def service_specialists_set(request, service_id: int, payload: list[SpecialistLinkIn]):
    business = request.business
    service = get_for_business_or_404(Service, business, pk=service_id)
    entries = [
        (
            choice_for_business(Employee, business, item.specialist_id, "specialist_id"),
            item.price,
            item.duration_minutes,
        )
        for item in payload
    ]
    services.service_specialists_set(actor=request.employee, service=service, entries=entries)
    return service_out(get_for_business_or_404(_services(business), business, pk=service_id))
