"""Demo services: three categories, and who of the demo specialists provides what."""

from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

from .models import Service, ServiceCategory, SpecialistService

# category -> [(service, minutes, price, specialist keys)]; the names are stored in the demo's language (the
# loader runs with it active), the English ones stay the keys other demo loaders look services up by.
DEMO_SERVICES = {
    gettext_noop("Hair"): [
        (gettext_noop("Haircut"), 60, "2500", ("specialist",)),
        (gettext_noop("Hair colouring"), 120, "6000", ("specialist",)),
        (gettext_noop("Blow-dry"), 45, "1800", ("specialist",)),
    ],
    gettext_noop("Nails"): [
        (gettext_noop("Manicure"), 60, "2000", ("specialist2",)),
        (gettext_noop("Pedicure"), 75, "2600", ("specialist2",)),
        (gettext_noop("Gel polish"), 90, "3200", ("specialist2",)),
    ],
    gettext_noop("Barbershop"): [
        (gettext_noop("Men's haircut"), 45, "1800", ("specialist3", "specialist")),
        (gettext_noop("Beard trim"), 30, "900", ("specialist3",)),
    ],
}


def load(context: dict) -> None:
    business = context["business"]
    employees = context["employees"]
    demo_services = {}
    for position, (category_name, rows) in enumerate(DEMO_SERVICES.items()):
        category, _ = ServiceCategory.objects.for_business(business).get_or_create(
            business=business, name=gettext(category_name), defaults={"position": position}
        )
        for name, minutes, price, specialist_keys in rows:
            service, _ = Service.objects.for_business(business).get_or_create(
                business=business,
                name=gettext(name),
                defaults={"category": category, "duration_minutes": minutes, "price": Decimal(price)},
            )
            for key in specialist_keys:
                SpecialistService.objects.for_business(business).get_or_create(
                    business=business, service=service, specialist=employees[key]
                )
            demo_services[name] = service
    context["services"] = demo_services
