"""Template helpers for bilingual content: show which language a text is really in when it falls back."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from modeltranslation.utils import build_localized_fieldname, resolution_order

register = template.Library()

LANGUAGE_NAMES = dict(settings.LANGUAGES)
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def text_and_language(obj, field):
    """The text a visitor sees for ``field`` — modeltranslation's, with its fallback — and the language it is
    actually written in: the first of modeltranslation's languages for the field that holds that text."""
    text = getattr(obj, field) or ""
    current = get_language()
    if text:
        fallbacks = getattr(type(obj), field).fallback_languages
        for language in resolution_order(current, fallbacks):
            if getattr(obj, build_localized_fieldname(field, language), None) == text:
                return text, language
    return text, current


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
