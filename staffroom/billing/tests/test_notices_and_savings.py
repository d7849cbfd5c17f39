"""Billing talks (one e-mail per event, also when the run repeats), invoice PDFs, price changes, the savings center."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from staffroom.billing import calculations, selectors, services
from staffroom.billing.models import BillingNotice, Invoice, RealizedSaving, SavingKind, Subscription
from staffroom.core.errors import ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.staff.services import employee_block, employee_update
from staffroom.staff.tests.factories import make_employee, role_of

from .factories import make_active_subscription, make_plan, noon_utc

date = datetime.date


@pytest.fixture
def staffed(business, owner, administrator, specialist, accountant):
    return business


def _run(day, *, times=1):
    for _time in range(times):
        with time_machine.travel(noon_utc(day), tick=False):
            services.billing_run(run_date=day)


def _subjects():
    return [message.subject for message in mail.outbox]


def test_each_billing_event_mails_once_even_when_the_run_repeats(staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_active_subscription(staffed, make_plan(), start=date(2026, 1, 1), months=1)
    # The purchase: invoice issued (with the PDF) and payment received, one each.
    assert len(mail.outbox) == 2
    issued, _paid = mail.outbox
    assert issued.attachments[0][0].endswith(".pdf") and issued.attachments[0][1].startswith(b"%PDF")
    assert issued.to == [staffed.owner.person.email]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _run(date(2026, 1, 25), times=3)  # renewal coming + the renewal invoice
    assert len(mail.outbox) == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _run(date(2026, 1, 26), times=2)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        _run(date(2026, 2, 1), times=3)  # unpaid: grace
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _run(date(2026, 2, 15), times=3)  # read-only
    assert len(mail.outbox) == 2
    kinds = sorted(BillingNotice.objects.for_business(staffed).values_list("kind", flat=True))
    assert kinds == sorted(
        ["invoice_issued", "payment_received", "renewal_coming", "invoice_issued", "grace_started", "read_only"]
    )
    assert all(BillingNotice.objects.for_business(staffed).values_list("sent_at", flat=True))


def test_billing_mail_is_in_the_business_language(staffed, django_capture_on_commit_callbacks):
    staffed.locale = "ru"
    staffed.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_active_subscription(staffed, make_plan(), start=date(2026, 1, 1), months=1)
    notice = BillingNotice.objects.for_business(staffed).get(kind="payment_received")
    from staffroom.billing.notifications import notice_send
    from staffroom.runtime.models import OutboundEmail

    # Its message went out once, through the outbox, keyed by the notice.
    sent = OutboundEmail.objects.get(idempotency_key=f"billing-notice:{notice.pk}")
    assert sent.status == OutboundEmail.Status.SENT
    # Sent again as if never sent: the notice's row lock and the outbox's key still make it one message.
    mail.outbox.clear()
    sent.delete()
    notice.sent_at = None
    notice.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert notice_send(notice_id=notice.pk, business_id=staffed.pk) is True
        assert notice_send(notice_id=notice.pk, business_id=staffed.pk) is False
    assert len(mail.outbox) == 1
    # Dates are written in the business's language (Russian month names), whatever the strings' state.
    assert "января" in mail.outbox[0].body or "январь" in mail.outbox[0].body.lower()


def test_invoice_pdf_from_the_page_and_the_api_is_scoped(staffed, client_for, api_for, owner, accountant, outsider):
    staffed.locale = "ru"
    staffed.save()
    make_active_subscription(staffed, make_plan(), start=date(2026, 1, 1), months=1)
    invoice = Invoice.objects.for_business(staffed).get()
    page = client_for(owner).get(f"/billing/invoices/{invoice.pk}/pdf/")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF") and invoice.number in page["Content-Disposition"]
    api = api_for(accountant).get(f"/api/v1/billing/invoices/{invoice.pk}/pdf")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")
    assert client_for(outsider).get(f"/billing/invoices/{invoice.pk}/pdf/").status_code == 404
    assert api_for(outsider).get(f"/api/v1/billing/invoices/{invoice.pk}/pdf").status_code == 404


def test_total_in_words_where_the_locale_expects_it():
    assert calculations.amount_in_words(Decimal("2370.00"), "RUB", "ru") == (
        "Две тысячи триста семьдесят рублей 00 копеек"
    )
    assert calculations.amount_in_words(Decimal("21.01"), "RUB", "ru") == "Двадцать один рубль 01 копейка"
    assert calculations.amount_in_words(Decimal("1002000.50"), "RUB", "ru") == (
        "Один миллион две тысячи рублей 50 копеек"
    )
    assert calculations.amount_in_words(Decimal("10.00"), "USD", "en") is None
    assert calculations.amount_in_words(Decimal("10.00"), "HUF", "hu") is None


def test_ukrainian_invoices_state_the_total_in_words():
    assert calculations.amount_in_words(Decimal("2371.05"), "UAH", "uk") == (
        "Дві тисячі триста сімдесят одна гривня 05 копійок"
    )
    assert calculations.amount_in_words(Decimal("1022.00"), "UAH", "uk") == "Одна тисяча двадцять дві гривні 00 копійок"
    assert calculations.amount_in_words(Decimal("5000000.01"), "UAH", "uk") == "П’ять мільйонів гривень 01 копійка"
    assert calculations.amount_in_words(Decimal("11.00"), "RUB", "uk") == "Одинадцять рублів 00 копійок"


def test_price_change_is_announced_from_the_end_of_the_paid_term(staffed, client_for, owner, other_business):
    plan = make_plan()
    with time_machine.travel(noon_utc(date(2026, 1, 1)), tick=False):
        make_active_subscription(staffed, plan, start=date(2026, 1, 1), months=12)
    higher = make_plan(base_price="2490", version=2, effective_from=date(2026, 3, 1))
    with time_machine.travel(noon_utc(date(2026, 2, 1)), tick=False):
        told = services.plan_revision_announce(plan=higher, operator_label="Operator")
        assert services.plan_revision_announce(plan=higher, operator_label="Operator") == 0  # once
    assert told == 1
    notice = BillingNotice.objects.for_business(staffed).get(kind="price_change")
    # Paid for 12 months from Jan 1: the new price starts with the term from Jan 1, 2027, not Mar 1, 2026.
    assert notice.effective_date == date(2027, 1, 1)
    subscription = Subscription.objects.for_business(staffed).get()
    assert services.renewal_plan_for(subscription) == higher  # the renewal at Jan 1, 2027 takes the new version
    with time_machine.travel(noon_utc(date(2026, 2, 2)), tick=False):
        page = client_for(owner).get("/billing/").content.decode()
    assert 'data-testid="price-changes"' in page and "/billing/savings/" in page
    assert not BillingNotice.objects.for_business(other_business).exists()


def test_a_price_change_before_today_is_refused(staffed):
    higher = make_plan(base_price="2490", version=2, effective_from=date(2026, 1, 1))
    with time_machine.travel(noon_utc(date(2026, 2, 1)), tick=False), pytest.raises(ValidationFailed) as caught:
        services.plan_revision_announce(plan=higher, operator_label="Operator")
    assert caught.value.errors == {"effective_from": [caught.value.message]}


def test_terms_before_the_effective_date_keep_the_old_price(staffed):
    plan = make_plan()
    make_plan(base_price="2490", version=2, effective_from=date(2026, 6, 1))
    make_active_subscription(staffed, plan, start=date(2026, 1, 1), months=1)
    assert services.current_plan_version("standard", on=date(2026, 2, 1)) == plan
    assert services.current_plan_version("standard", on=date(2026, 6, 1)).version == 2


def test_savings_center_records_every_action_that_lowered_the_bill(staffed, owner, client_for):
    extra = [make_employee(staffed, "specialist", provides_services=True) for _index in range(3)]
    with time_machine.travel(noon_utc(date(2026, 3, 10)), tick=False):
        make_active_subscription(staffed, make_plan(), start=date(2026, 3, 1), months=1)
        make_plan("lite", base_price="990", free_seats=2, seat_price="300")
        employee_update(actor=owner, employee=extra[0], provides_services=False, role=role_of(staffed, "viewer"))
        employee_block(actor=owner, employee=extra[1])
        services.subscription_change_next_term(actor=owner, term_months=12)
        lite = services.current_plan_version("lite")
        services.subscription_change_next_term(actor=owner, plan=lite)
        kinds = set(RealizedSaving.objects.for_business(staffed).values_list("kind", flat=True))
        assert kinds == {SavingKind.MADE_FREE, SavingKind.BLOCKED, SavingKind.LONGER_TERM, SavingKind.CHEAPER_PLAN}
        made_free = RealizedSaving.objects.for_business(staffed).get(kind=SavingKind.MADE_FREE)
        assert made_free.monthly_saving == Decimal("380")
        # 3 billable left (one paid seat): 1 month at 0 % → 12 months at 15 % saves 15 % of 1990 + 380 a month.
        longer = RealizedSaving.objects.for_business(staffed).get(kind=SavingKind.LONGER_TERM)
        assert longer.monthly_saving == Decimal("355.50")
        months = selectors.savings_by_month(staffed)
        assert [row.month for row in months] == [date(2026, 3, 1)]
        assert months[0].count == 4
        page = client_for(owner).get("/billing/savings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-value="{months[0].monthly_saving}"' in html


def test_suggestions_show_a_longer_term_with_its_figure(staffed, owner):
    with time_machine.travel(noon_utc(date(2026, 3, 10)), tick=False):
        make_active_subscription(staffed, make_plan(), start=date(2026, 3, 1), months=1)
        suggestions = selectors.saving_suggestions(staffed)
    by_months = {item.months: item.monthly_saving for item in suggestions if item.kind == "longer_term"}
    # 2 billable within 2 free seats: 1990 a month; 3 months at 5 % save 99.50 a month, 12 at 15 % save 298.50.
    assert by_months == {3: Decimal("99.50"), 6: Decimal("199.00"), 12: Decimal("298.50")}


def test_savings_center_needs_billing_view(staffed, client_for, administrator, accountant):
    make_active_subscription(staffed, make_plan(), start=date(2026, 3, 1), months=1)
    fingerprint = database_fingerprint()
    assert client_for(administrator).get("/billing/savings/").status_code == 403
    assert client_for(accountant).get("/billing/savings/").status_code == 200
    assert client_for(accountant).post("/billing/details/", {"customer_legal_name": "X"}).status_code == 403
    assert database_fingerprint() == fingerprint


def test_invoice_details_are_printed_for_the_customer(staffed, client_for, owner):
    make_active_subscription(staffed, make_plan(), start=date(2026, 3, 1), months=1)
    response = client_for(owner).post(
        "/billing/details/", {"customer_legal_name": "Beauty LLC", "customer_details": "Tax 7700000000"}
    )
    assert response.status_code == 302
    subscription = Subscription.objects.for_business(staffed).get()
    assert (subscription.customer_legal_name, subscription.customer_details) == ("Beauty LLC", "Tax 7700000000")
