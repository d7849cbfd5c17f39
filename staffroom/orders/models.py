"""Orders CRM: products, orders with items and a responsible manager, payments, returns, tasks and the action log."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel, TimestampedModel
from staffroom.core.money import MoneyField

from .choices import ActionKind, Fulfilment, ItemKind, OrderStatus


class Product(BusinessOwnedModel, TimestampedModel):
    """Goods a business sells in orders (there is no shop catalogue elsewhere; services come from `catalog`)."""

    name = models.CharField(_("name"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64)
    price = MoneyField(verbose_name=_("price"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "sku"], name="product_sku_unique_in_business"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="product_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class OrderNumberCounter(BusinessOwnedModel):
    """The last order number of a business, locked while a number is handed out (numbers never repeat)."""

    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business"], name="order_number_counter_one_per_business")]


class Order(BusinessOwnedModel, TimestampedModel):
    number = models.PositiveIntegerField(_("number"))
    client = models.ForeignKey("clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.NEW)
    responsible = models.ForeignKey(
        "staff.Employee",
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders_responsible",
    )
    created_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="+", editable=False)
    fulfilment = models.CharField(_("fulfilment"), max_length=16, choices=Fulfilment.choices, default=Fulfilment.PICKUP)
    pickup_branch = models.ForeignKey(
        "tenancy.Branch",
        verbose_name=_("pickup branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    delivery_notes = models.CharField(_("delivery notes"), max_length=300, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Money: the items hold the figures; these are their sums, kept for lists, balances and reports.
    gross_amount = MoneyField(verbose_name=_("gross"), default=0)
    discount_amount = MoneyField(verbose_name=_("discount"), default=0)
    total = MoneyField(verbose_name=_("total"), default=0)
    returned_amount = MoneyField(verbose_name=_("returned"), default=0)
    # Price reductions granted after the sale (OrderAllowance), kept as a sum like the returns.
    allowance_amount = MoneyField(verbose_name=_("allowances"), default=0)
    paid_amount = MoneyField(verbose_name=_("paid"), default=0)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # When the order was sold (reached "paid"): the date sales reports count it on.
    sold_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["business", "number"], name="order_number_unique_in_business"),
            models.UniqueConstraint(
                fields=["business", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="order_idempotency_key_unique_in_business",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    gross_amount__gte=0,
                    discount_amount__gte=0,
                    total__gte=0,
                    returned_amount__gte=0,
                    paid_amount__gte=0,
                ),
                name="order_money_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_amount__lte=models.F("total")), name="order_returned_within_total"
            ),
            models.CheckConstraint(
                condition=models.Q(allowance_amount__gte=0), name="order_allowance_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["business", "responsible", "-number"], name="order_business_responsible"),
            models.Index(fields=["business", "status", "-number"], name="order_business_status"),
            models.Index(fields=["business", "sold_at"], name="order_business_sold_at"),
            models.Index(fields=["business", "client"], name="order_business_client"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def balance(self):
        """Still to pay: what the order costs after returns and allowances, minus what was paid (net of refunds)."""
        return self.total - self.returned_amount - self.allowance_amount - self.paid_amount


class OrderItem(BusinessOwnedModel):
    """One line: a product or a service, with a snapshot of its name and price at the time of the order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = MoneyField(verbose_name=_("unit price"))
    discount_amount = MoneyField(verbose_name=_("discount"), default=0)
    gross_amount = MoneyField(verbose_name=_("gross"))
    total = MoneyField(verbose_name=_("total"))
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)
    returned_amount = MoneyField(verbose_name=_("returned amount"), default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ItemKind.PRODUCT, product__isnull=False, service__isnull=True)
                    | models.Q(kind=ItemKind.SERVICE, product__isnull=True, service__isnull=False)
                ),
                name="order_item_is_a_product_or_a_service",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_item_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(returned_quantity__lte=models.F("quantity")),
                name="order_item_returned_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} x {self.quantity}"


class OrderPayment(BusinessOwnedModel):
    """Links a payment taken through the payments module to the order it pays."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payment_links")
    payment = models.OneToOneField("payments.Payment", on_delete=models.PROTECT, related_name="order_link")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["business", "order"], name="order_payment_business_order")]


class OrderAllowance(BusinessOwnedModel):
    """Links an allowance (a price reduction after the sale, recorded by the payments module) to its order."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="allowance_links")
    allowance = models.OneToOneField("payments.Allowance", on_delete=models.PROTECT, related_name="order_link")

    class Meta:
        indexes = [models.Index(fields=["business", "order"], name="order_allowance_business_order")]


class OrderReturn(BusinessOwnedModel):
    """Goods given back (all or some units of some items), with the money that is owed back for them."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    amount = MoneyField(verbose_name=_("amount"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="order_return_amount_not_negative")
        ]


class OrderReturnLine(BusinessOwnedModel):
    order_return = models.ForeignKey(OrderReturn, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(OrderItem, on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    amount = MoneyField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_return_line_quantity_positive")
        ]


class OrderTask(BusinessOwnedModel, TimestampedModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        "staff.Employee", verbose_name=_("assignee"), on_delete=models.PROTECT, related_name="order_tasks"
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    is_done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="+")
    # Set when the due reminder was e-mailed, so the reminder command never sends it twice.
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["is_done", "due_at", "id"]
        indexes = [
            models.Index(fields=["business", "assignee", "is_done", "due_at"], name="order_task_assignee_due"),
            models.Index(fields=["business", "order"], name="order_task_business_order"),
            models.Index(fields=["business", "is_done", "due_at"], name="order_task_business_due"),
        ]

    def __str__(self) -> str:
        return self.title


class OrderAction(BusinessOwnedModel):
    """One entry of an order's action log: who changed what and when, before -> after."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    actor = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    summary = models.CharField(max_length=300)
    # What the summary says as a code and its parameters (orders.labels), so each reader sees it in their language.
    message = models.CharField(max_length=32, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["business", "order", "-occurred_at"], name="order_action_business_order")]

    def __str__(self) -> str:
        return f"{self.order} {self.kind}"
