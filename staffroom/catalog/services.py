"""Changes to the services catalogue: categories, services and which specialists provide them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from staffroom.core.errors import ValidationFailed, field_error
from staffroom.core.money import round_money
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import require

from .models import Service, ServiceCategory, SpecialistService

MAX_DURATION_MINUTES = 24 * 60


def _service_snapshot(service: Service) -> dict:
    return {
        "name": service.name,
        "category": service.category.name if service.category_id else None,
        "duration_minutes": service.duration_minutes,
        "price": service.price,
        "is_active": service.is_active,
    }


def _clean_name(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise field_error(field, _("Enter a name."))
    if len(name) > 200:
        raise field_error(field, _("The name is too long."))
    return name


def _clean_duration(value, field: str = "duration_minutes") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_DURATION_MINUTES:
        raise field_error(field, _("Enter a duration between 1 and 1440 minutes."))
    return value


def _clean_price(business, value, field: str = "price") -> Decimal:
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError as error:
            raise field_error(field, _("Enter an amount.")) from error
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        raise field_error(field, _("Enter an amount of zero or more."))
    return round_money(value, business.currency)


@transaction.atomic
def service_category_create(*, actor, name: str, position: int = 0) -> ServiceCategory:
    require(actor, Perm.SERVICES_MANAGE)
    name = _clean_name(name)
    if ServiceCategory.objects.for_business(actor.business).filter(name__iexact=name).exists():
        raise field_error("name", _("A category with this name exists already."))
    category = ServiceCategory.objects.create(business=actor.business, name=name, position=position)
    security_event_record(event_type="service_category.created", actor=actor, target=category, after={"name": name})
    return category


@transaction.atomic
def service_category_update(*, actor, category: ServiceCategory, name: str | None = None, position=None):
    require(actor, Perm.SERVICES_MANAGE, obj=category)
    before = {"name": category.name, "position": category.position}
    if name is not None:
        name = _clean_name(name)
        exists = ServiceCategory.objects.for_business(actor.business).filter(name__iexact=name)
        if exists.exclude(pk=category.pk).exists():
            raise field_error("name", _("A category with this name exists already."))
        category.name = name
    if position is not None:
        category.position = position
    category.save()
    security_event_record(
        event_type="service_category.updated",
        actor=actor,
        target=category,
        before=before,
        after={"name": category.name, "position": category.position},
    )
    return category


@transaction.atomic
def service_create(
    *,
    actor,
    name: str,
    duration_minutes: int,
    price,
    category: ServiceCategory | None = None,
    description: str = "",
    specialists: Iterable | None = None,
) -> Service:
    require(actor, Perm.SERVICES_MANAGE)
    business = actor.business
    name = _clean_name(name)
    errors = {}
    try:
        duration_minutes = _clean_duration(duration_minutes)
    except ValidationFailed as error:
        errors.update(error.errors)
    try:
        price = _clean_price(business, price)
    except ValidationFailed as error:
        errors.update(error.errors)
    if category is not None and category.business_id != business.pk:
        errors["category_id"] = [_("Choose a valid option of this business.")]
    if errors:
        raise ValidationFailed(errors=errors)
    if Service.objects.for_business(business).filter(name__iexact=name).exists():
        raise field_error("name", _("A service with this name exists already."))
    service = Service.objects.create(
        business=business,
        name=name,
        duration_minutes=duration_minutes,
        price=price,
        category=category,
        description=description or "",
    )
    if specialists is not None:
        _set_specialists(business, service, [(specialist, None, None) for specialist in specialists])
    security_event_record(event_type="service.created", actor=actor, target=service, after=_service_snapshot(service))
    return service


@transaction.atomic
def service_update(*, actor, service: Service, **values) -> Service:
    require(actor, Perm.SERVICES_MANAGE, obj=service)
    business = actor.business
    service = Service.objects.for_business(business).select_for_update().get(pk=service.pk)
    before = _service_snapshot(service)
    if "name" in values:
        name = _clean_name(values["name"])
        if Service.objects.for_business(business).filter(name__iexact=name).exclude(pk=service.pk).exists():
            raise field_error("name", _("A service with this name exists already."))
        service.name = name
    if "duration_minutes" in values:
        service.duration_minutes = _clean_duration(values["duration_minutes"])
    if "price" in values:
        service.price = _clean_price(business, values["price"])
    if "category" in values:
        category = values["category"]
        if category is not None and category.business_id != business.pk:
            raise field_error("category_id", _("Choose a valid option of this business."))
        service.category = category
    if "description" in values:
        service.description = values["description"] or ""
    if "is_active" in values:
        service.is_active = bool(values["is_active"])
    service.save()
    after = _service_snapshot(service)
    if after != before:
        security_event_record(event_type="service.updated", actor=actor, target=service, before=before, after=after)
    return service


def _set_specialists(business, service: Service, entries) -> None:
    wanted = {}
    for specialist, price, duration in entries:
        if specialist.business_id != business.pk or not specialist.provides_services:
            raise field_error("specialist_ids", _("Choose specialists of this business who provide services."))
        wanted[specialist.pk] = (
            _clean_price(business, price, "specialists") if price is not None else None,
            _clean_duration(duration, "specialists") if duration is not None else None,
        )
    links = SpecialistService.objects.for_business(business).filter(service=service)
    links.exclude(specialist_id__in=wanted).delete()
    existing = {link.specialist_id: link for link in links.filter(specialist_id__in=wanted)}
    for specialist_id, (price, duration) in wanted.items():
        link = existing.get(specialist_id)
        if link is None:
            SpecialistService.objects.create(
                business=business, service=service, specialist_id=specialist_id, price=price, duration_minutes=duration
            )
        elif (link.price, link.duration_minutes) != (price, duration):
            link.price, link.duration_minutes = price, duration
            link.save(update_fields=["price", "duration_minutes"])


@transaction.atomic
def service_specialists_set(*, actor, service: Service, entries) -> Service:
    """`entries`: (specialist, own price or None, own duration or None) for everyone who provides the service."""
    require(actor, Perm.SERVICES_MANAGE, obj=service)
    before = sorted(
        SpecialistService.objects.for_business(actor.business)
        .filter(service=service)
        .values_list("specialist_id", flat=True)
    )
    _set_specialists(actor.business, service, list(entries))
    after = sorted(
        SpecialistService.objects.for_business(actor.business)
        .filter(service=service)
        .values_list("specialist_id", flat=True)
    )
    security_event_record(
        event_type="service.specialists_changed",
        actor=actor,
        target=service,
        before={"specialist_ids": before},
        after={"specialist_ids": after},
    )
    return service
