"""Demo business "Demo Beauty": a chain with two branches and one employee per built-in role."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from staffroom.core.demodata import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, OPERATOR_EMAIL, demo_phone
from staffroom.tenancy.models import Branch, Business

from .models import Employee, Role
from .services import business_onboard

DEMO_BUSINESS_NAME = "Demo Beauty"
BRANCHES = ("Tverskaya", "Arbat")  # the branch keys; the English demo's names
# The branches as a business of each demo language names them: key -> (name, address). Data, not UI text.
DEMO_BRANCHES = {
    "en": {"Tverskaya": ("Tverskaya", "Moscow, Tverskaya st. 12"), "Arbat": ("Arbat", "Moscow, Arbat st. 24")},
    "ru": {"Tverskaya": ("Тверская", "Москва, ул. Тверская, 12"), "Arbat": ("Арбат", "Москва, ул. Арбат, 24")},
    "hu": {"Tverskaya": ("Andrássy", "Budapest, Andrássy út 12."), "Arbat": ("Váci utca", "Budapest, Váci utca 24.")},
    "uk": {"Tverskaya": ("Хрещатик", "Київ, вул. Хрещатик, 12"), "Arbat": ("Поділ", "Київ, вул. Сагайдачного, 24")},
}  # fmt: skip


def demo_branch_name(key: str, language: str | None = "en") -> str:
    """The stored name of the demo branch `key` (one of BRANCHES) in the demo's language; other demo modules
    look branches up through this, never by a literal name."""
    return DEMO_BRANCHES.get(language or "en", DEMO_BRANCHES["en"])[key][0]


# key -> who they are; "branches" None means both branches.
DEMO_PEOPLE = {
    "owner": {"name": "Anna Sokolova", "role": "owner", "role_label": "Owner", "position": gettext_noop("Owner")},
    "administrator": {
        "name": "Irina Volkova", "role": "administrator", "role_label": "Administrator",
        "position": gettext_noop("Front desk"), "branches": ("Tverskaya",),
    },
    "manager": {"name": "Pavel Orlov", "role": "manager", "role_label": "Manager", "position": gettext_noop("Sales manager")},
    "manager2": {"name": "Olga Kuznetsova", "role": "manager", "role_label": "Manager (2nd)", "position": gettext_noop("Sales manager")},
    "call_center": {
        "name": "Dmitry Lebedev", "role": "call_center", "role_label": "Call Center", "position": gettext_noop("Call-center operator"),
    },
    "specialist": {
        "name": "Maria Ivanova", "role": "specialist", "role_label": "Specialist", "position": gettext_noop("Hair stylist"),
        "provides_services": True, "branches": ("Tverskaya",),
    },
    "specialist2": {
        "name": "Elena Smirnova", "role": "specialist", "role_label": "Specialist (2nd)", "position": gettext_noop("Nail artist"),
        "provides_services": True, "branches": ("Arbat",),
    },
    "specialist3": {
        "name": "Sergey Popov", "role": "specialist", "role_label": "Specialist (3rd)", "position": gettext_noop("Barber"),
        "provides_services": True, "hired_last_month_on": 15,
    },
    "accountant": {"name": "Tatiana Morozova", "role": "accountant", "role_label": "Accountant", "position": gettext_noop("Accountant")},
    "marketer": {"name": "Nikita Fedorov", "role": "marketer", "role_label": "Marketer", "position": gettext_noop("Marketer")},
    "viewer": {"name": "Alexey Novikov", "role": "viewer", "role_label": "Viewer", "position": gettext_noop("Investor")},
}  # fmt: skip
for _key, _person in DEMO_PEOPLE.items():
    _person["email"] = f"{_key.replace('_', '-')}@{DEMO_EMAIL_DOMAIN}"

# The same people as a business of each other demo language would write their names (Hungarian: family name
# first). Data, not UI text; the English demo uses DEMO_PEOPLE's names.
DEMO_NAMES = {
    "ru": {
        "owner": "Анна Соколова", "administrator": "Ирина Волкова", "manager": "Павел Орлов",
        "manager2": "Ольга Кузнецова", "call_center": "Дмитрий Лебедев", "specialist": "Мария Иванова",
        "specialist2": "Елена Смирнова", "specialist3": "Сергей Попов", "accountant": "Татьяна Морозова",
        "marketer": "Никита Фёдоров", "viewer": "Алексей Новиков",
    },
    "hu": {
        "owner": "Szabó Anna", "administrator": "Kiss Ildikó", "manager": "Nagy Péter",
        "manager2": "Kovács Eszter", "call_center": "Tóth Gergely", "specialist": "Varga Mária",
        "specialist2": "Horváth Emese", "specialist3": "Balogh Zsolt", "accountant": "Molnár Judit",
        "marketer": "Farkas Bence", "viewer": "Lakatos András",
    },
    "uk": {
        "owner": "Анна Соколенко", "administrator": "Ірина Вовк", "manager": "Павло Орленко",
        "manager2": "Ольга Кузьменко", "call_center": "Дмитро Лебідь", "specialist": "Марія Іваненко",
        "specialist2": "Олена Сидоренко", "specialist3": "Сергій Попович", "accountant": "Тетяна Мороз",
        "marketer": "Микита Федоренко", "viewer": "Олексій Новак",
    },
}  # fmt: skip


def demo_person_name(key: str, language: str | None = "en") -> str:
    """The full name of demo person `key` (a DEMO_PEOPLE key) in the demo's language."""
    return DEMO_NAMES.get(language or "en", {}).get(key) or DEMO_PEOPLE[key]["name"]


def credentials(url: str) -> list[str]:
    """Sign-ins this demo creates, for `manage.py demo_credentials`: each role, then the platform operator."""
    lines = [f"{person['role_label']:<22} {person['email']}" for person in DEMO_PEOPLE.values()]
    lines.append(f"{'Platform operator':<22} {OPERATOR_EMAIL}   (operator console: {url}/operator/)")
    return lines


def load(context: dict) -> None:
    person_model = get_user_model()
    if not person_model.objects.filter(email=OPERATOR_EMAIL).exists():
        person_model.objects.create_superuser(
            email=OPERATOR_EMAIL, password=DEMO_PASSWORD, full_name="Platform Operator"
        )

    language = context.get("language", "en")
    owner_info = DEMO_PEOPLE["owner"]
    business = Business.objects.filter(owner__person__email=owner_info["email"]).first()
    if business is None:
        profile = context.get("profile") or {"name": DEMO_BUSINESS_NAME, "locale": "en", "country": "RU"}
        business = business_onboard(
            name=profile["name"],
            time_zone=profile.get("time_zone", "Europe/Moscow"),
            currency=profile.get("currency", "RUB"),
            locale=profile["locale"],  # the demo's language; the switcher (top right) offers the others
            country=profile["country"],
            owner_email=owner_info["email"],
            owner_name=demo_person_name("owner", language),
            owner_password=DEMO_PASSWORD,
            branch_names=[demo_branch_name(key, language) for key in BRANCHES],
        )
        for key in BRANCHES:
            name, address = DEMO_BRANCHES.get(language, DEMO_BRANCHES["en"])[key]
            Branch.objects.for_business(business).filter(name=name, address="").update(address=address)
    branches = {branch.name: branch for branch in Branch.objects.for_business(business)}
    today = timezone.now().astimezone(business.zone).date()
    if business.owner.hire_date is None:
        Employee.objects.for_business(business).filter(pk=business.owner_id).update(
            hire_date=today.replace(day=1) - dt.timedelta(days=1100)
        )
        business.owner.refresh_from_db()
    roles = {role.template_code: role for role in Role.objects.for_business(business).exclude(template_code="")}
    employees = {"owner": business.owner}
    for key, info in DEMO_PEOPLE.items():
        if key == "owner":
            continue
        person = person_model.objects.filter(email=info["email"]).first()
        if person is None:
            person = person_model.objects.create_user(
                email=info["email"], password=DEMO_PASSWORD, full_name=demo_person_name(key, language)
            )
        employee = Employee.objects.for_business(business).filter(person=person).first()
        if employee is None:
            # Everyone joined two years ago except one barber hired in the middle of last month, so last month's
            # payroll shows a prorated fixed amount.
            if "hired_last_month_on" in info:
                hire_date = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=info["hired_last_month_on"])
            else:
                hire_date = today.replace(day=1) - dt.timedelta(days=730)
            employee = Employee.objects.create(
                hire_date=hire_date,
                business=business,
                person=person,
                full_name=demo_person_name(key, language),
                position=gettext(info["position"]),  # typed by the owner in the demo's language
                provides_services=info.get("provides_services", False),
                role=roles[info["role"]],
                phone=demo_phone(business.country, 5550000 + len(employees) * 107, landline=True),
                email=info["email"],
            )
            employee.branches.set([branches[demo_branch_name(key, language)] for key in info.get("branches", BRANCHES)])
        employees[key] = employee
    context.update(business=business, branches=branches, roles=roles, employees=employees)
