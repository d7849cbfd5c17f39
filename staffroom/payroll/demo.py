"""Demo payroll: pay schemes for every role, KPI targets, and last month's payroll approved (idempotent)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from staffroom.catalog.models import Service, ServiceCategory
from staffroom.clients.models import Client
from staffroom.core.demodata import demo_phone
from staffroom.payments.models import Payment, Refund
from staffroom.reports.models import KpiTarget
from staffroom.reports.selectors import SOLD_STATUSES, local_range
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.models import Appointment, AppointmentLine

from . import services
from .choices import KpiMetric, RuleKind
from .models import PayrollRun, PayScheme, PaySchemeAssignment

D = Decimal

# Scheme name -> (role template codes, rules).
SCHEMES = {
    "Stylist": (
        ("specialist",),
        [
            {"kind": RuleKind.FIXED, "amount": "20000"},
            {"kind": RuleKind.SERVICES_PERCENT, "percent": "35", "category": "Nails"},
            {"kind": RuleKind.SERVICES_PERCENT, "percent": "40"},
            {"kind": RuleKind.PER_VISIT_ARRIVED, "amount": "50"},
            {
                "kind": RuleKind.KPI_BONUS,
                "metric": KpiMetric.REBOOKING_RATE,
                "tiers": [{"threshold": "30", "amount": "2000"}, {"threshold": "50", "percent": "5"}],
            },
        ],
    ),
    "Front desk": (
        ("administrator",),
        [
            {"kind": RuleKind.FIXED, "amount": "45000"},
            {"kind": RuleKind.PER_APPOINTMENT_CREATED, "amount": "100", "only_arrived": True},
            {
                "kind": RuleKind.KPI_BONUS,
                "metric": KpiMetric.PAYMENTS_COUNT,
                "tiers": [{"threshold": "20", "amount": "3000"}],
            },
        ],
    ),
    "Call center": (
        ("call_center",),
        [
            {"kind": RuleKind.FIXED, "amount": "35000"},
            {"kind": RuleKind.PER_APPOINTMENT_CREATED, "amount": "60"},
            {
                "kind": RuleKind.KPI_BONUS,
                "metric": KpiMetric.ARRIVED_SHARE,
                "tiers": [{"threshold": "70", "amount": "3000"}, {"threshold": "85", "amount": "6000"}],
            },
        ],
    ),
    "Sales manager": (
        ("manager",),
        [
            {"kind": RuleKind.FIXED, "amount": "40000"},
            {"kind": RuleKind.PRODUCT_SALES_PERCENT, "percent": "5"},
            {
                "kind": RuleKind.KPI_BONUS,
                "metric": KpiMetric.ORDERS_COMPLETED,
                "tiers": [{"threshold": "20", "amount": "5000"}],
            },
        ],
    ),
    "Office salary": (
        ("owner", "accountant", "marketer", "viewer"),
        [{"kind": RuleKind.FIXED, "amount": "60000"}, {"kind": RuleKind.DEDUCTION_PERCENT, "percent": "13"}],
    ),
}

TARGETS = [
    ("administrator", KpiMetric.PAYMENTS_COUNT, "20"),
    ("call_center", KpiMetric.APPOINTMENTS_CREATED, "40"),
    ("call_center", KpiMetric.ARRIVED_SHARE, "85"),
    ("specialist", KpiMetric.SERVICES_REVENUE, "60000"),
    ("specialist", KpiMetric.REBOOKING_RATE, "50"),
]

DEMO_SERVICES = [
    ("Hair", "Women's haircut", 60, "2500"),
    ("Hair", "Colouring", 120, "6000"),
    ("Hair", "Men's haircut", 45, "1500"),
    ("Nails", "Manicure", 60, "1800"),
    ("Nails", "Pedicure", 75, "2400"),
]


def last_month(business) -> tuple[dt.date, dt.date]:
    first_of_this = timezone.now().astimezone(business.zone).date().replace(day=1)
    end = first_of_this - dt.timedelta(days=1)
    return end.replace(day=1), end


def _services(business) -> list[Service]:
    found = list(Service.objects.for_business(business).filter(is_active=True).select_related("category"))
    if found:
        return found
    for category_name, name, minutes, price in DEMO_SERVICES:
        category, _ = ServiceCategory.objects.for_business(business).get_or_create(
            business=business, name=category_name
        )
        Service.objects.create(
            business=business, category=category, name=name, duration_minutes=minutes, price=D(price)
        )
    return list(Service.objects.for_business(business).select_related("category"))


def _clients(business) -> list[Client]:
    clients = list(Client.objects.for_business(business).filter(is_deleted=False)[:40])
    names = ["Olga", "Vera", "Nina", "Kira", "Lena", "Sveta", "Yulia", "Alla", "Inna", "Zoya", "Ivan", "Oleg"]
    for index, name in enumerate(names[len(clients) :], start=len(clients)):
        phone = demo_phone(business.country, 8900000 + index)
        clients.append(
            Client.objects.create(
                business=business, full_name=f"{name} Demo", phone=phone, search_text=f"{name.lower()} demo {phone[1:]}"
            )
        )
    return clients


def _visits_for_last_month(context, start: dt.date, end: dt.date) -> None:
    """A month of visits, payments and one refund, unless the calendar already has sold visits then."""
    business = context["business"]
    employees = context["employees"]
    starts, ends = local_range(business, start, end)
    if (
        Appointment.objects.for_business(business)
        .filter(starts_at__gte=starts, starts_at__lt=ends, status__in=SOLD_STATUSES)
        .exists()
    ):
        return
    rng = random.Random(f"payroll-demo-{start}")
    catalogue = _services(business)
    clients = _clients(business)
    branches = list(context["branches"].values())
    specialists = [employees[key] for key in ("specialist", "specialist2", "specialist3") if key in employees]
    bookers = [employees[key] for key in ("administrator", "call_center") if key in employees] or specialists
    cashier = employees.get("administrator") or employees["owner"]
    day = start
    while day <= end:
        for specialist in specialists:
            for hour in rng.sample((10, 14, 18), k=rng.randint(1, 3)):  # 4 h apart: no overlaps
                chosen = rng.sample(catalogue, k=rng.choice((1, 1, 2)))
                status = rng.choices(["completed", "no_show", "cancelled"], weights=[86, 8, 6])[0]
                starts_at = local_to_utc(day, dt.time(hour), business.zone)
                minutes = sum(s.duration_minutes for s in chosen)
                price = sum((s.price for s in chosen), D(0))
                discount = D(0)
                if rng.random() < 0.15:
                    discount = (price * D("0.10")).quantize(D("0.01"))
                appointment = Appointment.objects.create(
                    business=business,
                    branch=specialist.branches.first() or rng.choice(branches),
                    specialist=specialist,
                    client=rng.choice(clients),
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(minutes=minutes),
                    status=status,
                    created_by=rng.choice([*bookers, specialist]),
                    price=price,
                    discount_amount=discount,
                    discount_kind="amount" if discount else "none",
                    discount_value=discount,
                    total=price - discount,
                    status_changed_at=starts_at,
                )
                remaining = discount
                for position, service in enumerate(chosen):
                    share = remaining if position == len(chosen) - 1 else min(remaining, service.price)
                    remaining -= share
                    AppointmentLine.objects.create(
                        business=business,
                        appointment=appointment,
                        service=service,
                        category=service.category,
                        service_name=service.name,
                        position=position,
                        duration_minutes=service.duration_minutes,
                        price=service.price,
                        discount_amount=share,
                        total=service.price - share,
                    )
                if status == "completed":
                    Payment.objects.create(
                        business=business,
                        branch=appointment.branch,
                        appointment=appointment,
                        client=appointment.client,
                        amount=appointment.total,
                        method=rng.choice(["cash", "card", "card"]),
                        currency=business.currency,
                        processed_by=cashier,
                        processed_at=appointment.ends_at,
                    )
        day += dt.timedelta(days=1)
    payment = Payment.objects.for_business(business).filter(processed_at__gte=starts, processed_at__lt=ends).first()
    if payment is not None:
        amount = (payment.amount / 2).quantize(D("0.01"))
        Refund.objects.create(
            business=business,
            payment=payment,
            branch=payment.branch,
            amount=amount,
            method=payment.method,
            reason="Client unhappy with the colour",
            processed_by=cashier,
            processed_at=payment.processed_at + dt.timedelta(days=2),
        )
        payment.refunded_amount = amount
        payment.save(update_fields=["refunded_amount"])


# The pay schemes' names in the demo's language (data a business would type, not interface text).
SCHEME_NAMES = {
    "ru": {
        "Stylist": "Стилист",
        "Front desk": "Администратор",
        "Call center": "Колл-центр",
        "Sales manager": "Менеджер по продажам",
        "Office salary": "Офисный оклад",
    },
    "hu": {
        "Stylist": "Stiliszta",
        "Front desk": "Recepció",
        "Call center": "Telefonos ügyfélszolgálat",
        "Sales manager": "Értékesítési vezető",
        "Office salary": "Irodai fizetés",
    },
    "uk": {
        "Stylist": "Стиліст",
        "Front desk": "Адміністратор",
        "Call center": "Кол-центр",
        "Sales manager": "Менеджер з продажу",
        "Office salary": "Офісний оклад",
    },
}


def load(context: dict) -> None:
    business = context["business"]
    scheme_names = SCHEME_NAMES.get(context.get("language") or "en", {})
    owner = business.owner
    roles = context["roles"]
    start, end = last_month(business)
    _visits_for_last_month(context, start, end)

    categories = {c.name: c.pk for c in ServiceCategory.objects.for_business(business)}
    for english_name, (role_codes, rules) in SCHEMES.items():
        name = scheme_names.get(english_name, english_name)
        scheme = PayScheme.objects.for_business(business).filter(name=name).first()
        if scheme is None:
            prepared = []
            for rule in rules:
                rule = dict(rule)
                category_name = rule.pop("category", None)
                if category_name and category_name not in categories:
                    continue
                rule["category_id"] = categories.get(category_name) if category_name else None
                prepared.append(rule)
            scheme = services.pay_scheme_create(actor=owner, name=name, rules=prepared)
        for code in role_codes:
            role = roles.get(code)
            if role is None:
                continue
            if not PaySchemeAssignment.objects.for_business(business).filter(scheme=scheme, role=role).exists():
                services.pay_scheme_assign(
                    actor=owner, scheme=scheme, role=role, valid_from=start - dt.timedelta(days=365)
                )
    for code, metric, target in TARGETS:
        if (
            code in roles
            and not KpiTarget.objects.for_business(business).filter(role=roles[code], metric=metric).exists()
        ):
            KpiTarget.objects.create(business=business, role=roles[code], metric=metric, target=D(target))

    run = PayrollRun.objects.for_business(business).filter(period_start__lte=end, period_end__gte=start).first()
    if run is None:
        run = services.payroll_run_create(actor=owner, period_start=start, period_end=end)
        run = services.payroll_run_approve(actor=owner, run=run)
    context.update(payroll_run=run)
