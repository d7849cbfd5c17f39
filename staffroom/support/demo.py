"""Demo support desk: a calendar, SLA plans, canned replies, a support agent and a few tickets of Demo Beauty."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from staffroom.core.demodata import DEMO_PASSWORD
from staffroom.staff.demo import demo_branch_name

from . import services
from .models import (
    AgentRole,
    CannedReply,
    ManagerPricing,
    SupportAgent,
    SupportCalendar,
    SupportPlan,
    Ticket,
    TicketType,
)

DEMO_AGENT_EMAIL = "support@staffroom.test"
# The vendor's support desk as it writes to a customer of each demo language: the agent's name, the calendar, the
# canned replies and the demo tickets. Data a person typed, not UI text; "{branch}" and "{specialist}" are the
# demo business's own names.
DEMO_SUPPORT_TEXTS = {
    "en": {
        "agent": "Svetlana Support",
        "calendar": "Staffroom support, Moscow",
        "canned": {
            "Clear the cache": "Please reload the page with Ctrl+Shift+R (Cmd+Shift+R on a Mac) and tell us if it helps.",
            "Need a screenshot": "Could you attach a screenshot of what you see, and the time it happened?",
        },
        "bug": ("Calendar shows yesterday's appointments",
                "After midnight the calendar still opens on yesterday until I reload the page."),
        "question": ("How do I give a specialist access to only one branch?",
                     "{specialist} should see the {branch} calendar only."),
        "answer": "Open Employees → {specialist} → 'Role limited to branches' and tick {branch} only.",
        "wish": ("Export the client list to Excel", "We need .xlsx with phone numbers for our SMS provider."),
        "internal": "Similar to request from Salon X.",
        "specification": "A button on the Clients page downloads clients.xlsx: name, phone, e-mail, last visit.",
        "estimate": "Columns: name, phone, e-mail, last visit.",
    },
    "ru": {
        "agent": "Светлана Белова",
        "calendar": "Поддержка Staffroom, Москва",
        "canned": {
            "Очистить кэш": "Обновите, пожалуйста, страницу сочетанием Ctrl+Shift+R (Cmd+Shift+R на Mac) и напишите, помогло ли.",
            "Нужен скриншот": "Пришлите, пожалуйста, снимок экрана с тем, что вы видите, и время, когда это произошло.",
        },
        "bug": ("Календарь показывает вчерашние записи",
                "После полуночи календарь открывается на вчерашнем дне, пока не обновишь страницу."),
        "question": ("Как дать мастеру доступ только к одному филиалу?",
                     "{specialist} должна видеть только календарь филиала «{branch}»."),
        "answer": "Откройте «Сотрудники» → {specialist} → «Роль только в филиалах» и отметьте только «{branch}».",
        "wish": ("Выгрузка списка клиентов в Excel", "Нужен файл .xlsx с телефонами для нашего SMS-сервиса."),
        "internal": "Похоже на запрос салона X.",
        "specification": "Кнопка на странице «Клиенты» скачивает clients.xlsx: имя, телефон, e-mail, последний визит.",
        "estimate": "Столбцы: имя, телефон, e-mail, последний визит.",
    },
    "hu": {
        "agent": "Fekete Szilvia",
        "calendar": "Staffroom ügyfélszolgálat, Budapest",
        "canned": {
            "Gyorsítótár ürítése": "Kérjük, töltse újra az oldalt a Ctrl+Shift+R billentyűkkel (Macen Cmd+Shift+R), és írja meg, segített-e.",
            "Képernyőkép kellene": "Csatolna egy képernyőképet arról, amit lát, és hogy mikor történt?",
        },
        "bug": ("A naptár a tegnapi foglalásokat mutatja",
                "Éjfél után a naptár a tegnapi napon nyílik meg, amíg újra nem töltöm az oldalt."),
        "question": ("Hogyan adhatok egy szakembernek hozzáférést csak egy szalonhoz?",
                     "{specialist} csak a(z) {branch} naptárát lássa."),
        "answer": "Nyissa meg: Munkatársak → {specialist} → „Szerepkör csak ezekben a szalonokban”, és csak a(z) {branch} legyen bejelölve.",
        "wish": ("Ügyféllista exportálása Excelbe", "Telefonszámokkal együtt kellene egy .xlsx fájl az SMS-szolgáltatónknak."),
        "internal": "Hasonló az X szalon kéréséhez.",
        "specification": "Az Ügyfelek oldalon egy gomb letölti a clients.xlsx fájlt: név, telefon, e-mail, utolsó látogatás.",
        "estimate": "Oszlopok: név, telefon, e-mail, utolsó látogatás.",
    },
    "uk": {
        "agent": "Світлана Білик",
        "calendar": "Підтримка Staffroom, Київ",
        "canned": {
            "Очистити кеш": "Будь ласка, оновіть сторінку сполученням Ctrl+Shift+R (Cmd+Shift+R на Mac) і напишіть, чи допомогло.",
            "Потрібен знімок екрана": "Надішліть, будь ласка, знімок екрана з тим, що ви бачите, і час, коли це сталося.",
        },
        "bug": ("Календар показує вчорашні записи",
                "Після півночі календар відкривається на вчорашньому дні, доки не оновиш сторінку."),
        "question": ("Як дати майстру доступ лише до однієї філії?",
                     "{specialist} має бачити лише календар філії «{branch}»."),
        "answer": "Відкрийте «Співробітники» → {specialist} → «Роль лише у філіях» і позначте тільки «{branch}».",
        "wish": ("Вивантаження списку клієнтів в Excel", "Потрібен файл .xlsx із телефонами для нашого SMS-сервісу."),
        "internal": "Схоже на запит салону X.",
        "specification": "Кнопка на сторінці «Клієнти» завантажує clients.xlsx: ім'я, телефон, e-mail, останній візит.",
        "estimate": "Стовпці: ім'я, телефон, e-mail, останній візит.",
    },
}  # fmt: skip


def credentials(url: str) -> list[str]:
    """The support supervisor this demo creates, for `manage.py demo_credentials`."""
    return [f"{'Support supervisor':<22} {DEMO_AGENT_EMAIL}   (support console: {url}/support-desk/)"]


def load(context: dict) -> None:
    texts = DEMO_SUPPORT_TEXTS.get(context.get("language") or "en", DEMO_SUPPORT_TEXTS["en"])
    person_model = get_user_model()
    person = person_model.objects.filter(email=DEMO_AGENT_EMAIL).first()
    if person is None:
        person = person_model.objects.create_user(
            email=DEMO_AGENT_EMAIL, password=DEMO_PASSWORD, full_name=texts["agent"], is_staff=True
        )
    agent, _created = SupportAgent.objects.get_or_create(person=person, defaults={"role": AgentRole.SUPERVISOR})
    calendar = SupportCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar = SupportCalendar.objects.create(
            name=texts["calendar"], time_zone="Europe/Moscow", country="RU", is_default=True
        )
    for title, body in texts["canned"].items():
        CannedReply.objects.get_or_create(title=title, defaults={"body": body})
    if not ManagerPricing.objects.exists():
        ManagerPricing.objects.create(
            hour_coefficient=Decimal("0.5"),
            enhancement_coefficient=Decimal(3),
            user_coefficient=Decimal(1),
            rate=Decimal("12.00"),
            currency="EUR",
        )
    business = context.get("business")
    if business is None:
        return
    operator = person_model.objects.filter(is_superuser=True).order_by("pk").first() or person
    services.support_account_set(operator=operator, business=business, plan=SupportPlan.PAID, calendar=calendar)
    if Ticket.objects.for_business(business).exists():
        context.update(support_agent=agent)
        return
    employees = context["employees"]
    owner, administrator = employees["owner"], employees["administrator"]
    names = {
        "specialist": employees["specialist"].full_name,
        "branch": demo_branch_name("Tverskaya", context.get("language")),
    }
    services.ticket_file(
        actor=administrator,
        ticket_type=TicketType.BUG,
        subject=texts["bug"][0],
        description=texts["bug"][1],
        priority="high",
    )
    question = services.ticket_file(
        actor=owner,
        ticket_type=TicketType.CONSULTATION,
        subject=texts["question"][0],
        description=texts["question"][1].format(**names),
    )
    services.ticket_reply_by_agent(
        agent=agent,
        ticket=question,
        body=texts["answer"].format(**names),
    )
    wish = services.ticket_file(
        actor=owner,
        ticket_type=TicketType.ENHANCEMENT,
        subject=texts["wish"][0],
        description=texts["wish"][1],
    )
    services.ticket_reply_by_agent(agent=agent, ticket=wish, body=texts["internal"], is_internal=True)
    services.work_specify(
        agent=agent,
        ticket=wish,
        specification=texts["specification"],
    )
    services.estimate_post(
        agent=agent,
        ticket=wish,
        effort_hours=Decimal(16),
        price=Decimal("320.00"),
        due_date=timezone.localdate() + dt.timedelta(days=14),
        note=texts["estimate"],
    )
    context.update(support_agent=agent)
