"""The demo business shows a month of payroll for every role, and loading it twice duplicates nothing."""

from staffroom.core.demodata import load_demo
from staffroom.core.testing import database_fingerprint
from staffroom.payroll.models import PayrollRun, Payslip
from staffroom.staff.models import Employee


def test_demo_has_an_approved_month_for_every_role_and_is_idempotent(db):
    context = load_demo()
    business = context["business"]
    run = context["payroll_run"]
    assert run.is_approved
    paid_roles = set(
        Payslip.objects.for_business(business).filter(run=run).values_list("employee__role__template_code", flat=True)
    )
    all_roles = set(Employee.objects.for_business(business).values_list("role__template_code", flat=True))
    assert paid_roles == all_roles
    specialist_payslip = Payslip.objects.for_business(business).get(
        run=run, employee=context["employees"]["specialist"]
    )
    assert specialist_payslip.lines.filter(kind="services_percent", base__gt=0).exists()
    # The orders demo feeds the managers' "% of product sales" (their product lines sold last month).
    for key in ("manager", "manager2"):
        manager_payslip = Payslip.objects.for_business(business).get(run=run, employee=context["employees"][key])
        assert manager_payslip.lines.filter(kind="product_sales_percent", base__gt=0, amount__gt=0).exists()
    # One barber joined in the middle of last month: his fixed amount is prorated by the days employed.
    barber = context["employees"]["specialist3"]
    assert barber.hire_date.day == 15
    fixed = Payslip.objects.for_business(business).get(run=run, employee=barber).lines.get(kind="fixed")
    assert "calendar days employed" in fixed.explanation
    assert fixed.amount < 20000
    # One visit got an allowance (paid back in cash): the sales report shows it.
    from staffroom.payments.models import Allowance

    allowance = Allowance.objects.for_business(business).get()
    assert allowance.refunds.get().amount == allowance.amount
    before = database_fingerprint()
    load_demo()
    assert database_fingerprint() == before
    assert PayrollRun.objects.for_business(business).count() == 1
