"""Demo services: three categories, and who of the demo specialists provides what."""

from decimal import Decimal

from .models import Service, ServiceCategory, SpecialistService

# category -> [(service, minutes, price, specialist keys)]
DEMO_SERVICES = {
    "Hair": [
        ("Haircut", 60, "2500", ("specialist",)),
        ("Hair colouring", 120, "6000", ("specialist",)),
        ("Blow-dry", 45, "1800", ("specialist",)),
    ],
    "Nails": [
        ("Manicure", 60, "2000", ("specialist2",)),
        ("Pedicure", 75, "2600", ("specialist2",)),
        ("Gel polish", 90, "3200", ("specialist2",)),
    ],
    "Barbershop": [
        ("Men's haircut", 45, "1800", ("specialist3", "specialist")),
        ("Beard trim", 30, "900", ("specialist3",)),
    ],
}


def load(context: dict) -> None:
    business = context["business"]
    employees = context["employees"]
    demo_services = {}
    for position, (category_name, rows) in enumerate(DEMO_SERVICES.items()):
        category, _ = ServiceCategory.objects.for_business(business).get_or_create(
            business=business, name=category_name, defaults={"position": position}
        )
        for name, minutes, price, specialist_keys in rows:
            service, _ = Service.objects.for_business(business).get_or_create(
                business=business,
                name=name,
                defaults={"category": category, "duration_minutes": minutes, "price": Decimal(price)},
            )
            for key in specialist_keys:
                SpecialistService.objects.for_business(business).get_or_create(
                    business=business, service=service, specialist=employees[key]
                )
            demo_services[name] = service
    context["services"] = demo_services
