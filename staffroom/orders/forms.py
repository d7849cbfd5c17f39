"""Order, task, payment and report forms; every choice is limited to the current business."""

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.catalog.models import Service
from staffroom.clients.forms import NewClientForm
from staffroom.clients.models import Client
from staffroom.core.widgets import DateInput, DateTimeInput
from staffroom.payments.models import PaymentMethod
from staffroom.staff.models import Employee, EmployeeStatus
from staffroom.tenancy.models import Branch

from .choices import Fulfilment
from .models import Product

ITEM_ROWS = 5


class OrderDetailsForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    fulfilment = forms.ChoiceField(label=_("Fulfilment"), choices=Fulfilment.choices)
    pickup_branch = forms.ModelChoiceField(label=_("Pickup branch"), queryset=Branch.objects.none(), required=False)
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    delivery_notes = forms.CharField(label=_("Delivery notes"), max_length=300, required=False)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_business(business).filter(is_deleted=False)
        self.fields["pickup_branch"].queryset = Branch.objects.for_business(business).filter(is_active=True)

    def chosen_client(self):
        """The client the page shows as picked (the posted one, or the order's), found only in this business; the
        page offers the others through the search picker instead of a list of every client."""
        value = self["client"].value()
        if isinstance(value, Client):
            value = value.pk
        try:
            return self.fields["client"].queryset.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None


DETAIL_FIELD_NAMES = ("client", "fulfilment", "pickup_branch", "delivery_address", "delivery_notes", "comment")


class OrderItemsForm(OrderDetailsForm):
    """Details and up to `rows` lines: each a product or a service, a quantity, an optional discount, and (hidden)
    the unit price of an existing line, so editing an order keeps the price it was sold at."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(
        self, *args, business, rows: int = ITEM_ROWS, with_items: bool = True, can_price: bool = False, **kwargs
    ):
        super().__init__(*args, business=business, **kwargs)
        self.can_price = can_price
        self.rows = rows if with_items else 0
        products = Product.objects.for_business(business).filter(is_active=True)
        services = Service.objects.for_business(business).filter(is_active=True)
        goods = [("", "—")]
        goods += [(f"product:{product.pk}", f"{product.name} · {product.price}") for product in products]
        goods += [(f"service:{service.pk}", f"{service.name} · {service.price}") for service in services]
        for index in range(self.rows):
            choices = list(goods)
            current = self.initial.get(f"item_{index}")
            if current and current not in {value for value, _label in goods}:
                # A line whose product was retired since: keep it choosable so the order can be saved as it is.
                choices.append((current, self.initial.get(f"label_{index}", current)))
            self.fields[f"item_{index}"] = forms.ChoiceField(
                label=_("Item %(number)s") % {"number": index + 1}, choices=choices, required=index == 0
            )
            self.fields[f"quantity_{index}"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=100_000, required=False, initial=1
            )
            self.fields[f"discount_{index}"] = forms.DecimalField(
                label=_("Discount"), min_value=0, max_digits=14, decimal_places=2, required=False
            )
            self.fields[f"price_{index}"] = forms.DecimalField(
                label=_("Unit price"),
                widget=forms.NumberInput(attrs={"step": "any"}) if can_price else forms.HiddenInput,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
            )

    def item_rows(self):
        return [
            (self[f"item_{i}"], self[f"quantity_{i}"], self[f"discount_{i}"], self[f"price_{i}"])
            for i in range(self.rows)
        ]

    def detail_fields(self):
        return [self[name] for name in DETAIL_FIELD_NAMES]

    @staticmethod
    def initial_for_items(items) -> dict:
        initial = {}
        for index, item in enumerate(items):
            goods = f"product:{item.product_id}" if item.product_id else f"service:{item.service_id}"
            initial.update(
                {
                    f"item_{index}": goods,
                    f"label_{index}": item.name,
                    f"quantity_{index}": item.quantity,
                    f"discount_{index}": item.discount_amount,
                    f"price_{index}": item.unit_price,
                }
            )
        return initial


class OrderCreateForm(NewClientForm, OrderItemsForm):
    """The new-order page: the client is picked by the search, or typed in as a new client (name and phone) who is
    created with the order, in its transaction (`orders.services.order_create_for_new_client`)."""

    picked_client_field = "client"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].required = False


class StatusForm(forms.Form):
    status = forms.CharField(max_length=16)
    version = forms.IntegerField(required=False)


def _active_with(business, allowed) -> object:
    """Active employees for whom `allowed(employee)` holds (rights come from roles, so they are checked here)."""
    employees = Employee.objects.for_business(business).filter(status=EmployeeStatus.ACTIVE).select_related("role")
    return Employee.objects.for_business(business).filter(pk__in=[e.pk for e in employees if allowed(e)])


def _order_workers(business):
    from .permissions import works_orders

    return _active_with(business, works_orders)


def _task_assignees(business):
    from staffroom.staff.catalogue import Perm
    from staffroom.staff.permissions import has_permission

    return _active_with(business, lambda employee: has_permission(employee, Perm.TASKS_VIEW))


class ReassignForm(forms.Form):
    responsible = forms.ModelChoiceField(
        label=_("Responsible"), queryset=Employee.objects.none(), required=False, empty_label=_("— queue —")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _order_workers(business)


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("New task"), "aria-label": _("Title")}),
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=Employee.objects.none(), widget=forms.Select(attrs={"aria-label": _("Assignee")})
    )
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=DateTimeInput(attrs={"aria-label": _("Due")}),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _task_assignees(business)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)


class SalesReportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=Employee.objects.none(), required=False, empty_label=_("All managers")
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = Employee.objects.for_business(business)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sku = forms.CharField(label=_("SKU"), max_length=64)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=14, decimal_places=2)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
