"""Demo payments: completed visits paid (cash or card, some tips, one partial), one refund and one allowance."""

import random
from decimal import Decimal

from staffroom.scheduling.choices import AppointmentStatus
from staffroom.scheduling.models import Appointment

from .models import Allowance, Payment, PaymentMethod, Refund


def load(context: dict) -> None:
    business = context["business"]
    if Payment.objects.for_business(business).exists():
        return
    employees = context["employees"]
    cashiers = [employees["administrator"], employees["owner"]]
    generator = random.Random(11)
    completed = Appointment.objects.for_business(business).filter(status=AppointmentStatus.COMPLETED)
    payments = []
    for index, appointment in enumerate(completed.order_by("starts_at")):
        amount = appointment.total
        if index % 17 == 5:
            amount = (amount / 2).quantize(Decimal("0.01"))  # paid in part: the rest is still due
        payments.append(
            Payment(
                business=business,
                branch_id=appointment.branch_id,
                appointment=appointment,
                client_id=appointment.client_id,
                amount=amount,
                tip_amount=Decimal(generator.choice([0, 0, 0, 100, 200, 300])),
                method=generator.choice([PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CARD]),
                currency=business.currency,
                processed_by=generator.choice(cashiers),
                processed_at=appointment.ends_at,
            )
        )
    created = Payment.objects.bulk_create(payments, batch_size=500)
    if created:
        refunded = created[len(created) // 2]
        refund_amount = (refunded.amount / 4).quantize(Decimal("0.01"))
        Refund.objects.create(
            business=business,
            payment=refunded,
            branch_id=refunded.branch_id,
            amount=refund_amount,
            method=refunded.method,
            reason="Client was unhappy with the result",
            processed_by=employees["owner"],
            processed_at=refunded.processed_at,
        )
        Payment.objects.for_business(business).filter(pk=refunded.pk).update(refunded_amount=refund_amount)
        # An allowance: a fully paid visit gets 10 % back as compensation, paid back in cash.
        compensated = next(
            (
                p
                for p in created[len(created) // 3 :]
                if p.pk != refunded.pk and p.amount == p.appointment.total >= Decimal("1000")
            ),
            None,
        )
        if compensated is not None:
            amount = (compensated.amount / 10).quantize(Decimal("0.01"))
            allowance = Allowance.objects.create(
                business=business,
                appointment_id=compensated.appointment_id,
                branch_id=compensated.branch_id,
                client_id=compensated.client_id,
                amount=amount,
                currency=business.currency,
                reason="Compensation: the colour faded within a week",
                granted_by=employees["administrator"],
                granted_at=compensated.processed_at,
            )
            Refund.objects.create(
                business=business,
                payment=compensated,
                allowance=allowance,
                branch_id=compensated.branch_id,
                amount=amount,
                method=PaymentMethod.CASH,
                reason="Allowance: compensation",
                processed_by=employees["administrator"],
                processed_at=compensated.processed_at,
            )
            Payment.objects.for_business(business).filter(pk=compensated.pk).update(refunded_amount=amount)
