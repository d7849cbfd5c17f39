"""Every change to orders: create, edit (optimistic version), status, claim, reassign, payments, returns, tasks.

Each service is one transaction that writes the order's action log, and for critical changes a security event.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed, field_error
from staffroom.core.exports import ExportFile
from staffroom.core.money import minor_unit, round_money
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission, require
from staffroom.webhooks.services import webhook_event_emit

from . import notifications
from .calculations import (
    CLOSED_STATUSES,
    EDITABLE_STATUSES,
    PAYABLE_STATUSES,
    RETURNABLE_STATUSES,
    allowed_transitions,
    line_figures,
    order_figures,
    return_amount,
)
from .choices import ActionKind, Fulfilment, ItemKind, OrderStatus
from .labels import source_summary
from .models import (
    Order,
    OrderAction,
    OrderAllowance,
    OrderItem,
    OrderNumberCounter,
    OrderPayment,
    OrderReturn,
    OrderReturnLine,
    OrderTask,
    Product,
)
from .permissions import require_order_read, require_order_write, works_orders

MAX_IDEMPOTENCY_KEY_LENGTH = 100
MAX_ITEMS = 200
MAX_QUANTITY = 100_000
# Amounts are stored with 14 digits, 2 after the point.
MAX_ORDER_AMOUNT = Decimal("1e12")
DETAIL_FIELDS = ("client", "fulfilment", "pickup_branch", "delivery_address", "delivery_notes", "comment")


def _plain(data):
    """Reduce to plain JSON (Decimal -> string) so the stored log is exactly what is shown."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder)) if data is not None else None


def _log(order: Order, actor, kind: str, message: str, params=None, *, before=None, after=None) -> OrderAction:
    params = _plain(params or {})
    return OrderAction.objects.create(
        business_id=order.business_id,
        order=order,
        kind=kind,
        actor=actor,
        actor_label=str(actor)[:200] if actor is not None else "",
        occurred_at=timezone.now(),
        summary=source_summary(message, params)[:300],
        message=message,
        message_params=params,
        before=_plain(before),
        after=_plain(after),
    )


def _locked(actor, order: Order) -> Order:
    return Order.objects.for_business(actor.business).select_for_update().get(pk=order.pk)


def _locked_for_write(actor, order: Order) -> Order:
    """Lock the order and decide write access on the locked row (the responsible may have just changed)."""
    require_order_read(actor, order)
    order = _locked(actor, order)
    require_order_write(actor, order)
    return order


def _check_version(order: Order, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != order.version:
        raise Conflict(
            _("Someone else changed this order in the meantime; review and try again."),
            extra={"current_version": order.version},
        )


def _money(business, value, field: str) -> Decimal:
    if value is None or value == "":
        raise field_error(field, _("Enter an amount."))
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise field_error(field, _("Enter an amount.")) from error
    if not amount.is_finite() or amount >= Decimal("1e10"):
        raise field_error(field, _("Enter an amount."))
    if round_money(amount, business.currency) != amount:
        raise field_error(field, _("Too many digits after the decimal point."))
    if amount < 0:
        raise field_error(field, _("The amount cannot be negative."))
    return amount


def _text(value) -> str:
    """Trimmed text without NUL characters (PostgreSQL refuses them in text columns)."""
    return str(value or "").replace("\x00", "").strip()


def _key(value: str) -> str:
    value = _text(value)
    if len(value) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise field_error("idempotency_key", _("The idempotency key is too long."))
    return value


def _same_business(actor, obj, field: str) -> None:
    if obj is not None and obj.business_id != actor.business_id:
        raise field_error(field, _("Choose a valid option of this business."))


# --- products ----------------------------------------------------------------------------------------


def _clean_product(business, *, name, sku, price) -> dict:
    errors = {}
    name, sku = _text(name), _text(sku)
    if not name:
        errors["name"] = [_("Enter the product's name.")]
    if not sku:
        errors["sku"] = [_("Enter the SKU.")]
    try:
        price = _money(business, price, "price")
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors=errors)
    return {"name": name[:200], "sku": sku[:64], "price": price}


@transaction.atomic
def product_create(*, actor, name: str, sku: str, price, is_active: bool = True) -> Product:
    require(actor, Perm.ORDERS_VIEW_ALL)
    values = _clean_product(actor.business, name=name, sku=sku, price=price)
    if Product.objects.for_business(actor.business).filter(sku__iexact=values["sku"]).exists():
        raise field_error("sku", _("A product with this SKU exists already."))
    return Product.objects.create(business=actor.business, is_active=is_active, **values)


@transaction.atomic
def product_update(*, actor, product: Product, name: str, sku: str, price, is_active: bool) -> Product:
    require(actor, Perm.ORDERS_VIEW_ALL, obj=product)
    values = _clean_product(actor.business, name=name, sku=sku, price=price)
    duplicate = Product.objects.for_business(actor.business).filter(sku__iexact=values["sku"]).exclude(pk=product.pk)
    if duplicate.exists():
        raise field_error("sku", _("A product with this SKU exists already."))
    for field, value in values.items():
        setattr(product, field, value)
    product.is_active = is_active
    product.save()
    return product


# --- items -------------------------------------------------------------------------------------------


@dataclass
class ItemInput:
    """One requested line: exactly one of product / service (already loaded within the business)."""

    quantity: int
    product: Product | None = None
    service: object | None = None
    unit_price: Decimal | None = None
    discount_amount: Decimal | None = None


def _clean_items(actor, items: Iterable[ItemInput]) -> list[OrderItem]:
    business = actor.business
    items = list(items)
    if not items:
        raise field_error("items", _("Add at least one item."))
    if len(items) > MAX_ITEMS:
        raise field_error("items", _("Too many items."))
    errors: dict[str, list[str]] = {}
    built = []
    places = minor_unit(business.currency)
    for index, item in enumerate(items):
        prefix = f"items.{index}"
        goods = item.product if item.product is not None else item.service
        if (item.product is None) == (item.service is None):
            errors[prefix] = [_("Choose a product or a service.")]
            continue
        if goods.business_id != business.pk:
            errors[prefix] = [_("Choose a valid option of this business.")]
            continue
        if (
            not isinstance(item.quantity, int)
            or isinstance(item.quantity, bool)
            or not 0 < item.quantity <= MAX_QUANTITY
        ):
            errors[f"{prefix}.quantity"] = [_("Enter a quantity of at least 1.")]
            continue
        try:
            unit_price = _money(
                business, goods.price if item.unit_price is None else item.unit_price, f"{prefix}.unit_price"
            )
            discount = _money(business, item.discount_amount or Decimal(0), f"{prefix}.discount_amount")
        except ValidationFailed as error:
            errors.update(error.errors)
            continue
        try:
            figures = line_figures(item.quantity, unit_price, discount, places)
        except ValueError:
            errors[f"{prefix}.discount_amount"] = [_("The discount cannot exceed the line's amount.")]
            continue
        if figures.gross >= MAX_ORDER_AMOUNT:
            errors[f"{prefix}.quantity"] = [_("This line is too large.")]
            continue
        built.append(
            OrderItem(
                business=business,
                kind=ItemKind.PRODUCT if item.product is not None else ItemKind.SERVICE,
                product=item.product,
                service=item.service,
                name=goods.name,
                quantity=item.quantity,
                unit_price=unit_price,
                discount_amount=figures.discount,
                gross_amount=figures.gross,
                total=figures.total,
                position=index,
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    if sum((item.gross_amount for item in built), Decimal(0)) >= MAX_ORDER_AMOUNT:
        raise field_error("items", _("This order is too large."))
    return built


def _items_snapshot(items: Iterable[OrderItem]) -> list[dict]:
    return [
        {
            "name": item.name,
            "kind": item.kind,
            "quantity": item.quantity,
            "unit_price": item.unit_price,
            "discount_amount": item.discount_amount,
            "total": item.total,
        }
        for item in items
    ]


def _amounts_snapshot(order: Order) -> dict:
    return {
        "gross_amount": order.gross_amount,
        "discount_amount": order.discount_amount,
        "total": order.total,
        "item_count": order.item_count,
    }


def _apply_items(order: Order, items: list[OrderItem]) -> None:
    figures = order_figures([line_figures(item.quantity, item.unit_price, item.discount_amount) for item in items])
    order.gross_amount, order.discount_amount, order.total = figures.gross, figures.discount, figures.total
    order.item_count = sum(item.quantity for item in items)


def _details_snapshot(order: Order) -> dict:
    return {
        "client": order.client.full_name if order.client_id else None,
        "client_id": order.client_id,
        "fulfilment": order.fulfilment,
        "pickup_branch": order.pickup_branch.name if order.pickup_branch_id else None,
        "delivery_address": order.delivery_address,
        "delivery_notes": order.delivery_notes,
        "comment": order.comment,
    }


def _clean_details(actor, values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    if "client" in values:
        client = values["client"]
        if client is None or client.business_id != actor.business_id or client.is_deleted:
            errors["client_id"] = [_("Choose a client of this business.")]
    if "fulfilment" in values and values["fulfilment"] not in Fulfilment.values:
        errors["fulfilment"] = [_("Choose pickup or delivery.")]
    if values.get("pickup_branch") is not None and values["pickup_branch"].business_id != actor.business_id:
        errors["pickup_branch_id"] = [_("Choose a valid option of this business.")]
    for name, limit in (("delivery_address", 300), ("delivery_notes", 300), ("comment", 5000)):
        if name in values:
            cleaned[name] = _text(values[name])
            if len(cleaned[name]) > limit:
                errors[name] = [_("This text is too long.")]
    if errors:
        raise ValidationFailed(errors=errors)
    return cleaned


def _check_delivery(order: Order) -> None:
    if order.fulfilment == Fulfilment.DELIVERY and not order.delivery_address:
        raise field_error("delivery_address", _("Enter the delivery address."))


def _next_number(business) -> int:
    counter, _created = OrderNumberCounter.objects.for_business(business).get_or_create(business=business)
    counter = OrderNumberCounter.objects.for_business(business).select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _order_security_snapshot(order: Order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "responsible": order.responsible.full_name if order.responsible_id else None,
        **_amounts_snapshot(order),
    }


# --- orders ------------------------------------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    actor,
    client,
    items: Iterable[ItemInput],
    fulfilment: str = Fulfilment.PICKUP,
    pickup_branch=None,
    delivery_address: str = "",
    delivery_notes: str = "",
    comment: str = "",
    responsible=None,
    idempotency_key: str = "",
) -> Order:
    """A new order. A manager's own new order is theirs; an administrator's goes to the queue unless assigned."""
    require(actor, Perm.ORDERS_CREATE)
    business = actor.business
    key = _key(idempotency_key)
    if key:
        existing = Order.objects.for_business(business).filter(idempotency_key=key).first()
        if existing is not None:
            existing.is_repeat = True
            return existing
    details = _clean_details(
        actor,
        {
            "client": client,
            "fulfilment": fulfilment,
            "pickup_branch": pickup_branch,
            "delivery_address": delivery_address,
            "delivery_notes": delivery_notes,
            "comment": comment,
        },
    )
    built = _clean_items(actor, items)
    if responsible is not None:
        _same_business(actor, responsible, "responsible_id")
        if responsible.pk != actor.pk:
            require(actor, Perm.ORDERS_ASSIGN)
        _check_can_be_responsible(responsible)
    elif has_permission(actor, Perm.ORDERS_CLAIM):
        responsible = actor
    order = Order(business=business, created_by=actor, responsible=responsible, idempotency_key=key, **details)
    _check_delivery(order)
    _apply_items(order, built)
    order.status_changed_at = timezone.now()
    try:
        with transaction.atomic():
            order.number = _next_number(business)
            order.save(force_insert=True)
    except IntegrityError:
        existing = Order.objects.for_business(business).filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        existing.is_repeat = True
        return existing
    for item in built:
        item.order = order
    OrderItem.objects.bulk_create(built)
    order.is_repeat = False
    _log(
        order,
        actor,
        ActionKind.CREATED,
        "created",
        after={
            **_details_snapshot(order),
            "items": _items_snapshot(built),
            **_amounts_snapshot(order),
            "responsible": responsible.full_name if responsible else None,
        },
    )
    security_event_record(
        event_type="order.created",
        actor=actor,
        target=order,
        target_label=str(order),
        after=_order_security_snapshot(order),
    )
    return order


class _RepeatedOrder(Exception):
    def __init__(self, order: Order):
        super().__init__()
        self.order = order


@transaction.atomic
def _order_create_with_new_client(*, actor, client_fields: dict, **order_fields) -> Order:
    from staffroom.clients.services import with_new_client

    order = with_new_client(order_create, actor=actor, client_fields=client_fields, **order_fields)
    if order.is_repeat:
        raise _RepeatedOrder(order)  # rolls back the client this repeated submission made
    return order


def order_create_for_new_client(*, actor, client_fields: dict, **order_fields) -> Order:
    """A new order for a client typed in on the new-order page: the client (through `client_create`) and the order in
    one transaction, or neither. A repeated submission (same idempotency key) returns the first order and leaves no
    second client behind."""
    try:
        return _order_create_with_new_client(actor=actor, client_fields=client_fields, **order_fields)
    except _RepeatedOrder as repeat:
        return repeat.order


def _check_prices_kept(current: list[OrderItem], built: list[OrderItem]) -> None:
    """Without the right to take payments a line keeps the price it was sold at, or takes the catalogue price."""
    sold = {(item.product_id, item.service_id, item.unit_price) for item in current}
    for index, item in enumerate(built):
        goods = item.product if item.product is not None else item.service
        if item.unit_price != goods.price and (item.product_id, item.service_id, item.unit_price) not in sold:
            raise field_error(f"items.{index}.unit_price", _("You may not change prices."))


@transaction.atomic
def order_update(
    *,
    actor,
    order: Order,
    expected_version: int | None = None,
    items: Iterable[ItemInput] | None = None,
    **details,
) -> Order:
    """Edit the client, delivery and (until paid) the items. A stale `expected_version` is a 409, never a lost update."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationFailed(errors={name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    order = _locked_for_write(actor, order)
    _check_version(order, expected_version)
    if order.status in CLOSED_STATUSES:
        raise Conflict(_("A closed order cannot be edited."))
    cleaned = _clean_details(actor, details)
    changed = False
    details_before = _details_snapshot(order)
    amounts_before = _amounts_snapshot(order)
    for name, value in cleaned.items():
        setattr(order, name, value)
    _check_delivery(order)
    details_after = _details_snapshot(order)
    if details_after != details_before:
        changed = True
        _log(
            order,
            actor,
            ActionKind.DETAILS,
            "details_changed",
            before=details_before,
            after=details_after,
        )
    if items is not None:
        if order.status not in EDITABLE_STATUSES:
            raise Conflict(_("Items cannot be changed once the order is paid."))
        current = list(order.items.all())
        built = _clean_items(actor, items)
        if not has_permission(actor, Perm.PAYMENTS_PROCESS):
            _check_prices_kept(current, built)
        before = {"items": _items_snapshot(current), **_amounts_snapshot(order)}
        if _items_snapshot(built) != before["items"]:
            _apply_items(order, built)
            if order.total < order.paid_amount:
                raise field_error("items", _("The order would cost less than has been paid; refund first."))
            order.items.all().delete()
            for item in built:
                item.order = order
            OrderItem.objects.bulk_create(built)
            after = {"items": _items_snapshot(built), **_amounts_snapshot(order)}
            _log(order, actor, ActionKind.ITEMS, "items_changed", before=before, after=after)
            changed = True
    if not changed:
        return order
    order.version += 1
    order.save()
    security_event_record(
        event_type="order.updated",
        actor=actor,
        target=order,
        target_label=str(order),
        before={**details_before, **amounts_before},
        after={**_details_snapshot(order), **_amounts_snapshot(order)},
    )
    return order


@transaction.atomic
def order_status_change(*, actor, order: Order, status: str, expected_version: int | None = None) -> Order:
    """Move along the transition table; a refused move is a 409 that names the allowed ones."""
    require_order_read(actor, order)
    if status not in OrderStatus.values:
        raise field_error("status", _("Choose a valid status."))
    order = _locked_for_write(actor, order)
    _check_version(order, expected_version)
    allowed = list(allowed_transitions(order.status))
    if status not in allowed:
        raise Conflict(
            _("An order that is %(current)s cannot become %(target)s.")
            % {"current": OrderStatus(order.status).label, "target": OrderStatus(status).label},
            extra={"current_status": order.status, "allowed_transitions": allowed},
        )
    if status == OrderStatus.PAID and order.balance > 0:
        raise Conflict(
            _("%(amount)s is still to pay.") % {"amount": order.balance},
            extra={"current_status": order.status, "allowed_transitions": allowed},
        )
    if status == OrderStatus.CANCELLED and order.paid_amount > 0:
        raise Conflict(
            _("Refund the payments before cancelling."),
            extra={"current_status": order.status, "allowed_transitions": allowed},
        )
    if status == OrderStatus.RETURNED and order.returned_amount < order.total:
        raise Conflict(
            _("Register the return of the goods first."),
            extra={"current_status": order.status, "allowed_transitions": allowed},
        )
    return _set_status(actor, order, status)


def _set_status(actor, order: Order, status: str) -> Order:
    before = {"status": order.status}
    order.status = status
    order.status_changed_at = timezone.now()
    if status == OrderStatus.PAID and order.sold_at is None:
        order.sold_at = order.status_changed_at
    order.version += 1
    order.save()
    params = {"before": before["status"], "after": status}
    _log(order, actor, ActionKind.STATUS, "status_changed", params, before=before, after={"status": status})
    security_event_record(
        event_type="order.status_changed",
        actor=actor,
        target=order,
        target_label=str(order),
        before=before,
        after={"status": status},
    )
    webhook_event_emit(
        actor.business,
        "order.status_changed",
        {"id": order.pk, "number": order.number, "previous_status": before["status"], "status": status},
    )
    return order


def _check_can_be_responsible(employee) -> None:
    if not employee.is_active or not works_orders(employee):
        raise field_error("responsible_id", _("This employee cannot work orders."))


@transaction.atomic
def order_claim(*, actor, order: Order) -> Order:
    """Take an unassigned order. Decided by one conditional UPDATE: of two managers at once, exactly one wins."""
    require(actor, Perm.ORDERS_CLAIM, obj=order)
    claimed = (
        Order.objects.for_business(actor.business)
        .filter(pk=order.pk, responsible__isnull=True)
        .update(responsible=actor, version=F("version") + 1, updated_at=timezone.now())
    )
    if claimed != 1:
        raise Conflict(_("Someone else has already taken this order."))
    order = Order.objects.for_business(actor.business).select_related("responsible").get(pk=order.pk)
    _log(
        order,
        actor,
        ActionKind.RESPONSIBLE,
        "claimed",
        {"name": actor.full_name},
        before={"responsible": None},
        after={"responsible": actor.full_name},
    )
    security_event_record(
        event_type="order.claimed",
        actor=actor,
        target=order,
        target_label=str(order),
        before={"responsible": None},
        after={"responsible": actor.full_name},
    )
    return order


@transaction.atomic
def order_reassign(*, actor, order: Order, responsible, expected_version: int | None = None) -> Order:
    """An administrator (`orders.assign`) gives the order to someone else, or back to the queue (None)."""
    require(actor, Perm.ORDERS_ASSIGN, obj=order)
    require_order_read(actor, order)
    if responsible is not None:
        _same_business(actor, responsible, "responsible_id")
        _check_can_be_responsible(responsible)
    order = _locked(actor, order)
    _check_version(order, expected_version)
    previous = order.responsible
    if (previous.pk if previous else None) == (responsible.pk if responsible else None):
        return order
    before = {"responsible": previous.full_name if previous else None}
    after = {"responsible": responsible.full_name if responsible else None}
    order.responsible = responsible
    order.version += 1
    order.save()
    params = {"before": before["responsible"], "after": after["responsible"]}
    _log(order, actor, ActionKind.RESPONSIBLE, "responsible_changed", params, before=before, after=after)
    security_event_record(
        event_type="order.reassigned", actor=actor, target=order, target_label=str(order), before=before, after=after
    )
    if responsible is not None and responsible.pk != actor.pk:
        order_pk = order.pk
        transaction.on_commit(lambda: notifications.order_assigned(order_pk=order_pk, recipient_pk=responsible.pk))
    return order


# --- payments and returns ------------------------------------------------------------------------------


@transaction.atomic
def order_payment_take(*, actor, order: Order, amount, method: str, idempotency_key: str = "") -> OrderPayment:
    """Take (part of) the order's price through the payments module; the order row's lock bounds it by the balance."""
    from staffroom.payments.services import payment_take

    require(actor, Perm.PAYMENTS_PROCESS, obj=order)
    order = _locked_for_write(actor, order)
    if order.status not in PAYABLE_STATUSES:
        raise Conflict(_("This order cannot take payments in its status."))
    payment = payment_take(
        actor=actor,
        amount=amount,
        method=method,
        client=order.client,
        # A pickup order is paid at its branch: the branch's cash summary counts it, branch-limited roles apply.
        branch=order.pickup_branch,
        idempotency_key=idempotency_key,
        note=_("Order %(number)s") % {"number": order},
        outstanding=order.balance,
    )
    if getattr(payment, "is_repeat", False):
        link = OrderPayment.objects.for_business(actor.business).filter(payment=payment).first()
        if link is None or link.order_id != order.pk:
            raise Conflict(_("This idempotency key was used for a different payment."))
        return link
    link = OrderPayment.objects.create(business=actor.business, order=order, payment=payment)
    before = {"paid_amount": order.paid_amount}
    order.paid_amount += payment.amount
    order.version += 1
    order.save()
    _log(
        order,
        actor,
        ActionKind.PAYMENT,
        "payment",
        {"amount": payment.amount, "method": payment.method},
        before=before,
        after={"paid_amount": order.paid_amount, "payment_id": payment.pk},
    )
    return link


@dataclass
class ReturnInput:
    item: OrderItem
    quantity: int


@transaction.atomic
def order_return_register(
    *, actor, order: Order, lines: Iterable[ReturnInput], reason: str, refund_method: str | None = None
) -> OrderReturn:
    """Goods come back (some units of some items): the money for them is refunded through the payments module
    from the order's payments, newest first. When everything has come back the order becomes "returned"."""
    from staffroom.payments.models import Payment
    from staffroom.payments.services import refund_issue

    order = _locked_for_write(actor, order)
    if order.status not in RETURNABLE_STATUSES:
        raise Conflict(_("Only a paid order can take returns."))
    reason = _text(reason)
    if not reason:
        raise field_error("reason", _("Say why the goods come back."))
    lines = list(lines)
    if not lines:
        raise field_error("lines", _("Choose what comes back."))
    items = {item.pk: item for item in order.items.select_for_update()}
    places = minor_unit(actor.business.currency)
    planned = []
    for index, line in enumerate(lines):
        item = items.get(getattr(line.item, "pk", None))
        if item is None:
            raise field_error(f"lines.{index}.item_id", _("Choose an item of this order."))
        if (
            not isinstance(line.quantity, int)
            or line.quantity <= 0
            or item.returned_quantity + line.quantity > item.quantity
        ):
            raise field_error(
                f"lines.{index}.quantity",
                _("At most %(count)s can come back.") % {"count": item.quantity - item.returned_quantity},
            )
        amount = return_amount(
            line_total=item.total,
            quantity=item.quantity,
            already_returned_quantity=item.returned_quantity,
            already_returned_amount=item.returned_amount,
            returning=line.quantity,
            places=places,
        )
        item.returned_quantity += line.quantity
        item.returned_amount += amount
        planned.append((item, line.quantity, amount))
    total = sum((amount for _item, _quantity, amount in planned), Decimal(0))
    order_return = OrderReturn.objects.create(
        business=actor.business,
        order=order,
        amount=total,
        reason=reason[:300],
        created_by=actor,
        created_at=timezone.now(),
    )
    for item, quantity, amount in planned:
        item.save(update_fields=["returned_quantity", "returned_amount"])
        OrderReturnLine.objects.create(
            business=actor.business, order_return=order_return, item=item, quantity=quantity, amount=amount
        )
    before = {"returned_amount": order.returned_amount, "paid_amount": order.paid_amount, "status": order.status}
    order.returned_amount += total
    # Money back: whatever was paid beyond what the order now costs.
    excess = order.paid_amount - (order.total - order.returned_amount - order.allowance_amount)
    if excess > 0:
        payments = (
            Payment.objects.for_business(actor.business)
            .filter(order_link__order=order)
            .order_by("-processed_at", "-id")
        )
        for payment in payments:
            part = min(excess, payment.amount - payment.refunded_amount)
            if part <= 0:
                continue
            refund_issue(
                actor=actor,
                payment=payment,
                amount=part,
                reason=_("Return for order %(number)s") % {"number": order},
                method=refund_method,
            )
            order.paid_amount -= part
            excess -= part
            if excess <= 0:
                break
    order.version += 1
    order.save()
    after = {"returned_amount": order.returned_amount, "paid_amount": order.paid_amount}
    params = {"amount": total, "reason": order_return.reason}
    _log(
        order,
        actor,
        ActionKind.RETURN,
        "returned",
        params,
        before=before,
        after={
            **after,
            "lines": [
                {"item": item.name, "quantity": quantity, "amount": amount} for item, quantity, amount in planned
            ],
        },
    )
    security_event_record(
        event_type="order.returned",
        actor=actor,
        target=order,
        target_label=str(order),
        before=before,
        after={**after, "return_id": order_return.pk, "reason": order_return.reason},
    )
    if order.returned_amount >= order.total and all(i.returned_quantity == i.quantity for i in items.values()):
        _set_status(actor, order, OrderStatus.RETURNED)
    return order_return


@transaction.atomic
def order_allowance_grant(
    *, actor, order: Order, amount, reason: str, refund_method: str | None = None, idempotency_key: str = ""
) -> OrderAllowance:
    """A price reduction after the sale without a return (compensation for a defect), recorded by the payments
    module and linked here. At most what the order still sells for (total less returns and allowances); what
    was paid beyond the new price goes back from the order's payments, newest first."""
    from staffroom.payments.models import Payment
    from staffroom.payments.services import allowance_grant, allowance_pay_back

    require(actor, Perm.PAYMENTS_GRANT_ALLOWANCE, obj=order)
    order = _locked_for_write(actor, order)
    if order.status not in RETURNABLE_STATUSES:
        raise Conflict(_("An allowance is granted on a sold order."))
    allowance = allowance_grant(
        actor=actor,
        amount=amount,
        reason=reason,
        client=order.client,
        branch=order.pickup_branch,
        grantable=order.total - order.returned_amount - order.allowance_amount,
        document=order,
        refund_method=refund_method,
        idempotency_key=idempotency_key,
    )
    if allowance.is_repeat:
        link = OrderAllowance.objects.for_business(actor.business).filter(allowance=allowance).first()
        if link is None or link.order_id != order.pk:
            raise Conflict(_("This idempotency key was used for a different allowance."))
        return link
    link = OrderAllowance.objects.create(business=actor.business, order=order, allowance=allowance)
    before = {"allowance_amount": order.allowance_amount, "paid_amount": order.paid_amount}
    order.allowance_amount += allowance.amount
    excess = order.paid_amount - (order.total - order.returned_amount - order.allowance_amount)
    if excess > 0:
        payments = (
            Payment.objects.for_business(actor.business)
            .filter(order_link__order=order)
            .order_by("-processed_at", "-id")
        )
        order.paid_amount -= allowance_pay_back(
            actor=actor, allowance=allowance, payments=payments, excess=excess, method=refund_method
        )
    order.version += 1
    order.save()
    _log(
        order,
        actor,
        ActionKind.ALLOWANCE,
        "allowance",
        {"amount": allowance.amount, "reason": allowance.reason},
        before=before,
        after={
            "allowance_amount": order.allowance_amount,
            "paid_amount": order.paid_amount,
            "allowance_id": allowance.pk,
        },
    )
    return link


# --- tasks -------------------------------------------------------------------------------------------


def _clean_task(actor, *, title, assignee, due_at, description) -> dict:
    errors: dict[str, list[str]] = {}
    title = _text(title)
    if not title:
        errors["title"] = [_("Give the task a title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title is too long.")]
    if assignee is None or assignee.business_id != actor.business_id or not assignee.is_active:
        errors["assignee_id"] = [_("Choose an active employee of this business.")]
    elif not has_permission(assignee, Perm.TASKS_VIEW):
        errors["assignee_id"] = [_("This employee cannot see tasks.")]
    if due_at is not None and timezone.is_naive(due_at):
        errors["due_at"] = [_("Give the due time with its time zone.")]
    description = _text(description)
    if len(description) > 5000:
        errors["description"] = [_("The description is too long.")]
    if errors:
        raise ValidationFailed(errors=errors)
    return {"title": title, "assignee": assignee, "due_at": due_at, "description": description}


def _task_snapshot(task: OrderTask) -> dict:
    return {
        "title": task.title,
        "assignee": task.assignee.full_name,
        "due_at": task.due_at,
        "is_done": task.is_done,
        "description": task.description,
    }


@transaction.atomic
def order_task_create(
    *, actor, order: Order, title: str, assignee, due_at: dt.datetime | None = None, description: str = ""
) -> OrderTask:
    """A task on an order the actor sees in full (an administrator: any; a manager: their own)."""
    require(actor, Perm.TASKS_MANAGE, obj=order)
    values = _clean_task(actor, title=title, assignee=assignee, due_at=due_at, description=description)
    order = _locked_for_write(actor, order)
    task = OrderTask.objects.create(business=actor.business, order=order, created_by=actor, **values)
    _log(order, actor, ActionKind.TASK, "task_added", {"title": task.title}, after=_task_snapshot(task))
    return task


def _require_task_write(actor, task: OrderTask) -> None:
    require(actor, Perm.TASKS_MANAGE, obj=task)
    if task.assignee_id == actor.pk:
        return
    require_order_write(actor, task.order)


@transaction.atomic
def order_task_update(
    *, actor, task: OrderTask, title: str | None = None, assignee=None, due_at=..., description: str | None = None
) -> OrderTask:
    _require_task_write(actor, task)
    task = OrderTask.objects.for_business(actor.business).select_for_update().select_related("order").get(pk=task.pk)
    before = _task_snapshot(task)
    values = _clean_task(
        actor,
        title=task.title if title is None else title,
        assignee=task.assignee if assignee is None else assignee,
        due_at=task.due_at if due_at is ... else due_at,
        description=task.description if description is None else description,
    )
    if values["due_at"] != task.due_at:
        task.reminder_sent_at = None  # a new due time deserves a new reminder
    for name, value in values.items():
        setattr(task, name, value)
    after = _task_snapshot(task)
    if after == before:
        return task
    task.save()
    _log(
        task.order,
        actor,
        ActionKind.TASK,
        "task_changed",
        {"title": task.title},
        before=before,
        after=after,
    )
    return task


@transaction.atomic
def order_task_set_done(*, actor, task: OrderTask, is_done: bool = True) -> OrderTask:
    _require_task_write(actor, task)
    task = OrderTask.objects.for_business(actor.business).select_for_update().select_related("order").get(pk=task.pk)
    if task.is_done == is_done:
        return task
    before = _task_snapshot(task)
    task.is_done = is_done
    task.done_at = timezone.now() if is_done else None
    task.done_by = actor if is_done else None
    task.save()
    message = "task_done" if is_done else "task_reopened"
    _log(task.order, actor, ActionKind.TASK, message, {"title": task.title}, before=before, after=_task_snapshot(task))
    return task


def order_tasks_remind_due(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """E-mail each assignee once about each task that has become due (platform job: every business)."""
    now = now or timezone.now()
    due = (
        OrderTask.objects.unscoped()
        .filter(is_done=False, reminder_sent_at__isnull=True, due_at__isnull=False, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("pk", "business_id")[:limit]
    )
    sent = 0
    for task_pk, business_id in list(due):
        with transaction.atomic():
            # Claiming the row by a conditional UPDATE makes concurrent runs send each reminder once.
            claimed = (
                OrderTask.objects.for_business(business_id)
                .filter(pk=task_pk, reminder_sent_at__isnull=True, is_done=False)
                .update(reminder_sent_at=now)
            )
            if claimed:
                transaction.on_commit(
                    lambda pk=task_pk, business=business_id: notifications.task_due(task_pk=pk, business_id=business)
                )
                sent += 1
    return sent


# --- export ------------------------------------------------------------------------------------------

EXPORT_FULL_COLUMNS = (
    "client",
    "client_phone",
    "client_email",
    "fulfilment",
    "delivery_address",
    "gross_amount",
    "discount_amount",
    "total",
    "returned_amount",
    "paid_amount",
    "balance",
)


def export_row(view: dict) -> list:
    """One CSV row from the viewer's representation; a limited row simply ends after the limited columns."""
    from .selectors import LIMITED_FIELDS

    responsible = view["responsible"]["full_name"] if view["responsible"] else ""
    row = [
        view["id"],
        view["number"],
        view["date"],
        view["status"],
        view["status_label"],
        responsible,
        view["item_count"],
        view["access"],
    ]
    assert len(row) == len(LIMITED_FIELDS)
    if "client" in view:
        row += [
            view["client"]["full_name"],
            view["client"]["phone"],
            view["client"]["email"],
            view["fulfilment"],
            view["delivery_address"],
            view["gross_amount"],
            view["discount_amount"],
            view["total"],
            view["returned_amount"],
            view["paid_amount"],
            view["balance"],
        ]
    return [_csv_safe(value) for value in row]


def _csv_safe(value):
    # Spreadsheet formula injection: a cell starting with = + - @ would be executed when opened.
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


@transaction.atomic
def orders_export_csv(*, actor, orders: Iterable[Order], filters: dict | None = None) -> str:
    """CSV of orders exactly as the actor sees them; the export is itself a security event."""
    from .selectors import LIMITED_FIELDS, order_view

    require(actor, Perm.ORDERS_EXPORT)
    if not works_orders(actor):
        raise PermissionDenied()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*LIMITED_FIELDS, *EXPORT_FULL_COLUMNS])
    count = 0
    for order in orders:
        view = order_view(order, viewer=actor)
        if view is None:
            continue
        writer.writerow(export_row(view))
        count += 1
    security_event_record(event_type="order.exported", actor=actor, after={"rows": count, "filters": filters or {}})
    return buffer.getvalue()


def _orders_export_queryset(actor, params: dict):
    from .selectors import ALL, SCOPES, orders_list

    scope = params.get("scope") if params.get("scope") in SCOPES else ALL
    filters = {"scope": scope, "status": str(params.get("status") or ""), "q": str(params.get("q") or "").strip()[:100]}
    return orders_list(actor, scope=filters["scope"], status=filters["status"], query=filters["q"]), filters


def orders_export_count(actor, params: dict) -> int:
    return _orders_export_queryset(actor, params)[0].count()


def orders_export_build(actor, params: dict) -> ExportFile:
    """The "orders" export kind (staffroom.core.exports): the CSV of the listed orders as the actor sees them."""
    queryset, filters = _orders_export_queryset(actor, params)
    content = orders_export_csv(actor=actor, orders=queryset.iterator(chunk_size=500), filters=filters)
    return ExportFile(content.encode("utf-8"), "csv", "orders", rows=_data_rows(content))


def _data_rows(content: str) -> int:
    return sum(1 for _row in csv.reader(io.StringIO(content))) - 1


def sales_by_manager_export_build(actor, params: dict) -> ExportFile:
    """The "sales_by_manager" export kind (staffroom.core.exports): the report's rows, one per manager."""
    from staffroom.staff.models import Employee

    from .selectors import sales_by_manager

    date_from, date_to = dt.date.fromisoformat(params["date_from"]), dt.date.fromisoformat(params["date_to"])
    manager = None
    if params.get("manager_id"):
        manager = Employee.objects.for_business(actor.business).filter(pk=params["manager_id"]).first()
        if manager is None:
            raise field_error("manager_id", _("Choose a valid option of this business."))
    report = sales_by_manager(actor.business, viewer=actor, date_from=date_from, date_to=date_to, manager=manager)
    filters = {"date_from": str(date_from), "date_to": str(date_to), "manager": manager.pk if manager else ""}
    content = sales_by_manager_export_csv(actor=actor, report=report, filters=filters)
    return ExportFile(content.encode("utf-8"), "csv", "sales-by-manager", rows=len(report["rows"]))


@transaction.atomic
def sales_by_manager_export_csv(*, actor, report: dict, filters: dict | None = None) -> str:
    require(actor, Perm.REPORTS_EXPORT)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["manager_id", "manager", "orders", "gross", "discounts", "returns", "allowances", "net", "currency"]
    )
    for row in report["rows"]:
        manager = row["manager"]
        writer.writerow(
            [
                manager["id"] if manager else "",
                _csv_safe(manager["full_name"]) if manager else _("Unassigned"),
                row["orders"],
                row["gross"],
                row["discounts"],
                row["returns"],
                row["allowances"],
                row["net"],
                report["currency"],
            ]
        )
    totals = report["totals"]
    writer.writerow(
        [
            "",
            _("Total"),
            totals["orders"],
            totals["gross"],
            totals["discounts"],
            totals["returns"],
            totals["allowances"],
            totals["net"],
            report["currency"],
        ]
    )
    security_event_record(
        event_type="report.exported", actor=actor, after={"report": "sales_by_manager", "filters": filters or {}}
    )
    return buffer.getvalue()
