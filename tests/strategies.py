"""Hypothesis strategies for tests/test_generated_requests.py: hostile text, the portal's routes read from the
URL resolver, query strings, and values for the admin's form fields.

Hostile values may carry MARKUP: markup that is harmless only when escaped. A response in which ``reflected``
finds it reflected the input raw.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.forms.models import InlineForeignKeyField
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import PathConverter
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import translation
from hypothesis import strategies as st

# --- Hostile text -------------------------------------------------------------------------------------------

MARKUP = (
    "<x-probe>",
    "\"'><svg onload=probe()>",
    "</script><x-probe>",
    '" data-probe="1',
)
# Any of these in a response is MARKUP that was not escaped. A quote escaped by JSON (\") is not an attribute
# break: structured data (JSON-LD) shows stored names JSON-escaped, which is safe.
RAW_MARKUP = re.compile(r'<x-probe|<svg onload=probe|(?<!\\)" data-probe')

HOSTILE = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "\x1b[2J",
    "\x7f",
    "\x85",
    "\u202e",  # right-to-left override
    "\u200f\u05e9\u05dc\u05d5\u05dd",  # right-to-left mark, Hebrew
    "\u200b",
    "\ufeff",
    "e\u0301",
    "😀",
    "👩🏽‍⚖️",
    "ñandú Cusco minería",
    "İıß",
    "ﷺ",
    "../",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/",
    "//",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "data:text/html,<x-probe>",
    "\\\\evil.example",
    "%",
    "%00",
    "%2e%2e%2f",
    "%zz",
    "%ff%fe",
    "+",
    "&",
    "=",
    "?",
    "#",
    ";",
    "'",
    '"',
    "\\",
    "' OR '1'='1",
    '" OR 1=1 --',
    "1; DROP TABLE groups_country; --",
    "%' AND 1=1 --",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "${7*7}",
    "%s%s%n",
    "{0}",
    "0",
    "-1",
    "00",
    "1e999",
    "NaN",
    "-Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "0x1f",
    "1.5",
    "1_000",
    " 2 ",
    "²",
    "١٢٣",
    "true",
    "null",
    "[]",
    "{}",
    "*",
)

any_text = st.text(st.characters(codec="utf-8"), max_size=30)


def hostile_text():
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(MARKUP),
        any_text,
        st.tuples(any_text, st.sampled_from(MARKUP), any_text).map("".join),
        st.tuples(
            st.sampled_from(["a", "é", "😀", "<x-probe>", "%", "\x00", "-", "9"]), st.integers(100, 5_000)
        ).map(lambda repeat: repeat[0] * repeat[1]),
    )


def reflected(text):
    """Whether ``text`` (a response body) holds hostile MARKUP unescaped."""
    return RAW_MARKUP.search(text) is not None


# --- Routes -------------------------------------------------------------------------------------------------

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern as the resolver sees it: ``template`` is its route ("es/paises/<slug:slug>/")."""

    name: str
    language: str
    template: str
    converters: dict = field(hash=False, compare=False)

    def __str__(self):
        return f"{self.language}:{self.name}"


def routes(skip_namespaces=("admin",)):
    """Every URL pattern of the portal in every language, the back office's own patterns excepted.

    Patterns outside ``i18n_patterns`` read the same in both languages: they are listed once.
    """
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for route in _walk(get_resolver().url_patterns, "", "", {}, code, skip_namespaces):
                found.setdefault(route.template, route)
    return list(found.values())


def _walk(patterns, prefix, namespace, converters, language, skip_namespaces):
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            text = pattern.language_prefix
        elif isinstance(pattern, RoutePattern):
            text = str(pattern)
        else:
            raise TypeError(f"No way to generate paths for {pattern!r}: teach tests/strategies.py")
        known = {**converters, **pattern.converters}
        if isinstance(entry, URLResolver):
            if entry.app_name in skip_namespaces:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + text, inner, known, language, skip_namespaces)
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}{entry.name}", language, prefix + text, known)


def path_values(converter, pool):
    """Values for a path parameter: ones the database holds, ones the converter accepts, hostile ones."""
    matching = sorted(value for value in pool if re.fullmatch(converter.regex, value))
    return st.one_of(
        *([st.sampled_from(matching)] if matching else []),
        st.from_regex(re.compile(converter.regex), fullmatch=True).filter(lambda v: len(v) < 2_000),
        hostile_text().filter(bool),
    )


@st.composite
def paths(draw, route, known_kwargs, pool):
    """A path for ``route``: real arguments (``known_kwargs``, from resolving pages that exist), generated
    ones, hostile ones; percent-encoded, or with raw percent signs; now and then with a hostile tail."""
    kwargs = draw(st.sampled_from(known_kwargs)) if known_kwargs and draw(st.booleans()) else {}
    keep_percent = draw(st.booleans())  # "%ff" then reaches the server as an undecodable byte

    def argument(match):
        name = match["parameter"]
        converter = route.converters[name]
        value = kwargs[name] if name in kwargs else draw(path_values(converter, pool))
        slash = "/" if isinstance(converter, PathConverter) else ""
        return quote(value, safe=slash + ("%" if keep_percent else ""))

    path = "/" + PARAMETER.sub(argument, route.template)
    tail = draw(st.sampled_from(["", "", "", "strip-slash", "hostile"]))
    if tail == "strip-slash":
        path = path.rstrip("/") or "/"
    elif tail == "hostile":
        path += quote(draw(hostile_text()), safe="/%" if keep_percent else "/") + "/"
    return path


# --- Query strings ------------------------------------------------------------------------------------------

RAW_QUERY_PIECES = (
    "%ff",
    "%",
    "%zz",
    "&",
    "&&",
    "=",
    "==",
    ";",
    "q",
    "q=%00",
    "page=%C0%AF",
    "+",
    "%2B",
    "a[]=1",
)
UNKNOWN_NAMES = (
    "utm_source",
    "fbclid",
    "page[]",
    "q[]",
    "__proto__",
    "csrfmiddlewaretoken",
    "format",
    "o",
    "_",
)


def query_strings(values_by_name):
    """Query strings of known parameters (``values_by_name``: real values for each), unknown and hostile ones,
    with repeated keys, long values and raw pieces no form would send."""
    names = sorted(values_by_name)
    name = st.one_of(st.sampled_from(names), st.sampled_from(UNKNOWN_NAMES), hostile_text())

    def pair(key):
        real = values_by_name.get(key)
        value = st.one_of(st.sampled_from(real), hostile_text()) if real else hostile_text()
        return st.tuples(st.just(key), value)

    pairs = st.lists(name.flatmap(pair), max_size=6)
    raw = st.lists(st.sampled_from(RAW_QUERY_PIECES), max_size=2)
    return st.tuples(pairs, raw).map(lambda parts: "&".join(filter(None, [urlencode(parts[0]), *parts[1]])))


# --- Admin form fields --------------------------------------------------------------------------------------

any_number = st.integers(-(10**30), 10**30).map(str)
HOSTILE_NUMBERS = ("-1", "0", "1001", "99999999999999999999", "abc", "", "1e3", " 1", "٢", "0x1", "1.5", "-0")
HOSTILE_DATES = (
    "2024-02-30",
    "0000-00-00",
    "9999-99-99",
    "10000-01-01",
    "-1-01-01",
    "31/12/2024",
    "now",
    "0",
)


def choice_values(field):
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an optgroup
            values.extend(str(inner) for inner, _label in label)
        else:
            values.append(str(value))
    return [value for value in values if value not in ("", "None")]


def plausible_value(field, name):
    """Values of the right rough shape for a form field: often valid, so that some submissions save.
    None means the field is left out, as a browser leaves out an unticked checkbox."""
    if isinstance(field, InlineForeignKeyField) or name == "id":
        return st.just("")  # a new row of a new record: the admin fills in its parent and its key
    if isinstance(field, forms.ModelMultipleChoiceField):
        keys = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:30]]
        return st.lists(st.sampled_from(keys), max_size=3, unique=True) if keys else st.just([])
    if isinstance(field, forms.ModelChoiceField):
        keys = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:30]]
        return st.sampled_from(keys) if keys else st.just("")
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(st.sampled_from(choice_values(field) or [""]), max_size=3, unique=True)
    if isinstance(field, forms.ChoiceField):
        return st.sampled_from(choice_values(field) or [""])
    if isinstance(field, forms.NullBooleanField):
        return st.sampled_from(["true", "false", "unknown"])
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", None])
    if isinstance(field, forms.DecimalField):
        places = field.decimal_places or 0
        limit = Decimal(10) ** ((field.max_digits or 6) - places) - 1
        low, high = value_range(field, -limit, limit)
        return st.decimals(low, high, places=places, allow_nan=False, allow_infinity=False).map(str)
    if isinstance(field, forms.IntegerField):
        low, high = value_range(field, 0, None)
        return st.integers(low, high if high is not None else low + 3_000).map(str)
    if isinstance(field, forms.SplitDateTimeField):
        return st.tuples(st.dates(date(1990, 1, 1), date(2035, 12, 31)).map(str), st.just("12:00")).map(list)
    if isinstance(field, forms.DateField):
        return st.dates(date(1990, 1, 1), date(2035, 12, 31)).map(str)
    if isinstance(field, forms.EmailField):
        return st.from_regex(r"[a-z]{1,10}@example\.org", fullmatch=True)
    if isinstance(field, forms.URLField):
        return st.from_regex(r"https://(www\.)?example\.org/[a-z0-9-]{0,20}(\.pdf)?", fullmatch=True)
    if isinstance(field, forms.SlugField):
        return st.from_regex(r"[a-z][a-z0-9]{0,15}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
    if isinstance(field, forms.FileField):
        return st.none()
    if isinstance(field, forms.JSONField):
        return st.sampled_from(["null", "[]", "[[-75.5, -12.0], [-71.9, -13.5], [-73.0, -9.0]]"])
    patterns = [v.regex for v in field.validators if isinstance(v, RegexValidator) and not v.inverse_match]
    if patterns:
        return st.from_regex(patterns[0], fullmatch=True)
    if isinstance(field, forms.CharField) and "email" in name:  # a list of addresses in a text box
        return st.lists(st.from_regex(r"[a-z]{1,10}@example\.org", fullmatch=True), min_size=1).map("\n".join)
    if isinstance(field, forms.CharField):
        size = min(field.max_length or 60, 60)
        letters = st.characters(categories=["Lu", "Ll"], codec="utf-8")
        return st.text(letters, min_size=max(field.min_length or 1, 1), max_size=size)
    return st.text(max_size=10)


def value_range(field, low, high):
    """The smallest and largest values a number field accepts, its validators included."""
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def hostile_value(field, name):
    if isinstance(field, forms.FileField):
        content = st.one_of(
            st.binary(max_size=64), st.sampled_from([b"%PDF-1.4\n%%EOF", b"\x89PNG\r\n\x1a\n"])
        )
        file_name = hostile_text().filter(lambda n: n and not set(n) & set('\r\n"\\/\x00'))
        return st.tuples(file_name, content)  # turned into an upload by the test
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(st.one_of(st.sampled_from(HOSTILE_NUMBERS), hostile_text()), min_size=1, max_size=4)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.ModelChoiceField):
        return st.one_of(st.sampled_from(HOSTILE_NUMBERS), any_number, hostile_text())
    if isinstance(field, forms.DateField | forms.SplitDateTimeField):
        return st.one_of(st.sampled_from(HOSTILE_DATES), hostile_text())
    return st.one_of(hostile_text(), st.just(None))


# A TOTAL_FORMS in the thousands is accepted by Django up to 2,000 rows per inline, each built, checked and
# drawn again: 48 s and 23 MB for a group's page with 1001 on each of its four inlines (reported, not fixed
# here). So the generated ones stay below ABSURD_ROWS; everything else about the counts is absurd at will.
ABSURD_ROWS = 50
NOT_NUMBERS = tuple(value for value in HOSTILE_NUMBERS if not value.isdigit())


@st.composite
def management_values(draw, rows, given, absurd_allowed=True):
    """The inline formset's management form: the true counts, or absurd ones."""
    if not absurd_allowed or draw(st.integers(0, 3)):
        return {"TOTAL_FORMS": str(rows), "INITIAL_FORMS": "0", **given}
    absurd = st.one_of(st.sampled_from(HOSTILE_NUMBERS), any_number, st.just(None), hostile_text())
    too_many = st.integers(-(10**30), ABSURD_ROWS).map(str)
    return {
        "TOTAL_FORMS": draw(st.one_of(st.just(str(rows)), st.sampled_from(NOT_NUMBERS), too_many, st.none())),
        "INITIAL_FORMS": draw(st.one_of(st.just("0"), absurd)),
        "MIN_NUM_FORMS": draw(st.one_of(st.just(given.get("MIN_NUM_FORMS", "0")), absurd)),
        "MAX_NUM_FORMS": draw(st.one_of(st.just(given.get("MAX_NUM_FORMS", "1000")), absurd)),
    }
