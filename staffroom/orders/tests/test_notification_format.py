"""Order e-mails are written in the business's language and formats, whoever triggered them."""

import datetime as dt

import time_machine
from django.core import mail

from staffroom.orders import services

from .factories import make_client, make_order


def test_an_order_mail_in_a_russian_business_uses_russian_formats(
    django_capture_on_commit_callbacks, business, administrator, manager
):
    business.locale, business.country, business.time_zone = "ru", "RU", "Asia/Vladivostok"
    business.save(update_fields=["locale", "country", "time_zone"])
    client = make_client(business, full_name="Карла Клиент", phone="+79161316760")
    # 23:30 UTC on Jan 31 is already Feb 1 in Vladivostok: the order's date is the business's local date.
    with time_machine.travel(dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        order = make_order(administrator, client=client, responsible=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_reassign(actor=administrator, order=order, responsible=manager)
    body = mail.outbox[0].body
    assert "1 февр. 2026\u202fг." in body
    assert "190,00\xa0₽" in body  # 2 x 100.00 less 10.00, as Russian writes roubles
    assert "8 (916) 131-67-60" in body
