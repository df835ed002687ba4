"""Template helpers for bilingual content: show which language a text is really in when it falls back."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from groups import search

register = template.Library()

LANGUAGE_NAMES = dict(settings.LANGUAGES)
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def text_and_language(obj, field):
    """The text a visitor sees for ``field`` and the language it is actually written in."""
    current = get_language()
    own = getattr(obj, f"{field}_{current}", None)
    if own:
        return own, current
    for language in settings.MODELTRANSLATION_FALLBACK_LANGUAGES.get(current, ()):
        text = getattr(obj, f"{field}_{language}", None)
        if text:
            return text, language
    return "", current


@register.simple_tag
def tr(obj, field):
    """A short text (a name, a title): marked with its language when it is a fallback."""
    text, language = text_and_language(obj, field)
    if language == get_language():
        return text
    return format_html('<span lang="{}">{}</span>', language, text)


@register.simple_tag
def tr_paragraphs(obj, field):
    """A long text as paragraphs; a fallback is marked with its language and a discreet note for readers."""
    text, language = text_and_language(obj, field)
    if not text:
        return ""
    paragraphs = linebreaks_filter(text, autoescape=True)
    if language == get_language():
        return paragraphs
    note = gettext("Not yet translated: shown in %(language)s.") % {"language": str(LANGUAGE_NAMES[language])}
    return format_html('<div lang="{}">{}</div><p class="fallback-note">{}</p>', language, paragraphs, note)


@register.filter
def jsonld(data):
    """Structured data for search engines, as a non-executable data block (allowed under a strict CSP)."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above


@register.simple_tag
def highlighted(hit, query, words=search.EXCERPT_WORDS):
    """A search result's title or excerpt, its matches in <mark>, marked with its language on a fallback."""
    return search.highlighted(hit, query, words)
