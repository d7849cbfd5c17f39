"""The manager's today dashboard: their own orders in hand (with the total in the currency) and their overdue order
tasks; a colleague's orders and tasks never appear; a role without order rights sees neither section."""

import datetime as dt

from django.utils import timezone

from staffroom.core.formatting import format_money
from staffroom.orders import services
from staffroom.orders.models import OrderTask


def _overdue(task, hours=2):
    OrderTask.objects.for_business(task.business).filter(pk=task.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=hours)
    )


def test_manager_sees_own_orders_in_progress_and_overdue_tasks(
    business, client_for, manager, colleague, own_order, colleague_order
):
    late = services.order_task_create(actor=manager, order=own_order, title="Call back Carla", assignee=manager)
    _overdue(late)
    services.order_task_create(
        actor=manager,
        order=own_order,
        title="Later task",
        assignee=manager,
        due_at=timezone.now() + dt.timedelta(days=2),
    )
    theirs = services.order_task_create(
        actor=colleague, order=colleague_order, title="Colleague task", assignee=colleague
    )
    _overdue(theirs)

    page = client_for(manager).get("/").content.decode()
    orders = page.split('data-testid="my-orders"')[1].split("</section>")[0]
    assert f"#{own_order.number}" in orders
    assert f"#{colleague_order.number}" not in orders
    assert format_money(own_order.total, business.currency) in orders
    tasks = page.split('data-testid="my-overdue-tasks"')[1].split("</section>")[0]
    assert "Call back Carla" in tasks
    assert "Later task" not in tasks
    assert "Colleague task" not in tasks


def test_completed_orders_and_done_tasks_leave_the_dashboard(client_for, manager, own_order):
    task = services.order_task_create(actor=manager, order=own_order, title="Call back Carla", assignee=manager)
    _overdue(task)
    services.order_task_set_done(actor=manager, task=task)
    type(own_order).objects.for_business(manager.business).filter(pk=own_order.pk).update(status="completed")
    page = client_for(manager).get("/").content.decode()
    assert "No orders in progress." in page
    assert "No overdue tasks." in page


def test_a_role_without_order_rights_sees_no_order_sections(client_for, specialist, own_order):
    page = client_for(specialist).get("/").content.decode()
    assert 'data-testid="my-orders"' not in page
    assert 'data-testid="my-overdue-tasks"' not in page
    assert f"#{own_order.number}" not in page
