"""REST API: orders (list, card, create, edit, status, claim, reassign, payments, returns, log, CSV), tasks,
products and sales by manager. Every order leaves through `selectors.order_view`, as on the pages."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from staffroom.catalog.models import Service
from staffroom.clients.models import Client
from staffroom.core.api import IsoDate
from staffroom.core.errors import PermissionDenied, field_error
from staffroom.core.shortcuts import choice_for_business, get_for_business_or_404
from staffroom.exports.api import ExportsExportOut, export_api_response
from staffroom.security.reauthentication import api_reauthentication_required
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee
from staffroom.staff.permissions import EMPLOYEE, api_permission
from staffroom.tenancy.models import Branch

from . import selectors, services
from .models import Order, OrderTask, Product
from .permissions import FULL, require_order_read, require_orders_access
from .schemas import (
    ActionOut,
    OrderCreateIn,
    OrderOut,
    OrderPageOut,
    OrdersAllowanceIn,
    OrdersPaymentIn,
    OrdersSalesReportOut,
    OrdersStatusIn,
    OrderUpdateIn,
    PaymentTakenOut,
    ProductIn,
    ProductOut,
    ReassignIn,
    ReturnIn,
    TaskIn,
    TaskOut,
    TaskUpdateIn,
)

router = Router(tags=["orders"])
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000


class OrderListQuery(Schema):
    scope: str = "all"
    status: str = ""
    q: str = ""
    page: int = 1
    page_size: int = 50
    # Keyset paging: orders numbered below this (the previous page's `next_before`); `page` is then ignored.
    before: int | None = None


def _order(request, order_id: int) -> Order:
    order = get_for_business_or_404(
        Order.objects.select_related("client", "responsible"), request.business, pk=order_id
    )
    require_order_read(request.employee, order)
    return order


def _card(request, order_id: int) -> dict:
    return selectors.order_view(_order(request, order_id), viewer=request.employee, detail=True)


def _items(request, items) -> list[services.ItemInput]:
    business = request.business
    built = []
    for index, item in enumerate(items):
        built.append(
            services.ItemInput(
                product=choice_for_business(Product, business, item.product_id, f"items.{index}.product_id"),
                service=choice_for_business(Service, business, item.service_id, f"items.{index}.service_id"),
                quantity=item.quantity,
                unit_price=item.unit_price,
                discount_amount=item.discount_amount,
            )
        )
    return built


@router.get("/orders", response=OrderPageOut, exclude_unset=True)
@api_permission(EMPLOYEE)
def order_list(request, filters: Query[OrderListQuery]):
    """Orders I may see, newest first: `scope` = queue (unassigned), mine, or all. Colleagues' are limited.

    Page through with `before` = the previous answer's `next_before` (keyset: no order is skipped or repeated when
    new ones arrive between pages, and a deep page costs what the first does); `page` numbers still work. `count`
    is exact up to 10 000 orders and an estimate beyond (`count_is_estimate`).
    """
    require_orders_access(request.employee)
    if filters.scope not in selectors.SCOPES:
        raise field_error("scope", _("Choose queue, mine or all."))
    if filters.before is not None and filters.before < 1:
        raise field_error("before", _("Give the number of an order."))
    page_size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    page = min(max(1, filters.page), MAX_PAGE)
    queryset = selectors.orders_list(request.employee, scope=filters.scope, status=filters.status, query=filters.q)
    if filters.before is not None:
        page = 1
        rows = list(queryset.filter(number__lt=filters.before)[: page_size + 1])
    else:
        rows = list(queryset[(page - 1) * page_size : page * page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    count, is_estimate = selectors.list_count(queryset)
    return {
        "count": count,
        "count_is_estimate": is_estimate,
        "page": page,
        "page_size": page_size,
        "next_before": rows[-1].number if more else None,
        "results": [selectors.order_view(order, viewer=request.employee) for order in rows],
    }


@router.get("/orders/export.csv", response={200: None, 202: ExportsExportOut})
@api_permission(Perm.ORDERS_EXPORT)
@api_reauthentication_required
def order_export(request, filters: Query[OrderListQuery]):
    """CSV of the listed orders as I may see them (a colleague's rows end after the limited columns); a large export
    is queued instead (202 and the export: GET /exports/{id})."""
    require_orders_access(request.employee)
    return export_api_response(request, "orders", {"scope": filters.scope, "status": filters.status, "q": filters.q})


@router.post("/orders", response={201: OrderOut}, exclude_unset=True)
@api_permission(Perm.ORDERS_CREATE)
def order_create(request, payload: OrderCreateIn):
    business = request.business
    order = services.order_create(
        actor=request.employee,
        client=choice_for_business(Client, business, payload.client_id, "client_id"),
        items=_items(request, payload.items),
        fulfilment=payload.fulfilment,
        pickup_branch=choice_for_business(Branch, business, payload.pickup_branch_id, "pickup_branch_id"),
        delivery_address=payload.delivery_address,
        delivery_notes=payload.delivery_notes,
        comment=payload.comment,
        responsible=choice_for_business(Employee, business, payload.responsible_id, "responsible_id"),
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, _card(request, order.pk))


@router.get("/orders/{order_id}", response=OrderOut, exclude_unset=True)
@api_permission(EMPLOYEE)
def order_detail(request, order_id: int):
    return _card(request, order_id)


@router.patch("/orders/{order_id}", response=OrderOut, exclude_unset=True)
@api_permission(EMPLOYEE)
def order_update(request, order_id: int, payload: OrderUpdateIn):
    business = request.business
    order = _order(request, order_id)
    data = payload.dict(exclude_unset=True)
    details = {}
    for name in ("fulfilment", "delivery_address", "delivery_notes", "comment"):
        if data.get(name) is not None:
            details[name] = data[name]
    if data.get("client_id") is not None:
        details["client"] = choice_for_business(Client, business, data["client_id"], "client_id")
    if "pickup_branch_id" in data:
        details["pickup_branch"] = choice_for_business(Branch, business, data["pickup_branch_id"], "pickup_branch_id")
    services.order_update(
        actor=request.employee,
        order=order,
        expected_version=payload.expected_version,
        items=_items(request, payload.items) if payload.items is not None else None,
        **details,
    )
    return _card(request, order_id)


@router.post("/orders/{order_id}/status", response=OrderOut, exclude_unset=True)
@api_permission(EMPLOYEE)
def order_status(request, order_id: int, payload: OrdersStatusIn):
    """Move the order along the pipeline; a refused move answers 409 with `allowed_transitions`."""
    services.order_status_change(
        actor=request.employee,
        order=_order(request, order_id),
        status=payload.status,
        expected_version=payload.expected_version,
    )
    return _card(request, order_id)


@router.post("/orders/{order_id}/claim", response=OrderOut, exclude_unset=True)
@api_permission(Perm.ORDERS_CLAIM)
def order_claim(request, order_id: int):
    """Take an unassigned order; if someone else took it first, 409."""
    services.order_claim(actor=request.employee, order=_order(request, order_id))
    return _card(request, order_id)


@router.post("/orders/{order_id}/reassign", response=OrderOut, exclude_unset=True)
@api_permission(Perm.ORDERS_ASSIGN)
def order_reassign(request, order_id: int, payload: ReassignIn):
    order = _order(request, order_id)
    responsible = choice_for_business(Employee, request.business, payload.responsible_id, "responsible_id")
    services.order_reassign(
        actor=request.employee,
        order=order,
        responsible=responsible,
        expected_version=payload.expected_version,
    )
    return _card(request, order_id)


@router.post("/orders/{order_id}/payments", response={201: PaymentTakenOut}, exclude_unset=True)
@api_permission(Perm.PAYMENTS_PROCESS)
def order_payment(request, order_id: int, payload: OrdersPaymentIn):
    link = services.order_payment_take(
        actor=request.employee,
        order=_order(request, order_id),
        amount=payload.amount,
        method=payload.method,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, {"payment_id": link.payment_id, "order": _card(request, order_id)})


@router.post("/orders/{order_id}/returns", response={201: OrderOut}, exclude_unset=True)
@api_permission(EMPLOYEE)
def order_return(request, order_id: int, payload: ReturnIn):
    order = _order(request, order_id)
    lines = []
    for index, line in enumerate(payload.lines):
        item = order.items.filter(pk=line.item_id).first()
        if item is None:
            raise field_error(f"lines.{index}.item_id", _("Choose an item of this order."))
        lines.append(services.ReturnInput(item=item, quantity=line.quantity))
    services.order_return_register(
        actor=request.employee, order=order, lines=lines, reason=payload.reason, refund_method=payload.refund_method
    )
    return Status(201, _card(request, order_id))


@router.post("/orders/{order_id}/allowances", response={201: OrderOut}, exclude_unset=True)
@api_permission(Perm.PAYMENTS_GRANT_ALLOWANCE)
def order_allowance(request, order_id: int, payload: OrdersAllowanceIn):
    """Grant an allowance on a sold order: a price reduction after the sale without a return, with a reason.
    Money paid beyond the new price goes back from the order's payments (that needs `payments.refund` too)."""
    services.order_allowance_grant(
        actor=request.employee,
        order=_order(request, order_id),
        amount=payload.amount,
        reason=payload.reason,
        refund_method=payload.refund_method,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, _card(request, order_id))


@router.get("/orders/{order_id}/log", response=list[ActionOut])
@api_permission(EMPLOYEE)
def order_log(request, order_id: int):
    """The action log of an order I see in full (a colleague's order has no log for me: 403)."""
    order = _order(request, order_id)
    if require_order_read(request.employee, order) != FULL:
        raise PermissionDenied(_("This order belongs to a colleague: you can only see its summary."))
    return [selectors.action_view(action) for action in selectors.order_actions(order)]


@router.get("/orders/{order_id}/tasks", response=list[TaskOut], exclude_unset=True, tags=["tasks"])
@api_permission(Perm.TASKS_VIEW)
def order_task_list(request, order_id: int):
    order = _order(request, order_id)
    tasks = selectors.tasks_visible_to(request.employee).filter(order=order)
    now = timezone.now()
    return [selectors.task_view(task, viewer=request.employee, now=now) for task in tasks]


@router.post("/orders/{order_id}/tasks", response={201: TaskOut}, exclude_unset=True, tags=["tasks"])
@api_permission(Perm.TASKS_MANAGE)
def order_task_create(request, order_id: int, payload: TaskIn):
    task = services.order_task_create(
        actor=request.employee,
        order=_order(request, order_id),
        title=payload.title,
        assignee=choice_for_business(Employee, request.business, payload.assignee_id, "assignee_id"),
        due_at=payload.due_at,
        description=payload.description,
    )
    return Status(201, selectors.task_view(_task(request, task.pk), viewer=request.employee))


class TaskListQuery(Schema):
    scope: str = "mine"
    include_done: bool = False


def _task(request, task_id: int) -> OrderTask:
    # Any task of the business: the service answers 403 when this employee may not change it.
    return get_for_business_or_404(OrderTask.objects.select_related("order", "assignee"), request.business, pk=task_id)


@router.get("/tasks", response=list[TaskOut], exclude_unset=True, tags=["tasks"])
@api_permission(Perm.TASKS_VIEW)
def task_list(request, filters: Query[TaskListQuery]):
    """`scope` = mine (assigned to me) or all (every task I may see); overdue ones have `is_overdue`."""
    if filters.scope not in ("mine", "all"):
        raise field_error("scope", _("Choose mine or all."))
    tasks = selectors.tasks_visible_to(
        request.employee, mine_only=filters.scope == "mine", include_done=filters.include_done
    )[:500]
    now = timezone.now()
    return [selectors.task_view(task, viewer=request.employee, now=now) for task in tasks]


@router.patch("/tasks/{task_id}", response=TaskOut, exclude_unset=True, tags=["tasks"])
@api_permission(Perm.TASKS_MANAGE)
def task_update(request, task_id: int, payload: TaskUpdateIn):
    data = payload.dict(exclude_unset=True)
    assignee = None
    if data.get("assignee_id") is not None:
        assignee = choice_for_business(Employee, request.business, data["assignee_id"], "assignee_id")
    services.order_task_update(
        actor=request.employee,
        task=_task(request, task_id),
        title=data.get("title"),
        assignee=assignee,
        due_at=data.get("due_at", ...),
        description=data.get("description"),
    )
    return selectors.task_view(_task(request, task_id), viewer=request.employee)


@router.post("/tasks/{task_id}/done", response=TaskOut, exclude_unset=True, tags=["tasks"])
@api_permission(Perm.TASKS_MANAGE)
def task_done(request, task_id: int):
    services.order_task_set_done(actor=request.employee, task=_task(request, task_id), is_done=True)
    return selectors.task_view(_task(request, task_id), viewer=request.employee)


@router.post("/tasks/{task_id}/reopen", response=TaskOut, exclude_unset=True, tags=["tasks"])
@api_permission(Perm.TASKS_MANAGE)
def task_reopen(request, task_id: int):
    services.order_task_set_done(actor=request.employee, task=_task(request, task_id), is_done=False)
    return selectors.task_view(_task(request, task_id), viewer=request.employee)


def product_out(product: Product) -> dict:
    return {
        "id": product.pk,
        "name": product.name,
        "sku": product.sku,
        "price": product.price,
        "is_active": product.is_active,
    }


@router.get("/products", response=list[ProductOut], tags=["products"])
@api_permission(EMPLOYEE)
def product_list(request):
    require_orders_access(request.employee)
    return [product_out(product) for product in selectors.products_for_business(request.business)]


@router.post("/products", response={201: ProductOut}, tags=["products"])
@api_permission(Perm.ORDERS_VIEW_ALL)
def product_create(request, payload: ProductIn):
    product = services.product_create(actor=request.employee, **payload.dict())
    return Status(201, product_out(product))


@router.patch("/products/{product_id}", response=ProductOut, tags=["products"])
@api_permission(Perm.ORDERS_VIEW_ALL)
def product_update(request, product_id: int, payload: ProductIn):
    product = get_for_business_or_404(Product, request.business, pk=product_id)
    return product_out(services.product_update(actor=request.employee, product=product, **payload.dict()))


class OrdersSalesQuery(Schema):
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    manager_id: int | None = None


def _sales_report(request, filters: OrdersSalesQuery) -> dict:
    today = timezone.localtime(timezone.now(), request.business.zone).date()
    date_to = filters.date_to or today
    date_from = filters.date_from or date_to.replace(day=1)
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if not selectors.REPORT_FIRST_DATE <= value <= selectors.REPORT_LAST_DATE:
            raise field_error(name, _("Choose a date between 2000 and 2100."))
    if date_from > date_to:
        raise field_error("date_from", _("The period starts after it ends."))
    if (date_to - date_from).days > 3660:
        raise field_error("date_from", _("Choose a period of at most ten years."))
    manager = choice_for_business(Employee, request.business, filters.manager_id, "manager_id")
    return selectors.sales_by_manager(
        request.business, viewer=request.employee, date_from=date_from, date_to=date_to, manager=manager
    )


@router.get("/reports/sales-by-manager", response=OrdersSalesReportOut, tags=["reports"])
@api_permission(Perm.REPORTS_VIEW_SALES)
def sales_by_manager(request, filters: Query[OrdersSalesQuery]):
    """Orders sold in the period per responsible manager: gross, discounts, returns, allowances,
    net = gross − returns − allowances − discounts."""
    return _sales_report(request, filters)


@router.get("/reports/sales-by-manager.csv", response={200: None, 202: ExportsExportOut}, tags=["reports"])
@api_permission(Perm.REPORTS_EXPORT)
@api_reauthentication_required
def sales_by_manager_csv(request, filters: Query[OrdersSalesQuery]):
    """The report as CSV (200); with EXPORT_BACKGROUND_ROWS=0 it is queued (202 and the export)."""
    report = _sales_report(request, filters)  # validates the period and the manager
    params = {
        "date_from": str(report["date_from"]),
        "date_to": str(report["date_to"]),
        "manager_id": filters.manager_id,
    }
    return export_api_response(request, "sales_by_manager", params)
