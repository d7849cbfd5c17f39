"""Choices of the orders app: order statuses, how goods reach the client, what an action-log entry records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")


class Fulfilment(models.TextChoices):
    PICKUP = "pickup", _("Pickup")
    DELIVERY = "delivery", _("Delivery")


class ItemKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")


class ActionKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status")
    ITEMS = "items", _("Items and amounts")
    DETAILS = "details", _("Client and delivery")
    RESPONSIBLE = "responsible", _("Responsible")
    TASK = "task", _("Task")
    PAYMENT = "payment", _("Payment")
    RETURN = "return", _("Return")
    ALLOWANCE = "allowance", _("Allowance")
