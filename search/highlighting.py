"""Matched words marked in a result's title and excerpt, safely.

The engines mark matches with two control characters no text uses (PostgreSQL's ts_headline, or ``mark()``
for SQLite). ``highlighted()`` escapes the whole text first and only then turns those marks into <mark>
elements: stored text can never bring markup of its own.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from search.words import WORD, fold

START, STOP = "\x02", "\x03"
MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
EXCERPT_WORDS = 40
# Words kept before the first match when an excerpt starts in the middle of a text.
WORDS_BEFORE = 12


def mark(text, stems):
    """``text`` with each word that starts with one of ``stems`` (folded) between START and STOP."""
    if not stems:
        return text
    stems = tuple(stems)
    return WORD.sub(
        lambda found: f"{START}{found[0]}{STOP}" if fold(found[0]).startswith(stems) else found[0], text
    )


def around_first_mark(marked, before=WORDS_BEFORE):
    """``marked`` from a few words before its first mark (the whole text if it has none)."""
    first = marked.find(START)
    if first < 0:
        return marked
    preceding = marked[:first].split()
    return " ".join([*preceding[-before:], marked[first:]]) if len(preceding) > before else marked


def highlighted(hit, words=EXCERPT_WORDS):
    """A title or excerpt (``(text, language it is written in)``) as safe HTML: its marks as <mark>, in a
    <span lang> when it is not in the page's language; cut to ``words`` words (0: whole), an excerpt from the
    middle of a text saying so at either end."""
    if not hit or not hit[0]:
        return ""
    text, language = hit
    text = " ".join(text.split())
    if words:
        text = Truncator(text).words(words)
        plain = text.replace(START, "").replace(STOP, "")
        text = ("… " if plain[:1].islower() else "") + text + ("" if plain[-1:] in ".!?…" else " …")
    html = MARKED.sub(r"<mark>\1</mark>", escape(text)).replace(START, "").replace(STOP, "")
    if not language or language == get_language():
        return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> elements added
    return format_html('<span lang="{}">{}</span>', language, mark_safe(html))  # noqa: S308
