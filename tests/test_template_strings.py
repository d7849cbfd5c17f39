"""Every piece of text a template shows is marked for translation: a scanner over the project's templates.

Text between tags and the human-readable attributes (placeholder, title, aria-label, alt, label) must come
from {% translate %} / {% blocktranslate %} or a variable. Django tags, variables, comments, <script>,
<style> and <code> (identifiers, not words) are removed first; what is left and still contains letters is unmarked text.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_DIRS = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
TEMPLATES = sorted(path for directory in TEMPLATE_DIRS for path in directory.rglob("*.html"))

# Text that is the same in every language: the product's name, units and codes nobody translates.
ALLOWED = {"Staffroom", "ms", "SKU", "IP", "API", "CSV", "XLSX", "PDF", "E.164", "v", "#", "KPI", "TOTP", "QR"}

BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
COMMENT_BLOCK = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
# A block named *_class fills a class attribute (CSS names, not words).
CLASS_BLOCK = re.compile(r"{%\s*block\s+\w+_class\s*%}.*?{%\s*endblock\b.*?%}", re.S)
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
# A textarea holds a value (a snippet to copy, text being edited), never the page's own wording.
SCRIPT_OR_STYLE = re.compile(r"<(script|style|code|textarea)\b.*?</\1>", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
READABLE_ATTRIBUTE = re.compile(r'\b(placeholder|title|aria-label|alt|label)\s*=\s*"([^"]*)"', re.I)
HTML_TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
LETTERS = re.compile(r"[^\W\d_]{2,}|[^\W\d_](?=\s|$)")


def _unmarked(source: str) -> list[str]:
    text = BLOCK_TRANSLATE.sub(" ", source)
    text = COMMENT_BLOCK.sub(" ", text)
    text = CLASS_BLOCK.sub(" ", text)
    text = SCRIPT_OR_STYLE.sub(" ", text)
    text = HTML_COMMENT.sub(" ", text)
    # Attributes first (their values are marked when they hold only tags/variables), then the text between tags.
    found = []
    for _name, value in READABLE_ATTRIBUTE.findall(TAG_OR_VARIABLE.sub(" ", text)):
        found.append(value)
    text = TAG_OR_VARIABLE.sub(" ", text)
    text = HTML_TAG.sub("\n", text)
    found += text.split("\n")
    unmarked = []
    for piece in found:
        words = ENTITY.sub(" ", piece).strip()
        if not LETTERS.search(words):
            continue
        if all(word in ALLOWED for word in re.findall(r"[^\W\d_][\w.]*", words)):
            continue
        unmarked.append(words)
    return unmarked


def test_the_scanner_finds_unmarked_text_and_accepts_marked_text():
    assert _unmarked('<p>Hello {{ name }}</p><input placeholder="Search">') == ["Search", "Hello"]
    marked = (
        '{% load i18n %}<p>{% translate "Hello" %} {{ name }}</p>'
        "<input placeholder=\"{% translate 'Search' %}\">{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}"
        "<script>const x = 'not text';</script><!-- note --><span>Staffroom · 10 ms</span>"
    )
    assert _unmarked(marked) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(path.parents[1])))
def test_template_text_is_marked_for_translation(path):
    assert _unmarked(path.read_text(encoding="utf-8")) == []
