"""Allowances: a price reduction after the sale without a return, on visits and orders, with reason and grantor;
they lower net sales (report, sales by manager), services revenue and product sales pay, to the kopeck."""

import datetime as dt
from decimal import Decimal

import pytest

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.orders.models import Order, OrderAction
from staffroom.orders.selectors import sales_by_manager
from staffroom.orders.services import ItemInput, order_allowance_grant
from staffroom.orders.tests.factories import make_product
from staffroom.payments.models import Allowance, Payment, Refund
from staffroom.payments.selectors import appointment_balance
from staffroom.payments.services import allowance_grant
from staffroom.payroll import services as payroll
from staffroom.payroll.choices import KpiMetric, RuleKind
from staffroom.reports.selectors import SalesFilter, kpi_figures, sales_report
from staffroom.reports.tests.factories import make_visit, pay, refund, sell_order, service
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.tests.factories import first_branch
from staffroom.security.models import SecurityEvent
from staffroom.staff.tests.factories import role_of

D = Decimal
DAY = dt.date(2026, 3, 10)
MARCH = SalesFilter(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def visit(business, specialist, administrator):
    branch = first_branch(business)
    hair, nails = service(business, "Cut", "Hair"), service(business, "Manicure", "Nails")
    return make_visit(
        business,
        specialist=specialist,
        branch=branch,
        date=DAY,
        lines=[(hair, "1000.00", "0"), (nails, "500.00", "0")],
        created_by=administrator,
    )


def test_an_allowance_on_a_paid_visit_pays_the_money_back_and_lowers_net_sales(business, visit, administrator):
    payment = pay(visit, by=administrator)
    allowance = allowance_grant(
        actor=administrator, appointment=visit, amount="300.00", reason="Uneven colour", refund_method="cash"
    )
    assert (allowance.amount, allowance.reason, allowance.granted_by) == (D("300.00"), "Uneven colour", administrator)
    assert allowance.paid_back == D("300.00")
    refund_row = Refund.objects.for_business(business).get(payment=payment)
    assert (refund_row.amount, refund_row.allowance, refund_row.method) == (D("300.00"), allowance, "cash")
    payment.refresh_from_db()
    assert payment.refunded_amount == D("300.00")
    assert appointment_balance(visit) == D("0.00")
    events = SecurityEvent.objects.for_business(business).filter(event_type="allowance.granted")
    assert events.count() == 1
    assert events.get().after["reason"] == "Uneven colour"

    total = sales_report(business, MARCH, ("period",), "month").total
    # The money paid back is the allowance, not a return.
    assert (total.gross, total.allowances, total.returns, total.discounts) == (
        D("1500.00"),
        D("300.00"),
        D("0.00"),
        D("0.00"),
    )
    assert total.net == D("1200.00")
    by_category = {row.labels["category"]: row.figures for row in sales_report(business, MARCH, ("category",)).rows}
    assert (by_category["Hair"].allowances, by_category["Nails"].allowances) == (D("200.00"), D("100.00"))


def test_an_allowance_on_an_unpaid_visit_lowers_what_is_due(business, visit, administrator):
    allowance_grant(actor=administrator, appointment=visit, amount="200.00", reason="Waited an hour")
    assert appointment_balance(visit) == D("1300.00")
    assert not Refund.objects.for_business(business).exists()
    from staffroom.payments.services import payment_take

    with pytest.raises(ValidationFailed) as error:
        payment_take(actor=administrator, appointment=visit, amount="1500.00", method="cash")
    assert "amount" in error.value.errors
    payment_take(actor=administrator, appointment=visit, amount="1300.00", method="cash")
    assert appointment_balance(visit) == D("0.00")


def test_a_split_allowance_keeps_every_kopeck(business, specialist, administrator):
    """100.00 over three equal services is 33.33… each: rows round, the total is exactly 100.00."""
    cut = service(business, "Cut")
    three = make_visit(
        business,
        specialist=specialist,
        branch=first_branch(business),
        date=DAY,
        lines=[(cut, "500.00", "0")] * 3,
    )
    allowance_grant(actor=administrator, appointment=three, amount="100.00", reason="Late start")
    total = sales_report(business, MARCH, ("category",)).total
    assert (total.allowances, total.net) == (D("100.00"), D("1400.00"))
    by_employee = sales_report(business, MARCH, ("employee",)).rows
    assert [row.figures.allowances for row in by_employee] == [D("100.00")]


def test_bad_input_and_caps_change_nothing(business, visit, administrator, owner):
    payment = pay(visit, by=administrator)
    refund(payment, "500.00", by=administrator)  # a return: the visit now sells for 1 000.00
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as error:
        allowance_grant(actor=administrator, appointment=visit, amount="1000.01", reason="Too much")
    assert "amount" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        allowance_grant(actor=administrator, appointment=visit, amount="10.005", reason="")
    assert set(error.value.errors) == {"amount", "reason"}
    with pytest.raises(ValidationFailed):
        allowance_grant(actor=administrator, appointment=visit, amount="-5", reason="Negative")
    assert database_fingerprint() == before
    allowance_grant(actor=administrator, appointment=visit, amount="1000.00", reason="All of what is left")
    total = sales_report(business, MARCH).total
    assert (total.returns, total.allowances, total.net) == (D("500.00"), D("1000.00"), D("0.00"))


def test_only_a_visit_that_took_place_takes_an_allowance(business, specialist, administrator):
    booked = make_visit(
        business,
        specialist=specialist,
        branch=first_branch(business),
        date=DAY,
        lines=[(service(business, "Cut"), "1000.00", "0")],
        status="booked",
    )
    with pytest.raises(Conflict):
        allowance_grant(actor=administrator, appointment=booked, amount="100.00", reason="Not yet")
    assert not Allowance.objects.for_business(business).exists()


def test_the_right_to_grant_allowances(business, visit, administrator, specialist, accountant, manager):
    """Administrator is the least privileged built-in role with the right; specialists, accountants and
    managers do not have it."""
    assert "payments.grant_allowance" in role_of(business, "administrator").permissions
    for employee in (specialist, accountant, manager):
        with pytest.raises(PermissionDenied):
            allowance_grant(actor=employee, appointment=visit, amount="10.00", reason="No right")
    assert not Allowance.objects.for_business(business).exists()


def test_paying_back_needs_the_refund_right_and_a_refusal_leaves_nothing_behind(business, visit, administrator, owner):
    from staffroom.staff.services import role_update

    pay(visit, by=administrator)
    role = role_of(business, "administrator")
    role_update(actor=owner, role=role, permissions=[code for code in role.permissions if code != "payments.refund"])
    administrator.refresh_from_db()
    before = database_fingerprint()
    with pytest.raises(PermissionDenied):
        allowance_grant(actor=administrator, appointment=visit, amount="100.00", reason="Defect")
    assert database_fingerprint() == before


def test_the_same_idempotency_key_grants_once(business, visit, administrator):
    first = allowance_grant(
        actor=administrator, appointment=visit, amount="50.00", reason="Defect", idempotency_key="k1"
    )
    again = allowance_grant(
        actor=administrator, appointment=visit, amount="50.00", reason="Defect", idempotency_key="k1"
    )
    assert again.pk == first.pk and again.is_repeat
    with pytest.raises(Conflict):
        allowance_grant(actor=administrator, appointment=visit, amount="60.00", reason="Defect", idempotency_key="k1")
    assert Allowance.objects.for_business(business).count() == 1


def test_services_revenue_pay_and_kpi_are_after_allowances(business, owner, visit, specialist, administrator):
    scheme = payroll.pay_scheme_create(
        actor=owner, name="Stylist", rules=[{"kind": RuleKind.SERVICES_PERCENT, "percent": "40"}]
    )
    payroll.pay_scheme_assign(actor=owner, scheme=scheme, employee=specialist, valid_from=dt.date(2026, 1, 1))
    allowance_grant(actor=administrator, appointment=visit, amount="333.33", reason="Defect")
    figures = kpi_figures(business, MARCH.start, MARCH.end)[specialist.pk]
    assert figures[KpiMetric.SERVICES_REVENUE] == D("1166.67")
    run = payroll.payroll_run_create(actor=owner, period_start=MARCH.start, period_end=MARCH.end)
    line = run.payslips.get(employee=specialist).lines.get(kind=RuleKind.SERVICES_PERCENT)
    assert (line.base, line.amount) == (D("1166.67"), D("466.67"))


# --- orders -------------------------------------------------------------------------------------------


@pytest.fixture
def sold_order(business, owner, manager):
    cream = make_product(business, name="Cream", price="1000.00")
    soap = make_product(business, name="Soap", price="500.00")
    return sell_order(
        owner,
        responsible=manager,
        items=[ItemInput(product=cream, quantity=1), ItemInput(product=soap, quantity=1)],
        at=local_to_utc(DAY, dt.time(12), business.zone),
        branch=first_branch(business),
    )


def test_an_order_allowance_pays_back_and_flows_into_reports_and_manager_pay(
    business, owner, manager, administrator, sold_order
):
    link = order_allowance_grant(
        actor=administrator, order=sold_order, amount="150.00", reason="Scratched box", refund_method="card"
    )
    order = Order.objects.for_business(business).get(pk=sold_order.pk)
    assert (order.allowance_amount, order.paid_amount, order.balance) == (D("150.00"), D("1350.00"), D("0.00"))
    refund_row = Refund.objects.for_business(business).get(allowance=link.allowance)
    assert refund_row.amount == D("150.00")
    assert Payment.objects.for_business(business).get(pk=refund_row.payment_id).refunded_amount == D("150.00")
    action = OrderAction.objects.for_business(business).filter(order=order, kind="allowance").get()
    assert "Scratched box" in action.summary
    assert SecurityEvent.objects.for_business(business).filter(event_type="allowance.granted").count() == 1

    total = sales_report(business, MARCH).total
    assert (total.gross, total.returns, total.allowances, total.net) == (
        D("1500.00"),
        D("0.00"),
        D("150.00"),
        D("1350.00"),
    )
    report = sales_by_manager(business, viewer=owner, date_from=MARCH.start, date_to=MARCH.end)
    [row] = report["rows"]
    assert (row["allowances"], row["net"], report["totals"]["allowances"]) == (D("150.00"), D("1350.00"), D("150.00"))

    scheme = payroll.pay_scheme_create(
        actor=owner, name="Sales", rules=[{"kind": RuleKind.PRODUCT_SALES_PERCENT, "percent": "5"}]
    )
    payroll.pay_scheme_assign(actor=owner, scheme=scheme, employee=manager, valid_from=dt.date(2026, 1, 1))
    run = payroll.payroll_run_create(actor=owner, period_start=MARCH.start, period_end=MARCH.end)
    line = run.payslips.get(employee=manager).lines.get(kind=RuleKind.PRODUCT_SALES_PERCENT)
    assert (line.base, line.amount) == (D("1350.00"), D("67.50"))


def test_an_order_allowance_is_capped_and_only_on_a_sold_order(business, owner, administrator, sold_order):
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as error:
        order_allowance_grant(actor=administrator, order=sold_order, amount="1500.01", reason="Too much")
    assert "amount" in error.value.errors
    assert database_fingerprint() == before
    from staffroom.orders.tests.factories import make_order

    fresh = make_order(owner)
    with pytest.raises(Conflict):
        order_allowance_grant(actor=administrator, order=fresh, amount="1.00", reason="Not sold")


def test_an_allowance_after_approval_belongs_to_the_sale_and_is_corrected_next_period(
    business, owner, visit, specialist, administrator
):
    """Granted in April on a March visit (New York, across the month end in local time): March's net falls,
    April's does not, and the approved March pay is corrected in April's run."""
    import time_machine

    business.time_zone = "America/New_York"
    business.save(update_fields=["time_zone"])
    scheme = payroll.pay_scheme_create(
        actor=owner, name="Stylist", rules=[{"kind": RuleKind.SERVICES_PERCENT, "percent": "40"}]
    )
    payroll.pay_scheme_assign(actor=owner, scheme=scheme, employee=specialist, valid_from=dt.date(2026, 1, 1))
    march = payroll.payroll_run_create(actor=owner, period_start=MARCH.start, period_end=MARCH.end)
    payroll.payroll_run_approve(actor=owner, run=march)
    # 00:30 on April 1 in New York is 04:30 UTC: an April date locally.
    with time_machine.travel(dt.datetime(2026, 4, 1, 4, 30, tzinfo=dt.UTC), tick=False):
        allowance_grant(actor=administrator, appointment=visit, amount="250.00", reason="Late complaint")
    assert sales_report(business, MARCH).total.allowances == D("250.00")
    april = SalesFilter(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert sales_report(business, april).total.allowances == D("0")
    run = payroll.payroll_run_create(actor=owner, period_start=april.start, period_end=april.end)
    correction = run.payslips.get(employee=specialist).lines.get(is_correction=True)
    assert correction.amount == D("-100.00")  # 40 % of 250.00
