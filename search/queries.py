"""The site search's queries, on PostgreSQL (production, the tests) and on SQLite (`make run`), behind one
interface: ``engine_for(using)`` gives an engine that writes entries (``add``) and, for a parsed ``Query``,
ranks the matching records of each kind (``top``), finds the documents matched by their files' text alone
(``found_in_files``), marks the matched words of the results shown (``shown``, ``file_excerpts``) and lists
the name words a misspelt query may have meant (``name_words``).

- PostgreSQL: each record's ``vector`` holds its Spanish texts stemmed in Spanish, its English texts in
  English and its names unstemmed, all without accents (the configurations of groups/0004 and search/0001).
  A query is read in all three ways and matches if any does: a Spanish word finds a record's English text
  when its translation uses it, and the other way round. Ranked by ``ts_rank`` normalised by length, among
  each kind's first thousand matches and first thousand title matches (``top``); the matched words are
  marked by ``ts_headline`` for the rows shown only; misspelt names are looked up through the trigram index
  of ``names`` (pg_trgm).
- SQLite: the FTS5 table ``search_entry_text`` (search/0001), whose tokenizer folds case and accents. Each
  word becomes a prefix query on its stem (search/words.py), quoted so that nothing the visitor types is
  read as FTS5 syntax; ranked by bm25 with the same weights; marked in Python.

Both rank only records' own entries: a document found through its files' text alone comes after those
found by their own texts (reading megabytes of text to rank every match would cost seconds).
"""

import operator
import re
from functools import reduce
from typing import NamedTuple

from django.contrib.postgres.search import SearchVector
from django.db import connections, transaction
from django.db.models import Q, TextField, Value
from django.db.models.expressions import RawSQL

from search.highlighting import START, STOP, around_first_mark, mark
from search.models import Entry
from search.words import WORD, fold, stems, words

CONFIGURATIONS = {"es": "spanish_unaccent", "en": "english_unaccent"}
# Names, and texts in other languages (a file in Portuguese): unstemmed, without accents or stop words.
NAMES_CONFIGURATION = "names_unaccent"
# How much each weight counts: PostgreSQL's ts_rank defaults, given to SQLite's bm25 as column weights.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
FTS_TABLE = "search_entry_text"
# pg_trgm's word similarity of a misspelt word to a name's: one letter changed in five is 0.33.
TRIGRAM_THRESHOLD = 0.3
NAME_CANDIDATES = 50
# The opening of a text shown as the excerpt of a result found by its title alone (enough for its words).
OPENING_CHARACTERS = 600
# ts_headline's options: the whole title marked; an excerpt of two fragments.
TITLE_OPTIONS = f'StartSel="{START}", StopSel="{STOP}", HighlightAll=true'
EXCERPT_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords=25, MinWords=10, ShortWord=2, MaxFragments=2, '
    'FragmentDelimiter=" … "'
)
# A query's parts: a quoted phrase (closed or not, maybe excluded), or anything up to a space.
TOKEN = re.compile(r'-?"[^"]*"?|\S+')


class Query(NamedTuple):
    """What the visitor typed, read once for both engines. ``text``: the words to find, as typed (quotes and
    "or" included: PostgreSQL's websearch_to_tsquery reads them); ``excluded``: the words typed after a "-";
    ``alternatives``: for SQLite, the stems of the words that must all be found, for each side of an "or"."""

    text: str
    excluded: tuple
    alternatives: tuple

    @classmethod
    def parse(cls, typed):
        kept, excluded, alternatives = [], [], [[]]
        for token in TOKEN.findall(typed):
            if token.lower() == "or":
                if alternatives[-1]:
                    alternatives.append([])
                kept.append(token)
            elif token.startswith("-") and WORD.search(token):
                excluded += words(token)
            else:
                kept.append(token)
                alternatives[-1] += stems(token)
        found = tuple(tuple(dict.fromkeys(stems)) for stems in alternatives if stems)
        return cls(" ".join(kept), tuple(dict.fromkeys(excluded)), found)

    def __bool__(self):
        return bool(self.alternatives)

    @property
    def stems(self):
        return tuple(dict.fromkeys(stem for alternative in self.alternatives for stem in alternative))


class Ranked(NamedTuple):
    total: int  # how many records of the kind match
    hits: list  # [(object id, rank)], best first: the first ``limit`` asked for


def engine_for(using="default"):
    return ENGINES[connections[using].vendor](using)


def keys_lookup(keys):
    """The entries of ``keys`` ([(kind, object id)]): one IN per kind."""
    by_kind = {}
    for kind, object_id in keys:
        by_kind.setdefault(kind, []).append(object_id)
    return reduce(operator.or_, (Q(kind=kind, object_id__in=ids) for kind, ids in by_kind.items()))


def grouped(rows):
    """{kind: Ranked} of rows (kind, object id, rank, total)."""
    found = {}
    for kind, object_id, rank, total in rows:
        found.setdefault(kind, Ranked(total, [])).hits.append((object_id, rank))
    return found


def shown_row(entry, language, marked):
    """What a ``language`` results page shows of ``entry``: its title and excerpt (``(text, language)``),
    from ``marked`` ({("title" or "body", language): the text with its matches marked}), and where it leads.

    The excerpt is the body's matches; for a record matched by its other language's texts alone (a Spanish
    word on an English page), those, marked with their language; else the body's opening.
    """
    title = (marked["title", language], entry.shown("title", language)[1])
    excerpt = None
    if START in marked["body", language]:
        excerpt = (marked["body", language], entry.shown("body", language)[1])
    elif START not in title[0]:
        other = [(name, code) for code in CONFIGURATIONS if code != language for name in ("body", "title")]
        excerpt = next(((marked[key], entry.shown(*key)[1]) for key in other if START in marked[key]), None)
    if excerpt is None:
        body, written_in = entry.shown("body", language)
        excerpt = (body[:OPENING_CHARACTERS], written_in) if body else None
    return {
        "title": title,
        "excerpt": excerpt,
        "url": entry.shown("url", language)[0],
        "context": entry.shown("context", language)[0],
        "links": entry.links.get(language, []),
    }


MARKED = [(name, code) for name in ("title", "body") for code in CONFIGURATIONS]
SHOWN_FIELDS = (
    "kind",
    "object_id",
    "links",
    *(f"{name}_{language}" for name in ("title", "body", "url", "context") for language in CONFIGURATIONS),
    *(f"{name}_{language}_language" for name in ("title", "body") for language in CONFIGURATIONS),
)


# --- PostgreSQL ------------------------------------------------------------------------------------------
# Read by hand-written SQL: each query is one statement however many kinds and rows, and building the ORM's
# expressions for a few headlines cost more than running them.

READINGS = (*CONFIGURATIONS.values(), NAMES_CONFIGURATION)
TABLE = Entry._meta.db_table


def configuration_of(column):
    """SQL: the text search configuration of a text written in the language ``column`` holds."""
    cases = " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in CONFIGURATIONS.items())
    return f"CASE {column} {cases} ELSE '{NAMES_CONFIGURATION}'::regconfig END"


def headline(column):
    """SQL: ``column`` (of ``entry``) with the matches of ``search.query`` marked, by its language's rules;
    ts_headline's options a parameter."""
    configuration = configuration_of(f"entry.{column}_language")
    return f"ts_headline({configuration}, entry.{column}, search.query, %s)"


class PostgreSQL:
    def __init__(self, using):
        self.using = using

    def entries(self):
        return Entry.objects.using(self.using)

    def add(self, built):
        """Insert ``built`` ([(unsaved Entry, [(text, language, weight)])]), each vector computed by the
        database from the texts."""
        for entry, texts in built:
            setattr(entry, "file_vector" if entry.part else "vector", vector_of(texts))
        self.entries().bulk_create([entry for entry, _texts in built], batch_size=100)

    def search(self, query):
        """SQL and parameters: the common table ``search`` of one row, ``query``, the tsquery of ``query``,
        read in Spanish, English and as names; with the words typed after "-" refused however they read."""
        readings = " || ".join(f"websearch_to_tsquery('{config}', %s)" for config in READINGS)
        sql, params = f"({readings})", [query.text] * len(READINGS)
        if query.excluded:
            sql = f"({sql} && !!({readings}))"
            params += [" or ".join(query.excluded)] * len(READINGS)
        # Not materialized: each statement reading it sees the tsquery itself, which the planner estimates.
        return f"search AS NOT MATERIALIZED (SELECT {sql} AS query)", params

    def fetch(self, sql, params):
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def top(self, query, kinds, limit, counted):
        """{kind: Ranked} of the records of ``kinds`` whose own entries match, the best ``limit`` of each,
        in one query.

        Each kind's matches are read up to ``counted`` through its own index, unranked (the count stops
        there), and when there are that many, its first ``counted`` matches by title (or name) too; only
        those are ranked. Ranking every one of twenty thousand matches of a common word would take a tenth
        of a second; a title match outranks a match in the text anyway.
        """
        search, params = self.search(query)
        steps, hits = [search], []
        for number, kind in enumerate(kinds):
            rank = "ts_rank(entry.vector, search.query, 1) AS rank"
            source = f"FROM {TABLE} AS entry, search WHERE entry.part = 0 AND entry.kind = %s"
            steps += [
                f"found_{number} AS MATERIALIZED (SELECT entry.id, entry.object_id, {rank} {source} "
                f"AND entry.vector @@ search.query LIMIT %s)",
                # The same expression as the index search_entry_titles (search/0001), which it reads.
                f"titled_{number} AS MATERIALIZED (SELECT entry.id, entry.object_id, {rank} {source} "
                f"AND (SELECT count(*) FROM found_{number}) >= %s "
                f"AND ts_filter(entry.vector, '{{a}}') @@ search.query LIMIT %s)",
            ]
            params += [kind, counted, kind, counted, counted]
            hits.append(
                f"SELECT %s AS kind, id, object_id, rank, (SELECT count(*) FROM found_{number}) AS total "
                f"FROM (SELECT * FROM found_{number} UNION SELECT * FROM titled_{number}) AS candidates"
            )
        sql = (
            f"WITH {', '.join(steps)}, hits AS ({' UNION ALL '.join(hits)}) "
            "SELECT kind, object_id, rank, total FROM (SELECT *, row_number() OVER "
            "(PARTITION BY kind ORDER BY rank DESC, id) AS position FROM hits) AS ranked "
            "WHERE position <= %s ORDER BY kind, position"
        )
        return grouped(self.fetch(sql, [*params, *kinds, limit]))

    def found_in_files(self, query, limit):
        """The ids of the documents whose files' text matches and their own texts do not, newest first."""
        search, params = self.search(query)
        # Files' entries are the only ones with a file_vector: no other condition that an index on the
        # kind could serve, and make the planner read every file's vector.
        sql = (
            f"WITH {search} SELECT DISTINCT entry.object_id FROM {TABLE} AS entry, search "
            "WHERE entry.file_vector @@ search.query AND entry.object_id NOT IN ("
            f"SELECT own.object_id FROM {TABLE} AS own, search WHERE own.part = 0 AND own.kind = %s "
            "AND own.vector @@ search.query) ORDER BY entry.object_id DESC LIMIT %s"
        )
        return [document_id for (document_id,) in self.fetch(sql, [*params, Entry.Kind.DOCUMENT, limit])]

    def shown(self, query, language, keys):
        """{(kind, object id): shown row} of the own entries of ``keys``, matches marked by the database."""
        search, params = self.search(query)
        options = {"title": TITLE_OPTIONS, "body": EXCERPT_OPTIONS}
        marks = ", ".join(f"{headline(f'{name}_{code}')} AS marked_{name}_{code}" for name, code in MARKED)
        params += [options[name] for name, _code in MARKED]
        by_kind = {}
        for kind, object_id in keys:
            by_kind.setdefault(kind, []).append(object_id)
        wanted = " OR ".join(["(entry.kind = %s AND entry.object_id = ANY(%s))"] * len(by_kind))
        columns = ", ".join(f"entry.{column}" for column in ("id", *SHOWN_FIELDS))
        sql = (
            f"WITH {search} SELECT {columns}, {marks} FROM {TABLE} AS entry, search "
            f"WHERE entry.part = 0 AND ({wanted})"
        )
        params += [value for kind, ids in by_kind.items() for value in (kind, ids)]
        found = {}
        for entry in self.entries().raw(sql, params):
            marked = {(name, code): getattr(entry, f"marked_{name}_{code}") or "" for name, code in MARKED}
            for name, code in MARKED:  # a column stored once reads the first language's (Entry.shown)
                if code != Entry.FIRST_LANGUAGE and not getattr(entry, f"{name}_{code}"):
                    marked[name, code] = marked[name, Entry.FIRST_LANGUAGE]
            found[entry.kind, entry.object_id] = shown_row(entry, language, marked)
        return found

    def file_excerpts(self, query, language, document_ids):
        """{document id: (marked excerpt, language)} of the first of each document's files that matches."""
        search, params = self.search(query)
        sql = (
            f"WITH {search} SELECT DISTINCT ON (entry.object_id) entry.object_id, "
            f"{headline('body_es')}, entry.body_es_language FROM {TABLE} AS entry, search "
            "WHERE entry.file_vector @@ search.query AND entry.object_id = ANY(%s) "
            "ORDER BY entry.object_id, entry.part"
        )
        rows = self.fetch(sql, [*params, EXCERPT_OPTIONS, list(document_ids)])
        return {document_id: (text, written_in) for document_id, text, written_in in rows}

    def name_words(self, typed):
        """{folded: as written} of the words of the names that share enough trigrams with one of ``typed``
        (folded words), through the trigram index of the names folded (search/0001)."""
        close = " OR ".join(["%s <%% search_fold(names)"] * len(typed))
        similarity = ", ".join(["word_similarity(%s, search_fold(names))"] * len(typed))
        sql = (
            f"SELECT names FROM {TABLE} WHERE part = 0 AND names <> '' AND ({close}) "
            f"ORDER BY greatest({similarity}, 0) DESC LIMIT %s"
        )
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            # Only for this transaction: pg_trgm's default (0.6) misses one letter changed in five.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)]
            )
            cursor.execute(sql, [*typed, *typed, NAME_CANDIDATES])
            return {fold(word): word for (names,) in cursor.fetchall() for word in names.split()}


def vector_of(texts):
    """The weighted tsvector of [(text, language, weight)]: each text stemmed in its own language."""
    grouped_texts = {}
    for text, language, weight in texts:
        configuration = CONFIGURATIONS.get(language, NAMES_CONFIGURATION)
        grouped_texts.setdefault((configuration, weight), []).append(text)
    vectors = [
        SearchVector(Value("\n".join(values), output_field=TextField()), config=configuration, weight=weight)
        for (configuration, weight), values in sorted(grouped_texts.items())
    ]
    return reduce(operator.add, vectors) if vectors else None


# --- SQLite ---------------------------------------------------------------------------------------------


def fts_expression(query):
    """The FTS5 query of ``query``: each stem a quoted prefix (nothing typed is read as FTS5 syntax), the
    words of each alternative all required, the excluded words' stems refused."""
    quoted = lambda stems: " ".join(f'"{stem}"*' for stem in stems)  # noqa: E731
    expression = " OR ".join(f"({quoted(alternative)})" for alternative in query.alternatives)
    excluded = [stem for word in query.excluded for stem in stems(word)]
    if excluded:
        expression = f"({expression}) NOT ({' OR '.join(quoted([stem]) for stem in excluded)})"
    return expression


class SQLite:
    def __init__(self, using):
        self.using = using

    def entries(self):
        return Entry.objects.using(self.using)

    def add(self, built):
        """Insert ``built`` ([(unsaved Entry, [(text, language, weight)])]) and their texts, by weight, into
        the FTS5 table."""
        entries = self.entries().bulk_create([entry for entry, _texts in built], batch_size=100)
        rows = [
            (
                entry.pk,
                *("\n".join(text for text, _language, w in texts if w == weight) for weight in WEIGHTS),
            )
            for entry, (_entry, texts) in zip(entries, built, strict=True)
        ]
        with connections[self.using].cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, a, b, c, d) VALUES (%s, %s, %s, %s, %s)", rows
            )

    def matching(self, query, **lookups):
        found = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts_expression(query)])
        return self.entries().filter(pk__in=found, **lookups)

    def top(self, query, kinds, limit, counted):
        """As PostgreSQL's, every match ranked: SQLite serves a demonstration's few thousand records."""
        weights = ", ".join(str(weight) for weight in WEIGHTS.values())
        places = ", ".join(["%s"] * len(kinds))
        # bm25() may only be called in the full-text query itself: ranked there, ordered outside.
        sql = f"""
            WITH hits AS MATERIALIZED (
                SELECT entry.kind, entry.object_id, entry.id, -bm25({FTS_TABLE}, {weights}) AS rank
                FROM {FTS_TABLE} JOIN {Entry._meta.db_table} AS entry ON entry.id = {FTS_TABLE}.rowid
                WHERE {FTS_TABLE} MATCH %s AND entry.part = 0 AND entry.kind IN ({places})
            )
            SELECT kind, object_id, rank, total FROM (
                SELECT kind, object_id, rank,
                    row_number() OVER (PARTITION BY kind ORDER BY rank DESC, id) AS position,
                    count(*) OVER (PARTITION BY kind) AS total
                FROM hits
            ) WHERE position <= %s ORDER BY kind, position
        """
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [fts_expression(query), *kinds, limit])
            return grouped(cursor.fetchall())

    def found_in_files(self, query, limit):
        own = self.matching(query, kind=Entry.Kind.DOCUMENT, part=0).values("object_id")
        files = self.matching(query, kind=Entry.Kind.DOCUMENT, part__gt=0).exclude(object_id__in=own)
        return list(files.order_by("-object_id").values_list("object_id", flat=True).distinct()[:limit])

    def shown(self, query, language, keys):
        def marked(entry, name, code):
            text = mark(entry.shown(name, code)[0], query.stems)
            return around_first_mark(text) if name == "body" else text

        return {
            (entry.kind, entry.object_id): shown_row(
                entry, language, {(name, code): marked(entry, name, code) for name, code in MARKED}
            )
            for entry in self.entries().filter(keys_lookup(keys), part=0).only(*SHOWN_FIELDS)
        }

    def file_excerpts(self, query, language, document_ids):
        files = self.matching(query, kind=Entry.Kind.DOCUMENT, part__gt=0, object_id__in=document_ids)
        found = {}
        for document_id, body, written_in in files.order_by("object_id", "part").values_list(
            "object_id", "body_es", "body_es_language"
        ):
            if document_id not in found:
                found[document_id] = (around_first_mark(mark(body, query.stems)), written_in)
        return found

    def name_words(self, typed):
        names = self.entries().filter(part=0).exclude(names="").values_list("names", flat=True)
        return {fold(word): word for value in names.iterator() for word in value.split()}


ENGINES = {"postgresql": PostgreSQL, "sqlite": SQLite}
