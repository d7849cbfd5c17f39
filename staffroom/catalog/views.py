"""Services catalogue pages: the list by category, and a form to create or edit a service and who provides it."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import EMPLOYEE, permission_required

from . import services
from .forms import ServiceForm
from .models import Service, ServiceCategory, SpecialistService


@permission_required(EMPLOYEE)
def service_list(request):
    business = request.business
    catalogue = (
        Service.objects.for_business(business)
        .select_related("category")
        .prefetch_related("specialist_links__specialist")
        .order_by("category__position", "category__name", "name")
    )
    return render(request, "catalog/list.html", {"services": catalogue})


@permission_required(Perm.SERVICES_MANAGE)
@require_http_methods(["GET", "POST"])
def service_edit(request, service_id=None):
    business = request.business
    service = get_for_business_or_404(Service, business, pk=service_id) if service_id else None
    initial = {"is_active": True}
    if service is not None:
        initial = {
            "name": service.name,
            "category": service.category,
            "duration_minutes": service.duration_minutes,
            "price": service.price,
            "is_active": service.is_active,
            "specialists": [
                link.specialist for link in SpecialistService.objects.for_business(business).filter(service=service)
            ],
        }
    form = ServiceForm(request.POST or None, business=business, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = _save(request.employee, service, data)
        except ApplicationError as error:
            add_service_error(form, error, {"category_id": "category", "specialist_ids": "specialists"})
        else:
            messages.success(request, _("Service saved."))
            return redirect("catalog:list")
    return render(request, "catalog/form.html", {"form": form, "service": service})


@transaction.atomic
def _save(actor, service, data):
    """The page's one action: category (maybe new), the service, its specialists — together or not at all."""
    category = data["category"]
    if not category and data["new_category"].strip():
        category = (
            ServiceCategory.objects.for_business(actor.business)
            .filter(name__iexact=data["new_category"].strip())
            .first()
        )
        if category is None:
            category = services.service_category_create(actor=actor, name=data["new_category"])
    fields = {
        "name": data["name"],
        "duration_minutes": data["duration_minutes"],
        "price": data["price"],
        "category": category,
    }
    if service is None:
        service = services.service_create(actor=actor, **fields)
    else:
        service = services.service_update(actor=actor, service=service, is_active=data["is_active"], **fields)
    existing = {
        link.specialist_id: link
        for link in SpecialistService.objects.for_business(actor.business).filter(service=service)
    }
    entries = []
    for specialist in data["specialists"]:
        link = existing.get(specialist.pk)
        entries.append((specialist, link.price if link else None, link.duration_minutes if link else None))
    services.service_specialists_set(actor=actor, service=service, entries=entries)
    return service
