"""The order action log is written once and read in each reader's language; names and reasons stay as entered."""

from django.conf import settings
from django.utils import translation

from staffroom.orders import services
from staffroom.orders.choices import OrderStatus
from staffroom.orders.labels import ACTION_MESSAGES, action_summary
from staffroom.orders.models import OrderAction


def _page(browser, order, language):
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    try:
        return browser.get(f"/orders/{order.pk}/").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)


def test_entries_written_in_english_read_in_russian(manager, own_order, client_for):
    services.order_task_create(actor=manager, order=own_order, title="Позвонить клиенту", assignee=manager)
    services.order_status_change(actor=manager, order=own_order, status=OrderStatus.IN_PROGRESS)
    browser = client_for(manager)
    english = _page(browser, own_order, "en")
    assert "Order created" in english and "Task added: Позвонить клиенту" in english
    russian = _page(browser, own_order, "ru")
    assert "Заказ создан" in russian and "Добавлена задача: Позвонить клиенту" in russian
    assert "Order created" not in russian and "Task added" not in russian
    status_entry = OrderAction.objects.for_business(own_order.business).get(order=own_order, message="status_changed")
    assert status_entry.message_params == {"before": "new", "after": "in_progress"}
    with translation.override("ru"):
        assert action_summary(status_entry).startswith("Статус: ")


def test_the_stored_summary_is_the_source_language_whatever_the_writer_reads(manager, own_order):
    with translation.override("ru"):
        services.order_task_create(actor=manager, order=own_order, title="Call", assignee=manager)
    entry = OrderAction.objects.for_business(own_order.business).get(order=own_order, message="task_added")
    assert entry.summary == "Task added: Call"


def test_rows_from_before_the_codes_show_their_stored_text(manager, own_order):
    entry = OrderAction.objects.for_business(own_order.business).filter(order=own_order).first()
    entry.message, entry.message_params, entry.summary = "", {}, "Legacy text"
    assert action_summary(entry) == "Legacy text"
    assert set(ACTION_MESSAGES) >= {"created", "task_added", "status_changed"}
