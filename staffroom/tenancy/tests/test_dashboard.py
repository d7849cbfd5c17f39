"""The today dashboard: bookings, late and unpaid visits, revenue with the currency, per what the role may see."""

import datetime as dt
from decimal import Decimal

import time_machine

from staffroom.payments.models import Payment
from staffroom.scheduling.tests.factories import local, make_appointment, make_client
from staffroom.tenancy.models import Branch


def test_owner_sees_today_late_and_unpaid_and_money_with_currency(business, owner, specialist, client_for):
    north = Branch.objects.for_business(business).order_by("name").first()
    day = dt.date(2031, 3, 4)
    with time_machine.travel(dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False):  # 12:00 in Moscow
        late = make_appointment(
            business,
            specialist=specialist,
            client=make_client(business, full_name="Lena Late"),
            branch=north,
            starts_at=local(business, day, 10),
        )
        done = make_appointment(
            business,
            specialist=specialist,
            client=make_client(business, full_name="Dan Done"),
            branch=north,
            starts_at=local(business, day, 8),
            status="completed",
        )
        Payment.objects.create(
            business=business,
            branch=north,
            appointment=done,
            client=done.client,
            amount=Decimal("400.00"),
            method="cash",
            currency="RUB",
            processed_by=owner,
            processed_at=local(business, day, 9),
        )
        html = client_for(owner).get("/").content.decode()
    assert "Lena Late" in html and "Dan Done" in html
    assert "1 client is late." in html and "1 visit is not paid." in html
    assert "400.00 RUB" in html
    assert late.pk and "Last 30 days" in html


def test_specialist_sees_only_own_day_and_no_money(business, specialist, owner, client_for):
    from staffroom.staff.tests.factories import make_employee

    north = Branch.objects.for_business(business).order_by("name").first()
    colleague = make_employee(business, full_name="Other Hand", provides_services=True)
    today = dt.datetime.now(dt.UTC).astimezone(business.zone).date()
    make_appointment(
        business,
        specialist=specialist,
        client=make_client(business, full_name="Mine Client"),
        branch=north,
        starts_at=local(business, today, 23, 0),
    )
    make_appointment(
        business,
        specialist=colleague,
        client=make_client(business, full_name="Their Client"),
        branch=north,
        starts_at=local(business, today, 23, 0),
    )
    html = client_for(specialist).get("/").content.decode()
    assert "Mine Client" in html and "Their Client" not in html
    assert "Revenue and cash" not in html


def test_owner_sees_cash_apart_from_card_per_branch(business, owner, specialist, client_for):
    north = Branch.objects.for_business(business).order_by("name").first()
    day = dt.date(2031, 3, 4)
    with time_machine.travel(dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        for amount, method, hour in (("400.00", "cash", 8), ("600.00", "card", 10)):
            visit = make_appointment(
                business,
                specialist=specialist,
                client=make_client(business),
                branch=north,
                starts_at=local(business, day, hour),
                status="completed",
            )
            Payment.objects.create(
                business=business,
                branch=north,
                appointment=visit,
                client=visit.client,
                amount=Decimal(amount),
                method=method,
                currency="RUB",
                processed_by=owner,
                processed_at=local(business, day, 9),
            )
        html = client_for(owner).get("/").content.decode()
    assert "1000.00 RUB" in html and "of which in cash 400.00 RUB" in html
