"""The committed catalogues: complete, compiled .mo in step with the .po, placeholders kept, pages translated."""

import gettext
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
# English is the language of the source code: its catalogue stays empty, every other one is complete.
SOURCE_LANGUAGE = "en"
TRANSLATED = [path for path in CATALOGUES if path.parts[-3] != SOURCE_LANGUAGE]
# Every offered language but the source one must have a complete catalogue, whether or not its file exists yet.
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
# %(name)s and positional %s / %d; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifFeEgGxXor]")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Russian leaves Russian active on the test thread; later tests expect the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _entries(po):
    return [entry for entry in po if not entry.obsolete and entry.msgid]


def _key(entry, msgid):
    # gettext stores a context as "context\x04msgid".
    return f"{entry.msgctxt}\x04{msgid}" if entry.msgctxt is not None else msgid


def _expected_mo_catalog(po) -> dict:
    """What msgfmt compiles out of a .po: every translated, non-fuzzy entry."""
    expected = {}
    for entry in _entries(po):
        if "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
            if all(forms):
                expected.update({(_key(entry, entry.msgid), index): form for index, form in enumerate(forms)})
        elif entry.msgstr:
            expected[_key(entry, entry.msgid)] = entry.msgstr
    return expected


def _placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def test_the_catalogues_exist():
    assert {path.parts[-3] for path in CATALOGUES} == {code for code, _name in settings.LANGUAGES}


SLAVIC_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [("ru", SLAVIC_PLURALS), ("uk", SLAVIC_PLURALS), ("hu", "nplurals=2; plural=(n != 1);")],
)
def test_plural_forms_header(language, plural_forms):
    po = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    assert po.metadata["Language"] == language
    assert po.metadata["Plural-Forms"] == plural_forms


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_is_translated(language):
    po_path = LOCALE_DIR / translation.to_locale(language) / "LC_MESSAGES" / "django.po"
    assert po_path.exists(), f"{language} is offered in settings.LANGUAGES but has no catalogue: `make messages`"
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy
    plural_forms = int(re.match(r"\s*nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
    untranslated, fuzzy = [], []
    for entry in _entries(po):
        if "fuzzy" in entry.flags:
            fuzzy.append(entry.msgid)
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(index, "") for index in range(plural_forms)]
            if len(entry.msgstr_plural) != plural_forms or not all(forms):
                untranslated.append(entry.msgid)
        elif not entry.msgstr:
            untranslated.append(entry.msgid)
    assert untranslated == [], "untranslated entries: translate them, then `make messages`"
    assert fuzzy == [], "fuzzy entries (msgmerge's guesses): check each translation and remove the flag"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_the_committed_mo_is_compiled_from_the_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.name} missing: run `make messages` (compilemessages) and commit it"
    po = polib.pofile(str(po_path))
    with mo_path.open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}
    expected = _expected_mo_catalog(po)
    stale = sorted(str(key) for key in expected.keys() ^ catalog.keys())
    stale += sorted(str(key) for key in expected.keys() & catalog.keys() if expected[key] != catalog[key])
    assert stale == [], "the .mo differs from the .po: run `make messages` and commit both"
    if "Plural-Forms" in po.metadata:
        assert compiled.info()["plural-forms"] == po.metadata["Plural-Forms"]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_translations_keep_the_placeholders_of_their_message(po_path):
    mismatched = []
    for entry in _entries(polib.pofile(str(po_path))):
        if "no-python-format" in entry.flags:
            continue  # marked in the source: its percent signs are literal text, not placeholders
        if entry.msgid_plural:
            # Every form is used for some count (Russian form 0 also serves 21, 31...), so each keeps them all.
            wanted = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural)
            translations = [form for form in entry.msgstr_plural.values() if form]
        else:
            wanted = _placeholders(entry.msgid)
            translations = [entry.msgstr] if entry.msgstr else []
        mismatched += [(entry.msgid, text) for text in translations if _placeholders(text) != wanted]
    assert mismatched == []


def test_placeholder_pattern():
    assert _placeholders("%(name)s is blocked; 100%% sure, %d left") == Counter({"%(name)s": 1, "%d": 1})


def test_a_signed_in_page_in_russian_by_the_language_cookie(owner, client_for):
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get("/employees/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    page = response.content.decode()
    assert "Сотрудники" in page
    assert "Добавить сотрудника" in page
    assert "Employees" not in page


def test_the_sign_in_page_follows_the_browser_language(anonymous):
    response = anonymous.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "ru"
    assert "Забыли пароль?" in response.content.decode()


def test_api_errors_follow_the_request_language(owner, api_for):
    response = api_for(owner).patch(
        "/api/v1/business", {"locale": "xx"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Некоторые поля заполнены неверно.",
        "errors": {"locale": ["Выберите один из предложенных языков."]},
    }


def test_english_stays_the_default(owner, client_for):
    page = client_for(owner).get("/employees/").content.decode()
    assert "Employees" in page and "Сотрудники" not in page


def test_russian_plurals_of_paid_seats():
    with translation.override("ru"):
        words = [
            translation.ngettext("%(counter)s paid seat", "%(counter)s paid seats", n) % {"counter": n}
            for n in (1, 3, 5, 11, 21, 22, 25)
        ]
    assert words == [
        "1 платное место",
        "3 платных места",
        "5 платных мест",
        "11 платных мест",
        "21 платное место",
        "22 платных места",
        "25 платных мест",
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("uk", ["1 платне місце", "3 платні місця", "5 платних місць", "11 платних місць", "21 платне місце"]),
        ("hu", ["1 fizetős hely", "3 fizetős hely", "5 fizetős hely", "11 fizetős hely", "21 fizetős hely"]),
    ],
)
def test_plurals_of_paid_seats_in_ukrainian_and_hungarian(language, expected):
    with translation.override(language):
        words = [
            translation.ngettext("%(counter)s paid seat", "%(counter)s paid seats", n) % {"counter": n}
            for n in (1, 3, 5, 11, 21)
        ]
    assert words == expected


@pytest.mark.parametrize(
    ("language", "employees", "add_employee"),
    [("hu", "Munkatársak", "Munkatárs hozzáadása"), ("uk", "Співробітники", "Додати співробітника")],
)
def test_a_signed_in_page_in_hungarian_and_ukrainian(owner, client_for, language, employees, add_employee):
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/employees/")
    assert response["Content-Language"] == language
    page = response.content.decode()
    assert employees in page and add_employee in page
    assert "Add employee" not in page
