"""Pages: orders (queue / mine / all, card, create, edit), claim, status, reassign, payments, tasks, CSV,
and sales by manager. Every order is rendered from `selectors.order_view`, like the API."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.catalog.models import Service
from staffroom.clients.forms import NEW_CLIENT_ERROR_FIELDS
from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.exports.views import export_page_response
from staffroom.payments.forms import AllowanceForm
from staffroom.security.reauthentication import reauthentication_required, require_recent_authentication
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import EMPLOYEE, has_permission, permission_required

from . import selectors, services
from .calculations import EDITABLE_STATUSES, RETURNABLE_STATUSES
from .choices import OrderStatus
from .forms import (
    DETAIL_FIELD_NAMES,
    ITEM_ROWS,
    OrderCreateForm,
    OrderItemsForm,
    PaymentForm,
    ProductForm,
    ReassignForm,
    SalesReportForm,
    StatusForm,
    TaskForm,
)
from .models import Order, OrderTask, Product
from .permissions import FULL, require_order_read, require_order_write, require_orders_access

PAGE_SIZE = 50
ERROR_ALIASES = {"client_id": "client", "pickup_branch_id": "pickup_branch", "assignee_id": "assignee"}


def _order(request, order_id) -> Order:
    order = get_for_business_or_404(
        Order.objects.select_related("client", "responsible"), request.business, pk=order_id
    )
    require_order_read(request.employee, order)
    return order


def _forbidden(request, error: ApplicationError):
    return render(request, "403.html", {"message": error.message}, status=error.status_code)


class EstimatedCountPaginator(Paginator):
    """Page numbers from `selectors.list_count`: exact for a small list, the planner's estimate for a huge one."""

    @cached_property
    def count(self):
        count, self.count_is_estimate = selectors.list_count(self.object_list)
        return count


@permission_required(EMPLOYEE)
def order_list(request):
    try:
        require_orders_access(request.employee)
    except ApplicationError as error:
        return _forbidden(request, error)
    scope = request.GET.get("scope") or selectors.ALL
    if scope not in selectors.SCOPES:
        scope = selectors.ALL
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    queryset = selectors.orders_list(request.employee, scope=scope, status=status, query=query)
    page = EstimatedCountPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.order_view(order, viewer=request.employee) for order in page.object_list]
    return render(
        request,
        "orders/order_list.html",
        {
            "rows": rows,
            "page": page,
            "scope": scope,
            "status": status,
            "query": query,
            "statuses": OrderStatus.choices,
            "scopes": [(selectors.QUEUE, _("Queue")), (selectors.MINE, _("Mine")), (selectors.ALL, _("All"))],
        },
    )


@permission_required(Perm.ORDERS_EXPORT)
@reauthentication_required
def order_export(request):
    try:
        require_orders_access(request.employee)
    except ApplicationError as error:
        return _forbidden(request, error)
    params = {key: request.GET.get(key, "") for key in ("scope", "status", "q")}
    return export_page_response(request, "orders", params)


def _goods(business, value: str):
    kind, _sep, pk = value.partition(":")
    model = Product if kind == "product" else Service
    return model.objects.for_business(business).filter(pk=pk).first() if pk.isdigit() else None


def _items_from(form: OrderItemsForm, business) -> list[services.ItemInput]:
    data = form.cleaned_data
    items = []
    for index in range(form.rows):
        goods = _goods(business, data.get(f"item_{index}") or "")
        if goods is None:
            continue
        items.append(
            services.ItemInput(
                product=goods if isinstance(goods, Product) else None,
                service=goods if isinstance(goods, Service) else None,
                quantity=data.get(f"quantity_{index}") or 1,
                # The sold-at price stays only while the row keeps its goods; new goods take the catalogue price.
                unit_price=(
                    (data.get(f"price_{index}") if form.can_price else form.initial.get(f"price_{index}"))
                    if data.get(f"item_{index}") == form.initial.get(f"item_{index}")
                    else None
                ),
                discount_amount=data.get(f"discount_{index}"),
            )
        )
    return items


def _details_from(form: OrderItemsForm) -> dict:
    return {name: form.cleaned_data[name] for name in DETAIL_FIELD_NAMES}


@permission_required(Perm.ORDERS_CREATE)
@require_http_methods(["GET", "POST"])
def order_create(request):
    business = request.business
    form = OrderCreateForm(request.POST or None, business=business, initial={"idempotency_key": uuid.uuid4().hex})
    del form.fields["version"]
    if request.method == "POST" and form.is_valid():
        order_fields = {
            "actor": request.employee,
            "items": _items_from(form, business),
            "idempotency_key": form.cleaned_data["idempotency_key"],
            **_details_from(form),
        }
        new_client = form.new_client()
        try:
            if new_client is None:
                order = services.order_create(**order_fields)
            else:
                del order_fields["client"]
                order = services.order_create_for_new_client(client_fields=new_client, **order_fields)
        except ApplicationError as error:
            add_service_error(form, error, {**ERROR_ALIASES, **NEW_CLIENT_ERROR_FIELDS, "items": "item_0"})
        else:
            messages.success(request, _("Order #%(number)s created.") % {"number": order.number})
            return redirect("orders:detail", order_id=order.pk)
    return render(request, "orders/order_form.html", {"form": form, "order": None})


@permission_required(EMPLOYEE)
def order_detail(request, order_id):
    try:
        order = _order(request, order_id)
    except ApplicationError as error:
        return _forbidden(request, error)
    viewer = request.employee
    view = selectors.order_view(order, viewer=viewer, detail=True)
    context = {"order": view, "can_claim": order.responsible_id is None and has_permission(viewer, Perm.ORDERS_CLAIM)}
    if view["access"] == FULL:
        now = timezone.now()
        context.update(
            {
                "tasks": [
                    selectors.task_view(task, viewer=viewer, now=now)
                    for task in selectors.tasks_visible_to(viewer).filter(order=order)
                ],
                "actions": [selectors.action_view(action) for action in selectors.order_actions(order)[:200]],
                # "Returned" comes from registering the return of the goods, not from a button.
                "transitions": [
                    (value, OrderStatus(value).label)
                    for value in selectors.offered_transitions(order)
                    if value != OrderStatus.RETURNED
                ],
                "can_return": order.status in RETURNABLE_STATUSES,
                "task_form": TaskForm(business=request.business, initial={"assignee": viewer}),
                "payment_form": PaymentForm(initial={"amount": order.balance, "idempotency_key": uuid.uuid4().hex}),
                "allowance_form": AllowanceForm(initial={"idempotency_key": uuid.uuid4().hex}),
            }
        )
    if has_permission(viewer, Perm.ORDERS_ASSIGN):
        context["reassign_form"] = ReassignForm(
            business=request.business, initial={"responsible": order.responsible, "version": order.version}
        )
    return render(request, "orders/order_detail.html", context)


def _back(order_id):
    return redirect("orders:detail", order_id=order_id)


def _run(request, order_id, call, done: str):
    try:
        call()
    except ApplicationError as error:
        if error.status_code == 403:
            return _forbidden(request, error)
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _back(order_id)


@permission_required(EMPLOYEE)
@require_http_methods(["GET", "POST"])
def order_edit(request, order_id):
    try:
        order = _order(request, order_id)
        require_order_write(request.employee, order)
    except ApplicationError as error:
        return _forbidden(request, error)
    business = request.business
    current_items = list(order.items.all())
    with_items = order.status in EDITABLE_STATUSES
    initial = {
        "client": order.client,
        "fulfilment": order.fulfilment,
        "pickup_branch": order.pickup_branch,
        "delivery_address": order.delivery_address,
        "delivery_notes": order.delivery_notes,
        "comment": order.comment,
        "version": order.version,
        **OrderItemsForm.initial_for_items(current_items),
    }
    rows = max(ITEM_ROWS, len(current_items) + 2)
    form = OrderItemsForm(
        request.POST or None,
        business=business,
        initial=initial,
        rows=rows,
        with_items=with_items,
        can_price=has_permission(request.employee, Perm.PAYMENTS_PROCESS),
    )
    del form.fields["idempotency_key"]
    if request.method == "POST" and form.is_valid():
        try:
            services.order_update(
                actor=request.employee,
                order=order,
                expected_version=form.cleaned_data["version"],
                items=_items_from(form, business) if with_items else None,
                **_details_from(form),
            )
        except ApplicationError as error:
            if error.status_code == 403:
                return _forbidden(request, error)
            add_service_error(form, error, {**ERROR_ALIASES, "items": "item_0"})
        else:
            messages.success(request, _("Changes saved."))
            return _back(order.pk)
    return render(request, "orders/order_form.html", {"form": form, "order": order})


@permission_required(Perm.ORDERS_CLAIM)
@require_POST
def order_claim(request, order_id):
    order = get_for_business_or_404(Order, request.business, pk=order_id)
    return _run(
        request,
        order.pk,
        lambda: services.order_claim(actor=request.employee, order=order),
        _("Order #%(number)s is yours now.") % {"number": order.number},
    )


@permission_required(EMPLOYEE)
@require_POST
def order_status(request, order_id):
    order = get_for_business_or_404(Order, request.business, pk=order_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return _back(order.pk)
    return _run(
        request,
        order.pk,
        lambda: services.order_status_change(
            actor=request.employee,
            order=order,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        ),
        _("Status changed."),
    )


@permission_required(Perm.ORDERS_ASSIGN)
@require_POST
def order_reassign(request, order_id):
    order = get_for_business_or_404(Order, request.business, pk=order_id)
    form = ReassignForm(request.POST, business=request.business)
    if not form.is_valid():
        messages.error(request, _("Choose an employee."))
        return _back(order.pk)
    return _run(
        request,
        order.pk,
        lambda: services.order_reassign(
            actor=request.employee,
            order=order,
            responsible=form.cleaned_data["responsible"],
            expected_version=form.cleaned_data["version"],
        ),
        _("Responsible changed."),
    )


@permission_required(Perm.PAYMENTS_PROCESS)
@require_POST
def order_payment(request, order_id):
    order = get_for_business_or_404(Order, request.business, pk=order_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter an amount and a method."))
        return _back(order.pk)
    return _run(
        request,
        order.pk,
        lambda: services.order_payment_take(actor=request.employee, order=order, **form.cleaned_data),
        _("Payment taken."),
    )


@permission_required(EMPLOYEE)
@require_POST
def order_return(request, order_id):
    """Register goods coming back: a quantity per item (`return_<item id>`) and a reason."""
    order = get_for_business_or_404(Order, request.business, pk=order_id)
    lines = []
    for item in order.items.all():
        raw = request.POST.get(f"return_{item.pk}", "").strip()
        if raw.isdigit() and int(raw) > 0:
            lines.append(services.ReturnInput(item=item, quantity=int(raw)))
    return _run(
        request,
        order.pk,
        lambda: services.order_return_register(
            actor=request.employee, order=order, lines=lines, reason=request.POST.get("reason", "")
        ),
        _("Return registered."),
    )


@permission_required(Perm.PAYMENTS_GRANT_ALLOWANCE)
@require_POST
def order_allowance(request, order_id):
    """Grant an allowance on a sold order: a price reduction with a reason (money paid back if already paid)."""
    order = get_for_business_or_404(Order, request.business, pk=order_id)
    form = AllowanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return _back(order.pk)
    data = form.cleaned_data
    return _run(
        request,
        order.pk,
        lambda: services.order_allowance_grant(
            actor=request.employee,
            order=order,
            amount=data["amount"],
            reason=data["reason"],
            refund_method=data["refund_method"] or None,
            idempotency_key=data["idempotency_key"],
        ),
        _("Allowance granted."),
    )


@permission_required(Perm.TASKS_MANAGE)
@require_POST
def order_task_create(request, order_id):
    order = get_for_business_or_404(Order, request.business, pk=order_id)
    form = TaskForm(request.POST, business=request.business)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return _back(order.pk)
    return _run(
        request,
        order.pk,
        lambda: services.order_task_create(actor=request.employee, order=order, **form.cleaned_data),
        _("Task added."),
    )


@permission_required(Perm.TASKS_VIEW)
def task_list(request):
    scope = "all" if request.GET.get("scope") == "all" else "mine"
    include_done = request.GET.get("done") == "1"
    tasks = selectors.tasks_visible_to(request.employee, mine_only=scope == "mine", include_done=include_done)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [selectors.task_view(task, viewer=request.employee, now=now) for task in page.object_list]
    return render(
        request, "orders/task_list.html", {"rows": rows, "page": page, "scope": scope, "include_done": include_done}
    )


@permission_required(Perm.TASKS_MANAGE)
@require_POST
def task_set_done(request, task_id):
    task = get_for_business_or_404(OrderTask.objects.select_related("order"), request.business, pk=task_id)
    is_done = request.POST.get("done", "1") == "1"
    try:
        services.order_task_set_done(actor=request.employee, task=task, is_done=is_done)
    except ApplicationError as error:
        if error.status_code == 403:
            return _forbidden(request, error)
        messages.error(request, error.message)
    next_url = request.POST.get("next", "")
    if next_url == "order":
        return _back(task.order_id)
    return redirect("orders:tasks")


@permission_required(Perm.REPORTS_VIEW_SALES)
def sales_by_manager(request):
    business = request.business
    form = SalesReportForm(request.GET or None, business=business)
    today = timezone.localtime(timezone.now(), business.zone).date()
    date_from, date_to, manager = today.replace(day=1), today, None
    if form.is_valid():
        date_to = form.cleaned_data["date_to"] or date_to
        date_from = form.cleaned_data["date_from"] or date_to.replace(day=1)
        manager = form.cleaned_data["manager"]
    date_from = min(max(date_from, selectors.REPORT_FIRST_DATE), selectors.REPORT_LAST_DATE)
    date_to = min(max(date_to, selectors.REPORT_FIRST_DATE), selectors.REPORT_LAST_DATE)
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    report = selectors.sales_by_manager(
        business, viewer=request.employee, date_from=date_from, date_to=date_to, manager=manager
    )
    if request.GET.get("format") == "csv":
        if not has_permission(request.employee, Perm.REPORTS_EXPORT):
            return render(request, "403.html", status=403)
        require_recent_authentication(request)
        params = {"date_from": str(date_from), "date_to": str(date_to), "manager_id": manager.pk if manager else None}
        return export_page_response(request, "sales_by_manager", params)
    return render(
        request,
        "orders/sales_by_manager.html",
        {"form": form, "report": report, "own_only": selectors.sales_report_scope_is_own(request.employee)},
    )


@permission_required(Perm.ORDERS_VIEW_ALL)
@require_http_methods(["GET", "POST"])
def product_list(request, product_id=None):
    """The goods orders sell: a list with a form to add one, or to edit the chosen one."""
    product = get_for_business_or_404(Product, request.business, pk=product_id) if product_id else None
    initial = (
        {"name": product.name, "sku": product.sku, "price": product.price, "is_active": product.is_active}
        if product
        else {"is_active": True}
    )
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                services.product_create(actor=request.employee, **form.cleaned_data)
            else:
                services.product_update(actor=request.employee, product=product, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Product saved."))
            return redirect("orders:products")
    products = selectors.products_for_business(request.business)
    return render(request, "orders/product_list.html", {"form": form, "product": product, "products": products})
