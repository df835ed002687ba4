"""The pieces that need no database: folding, SQLite's light stemming, the reading of a query, the FTS5
expression built from it (tried on an FTS5 table of Python's own SQLite), misspelt names, highlighting."""

import ast
import sqlite3
import string
from pathlib import Path

import pytest
from django.utils import translation

from search.highlighting import START, STOP, highlighted, mark
from search.queries import Query, fts_expression
from search.words import closest_name, fold, stem, stems, words

ROOT = Path(__file__).resolve().parents[2]


class TestWords:
    def test_folding_drops_case_and_accents(self):
        assert fold("Perú") == fold("PERU") == "peru"
        assert words("Educación y Comunicación — Guaman Poma") == [
            "educacion",
            "y",
            "comunicacion",
            "guaman",
            "poma",
        ]
        assert fold("Quiñones") == "quinones"

    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("capacitaciones", "capacitación"),
            ("capacitación", "capacitar"),
            ("formalización", "formalizar"),
            ("derechos", "derecho"),
            ("humanos", "humanas"),
            ("mujeres", "mujer"),
            ("mineras", "minería"),
            ("pueblos", "pueblo"),
            ("nacionales", "nacional"),
            ("patrols", "patrol"),
            ("grievances", "grievance"),
            ("mechanisms", "mechanism"),
            ("consultations", "consultation"),
            ("policies", "policy"),
        ],
    )
    def test_a_words_forms_share_a_stem_that_prefixes_them_all(self, a, b):
        # SQLite finds a word by the prefix of its stem: each form starts with the other's stem.
        assert fold(a).startswith(stem(fold(b))) and fold(b).startswith(stem(fold(a))), (
            stem(fold(a)),
            stem(fold(b)),
        )

    def test_short_words_are_not_trimmed_to_nothing(self):
        assert stem("lima") == "lima" and stem("casos") == "caso" and stem("peru") == "peru"

    def test_stop_words_narrow_nothing(self):
        assert stems("gestión del agua") == ["gest", "agua"]
        assert stems("de la") == [] and stems("the of") == []


class TestQueries:
    def test_a_query_is_read_once_for_both_engines(self):
        query = Query.parse('rondas campesinas -lima "cusco" or guaman')
        assert query.text == 'rondas campesinas "cusco" or guaman'
        assert query.excluded == ("lima",)
        assert query.alternatives == (("rond", "campesin", "cusc"), ("guaman",))

    @pytest.mark.parametrize(
        "typed", ["", " ", "!!!", "or", "-", "-cusco", "de la", "🙂", '"', "***", "\x00"]
    )
    def test_a_query_without_words_to_find_searches_nothing(self, typed):
        assert not Query.parse(typed)

    HOSTILE = [
        '"',
        '"unbalanced',
        'a"b"c',
        "AND OR NEAR(",
        "NEAR(a b, 2)",
        "a AND",
        "OR a",
        "NOT a",
        "a NOT",
        "*",
        "a*",
        "*a",
        "^a",
        "a:b",
        "title:a",
        "a + b",
        "{a b}",
        "a - b",
        "(a",
        "a)",
        "%_'\\",
        "'; DROP TABLE t; --",
        "cusco -",
        "-cusco lima",
        "x" * 200,
        " ".join(string.punctuation),
        "ﬁ ǅ ß İ",
    ]

    @pytest.mark.parametrize("typed", HOSTILE)
    def test_nothing_typed_is_read_as_fts5_syntax(self, typed):
        connection = sqlite3.connect(":memory:")
        connection.execute(
            "CREATE VIRTUAL TABLE t USING fts5(a, b, c, d, tokenize = 'unicode61 remove_diacritics 2')"
        )
        connection.execute("INSERT INTO t VALUES ('Cusco y Lima', 'and or near', 'title a b', 'x')")
        query = Query.parse(typed)
        if query:
            connection.execute("SELECT rowid FROM t WHERE t MATCH ?", [fts_expression(query)]).fetchall()

    def test_the_fts5_expression_quotes_every_stem(self):
        assert fts_expression(Query.parse("Capacitaciones OR near -lima")) == (
            '(("capacit"*) OR ("near"*)) NOT ("lima"*)'
        )


class TestMisspeltNames:
    NAMES = ["molvina", "zeballos", "guaman", "cusco", "quinones", "ayala", "lima", "poma"]

    def one_letter_off(self, word):
        letters = "abcdefghijklmnopqrstuvwxyz"
        for i in range(len(word) + 1):
            for c in letters:
                yield word[:i] + c + word[i:]  # a letter too many
            if i < len(word):
                yield word[:i] + word[i + 1 :]  # one missing
                for c in letters:
                    if c != word[i]:
                        yield word[:i] + c + word[i + 1 :]  # one wrong

    @pytest.mark.parametrize("name", ["molvina", "zeballos", "guaman", "cusco", "quinones", "ayala"])
    def test_every_one_letter_typo_of_a_name_of_five_letters_or_more_finds_it(self, name):
        for typo in self.one_letter_off(name):
            if typo in self.NAMES:
                continue
            assert closest_name(typo, self.NAMES) == name, typo

    def test_shorter_names_and_words_found_as_typed_are_left_alone(self):
        assert closest_name("pomo", self.NAMES) is None  # "poma" has four letters
        assert closest_name("lina", self.NAMES) is None
        assert closest_name("cusco", self.NAMES) is None  # a name itself
        assert closest_name("xyz", self.NAMES) is None


class TestHighlighting:
    def test_marks_are_added_after_escaping(self):
        with translation.override("es"):
            text = highlighted(('<b onclick="x">a</b> \x02rondas\x03 \x02sin cierre', "es"))
            middle = highlighted(("de las \x02rondas\x03.", "en"))
        assert text == "&lt;b onclick=&quot;x&quot;&gt;a&lt;/b&gt; <mark>rondas</mark> sin cierre …"
        assert middle == '<span lang="en">… de las <mark>rondas</mark>.</span>'

    def test_words_are_marked_by_their_stems_whatever_their_accents(self):
        marked = mark("La Formalización y las capacitaciones", ["formaliz", "capacit"])
        assert marked == f"La {START}Formalización{STOP} y las {START}capacitaciones{STOP}"
        assert mark("nada", []) == "nada"

    def test_a_title_is_shown_whole_and_a_name_without_language_is_never_marked(self):
        with translation.override("en"):
            assert highlighted(("Molvina " * 50, ""), 0).count("Molvina") == 50
            assert highlighted(("", "es")) == "" and highlighted(None) == ""


def test_no_content_app_imports_the_search():
    """The arrows point to the hub, and from the search to what it searches: never back."""
    offending = []
    for package in ("groups", "documents", "contacts"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offending += [
                    f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[0] == "search"
                ]
    assert not offending, offending
