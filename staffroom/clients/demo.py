"""Demo clients: a few dozen people with normalized phones, some tags and consents."""

import random

from staffroom.core.demodata import demo_phone

from .calculations import search_text
from .models import Client

# Per demo language: ten women's then ten men's first names, eight women's then eight men's family names
# (data a business of that country would type, not UI text). Hungarian puts the family name first.
FIRST = {
    "en": ["Anna", "Olga", "Irina", "Elena", "Maria", "Natalia", "Svetlana", "Tatiana", "Yulia", "Ekaterina",
           "Ivan", "Dmitry", "Sergey", "Alexey", "Andrey", "Mikhail", "Nikolai", "Pavel", "Viktor", "Artem"],
    "ru": ["Анна", "Ольга", "Ирина", "Елена", "Мария", "Наталья", "Светлана", "Татьяна", "Юлия", "Екатерина",
           "Иван", "Дмитрий", "Сергей", "Алексей", "Андрей", "Михаил", "Николай", "Павел", "Виктор", "Артём"],
    "hu": ["Anna", "Katalin", "Éva", "Zsuzsanna", "Erzsébet", "Mária", "Judit", "Eszter", "Réka", "Nóra",
           "László", "István", "József", "Zoltán", "Gábor", "Péter", "Attila", "Tamás", "Balázs", "Dávid"],
    "uk": ["Анна", "Оксана", "Ірина", "Олена", "Марія", "Наталія", "Світлана", "Тетяна", "Юлія", "Катерина",
           "Іван", "Дмитро", "Сергій", "Олексій", "Андрій", "Михайло", "Микола", "Павло", "Віктор", "Тарас"],
}  # fmt: skip
LAST = {
    "en": ["Petrova", "Smirnova", "Kozlova", "Novikova", "Morozova", "Volkova", "Lebedeva", "Sokolova",
           "Petrov", "Smirnov", "Kozlov", "Novikov", "Morozov", "Volkov", "Lebedev", "Sokolov"],
    "ru": ["Петрова", "Смирнова", "Козлова", "Новикова", "Морозова", "Волкова", "Лебедева", "Соколова",
           "Петров", "Смирнов", "Козлов", "Новиков", "Морозов", "Волков", "Лебедев", "Соколов"],
    "hu": ["Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár",
           "Németh", "Farkas", "Balogh", "Papp", "Takács", "Juhász", "Lakatos", "Mészáros"],
    "uk": ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук",
           "Мельник", "Бойко", "Коваль", "Лисенко", "Савченко", "Руденко", "Мороз", "Петренко"],
}  # fmt: skip
MORNING_NOTE = {
    "en": "Prefers the morning.",
    "ru": "Предпочитает утро.",
    "hu": "A délelőttöt szereti.",
    "uk": "Надає перевагу ранку.",
}
TAGS = ["vip", "new", "regular", "allergy", "student"]
DEMO_CLIENT_COUNT = 80


def load(context: dict) -> None:
    business = context["business"]
    existing = Client.objects.for_business(business)
    if not existing.exists():
        language = context.get("language", "en") if context.get("language") in FIRST else "en"
        generator = random.Random(4)
        rows = []
        for number in range(DEMO_CLIENT_COUNT):
            first_index = number % 20
            last_index = (0 if first_index < 10 else 8) + number % 8  # women's family names for women
            first, last = FIRST[language][first_index], LAST[language][last_index]
            full_name = f"{last} {first}" if language == "hu" else f"{first} {last}"
            phone = demo_phone(business.country, number * 7919)
            # The address stays ASCII whatever the language (the English spelling of the same person).
            local_part = f"{FIRST['en'][first_index].lower()}.{LAST['en'][last_index].lower()}"
            email = f"{local_part}{number}@example.com" if number % 3 else ""
            tags = generator.sample(TAGS, k=generator.choice([0, 0, 1, 2]))
            rows.append(
                Client(
                    business=business,
                    full_name=full_name,
                    phone=phone,
                    email=email,
                    tags=tags,
                    accepts_messages=number % 4 != 0,
                    notes=MORNING_NOTE[language] if number % 11 == 0 else "",
                    search_text=search_text(full_name=full_name, phone=phone, email=email),
                    created_by=business.owner,
                )
            )
        Client.objects.bulk_create(rows)
    context["clients"] = list(existing.filter(is_deleted=False).order_by("pk"))
