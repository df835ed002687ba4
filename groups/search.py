"""Site search: what visitors type in the header's search box, looked up in groups, documents and countries.

On PostgreSQL (the tests, production) it is full-text search in the visitor's language: words are stemmed by
that language's text search configuration, accents are ignored (the ``unaccent`` dictionary, see the migration
groups/0004_search_configurations), results are ranked and the database marks the matched words in excerpts.
The querysets (``WorkingGroup.objects.published().search(query, language)``…) build their expressions from the
helpers here and annotate each result with:

- ``search_title`` and ``search_excerpt``: ``{"text": …, "language": …}``, the text with its matches between
  ``START`` and ``STOP`` and the language it is really written in (they differ when it falls back);
- ``search_rank``.
"""

import math
import operator
import re
import unicodedata
from functools import reduce
from typing import NamedTuple

from django.conf import settings
from django.db import connections
from django.db.models import Case, Count, F, JSONField, Q, Subquery, TextField, Value, When, Window
from django.db.models.functions import Coalesce, JSONObject, Left, NullIf
from django.db.models.lookups import GreaterThan
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

MAX_QUERY_LENGTH = 200
CONFIGURATIONS = {"es": "spanish_unaccent", "en": "english_unaccent"}
# The database marks matched words with these control characters, which no text uses. The excerpt is escaped
# as a whole and only then do they become <mark> elements: stored text can never bring markup of its own.
START, STOP = "\x02", "\x03"
MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
# How much of a text is searched and shown. A PDF's extracted text can run to megabytes; PostgreSQL refuses to
# index more than 1 MB of distinct words, and a visitor's excerpt needs only a few lines.
MAX_SEARCHED_CHARACTERS = 500_000
EXCERPT_WORDS = 40
OPENING_CHARACTERS = 600  # enough for EXCERPT_WORDS
EXCERPT_OPTIONS = {
    "start_sel": START,
    "stop_sel": STOP,
    "max_words": 25,
    "min_words": 10,
    "short_word": 2,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


class Text(NamedTuple):
    """A text as the visitor reads it (an expression) and the language it is really written in."""

    value: object
    language: object


def translated(field, language):
    """A translated field in ``language``, or in the fallback language when empty (as ``tr`` shows it)."""
    other = settings.MODELTRANSLATION_FALLBACK_LANGUAGES[language][0]
    own = F(f"{field}_{language}")
    return Text(
        Coalesce(NullIf(own, Value("")), F(f"{field}_{other}"), Value(""), output_field=TextField()),
        Case(When(GreaterThan(own, Value("")), then=Value(language)), default=Value(other)),
    )


def is_full_text(queryset):
    return connections[queryset.db].vendor == "postgresql"


class FullTextSearch:
    """The expressions of one PostgreSQL full-text search for ``query``, in ``language``'s configuration."""

    def __init__(self, query, language):
        from django.contrib.postgres.search import SearchQuery

        self.config = CONFIGURATIONS[language]
        # websearch_to_tsquery reads quotes, "or" and "-" like a search engine and never fails on odd input.
        self.query = SearchQuery(query, config=self.config, search_type="websearch")

    def vector(self, *weighted_values):
        """All the (value, weight) pairs as one document to match and rank."""
        from django.contrib.postgres.search import SearchVector

        return reduce(
            operator.add,
            (SearchVector(value, config=self.config, weight=weight) for value, weight in weighted_values),
        )

    def matches(self, value):
        from django.contrib.postgres.search import SearchVector, SearchVectorExact

        return SearchVectorExact(SearchVector(value, config=self.config), self.query)

    def marked(self, text, **options):
        from django.contrib.postgres.search import SearchHeadline

        headline = SearchHeadline(text.value, self.query, config=self.config, **options)
        return JSONObject(text=headline, language=text.language)

    def title(self, text):
        """The whole text, every match marked."""
        return self.marked(text, start_sel=START, stop_sel=STOP, highlight_all=True)

    def excerpt(self, *texts):
        """The first of ``texts`` that matches, cut around its matches and marked; NULL when none matches."""
        whens = [When(self.matches(text.value), then=self.marked(text, **EXCERPT_OPTIONS)) for text in texts]
        return Case(*whens, default=None, output_field=JSONField())

    def related_excerpt(self, related, *texts):
        """The excerpt of the first row of ``related`` (a queryset on ``OuterRef``) whose texts match."""
        hits = related.annotate(search_hit=self.excerpt(*texts)).filter(search_hit__isnull=False)
        return Subquery(hits.values("search_hit")[:1], output_field=JSONField())

    def results(self, queryset, vector, title, excerpt, also=None):
        """``queryset`` where ``vector`` (or the condition ``also``) matches, ranked, annotated."""
        from django.contrib.postgres.search import SearchRank

        found = Q(search_vector=self.query)
        return (
            queryset.alias(search_vector=vector)
            .filter((found | also) if also else found)
            .annotate(
                # Normalised by the document's length: a long PDF does not outrank a title by sheer size.
                search_rank=SearchRank(F("search_vector"), self.query, normalization=Value(1)),
                search_title=self.title(title),
                search_excerpt=excerpt,
            )
            .order_by("-search_rank", *queryset.model._meta.ordering, "pk")
        )


def related_text(related, link, value):
    """The ``value`` of every row of ``related`` (filtered on ``OuterRef``), as one text for the vector."""
    from django.contrib.postgres.aggregates import StringAgg

    texts = related.order_by().values(link).annotate(search_text=StringAgg(value, " ")).values("search_text")
    return Subquery(texts)


def searched(value):
    """At most MAX_SEARCHED_CHARACTERS of a long text (a file's extracted text)."""
    return Left(value, MAX_SEARCHED_CHARACTERS)


def opening(*texts):
    """The first non-empty one of ``texts``, unmarked: the excerpt of a result found by its title alone."""
    whens = [
        When(
            GreaterThan(text.value, Value("")),
            then=JSONObject(text=Left(text.value, OPENING_CHARACTERS), language=text.language),
        )
        for text in texts
    ]
    return Case(*whens, default=None, output_field=JSONField())


# --- SQLite: the `make run` demo only -----------------------------------------------------------------------
# SQLite has no full-text search worth the name for Spanish. The demo needs the page to work, not to rank:
# every word must appear in one of the fields, where a plain vowel also matches its accented forms.
ACCENTED = {"a": "aáàâä", "e": "eéèêë", "i": "iíìîï", "o": "oóòôö", "u": "uúùûü", "n": "nñ", "c": "cç"}


def word_pattern(word):
    plain = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))
    return "".join(f"[{ACCENTED[c]}]" if c in ACCENTED else re.escape(c) for c in plain)


def query_words(query):
    return re.findall(r"\w+", query)[:10]


def simple_results(queryset, query, fields, title, texts):
    words = query_words(query)
    if not words:
        return queryset.none()
    matches = queryset
    for word in words:
        pattern = word_pattern(word)
        matches = matches.filter(reduce(operator.or_, (Q(**{f"{f}__iregex": pattern}) for f in fields)))
    # Filtering through related rows repeats a result once per matching row: keep each once.
    return queryset.filter(pk__in=matches.values("pk")).annotate(
        search_rank=Value(0.0),
        search_title=JSONObject(text=title.value, language=title.language),
        search_excerpt=opening(*texts),
    )


def mark_words(text, query):
    patterns = sorted((word_pattern(word) for word in query_words(query)), key=len, reverse=True)
    if not patterns:
        return text
    return re.sub("|".join(patterns), lambda m: f"{START}{m.group(0)}{STOP}", text, flags=re.I)


# --- Showing results ----------------------------------------------------------------------------------------


def highlighted(hit, query, words=EXCERPT_WORDS):
    """A title or excerpt as safe HTML: matches in <mark>, marked with its language when it is a fallback."""
    if not hit or not hit.get("text"):
        return ""
    text = " ".join(hit["text"].split())
    if connections["default"].vendor != "postgresql":
        text = mark_words(text, query)
    if words:
        text = Truncator(text).words(words)
        # An excerpt from the middle of a text says so at either end.
        plain = text.replace(START, "").replace(STOP, "")
        text = ("… " if plain[:1].islower() else "") + text + ("" if plain[-1:] in ".!?…" else " …")
    html = MARKED.sub(r"<mark>\1</mark>", escape(text)).replace(START, "").replace(STOP, "")
    if hit["language"] == get_language():
        return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> elements added
    return format_html('<span lang="{}">{}</span>', hit["language"], mark_safe(html))  # noqa: S308


class ResultPage:
    """One page of ranked results and how many there are in all, from one query (a window count)."""

    def __init__(self, results, number, size):
        self.size = size
        self.number = number
        rows = self.fetch(results, number)
        if not rows and number > 1:
            # Past the last page (an old link, an edited address): show the last page instead.
            self.number = max(1, math.ceil(results.count() / size))
            rows = self.fetch(results, self.number)
        self.results = rows
        self.total = rows[0].search_total if rows else 0
        self.num_pages = max(1, math.ceil(self.total / size))

    def fetch(self, results, number):
        start = (number - 1) * self.size
        return list(results.annotate(search_total=Window(Count("pk")))[start : start + self.size])

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def has_previous(self):
        return self.number > 1
