"""Demo clients: a few dozen people with normalized phones, some tags and consents."""

import random

from .calculations import search_text
from .models import Client

FIRST = [
    "Anna",
    "Olga",
    "Irina",
    "Elena",
    "Maria",
    "Natalia",
    "Svetlana",
    "Tatiana",
    "Yulia",
    "Ekaterina",
    "Ivan",
    "Dmitry",
    "Sergey",
    "Alexey",
    "Andrey",
    "Mikhail",
    "Nikolai",
    "Pavel",
    "Viktor",
    "Artem",
]
LAST = ["Petrova", "Smirnova", "Kozlova", "Novikova", "Morozova", "Volkova", "Lebedeva", "Sokolova",
        "Petrov", "Smirnov", "Kozlov", "Novikov", "Morozov", "Volkov", "Lebedev", "Sokolov"]  # fmt: skip
TAGS = ["vip", "new", "regular", "allergy", "student"]
DEMO_CLIENT_COUNT = 80


def load(context: dict) -> None:
    business = context["business"]
    existing = Client.objects.for_business(business)
    if not existing.exists():
        generator = random.Random(4)
        rows = []
        for number in range(DEMO_CLIENT_COUNT):
            first = FIRST[number % len(FIRST)]
            last = [name for name in LAST if name.endswith("a") == first.endswith("a")][number % 8]
            phone = f"+7916{1000000 + number * 7919 % 9000000:07d}"
            email = f"{first.lower()}.{last.lower()}{number}@example.com" if number % 3 else ""
            tags = generator.sample(TAGS, k=generator.choice([0, 0, 1, 2]))
            rows.append(
                Client(
                    business=business,
                    full_name=f"{first} {last}",
                    phone=phone,
                    email=email,
                    tags=tags,
                    accepts_messages=number % 4 != 0,
                    notes="Prefers the morning." if number % 11 == 0 else "",
                    search_text=search_text(full_name=f"{first} {last}", phone=phone, email=email),
                    created_by=business.owner,
                )
            )
        Client.objects.bulk_create(rows)
    context["clients"] = list(existing.filter(is_deleted=False).order_by("pk"))
