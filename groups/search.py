"""Site search: what visitors type in the header's search box, looked up in groups, documents and countries.

What is searched, and how much each text weighs, is declared once, in ``SEARCHED`` below; all else derives
from it: the vectors stored on each model, the lookups of the SQLite demo, the title and excerpt shown.

On PostgreSQL (the tests, production) it is full-text search in the visitor's language: words are stemmed by
that language's text search configuration, accents are ignored (the ``unaccent`` dictionary, see the migration
groups/0004_search_configurations), results are ranked and the database marks the matched words in excerpts.
Each searched model stores its texts as one ``tsvector`` per language (``search_es``, ``search_en``), indexed
with GIN and kept current on every save (groups/search_index.py): a search matches and ranks on the stored
vectors, never computing one. The text of a document's files, which can run to megabytes, has vectors of its
own on each file: a document is found through them too, but only its title and summary count in the ranking
(reading megabytes for every match would make a common word cost seconds).

A search is a few queries per kind of result, however many match (``ResultPage``): the ids and ranks of the
best ``MAX_COUNTED`` + 1 matches (the page says "more than 1,000" beyond), then the rows of the page shown,
with ``search_title`` and ``search_excerpt``: ``{"text": …, "language": …}``, the text with its matches
between ``START`` and ``STOP`` and the language it is really written in (they differ when it falls back).
"""

import math
import operator
import re
import unicodedata
from functools import cache, reduce
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchConfig,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.db import connections, models
from django.db.models import Case, F, Func, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Left, NullIf
from django.db.models.lookups import GreaterThan
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

MAX_QUERY_LENGTH = 200
CONFIGURATIONS = {"es": "spanish_unaccent", "en": "english_unaccent"}
# Results are counted up to this many; beyond, the page says "more than 1,000" and shows the best 1,000.
MAX_COUNTED = 1000
# The database marks matched words with these control characters, which no text uses. The excerpt is escaped
# as a whole and only then do they become <mark> elements: stored text can never bring markup of its own.
START, STOP = "\x02", "\x03"
MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
# How much of a text is searched and shown. A PDF's extracted text can run to megabytes; PostgreSQL refuses to
# index more than 1 MB of distinct words, and a visitor's excerpt needs only a few lines: it is taken from the
# text's first EXCERPT_SEARCHED_CHARACTERS (reading further for every result shown would cost ~1 ms per 7,000
# characters), or is the opening of the result's description when its words come later.
MAX_SEARCHED_CHARACTERS = 500_000
EXCERPT_SEARCHED_CHARACTERS = 10_000
EXCERPT_WORDS = 40
OPENING_CHARACTERS = 600  # enough for EXCERPT_WORDS
# ts_headline's options, as the one string it reads (composed once, not for every query).
TITLE_OPTIONS = f'StartSel="{START}", StopSel="{STOP}", HighlightAll=true'  # the whole title, marked
EXCERPT_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords=25, MinWords=10, ShortWord=2, MaxFragments=2, '
    'FragmentDelimiter=" … "'
)

HEADLINE_OPTIONS = {options: Value(options) for options in (TITLE_OPTIONS, EXCERPT_OPTIONS)}

TITLE, EXCERPT = "title", "excerpt"


class Searched(NamedTuple):
    """One text of a searched model: a field, or ``relation__field`` for the texts of its related rows (a
    group's objectives).

    ``weight``: how much its words count in the ranking, A most, then B, C, D (PostgreSQL's ts_rank weighs
    them 1, 0.4, 0.2, 0.1), or ``None`` for the text of related rows with stored vectors of their own (a
    document's files): they are matched through those, and do not count in the ranking. ``shown``: ``TITLE``
    (the result's heading) or ``EXCERPT`` (the first of these that matches is shown under it). ``language``:
    for a text that is not translated, the field holding the language it is written in. ``max_length``: how
    much of a long text its vector holds.
    """

    path: str
    weight: str | None
    shown: str = ""
    translated: bool = True
    language: str = ""
    max_length: int | None = None


# {model label: what is searched in its records}. Changing it changes what the stored vectors hold: run
# `manage.py update_search_index` afterwards (a migration that changes it should, too).
SEARCHED = {
    "groups.Country": (
        Searched("name", "A", shown=TITLE),
        Searched("introduction", "B", shown=EXCERPT),
    ),
    "groups.WorkingGroup": (
        Searched("name", "A", shown=TITLE),
        Searched("acronym", "A", translated=False),
        Searched("location", "B"),
        Searched("overview", "B", shown=EXCERPT),
        Searched("vision", "B", shown=EXCERPT),
        Searched("composition", "C", shown=EXCERPT),
        Searched("activities_summary", "C", shown=EXCERPT),
        Searched("objectives__text", "C", shown=EXCERPT),
        Searched("activities__title", "C", shown=EXCERPT),
        Searched("activities__description", "C", shown=EXCERPT),
    ),
    "documents.Document": (
        Searched("title", "A", shown=TITLE),
        Searched("summary", "B", shown=EXCERPT),
        Searched("files__text", None, shown=EXCERPT, translated=False, language="language"),
    ),
    # A file's extracted text can run to megabytes: in the document's vector, every search ranking documents
    # (and every page listing them) would read it. Each file has vectors of its own instead.
    "documents.DocumentFile": (
        Searched("text", "D", translated=False, language="language", max_length=MAX_SEARCHED_CHARACTERS),
    ),
}


def vector_field(language):
    """The name of the stored vector of ``language``'s searches."""
    return f"search_{language}"


class Text(NamedTuple):
    """A text as the visitor reads it (an expression) and the language it is really written in."""

    value: object
    language: object


def translated(field, language):
    """A translated field in ``language``, or in the fallback language when empty (as ``tr`` shows it)."""
    other = settings.MODELTRANSLATION_FALLBACK_LANGUAGES[language][0]
    own = F(f"{field}_{language}")
    return Text(
        Coalesce(NullIf(own, Value("")), F(f"{field}_{other}"), output_field=TextField()),
        Case(When(GreaterThan(own, Value("")), then=Value(language)), default=Value(other)),
    )


class Part(NamedTuple):
    """A ``Searched`` text resolved on a model: its text in a language, and where it is read from."""

    searched: Searched
    text: Text
    language: str  # the page's language
    field: str  # the field's name, on the model or on its related rows
    related: object  # None for the model's own field, else the related rows' model
    link: str  # the field of the related rows that points to the record


@cache  # expressions are copied, never changed, by the queries that use them
def parts(model, language):
    """The ``SEARCHED`` texts of ``model`` (a model class, possibly a migration's), in ``language``."""
    resolved = []
    for searched in SEARCHED[model._meta.label]:
        relation, _, field = searched.path.rpartition("__")
        related = link = None
        if relation:
            reverse = model._meta.get_field(relation)
            if not (reverse.one_to_many and reverse.auto_created):
                raise ValueError(f"{searched.path}: only rows pointing to the record can be searched")
            related, link = reverse.related_model, reverse.field.name
        if searched.translated:
            text = translated(field, language)
        else:
            value = Left(field, searched.max_length) if searched.max_length else F(field)
            text = Text(value, F(searched.language) if searched.language else Value(language))
        resolved.append(Part(searched, text, language, field, related, link))
    return tuple(resolved)


def related_rows(part):
    return part.related._base_manager.filter(**{part.link: OuterRef("pk")})


def in_order(part):
    """The record's related rows in their own order (the first that matches gives the excerpt)."""
    ordering = [name for name in part.related._meta.ordering if name.lstrip("-") != part.link]
    return related_rows(part).order_by(*ordering, "pk")


def related_text(part, value):
    """``value`` of every related row of the record, as one text (NULL without any)."""
    rows = related_rows(part).order_by().values(part.link)
    return Subquery(rows.annotate(search_text=StringAgg(value, " ")).values("search_text"))


def stored_vector(model, language):
    """The expression of ``model``'s stored vector in ``language``: what ``.update()`` writes to it."""
    config = CONFIGURATIONS[language]
    vectors = [
        SearchVector(
            part.text.value if part.related is None else related_text(part, part.text.value),
            config=config,
            weight=part.searched.weight,
        )
        for part in parts(model, language)
        if part.searched.weight
    ]
    return reduce(operator.add, vectors)


def stored_vectors(model):
    """{field: expression} of each stored vector of ``model``: ``records.update(**stored_vectors(model))``."""
    return {vector_field(language): stored_vector(model, language) for language in CONFIGURATIONS}


def is_full_text(queryset):
    return connections[queryset.db].vendor == "postgresql"


def excerpted(value):
    return Left(value, EXCERPT_SEARCHED_CHARACTERS)


class Headline(Func):
    """``ts_headline(config, text, query, options)``: ``text`` with the matches of ``query`` marked."""

    function = "ts_headline"
    output_field = TextField()


class FullTextSearch:
    """The expressions of one PostgreSQL full-text search for ``query``, in ``language``'s configuration."""

    def __init__(self, query, language):
        self.language = language
        self.config = CONFIGURATIONS[language]
        # websearch_to_tsquery reads quotes, "or" and "-" like a search engine and never fails on odd input.
        self.query = SearchQuery(query, config=self.config, search_type="websearch")
        self.search_config = SearchConfig(self.config)

    def matches(self, value):
        """``value`` (computed now) matches: only for the few rows shown."""
        return SearchVectorExact(SearchVector(value, config=self.config), self.query)

    def in_vector(self, queryset):
        """The records whose stored vector matches (through its GIN index)."""
        return queryset.filter(**{vector_field(self.language): self.query})

    def in_related_vectors(self, queryset):
        """The records with related rows (files) whose own stored vector matches; None if there are none."""
        found = [
            Q(pk__in=self.in_vector(part.related._base_manager.all()).values(part.link))
            for part in parts(queryset.model, self.language)
            if part.searched.weight is None
        ]
        return queryset.filter(reduce(operator.or_, found)) if found else None

    def ranked(self, queryset):
        # Normalised by the vector's length: a long text does not outrank a title by sheer size.
        rank = SearchRank(F(vector_field(self.language)), self.query, normalization=Value(1))
        ordering = ("-search_rank", *queryset.model._meta.ordering, "pk")
        return queryset.annotate(search_rank=rank).order_by(*ordering)

    def results(self, queryset):
        """``queryset``'s records whose stored vector, or one of their related rows' (files), matches, best
        first."""
        in_index = self.in_related_vectors(queryset)
        found = self.in_vector(queryset) if in_index is None else (self.in_vector(queryset) | in_index)
        return self.ranked(found)

    def best(self, queryset, limit):
        """[(pk, rank)] of the best ``limit`` results, as ``results()`` orders them, in one or two queries.

        The records whose vector matches are ranked first: their related rows' vectors do not count in the
        rank, so the records found only through those come after them all, in the model's order, and are
        only looked up when fewer than ``limit`` matched. Neither computes a vector: both read stored ones.
        """
        best = ranks(self.ranked(self.in_vector(queryset)), limit)
        in_index = self.in_related_vectors(queryset)
        if in_index is not None and len(best) < limit:
            others = in_index.exclude(pk__in=[pk for pk, _rank in best]).annotate(search_rank=Value(0.0))
            best += ranks(others.order_by(*queryset.model._meta.ordering, "pk"), limit - len(best))
        return best

    def headline(self, value, options):
        return Headline(self.search_config, value, self.query, HEADLINE_OPTIONS[options])

    def marked(self, text, options):
        """``[marked text, language]``: a plain array, much cheaper for Django to compile than JSON."""
        return Func(
            self.headline(text.value, options),
            text.language,
            template="ARRAY[%(expressions)s]",
            output_field=ArrayField(TextField()),
        )

    def related_excerpt(self, part):
        """The excerpt of the first of the record's related rows (as ``part`` relates them) whose text
        matches: matched by their stored vectors if they have some (files), else by their text."""
        text = Text(excerpted(part.text.value), part.text.language)
        rows = in_order(part)
        hits = (
            self.in_vector(rows)
            if part.related._meta.label in SEARCHED
            else rows.filter(self.matches(text.value))
        )
        hits = hits.annotate(search_hit=self.marked(text, EXCERPT_OPTIONS)).values("search_hit")
        return Subquery(hits[:1], output_field=ArrayField(TextField()))

    def highlighted(self, queryset):
        """The records of ``queryset`` (the few shown) with their marked titles and excerpts, in one query.

        The database marks the title and each of the record's own texts; the excerpt is the first of these
        with a match, else the first matching related row's (an objective, a file), else the opening.
        """
        title, own, related = shown_parts(queryset.model, self.language)
        marks = {"search_marked_title": self.headline(title.text.value, TITLE_OPTIONS)}
        for number, part in enumerate(own):
            marks[f"search_marked_{number}"] = self.headline(excerpted(part.text.value), EXCERPT_OPTIONS)
        for number, part in enumerate(related):
            marks[f"search_related_{number}"] = self.related_excerpt(part)
        rows = list(queryset.annotate(**marks))
        for row in rows:
            row.search_title = {"text": row.search_marked_title, "language": text_language(row, title)}
            hits = [
                {"text": getattr(row, f"search_marked_{number}"), "language": text_language(row, part)}
                for number, part in enumerate(own)
            ]
            hits = [hit for hit in hits if START in (hit["text"] or "")]
            for number in range(len(related)):
                if marked := getattr(row, f"search_related_{number}"):
                    hits.append({"text": marked[0], "language": marked[1]})
            row.search_excerpt = hits[0] if hits else opening(row, own)
        return rows


def text_language(row, part):
    """The language of the text of ``part`` that a loaded ``row`` shows (its own or the fallback's)."""
    if not part.searched.translated:
        return part.language
    other = settings.MODELTRANSLATION_FALLBACK_LANGUAGES[part.language][0]
    return part.language if getattr(row, f"{part.field}_{part.language}") else other


def text_of(row, part):
    """What ``translated()`` reads, from a loaded row."""
    return getattr(
        row, f"{part.field}_{text_language(row, part)}" if part.searched.translated else part.field
    )


def opening(row, own):
    """The first non-empty one of the row's own texts, unmarked: the excerpt of a result found by its title
    alone."""
    for part in own:
        if text := text_of(row, part):
            return {"text": text[:OPENING_CHARACTERS], "language": text_language(row, part)}
    return None


def ranks(queryset, limit):
    """[(pk, search_rank)] of the first ``limit`` records, read without modeltranslation's fallback handling
    of each row (``rewrite(False)``: ids and numbers need none; orderings are rewritten already)."""
    plain = queryset.rewrite(False) if hasattr(queryset, "rewrite") else queryset
    return list(plain.values_list("pk", "search_rank")[:limit])


def shown_parts(model, language):
    """(the title's part, the model's own excerpt parts, its related rows' excerpt parts)."""
    resolved = parts(model, language)
    [title] = [part for part in resolved if part.searched.shown == TITLE]
    excerpts = [part for part in resolved if part.searched.shown == EXCERPT]
    own = [part for part in excerpts if part.related is None]
    return title, own, [part for part in excerpts if part.related is not None]


# --- SQLite: the `make run` demo only -----------------------------------------------------------------------
# SQLite has no full-text search worth the name for Spanish. The demo needs the page to work, not to rank:
# every word must appear in one of the fields, where a plain vowel also matches its accented forms.
ACCENTED = {"a": "aáàâä", "e": "eéèêë", "i": "iíìîï", "o": "oóòôö", "u": "uúùûü", "n": "nñ", "c": "cç"}


def word_pattern(word):
    plain = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))
    return "".join(f"[{ACCENTED[c]}]" if c in ACCENTED else re.escape(c) for c in plain)


def query_words(query):
    return re.findall(r"\w+", query)[:10]


def simple_fields(model):
    """The database fields (each language's) of ``model``'s searched texts, for lookups."""
    codes = [code for code, _name in settings.LANGUAGES]
    fields = []
    for searched in SEARCHED[model._meta.label]:
        fields += [f"{searched.path}_{code}" for code in codes] if searched.translated else [searched.path]
    return fields


def simple_results(queryset, query):
    words = query_words(query)
    if not words:
        return queryset.none()
    fields = simple_fields(queryset.model)
    matches = queryset
    for word in words:
        pattern = word_pattern(word)
        matches = matches.filter(reduce(operator.or_, (Q(**{f"{f}__iregex": pattern}) for f in fields)))
    # Filtering through related rows repeats a result once per matching row: keep each once.
    return queryset.filter(pk__in=matches.values("pk")).annotate(search_rank=Value(0.0))


def simple_highlighted(queryset, language):
    title, own, _related = shown_parts(queryset.model, language)
    rows = list(queryset)
    for row in rows:
        row.search_title = {"text": text_of(row, title), "language": text_language(row, title)}
        row.search_excerpt = opening(row, own)
    return rows


def mark_words(text, query):
    patterns = sorted((word_pattern(word) for word in query_words(query)), key=len, reverse=True)
    if not patterns:
        return text
    return re.sub("|".join(patterns), lambda m: f"{START}{m.group(0)}{STOP}", text, flags=re.I)


# --- Searching a queryset -----------------------------------------------------------------------------------


class SearchableQuerySet(models.QuerySet):
    """``search()``, ``best_matches()`` and ``highlighted()``: the querysets of the ``SEARCHED`` models."""

    def search(self, query, language):
        """The records matching ``query`` in ``language``, best first, each with its ``search_rank``."""
        if not is_full_text(self):
            return simple_results(self, query)
        return FullTextSearch(query, language).results(self)

    def best_matches(self, query, language, limit):
        """[(pk, rank)] of the first ``limit`` of ``search()``, found through indexes (see FullTextSearch)."""
        if not is_full_text(self):
            return ranks(simple_results(self, query), limit)
        return FullTextSearch(query, language).best(self, limit)

    def highlighted(self, query, language):
        """The records (the few shown: a list), each with ``search_title`` and ``search_excerpt``:
        ``{"text": …, "language": …}``, the text with its matches between START and STOP and the language it
        is really written in (they differ when it falls back)."""
        if not is_full_text(self):
            return simple_highlighted(self, language)
        return FullTextSearch(query, language).highlighted(self)


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
    """One page of the records of ``queryset`` matching ``query``, best first, and how many match.

    A few queries, however many match: the ids and ranks of the best MAX_COUNTED + 1 (``best_matches``: one
    query, two for documents found by their files' text alone; a page past the last is the last, and
    ``is_capped`` says there are more than MAX_COUNTED), then the rows of this page with their marked titles
    and excerpts, computed for them alone.
    """

    limit = MAX_COUNTED

    def __init__(self, queryset, query, language, number, size):
        ranked = queryset.best_matches(query, language, MAX_COUNTED + 1)
        self.size = size
        self.is_capped = len(ranked) > MAX_COUNTED
        self.total = min(len(ranked), MAX_COUNTED)
        self.num_pages = max(1, math.ceil(self.total / size))
        # Past the last page (an old link, an edited address): show the last page instead.
        self.number = min(number, self.num_pages)
        start = (self.number - 1) * size
        shown = dict(ranked[start : start + size])
        rows = queryset.filter(pk__in=shown).highlighted(query, language) if shown else []
        by_pk = {row.pk: row for row in rows}
        self.results = []
        for pk, rank in shown.items():
            if pk in by_pk:  # unless deleted in between
                by_pk[pk].search_rank = rank
                self.results.append(by_pk[pk])

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def has_previous(self):
        return self.number > 1
