"""Walk every public page type in Spanish and fail on any interface text left in English.

A text that reads the same on the Spanish and the English page is interface text that was never translated —
unless it is content that is the same in both languages (a person's name, an acronym, a place). Text inside an
element that declares another language (the "English" link of the switcher, a marked fallback) is exempt.
"""

from html.parser import HTMLParser
from io import StringIO

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.urls import translate_url

from documents.models import Document
from groups.models import WorkingGroup

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


class VisibleText(HTMLParser):
    """Collects what a reader sees or hears, in the page's own language only."""

    def __init__(self, page_language):
        super().__init__()
        self.stack = [page_language]
        self.hidden = 0
        self.texts = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        language = attributes.get("lang", self.stack[-1])
        if language == self.stack[0]:
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.texts.add(attributes[name].strip())
            if tag == "meta" and attributes.get("name") == "description":
                self.texts.add(attributes["content"].strip())
        if tag not in VOID_ELEMENTS:
            self.stack.append(language)
            self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        if tag not in VOID_ELEMENTS and len(self.stack) > 1:
            self.stack.pop()
            self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.hidden and self.stack[-1] == self.stack[0] and any(c.isalpha() for c in text):
            self.texts.add(text)


def visible_texts(html, language):
    parser = VisibleText(language)
    parser.feed(html)
    return parser.texts


def content_values():
    """Every text stored in the database, in both languages: what may legitimately read the same."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"groups", "documents", "contacts"}:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model.objects.values_list(*fields):
            values.update(" ".join(line.split()) for value in row if value for line in value.splitlines())
    # Email addresses are shown split around the at sign, to keep them from harvesters.
    values.update(part for value in list(values) if "@" in value for part in value.split("@"))
    return sorted((value for value in values if value), key=len, reverse=True)


def is_content(text, values):
    """True when the text is made only of stored content (e.g. "Name (ACRONYM)") and punctuation."""
    for value in values:
        if value in text:
            text = text.replace(value, " ")
    return not any(character.isalpha() for character in text)


@pytest.fixture
def public_pages(db, client):
    call_command("load_peru_content", stdout=StringIO())
    cusco = WorkingGroup.objects.get(slug="cusco")
    document = Document.objects.get(slug="mapeo-de-actores-cusco")
    english = [
        "/en/",
        "/en/about/",
        cusco.country.get_absolute_url(),
        cusco.get_absolute_url(),
        "/en/documents/",
        document.get_absolute_url(),
        "/en/contacts/",
        "/en/search/?q=cusco",
        "/en/search/",
        "/en/this-page-does-not-exist/",
    ]
    return [
        (url, translate_url(url, "es") if "does-not-exist" not in url else "/es/no-existe/")
        for url in english
    ]


# Words that are the same in both languages or are names, not interface text to translate.
SAME_IN_BOTH = {"Español", "ICWG", "ICWGs", "·", "VPSHR"}


def test_no_english_interface_text_on_spanish_pages(client, public_pages):
    values = content_values()
    problems = {}
    for english_url, spanish_url in public_pages:
        english = visible_texts(client.get(english_url).content.decode(), "en")
        spanish_response = client.get(spanish_url)
        assert spanish_response.status_code in (200, 404), spanish_url
        spanish = visible_texts(spanish_response.content.decode(), "es")
        left_in_english = {
            text for text in spanish & english if text not in SAME_IN_BOTH and not is_content(text, values)
        }
        if left_in_english:
            problems[spanish_url] = sorted(left_in_english)
    assert not problems, f"English interface text on Spanish pages: {problems}"


def test_no_catalogue_source_string_appears_untranslated(client, public_pages):
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    english_sources = {e.msgid for e in catalogue if e.msgstr and e.msgstr != e.msgid and len(e.msgid) > 3}
    for _english_url, spanish_url in public_pages:
        texts = visible_texts(client.get(spanish_url).content.decode(), "es")
        assert not (texts & english_sources), spanish_url
