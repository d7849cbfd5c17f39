"""Demo orders for "Demo Beauty": products, a few hundred orders across the two demo managers and the queue,
with payments, tasks (some overdue) and a log entry each. Bulk inserts keep `make demo` quick; idempotent."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from staffroom.catalog.models import Service
from staffroom.clients.calculations import search_text
from staffroom.clients.models import Client
from staffroom.core.demodata import demo_phone
from staffroom.payments.models import Payment

from .calculations import line_figures, order_figures
from .choices import ActionKind, Fulfilment, ItemKind, OrderStatus
from .models import Order, OrderAction, OrderItem, OrderNumberCounter, OrderPayment, OrderTask, Product

ORDER_COUNT = 320
# Demo data in each demo language (what a shop of that country would type; not UI text, so not translated).
# The rows keep their order and count in every language: the SKUs and prices are shared.
PRODUCT_ROWS = [
    ("SH-ARG-250", "890.00"), ("MS-KER-200", "1490.00"), ("SP-HEAT-150", "1190.00"), ("NL-OIL-15", "450.00"),
    ("GP-RUBY-10", "690.00"), ("BR-BALM-50", "980.00"), ("BR-ROUND-M", "1350.00"), ("GC-3000", "3000.00"),
    ("HD-COMP-1", "5490.00"), ("SR-SCALP-30", "2100.00"),
]  # fmt: skip
PRODUCT_NAMES = {
    "en": ["Argan oil shampoo", "Keratin mask", "Heat protection spray", "Nail care oil", "Gel polish, ruby",
           "Beard balm", "Round brush", "Gift certificate 3000", "Hair dryer compact", "Scalp serum"],
    "ru": ["Шампунь с аргановым маслом", "Кератиновая маска", "Термозащитный спрей", "Масло для ногтей",
           "Гель-лак, рубиновый", "Бальзам для бороды", "Круглая щётка", "Подарочный сертификат 3000",
           "Компактный фен", "Сыворотка для кожи головы"],
    "hu": ["Argánolajos sampon", "Keratinos pakolás", "Hővédő spray", "Körömápoló olaj", "Zselés lakk, rubin",
           "Szakállbalzsam", "Körkefe", "Ajándékutalvány 3000", "Kompakt hajszárító", "Fejbőrszérum"],
    "uk": ["Шампунь з аргановою олією", "Кератинова маска", "Термозахисний спрей", "Олія для нігтів",
           "Гель-лак, рубіновий", "Бальзам для бороди", "Кругла щітка", "Подарунковий сертифікат 3000",
           "Компактний фен", "Сироватка для шкіри голови"],
}  # fmt: skip
PRODUCTS = [(name, sku, price) for name, (sku, price) in zip(PRODUCT_NAMES["en"], PRODUCT_ROWS, strict=True)]
CLIENT_NAMES_BY_LANGUAGE = {
    "en": [
        "Alina Petrova", "Boris Grigoriev", "Vera Nikolaeva", "Gleb Sorokin", "Daria Zaitseva", "Egor Pavlov",
        "Zhanna Romanova", "Ivan Kozlov", "Ksenia Belova", "Leonid Makarov", "Marina Egorova", "Nikolai Vinogradov",
        "Oksana Frolova", "Pyotr Andreev", "Raisa Kovaleva", "Stanislav Ilyin", "Ulyana Gusev", "Fyodor Titov",
        "Yulia Kuzmina", "Yaroslav Semenov", "Anastasia Orlova", "Roman Baranov", "Polina Kiseleva", "Timur Lazarev",
    ],
    "ru": [
        "Алина Петрова", "Борис Григорьев", "Вера Николаева", "Глеб Сорокин", "Дарья Зайцева", "Егор Павлов",
        "Жанна Романова", "Иван Козлов", "Ксения Белова", "Леонид Макаров", "Марина Егорова", "Николай Виноградов",
        "Оксана Фролова", "Пётр Андреев", "Раиса Ковалёва", "Станислав Ильин", "Ульяна Гусева", "Фёдор Титов",
        "Юлия Кузьмина", "Ярослав Семёнов", "Анастасия Орлова", "Роман Баранов", "Полина Киселёва", "Тимур Лазарев",
    ],
    "hu": [
        "Fekete Alíz", "Bíró Bence", "Szilágyi Vera", "Fodor Gergely", "Pintér Dóra", "Sipos Ádám",
        "Hegedűs Zsófia", "Kiss Imre", "Vincze Kinga", "Lukács Levente", "Oláh Márta", "Nemes Norbert",
        "Bartha Orsolya", "Boros Pál", "Rácz Rita", "Simon Sándor", "Katona Ibolya", "Fehér Ferenc",
        "Jakab Júlia", "Vass Viktor", "Antal Anikó", "Budai Roland", "Pásztor Petra", "Török Tibor",
    ],
    "uk": [
        "Аліна Петренко", "Богдан Гончаренко", "Віра Ніколаєнко", "Гліб Сорока", "Дарина Зайченко", "Єгор Павленко",
        "Жанна Романенко", "Іван Козак", "Христина Білик", "Леонід Макаренко", "Марина Єременко", "Микола Виноградський",
        "Оксана Фролова", "Петро Андрієнко", "Раїса Коваль", "Станіслав Ільченко", "Уляна Гуменюк", "Федір Титаренко",
        "Юлія Кузьменко", "Ярослав Семенко", "Анастасія Орленко", "Роман Баран", "Поліна Кисіль", "Тимур Лазаренко",
    ],
}  # fmt: skip
CLIENT_NAMES = CLIENT_NAMES_BY_LANGUAGE["en"]
TASK_TITLES_BY_LANGUAGE = {
    "en": ["Call the client", "Confirm delivery time", "Check stock", "Send the invoice", "Pack the order"],
    "ru": ["Позвонить клиенту", "Согласовать время доставки", "Проверить остатки", "Отправить счёт", "Упаковать заказ"],
    "hu": ["Ügyfél felhívása", "Szállítási idő egyeztetése", "Készlet ellenőrzése", "Számla elküldése",
           "Rendelés becsomagolása"],
    "uk": ["Зателефонувати клієнту", "Узгодити час доставки", "Перевірити залишки", "Надіслати рахунок",
           "Запакувати замовлення"],
}  # fmt: skip
TASK_TITLES = TASK_TITLES_BY_LANGUAGE["en"]
DELIVERY_ADDRESSES = {
    "en": "Moscow, Tverskaya st. {house}, apt. {flat}",
    "ru": "Москва, ул. Тверская, д. {house}, кв. {flat}",
    "hu": "Budapest, Andrássy út {house}. {flat}. ajtó",
    "uk": "Київ, вул. Хрещатик, буд. {house}, кв. {flat}",
}


def _language(context: dict) -> str:
    language = context.get("language") or "en"
    return language if language in PRODUCT_NAMES else "en"


STATUS_WEIGHTS = [
    (OrderStatus.NEW, 14), (OrderStatus.IN_PROGRESS, 18), (OrderStatus.PAID, 16), (OrderStatus.SHIPPED, 10),
    (OrderStatus.COMPLETED, 34), (OrderStatus.CANCELLED, 8),
]  # fmt: skip
SOLD = {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED}


def _clients(business, language: str = "en") -> list[Client]:
    existing = list(Client.objects.for_business(business).filter(is_deleted=False)[:200])
    if len(existing) >= 10:
        return existing
    created = []
    for index, name in enumerate(CLIENT_NAMES_BY_LANGUAGE[language]):
        phone = demo_phone(business.country, 4550000 + index)
        email = f"{CLIENT_NAMES[index].split()[0].lower()}.{index}@example.test"  # ASCII in every language
        created.append(
            Client(
                business=business,
                full_name=name,
                phone=phone,
                email=email,
                accepts_messages=index % 3 == 0,
                search_text=search_text(full_name=name, phone=phone, email=email),
            )
        )
    return existing + Client.objects.bulk_create(created)


def _products(business, language: str = "en") -> list[Product]:
    products = []
    for name, (sku, price) in zip(PRODUCT_NAMES[language], PRODUCT_ROWS, strict=True):
        product, _ = Product.objects.for_business(business).get_or_create(
            business=business, sku=sku, defaults={"name": name, "price": Decimal(price)}
        )
        products.append(product)
    return products


def load(context: dict) -> None:
    business = context["business"]
    employees = context["employees"]
    language = _language(context)
    products = _products(business, language)
    if Order.objects.for_business(business).exists():
        return
    rng = random.Random(2026)  # the same demo every time
    managers = [employees["manager"], employees["manager2"]]
    cashier = employees.get("administrator") or employees["owner"]
    creator = employees["owner"]
    branches = list(context["branches"].values())
    clients = _clients(business, language)
    services = list(Service.objects.for_business(business).filter(is_active=True)[:10])
    now = timezone.now()
    statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]

    orders, lines_per_order, created_times = [], [], []
    for number in range(1, ORDER_COUNT + 1):
        created_at = now - dt.timedelta(days=rng.uniform(0, 90), hours=rng.uniform(0, 10))
        status = rng.choice(statuses)
        responsible = None if (status == OrderStatus.NEW and rng.random() < 0.5) else rng.choice(managers)
        lines = []
        for position in range(rng.randint(1, 4)):
            goods = rng.choice(services) if services and rng.random() < 0.2 else rng.choice(products)
            quantity = rng.randint(1, 3)
            discount = Decimal(rng.choice([0, 0, 0, 50, 100])) if goods.price * quantity > 500 else Decimal(0)
            figures = line_figures(quantity, goods.price, discount)
            lines.append(
                OrderItem(
                    business=business,
                    kind=ItemKind.SERVICE if isinstance(goods, Service) else ItemKind.PRODUCT,
                    product=goods if isinstance(goods, Product) else None,
                    service=goods if isinstance(goods, Service) else None,
                    name=goods.name,
                    quantity=quantity,
                    unit_price=goods.price,
                    discount_amount=figures.discount,
                    gross_amount=figures.gross,
                    total=figures.total,
                    position=position,
                )
            )
        totals = order_figures([line_figures(line.quantity, line.unit_price, line.discount_amount) for line in lines])
        delivery = rng.random() < 0.4
        client = rng.choice(clients)
        orders.append(
            Order(
                business=business,
                number=number,
                client=client,
                status=status,
                responsible=responsible,
                created_by=responsible or creator,
                fulfilment=Fulfilment.DELIVERY if delivery else Fulfilment.PICKUP,
                pickup_branch=None if delivery else rng.choice(branches),
                delivery_address=DELIVERY_ADDRESSES[language].format(house=rng.randint(1, 40), flat=rng.randint(1, 200))
                if delivery
                else "",
                gross_amount=totals.gross,
                discount_amount=totals.discount,
                total=totals.total,
                paid_amount=totals.total if status in SOLD else Decimal(0),
                item_count=sum(line.quantity for line in lines),
                status_changed_at=created_at + dt.timedelta(hours=2),
                sold_at=created_at + dt.timedelta(hours=1) if status in SOLD else None,
            )
        )
        lines_per_order.append(lines)
        created_times.append(created_at)
    Order.objects.bulk_create(orders)
    orders = list(Order.objects.for_business(business).order_by("number"))
    for order, created_at in zip(orders, created_times, strict=True):
        order.created_at = created_at  # auto_now_add ignores a given value; backdate after the insert
    Order.objects.for_business(business).bulk_update(orders, ["created_at"], batch_size=500)
    OrderNumberCounter.objects.update_or_create(business=business, defaults={"last_number": ORDER_COUNT})

    items = []
    for order, lines in zip(orders, lines_per_order, strict=True):
        for line in lines:
            line.order = order
            items.append(line)
    OrderItem.objects.bulk_create(items, batch_size=1000)

    payments = [
        Payment(
            business=business,
            client=order.client,
            amount=order.total,
            method=rng.choice(["cash", "card", "card", "transfer"]),
            currency=business.currency,
            processed_by=cashier,
            processed_at=order.sold_at,
            note=f"Order #{order.number}",
        )
        for order in orders
        if order.sold_at is not None and order.total > 0
    ]
    payments = Payment.objects.bulk_create(payments)
    paid_orders = [order for order in orders if order.sold_at is not None and order.total > 0]
    OrderPayment.objects.bulk_create(
        OrderPayment(business=business, order=order, payment=payment)
        for order, payment in zip(paid_orders, payments, strict=True)
    )

    tasks, actions = [], []
    for order, created_at in zip(orders, created_times, strict=True):
        actions.append(
            OrderAction(
                business=business,
                order=order,
                kind=ActionKind.CREATED,
                actor=order.created_by,
                actor_label=order.created_by.full_name,
                occurred_at=created_at,
                summary="Order created",
                after={"total": str(order.total), "items": order.item_count},
            )
        )
        if order.status == OrderStatus.COMPLETED:
            # The KPI "orders completed" reads the log, so the demo's completed orders say when they completed.
            actions.append(
                OrderAction(
                    business=business,
                    order=order,
                    kind=ActionKind.STATUS,
                    actor=order.responsible or creator,
                    actor_label=(order.responsible or creator).full_name,
                    occurred_at=order.status_changed_at,
                    summary="Status: Shipped → Completed",
                    before={"status": OrderStatus.SHIPPED},
                    after={"status": OrderStatus.COMPLETED},
                )
            )
        if order.responsible is None or order.status in (OrderStatus.CANCELLED,):
            continue
        if rng.random() < 0.45:
            due = now + dt.timedelta(hours=rng.uniform(-72, 120))
            is_done = order.status == OrderStatus.COMPLETED or rng.random() < 0.2
            tasks.append(
                OrderTask(
                    business=business,
                    order=order,
                    title=rng.choice(TASK_TITLES_BY_LANGUAGE[language]),
                    assignee=order.responsible,
                    due_at=due,
                    is_done=is_done,
                    done_at=due if is_done else None,
                    done_by=order.responsible if is_done else None,
                    created_by=order.responsible,
                    # Past-due demo tasks count as reminded, so the first reminder run does not mail them all.
                    reminder_sent_at=now if due <= now else None,
                )
            )
    OrderTask.objects.bulk_create(tasks, batch_size=1000)
    OrderAction.objects.bulk_create(actions, batch_size=1000)
    context["orders"] = {"count": len(orders), "tasks": len(tasks)}
