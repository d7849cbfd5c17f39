"""E-mails the platform owes a business about its bill: recorded once per event, sent after commit, in its language.

A notice row is written inside the change that causes it, keyed by (business, kind, key): a repeated or concurrent
billing run finds the row and writes no second one. Sending claims the row (sent_at), so a notice mails once.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from staffroom.runtime.tasks import background_task, email_after_commit, enqueue

from . import calculations
from .models import BillingNotice, Invoice, NoticeKind, Plan, Subscription


def notice_record(
    subscription: Subscription,
    *,
    kind: str,
    key: str,
    invoice: Invoice | None = None,
    plan: Plan | None = None,
    effective_date: datetime.date | None = None,
) -> BillingNotice | None:
    """Inside the caller's transaction, under the subscription's lock: one notice per event, mailed after commit."""
    notices = BillingNotice.objects.for_business(subscription.business_id)
    if notices.filter(kind=kind, key=key).exists():
        return None
    notice = notices.create(
        business_id=subscription.business_id,
        subscription=subscription,
        kind=kind,
        key=key[:64],
        invoice=invoice,
        plan=plan,
        effective_date=effective_date,
    )
    enqueue(notice_send_task, notice.pk, subscription.business_id)
    return notice


def notices_record(specs: Sequence[dict]) -> list[BillingNotice]:
    """`notice_record` for many subscriptions at once (a batch of the billing run, under its row locks): one query
    for the notices recorded already, one INSERT of the new ones, one send task for them all after commit.

    Each spec takes notice_record's arguments (`subscription`, `kind`, `key`, optional `invoice`, `plan`,
    `effective_date`); a notice recorded already, or twice in `specs`, is skipped as notice_record skips it.
    """
    if not specs:
        return []
    recorded = set(
        BillingNotice.objects.unscoped()
        .filter(
            business_id__in={spec["subscription"].business_id for spec in specs},
            kind__in={spec["kind"] for spec in specs},
            key__in={spec["key"][:64] for spec in specs},
        )
        .values_list("business_id", "kind", "key")
    )
    notices = []
    for spec in specs:
        subscription = spec["subscription"]
        identity = (subscription.business_id, spec["kind"], spec["key"][:64])
        if identity in recorded:
            continue
        recorded.add(identity)
        notices.append(
            BillingNotice(
                business_id=subscription.business_id,
                subscription=subscription,
                kind=spec["kind"],
                key=spec["key"][:64],
                invoice=spec.get("invoice"),
                plan=spec.get("plan"),
                effective_date=spec.get("effective_date"),
            )
        )
    BillingNotice.objects.bulk_create(notices, batch_size=1000)
    if notices:
        enqueue(notices_send_task, [[notice.pk, notice.business_id] for notice in notices])
    return notices


def _recipients(business) -> list[str]:
    owner = business.owner
    if owner is None:
        return []
    address = owner.person.email if owner.person_id and owner.person.email else owner.email
    return [address] if address else []


def _link(name: str) -> str:
    return f"{settings.BILLING_SITE_URL}{reverse(name)}"


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _money(amount, currency) -> str:
    return f"{formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency}"


def _message(notice: BillingNotice) -> tuple[str, list[str], list[tuple[str, bytes, str]]]:
    """Subject, body lines and attachments, in the active language."""
    subscription = notice.subscription
    business = subscription.business
    invoice = notice.invoice
    billing_page = _link("billing:overview")
    savings_center = _link("billing:savings")
    attachments: list[tuple[str, bytes, str]] = []
    if notice.kind == NoticeKind.INVOICE_ISSUED:
        from .documents import invoice_pdf, invoice_pdf_filename

        subject = _("Invoice %(number)s: %(total)s") % {
            "number": invoice.number,
            "total": _money(invoice.total, invoice.currency),
        }
        lines = [
            _("%(business)s: a new invoice for your subscription.") % {"business": business.name},
            _("Term: %(start)s through %(through)s.")
            % {"start": _date(invoice.term_start), "through": _date(invoice.term_through)},
            _("Total: %(total)s.") % {"total": _money(invoice.total, invoice.currency)},
            _("The invoice is attached as a PDF; pay by bank transfer quoting its number."),
        ]
        attachments.append((invoice_pdf_filename(invoice), invoice_pdf(invoice), "application/pdf"))
    elif notice.kind == NoticeKind.PAYMENT_RECEIVED:
        subject = _("Payment received for invoice %(number)s") % {"number": invoice.number}
        lines = [
            _("%(business)s: we received %(total)s for invoice %(number)s. Thank you.")
            % {"business": business.name, "total": _money(invoice.total, invoice.currency), "number": invoice.number},
            _("It pays the term from %(start)s through %(through)s.")
            % {"start": _date(invoice.term_start), "through": _date(invoice.term_through)},
        ]
    elif notice.kind == NoticeKind.RENEWAL_COMING:
        days = (subscription.paid_until - notice.created_at.date()).days
        subject = _("Your subscription renews on %(date)s") % {"date": _date(subscription.paid_until)}
        lines = [
            _("%(business)s is paid through %(date)s; the next term starts the day after.")
            % {"business": business.name, "date": _date(subscription.paid_through)},
            _("Days left: %(days)s.") % {"days": max(days, 0)},
            _("See how to lower the bill before it renews: %(link)s") % {"link": savings_center},
        ]
    elif notice.kind == NoticeKind.GRACE_STARTED:
        read_only_from = subscription.paid_until + datetime.timedelta(days=subscription.plan.grace_days)
        subject = _("Payment overdue: the grace period has started")
        lines = [
            _("%(business)s was paid through %(date)s and the renewal is unpaid.")
            % {"business": business.name, "date": _date(subscription.paid_through)},
            _("Pay before %(date)s to keep working; after that the business becomes read-only.")
            % {"date": _date(read_only_from)},
        ]
    elif notice.kind == NoticeKind.READ_ONLY:
        subject = _("%(business)s is now read-only") % {"business": business.name}
        lines = [
            _("The subscription is unpaid: you can view and export everything but cannot make changes."),
            _("Nothing has been deleted. Pay the invoice to continue."),
        ]
    else:
        plan = notice.plan
        terms_before = subscription.plan.price_terms
        subject = _("New prices for %(plan)s from %(date)s") % {
            "plan": plan.display_name,
            "date": _date(notice.effective_date),
        }
        lines = [
            _("The price of %(plan)s changes. Your current term is paid and keeps its price.")
            % {"plan": plan.display_name},
            _("From the term that starts on %(date)s your monthly list price is %(before)s → %(after)s.")
            % {
                "date": _date(notice.effective_date),
                "before": _money(terms_before.monthly_price(subscription.billable_count), terms_before.currency),
                "after": _money(plan.price_terms.monthly_price(subscription.billable_count), plan.currency),
            },
            _("How to save (a longer term, a cheaper plan, seats nobody uses): %(link)s") % {"link": savings_center},
        ]
    lines += ["", _("Billing: %(link)s") % {"link": billing_page}]
    return subject, lines, attachments


@background_task("billing.notice_send")
def notice_send_task(notice_id: int, business_id: int) -> bool:
    """The notice's message (and its invoice PDF) is composed by a worker, not inside the request."""
    return notice_send(notice_id=notice_id, business_id=business_id)


@background_task("billing.notices_send")
def notices_send_task(notices: list[list[int]]) -> int:
    """A batch's notices ([notice id, business id] pairs), each mailed once as `notice_send` mails it."""
    return sum(notice_send(notice_id=notice_id, business_id=business_id) for notice_id, business_id in notices)


def notice_send(*, notice_id: int, business_id: int) -> bool:
    """Mail one notice unless it went out already; the row lock makes concurrent senders mail it once."""
    with transaction.atomic():
        notice = (
            BillingNotice.objects.for_business(business_id)
            .select_for_update(of=("self",))
            .select_related("subscription__plan", "subscription__business__owner__person", "invoice__plan", "plan")
            .filter(pk=notice_id, sent_at=None)
            .first()
        )
        if notice is None:
            return False
        business = notice.subscription.business
        recipients = _recipients(business)
        with translation.override(business.locale or settings.LANGUAGE_CODE):
            subject, lines, attachments = _message(notice)
        # Through the outbox: sent after this commit, retried, and once per notice whatever happens to this task.
        email_after_commit(
            subject=subject,
            body="\n".join(lines),
            recipients=recipients,
            attachments=attachments,
            idempotency_key=f"billing-notice:{notice.pk}",
        )
        notice.sent_at = timezone.now()
        notice.recipients = ", ".join(recipients)[:500]
        notice.save(update_fields=["sent_at", "recipients"])
    return True


def first_term_start_on_or_after(subscription: Subscription, day: datetime.date) -> datetime.date:
    """The first renewal start on or after `day`: never before the end of the term already paid."""
    start, anchor = subscription.paid_until, subscription.anchor_day
    months = subscription.renewal_months
    while start < day:
        anchor = calculations.anchor_day_for(start, anchor)
        start = calculations.add_months_anchored(start, months, anchor)
    return start
