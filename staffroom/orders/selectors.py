"""Reads of orders, and THE representation of an order for a viewer (pages, API, search, CSV, e-mails alike).

`order_view(order, viewer=...)` is the only way an order leaves the app: the limited form of a colleague's order
does not contain the hidden keys at all (client, contacts, delivery, amounts, payments, items, log).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from staffroom.clients.calculations import phone_search_keys
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission

from .calculations import allowed_transitions, is_task_overdue, net_sales
from .choices import OrderStatus
from .labels import action_summary
from .models import Order, OrderAction, OrderTask, Product
from .permissions import FULL, LIMITED, full_access_condition, order_access, sees_all_orders, with_access, works_orders

# The keys of the limited form, in this order (CSV columns start with them too).
LIMITED_FIELDS = ("id", "number", "date", "status", "status_label", "responsible", "item_count", "access")

# Reports accept dates in this range (beyond it local-to-UTC conversion would overflow).
REPORT_FIRST_DATE = dt.date(2000, 1, 1)
REPORT_LAST_DATE = dt.date(2100, 12, 31)

QUEUE = "queue"
MINE = "mine"
ALL = "all"
SCOPES = (QUEUE, MINE, ALL)


def products_for_business(business, *, active_only: bool = False) -> QuerySet[Product]:
    queryset = Product.objects.for_business(business)
    return queryset.filter(is_active=True) if active_only else queryset


def orders_visible_to(viewer) -> QuerySet[Order]:
    """Every order the viewer may see at all (limited or full), each annotated with `has_full_access`."""
    queryset = Order.objects.for_business(viewer.business)
    if not works_orders(viewer):
        return queryset.none()
    return with_access(queryset, viewer).select_related("client", "responsible")


def orders_list(viewer, *, scope: str = ALL, status: str = "", query: str = "") -> QuerySet[Order]:
    """The list pages and the API: the unassigned queue, my orders, or all I may see; newest first."""
    queryset = orders_visible_to(viewer)
    if scope == QUEUE:
        queryset = queryset.filter(responsible__isnull=True)
    elif scope == MINE:
        queryset = queryset.filter(responsible=viewer)
    if status in OrderStatus.values:
        queryset = queryset.filter(status=status)
    if query:
        queryset = queryset.filter(search_condition(viewer, query))
    return queryset.order_by("-number")


def search_condition(viewer, query: str) -> Q:
    """By number anywhere the viewer sees; by client name, phone or e-mail only in orders seen in full.

    Otherwise searching a colleague's client by name would reveal which order is theirs.
    """
    text = (query or "").replace("\x00", "").strip().lower().lstrip("#")
    if not text:
        return Q()
    condition = Q(pk__in=[])
    if text.isdigit() and len(text) <= 9:
        condition |= Q(number=int(text))
    client_match = Q(client__search_text__contains=text)
    for key in phone_search_keys(text, viewer.business.country):
        client_match |= Q(client__search_text__contains=key)
    return condition | (full_access_condition(viewer) & client_match)


def _employee_ref(employee) -> dict | None:
    if employee is None:
        return None
    return {"id": employee.pk, "full_name": employee.full_name}


def _local_date(business, moment: dt.datetime) -> str:
    return timezone.localtime(moment, business.zone).date().isoformat()


def _access_for(order, viewer) -> str | None:
    annotated = getattr(order, "has_full_access", None)
    if (
        annotated is not None
        and getattr(order, "access_viewer_id", None) == viewer.pk
        and order.business_id == viewer.business_id
        and works_orders(viewer)
    ):
        return FULL if annotated else LIMITED
    return order_access(viewer, order)


def order_view(order: Order, *, viewer, detail: bool = False) -> dict | None:
    """The order as `viewer` may see it: None (not at all), the limited form, or the full form.

    `detail` adds the items, payments, returns and allowed transitions (the card); the list rows leave them out.
    """
    from staffroom.clients.services import client_contacts_for

    access = _access_for(order, viewer)
    if access is None:
        return None
    business = viewer.business
    view = {
        "id": order.pk,
        "number": order.number,
        "date": _local_date(business, order.created_at),
        "status": order.status,
        "status_label": str(OrderStatus(order.status).label),
        "responsible": _employee_ref(order.responsible),
        "item_count": order.item_count,
        "access": access,
    }
    if access != FULL:
        return view
    contacts = client_contacts_for(viewer, order.client)
    view.update(
        {
            "created_at": order.created_at.isoformat(),
            "client": {
                "id": order.client_id,
                "full_name": order.client.full_name,
                "phone": contacts["phone"],
                "email": contacts["email"],
                "contacts_masked": contacts["contacts_masked"],
            },
            "fulfilment": order.fulfilment,
            "pickup_branch": (
                {"id": order.pickup_branch_id, "name": order.pickup_branch.name} if order.pickup_branch_id else None
            ),
            "delivery_address": order.delivery_address,
            "delivery_notes": order.delivery_notes,
            "comment": order.comment,
            "currency": business.currency,
            "gross_amount": order.gross_amount,
            "discount_amount": order.discount_amount,
            "total": order.total,
            "returned_amount": order.returned_amount,
            "allowance_amount": order.allowance_amount,
            "paid_amount": order.paid_amount,
            "balance": order.balance,
            "version": order.version,
        }
    )
    if detail:
        view["allowed_transitions"] = list(allowed_transitions(order.status))
        view["items"] = [
            {
                "id": item.pk,
                "kind": item.kind,
                "product_id": item.product_id,
                "service_id": item.service_id,
                "name": item.name,
                "quantity": item.quantity,
                "unit_price": item.unit_price,
                "discount_amount": item.discount_amount,
                "gross_amount": item.gross_amount,
                "total": item.total,
                "returned_quantity": item.returned_quantity,
                "returned_amount": item.returned_amount,
            }
            for item in order.items.all()
        ]
        view["payments"] = [
            {
                "id": link.payment_id,
                "amount": link.payment.amount,
                "refunded_amount": link.payment.refunded_amount,
                "method": link.payment.method,
                "processed_at": link.payment.processed_at.isoformat(),
                "processed_by": _employee_ref(link.payment.processed_by),
            }
            for link in order.payment_links.select_related("payment__processed_by").order_by("id")
        ]
        view["returns"] = [
            {
                "id": order_return.pk,
                "amount": order_return.amount,
                "reason": order_return.reason,
                "created_at": order_return.created_at.isoformat(),
                "created_by": _employee_ref(order_return.created_by),
            }
            for order_return in order.returns.select_related("created_by")
        ]
        view["allowances"] = [
            {
                "id": link.allowance_id,
                "amount": link.allowance.amount,
                "reason": link.allowance.reason,
                "granted_at": link.allowance.granted_at.isoformat(),
                "granted_by": _employee_ref(link.allowance.granted_by),
            }
            for link in order.allowance_links.select_related("allowance__granted_by").order_by("id")
        ]
    return view


def order_actions(order: Order) -> QuerySet[OrderAction]:
    return OrderAction.objects.for_business(order.business_id).filter(order=order).select_related("actor")


def action_view(action: OrderAction) -> dict:
    return {
        "id": action.pk,
        "kind": action.kind,
        "summary": action_summary(action),
        "actor": {"id": action.actor_id, "full_name": action.actor_label} if action.actor_id else None,
        "occurred_at": action.occurred_at.isoformat(),
        "before": action.before,
        "after": action.after,
    }


# --- tasks ---------------------------------------------------------------------------------------


def tasks_visible_to(viewer, *, mine_only: bool = False, include_done: bool = True) -> QuerySet[OrderTask]:
    """Tasks assigned to me, and (unless `mine_only`) the tasks of every order I see in full."""
    queryset = OrderTask.objects.for_business(viewer.business)
    if not has_permission(viewer, Perm.TASKS_VIEW):
        return queryset.none()
    if mine_only:
        queryset = queryset.filter(assignee=viewer)
    elif not sees_all_orders(viewer):
        queryset = queryset.filter(Q(assignee=viewer) | Q(order__responsible=viewer))
    if not include_done:
        queryset = queryset.filter(is_done=False)
    return queryset.select_related("order__client", "order__responsible", "assignee").order_by(
        "is_done", "due_at", "id"
    )


def overdue_task_count(viewer) -> int:
    return tasks_visible_to(viewer, mine_only=True, include_done=False).filter(due_at__lte=timezone.now()).count()


def task_view(task: OrderTask, *, viewer, now: dt.datetime | None = None) -> dict:
    """A task with its order as the viewer may see it (a task given on a colleague's order shows its summary)."""
    now = now or timezone.now()
    order = order_view(task.order, viewer=viewer)
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "assignee": _employee_ref(task.assignee),
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "is_done": task.is_done,
        "done_at": task.done_at.isoformat() if task.done_at else None,
        "is_overdue": is_task_overdue(due_at=task.due_at, is_done=task.is_done, now=now),
        "order": order,
    }


# --- sales by manager ------------------------------------------------------------------------------


def sales_report_scope_is_own(viewer) -> bool:
    """A manager without `orders.view_all` sees only their own line: colleagues' amounts stay hidden here too."""
    return works_orders(viewer) and not sees_all_orders(viewer)


def sales_by_manager(business, *, viewer, date_from: dt.date, date_to: dt.date, manager=None) -> dict:
    """Orders sold (reached "paid") in the period, per responsible manager: gross, discounts, returns,
    allowances (price reductions after the sale), net = gross − returns − allowances − discounts."""
    from staffroom.scheduling.selectors import business_day_bounds

    start, _ = business_day_bounds(business, date_from)
    _, end = business_day_bounds(business, date_to)
    orders = Order.objects.for_business(business).filter(sold_at__gte=start, sold_at__lt=end)
    if sales_report_scope_is_own(viewer):
        orders = orders.filter(responsible=viewer)
    if manager is not None:
        orders = orders.filter(responsible=manager)
    grouped = (
        orders.values("responsible", "responsible__full_name")
        .annotate(
            orders=Count("id"),
            gross=Sum("gross_amount"),
            discounts=Sum("discount_amount"),
            returns=Sum("returned_amount"),
            allowances=Sum("allowance_amount"),
        )
        .order_by("responsible__full_name", "responsible")
    )
    rows = []
    for row in grouped:
        gross, discounts, returns, allowances = (
            row[key] or Decimal(0) for key in ("gross", "discounts", "returns", "allowances")
        )
        net = net_sales(gross=gross, discounts=discounts, returns=returns, allowances=allowances)
        rows.append(
            {
                "manager": (
                    {"id": row["responsible"], "full_name": row["responsible__full_name"]}
                    if row["responsible"]
                    else None
                ),
                "orders": row["orders"],
                "gross": gross,
                "discounts": discounts,
                "returns": returns,
                "allowances": allowances,
                "net": net,
                "average": (net / row["orders"]).quantize(Decimal("0.01")) if row["orders"] else Decimal(0),
            }
        )
    totals = {
        key: sum((row[key] for row in rows), Decimal(0))
        for key in ("gross", "discounts", "returns", "allowances", "net")
    }
    totals["orders"] = sum(row["orders"] for row in rows)
    return {"date_from": date_from, "date_to": date_to, "currency": business.currency, "rows": rows, "totals": totals}


def employees_who_worked_orders(business, since: dt.datetime) -> set[int]:
    """Who used the orders right since `since` (created an order or claimed one from the queue): the savings
    advisor asks this. A claim is its `order.claimed` security event, written in the claim's transaction."""
    from staffroom.security.models import SecurityEvent

    created = Order.objects.for_business(business).filter(created_at__gte=since)
    claimed = SecurityEvent.objects.for_business(business).filter(
        event_type="order.claimed", outcome="success", occurred_at__gte=since, actor__isnull=False
    )
    return set(created.values_list("created_by_id", flat=True).distinct()) | set(
        claimed.values_list("actor_id", flat=True).distinct()
    )


def offered_transitions(order) -> list[str]:
    """The status moves the service would accept now, for the card's buttons: the pipeline's moves, minus "Paid"
    while something is still to pay and "Cancelled" while payments stand (the service refuses both)."""
    from .choices import OrderStatus

    offered = []
    for value in allowed_transitions(order.status):
        if value == OrderStatus.PAID and order.balance > 0:
            continue
        if value == OrderStatus.CANCELLED and order.paid_amount > 0:
            continue
        offered.append(value)
    return offered


# Lists count their rows exactly up to this many; beyond it PostgreSQL's planner estimate is shown instead, so a
# business with a million orders does not count them all on every page.
EXACT_COUNT_LIMIT = 10_000


def list_count(queryset: QuerySet) -> tuple[int, bool]:
    """(count, is_estimate) of a list: exact when small, the planner's row estimate when over EXACT_COUNT_LIMIT.

    One bounded query answers the usual case (a count that stops at the limit, whatever the table's size); only a
    list over the limit asks PostgreSQL's planner as well."""
    bounded = queryset.order_by()[: EXACT_COUNT_LIMIT + 1].count()
    if bounded <= EXACT_COUNT_LIMIT:
        return bounded, False
    if connection.vendor != "postgresql":
        return queryset.count(), False
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    estimate = int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])
    return max(estimate, EXACT_COUNT_LIMIT + 1), True
