"""Names stored as codes or as built-in defaults, shown in the reader's language at display time.

A built-in name (a role copied from a template, a platform plan) is stored as text in whatever language
was active when it was created. While nobody has renamed it, it is shown as the translation of its
template's name in the active language; once someone types another name, that name is shown as entered.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def _in_every_language(label) -> set[str]:
    names = set()
    with translation.override(None):
        names.add(str(label))  # the msgid itself: English, the language of the source
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return names


def builtin_name(stored: str, label) -> str:
    """`label` (a lazy translation) in the active language if `stored` is still the untouched default."""
    if label is None:
        return stored
    return str(label) if stored in _in_every_language(label) else stored


def code_label(code: str, labels: dict) -> str:
    """The translated label of a code (event type, action verb...); an unknown code is shown as it is."""
    label = labels.get(code)
    return str(label) if label is not None else code
