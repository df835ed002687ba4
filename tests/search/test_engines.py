"""Each engine on its own: the search tests run again on SQLite, what only PostgreSQL does (its indexes, its
configurations, phrases) and what only SQLite holds (its FTS5 table).

The suite runs on PostgreSQL, as production does. The SQLite engine (`make run`) is tested by running
tests/search again in a pytest of its own whose DATABASE_URL is an SQLite file: the same tests, migrations
included, on the other engine.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Document, DocumentFile
from sample_data import content
from search.models import Entry
from search.results import Search
from tests import factories
from tests.search.pages import RARE, result_urls, search

ROOT = Path(__file__).resolve().parents[2]
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own")


@on_postgresql
def test_the_search_tests_pass_on_sqlite(tmp_path):
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}"}
    environment.pop("CACHE_DIR", None)  # a page cache of its own (tests/environment.py)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/search"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in summary and "failed" not in summary, summary


# --- PostgreSQL --------------------------------------------------------------------------------------------


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def hundreds(db):
    """A few hundred entries, one of each kind holding the word, and statistics for the planner."""
    document_type = factories.make_document_type()
    documents = Document.objects.bulk_create(
        Document(title_es=f"Acta {n}", slug=f"a{n}", document_type=document_type, status="published")
        for n in range(300)
    )
    DocumentFile.objects.bulk_create(
        DocumentFile(document=d, file=f"documents/{d.pk}.pdf", sha256="0" * 64, format="pdf", text="Acta.")
        for d in documents
    )
    group = factories.make_group(name_es=f"Grupo {RARE}")
    factories.make_contact(group=group, person="Molvina Zeballos")
    DocumentFile.objects.create(
        document=documents[0], language="en", file="documents/x.pdf", sha256="0" * 64, format="pdf", text=RARE
    )
    from search.index import rebuild

    rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # Still small tables: forbid reading one whole, to see which index is taken.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")


@on_postgresql
def test_matches_are_read_through_the_indexes_without_computing_a_vector(hundreds):
    with CaptureQueriesContext(connection) as queries:
        Search(RARE, "es")
    ranking, files = (q["sql"] for q in queries.captured_queries[:2])
    plan = explain(ranking)
    # Each kind through its own index (a kind of a few rows may be read whole, as the planner sees fit).
    assert "search_entry_document_vector" in plan, plan
    assert "to_tsvector" not in plan, plan
    plan = explain(files)
    assert "search_entry_file_vector" in plan, plan


@on_postgresql
def test_misspelt_names_are_looked_up_through_the_trigram_index(hundreds):
    with CaptureQueriesContext(connection) as queries:
        found = Search("Molvona", "es")
    assert found.suggestion == "Molvina"
    [names] = [q["sql"] for q in queries.captured_queries if "search_fold(names)" in q["sql"]]
    # A few hundred rows are read whole or through another index, as the planner sees fit; without those
    # ways (in this test's transaction only, rolled back after it), the lookup must be able to use the
    # trigram index: at 6,000 organizations it does by itself.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ALTER TABLE search_entry DROP CONSTRAINT IF EXISTS search_entry_unique_part")
        cursor.execute("DROP INDEX IF EXISTS search_entry_unique_part")
    assert "search_entry_names_trigrams" in explain(names)


@on_postgresql
def test_names_are_read_without_stemming_accents_or_stop_words(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('names_unaccent', 'Centro de Educación y the Comunicación Zeballos')"
        )
        assert cursor.fetchone()[0] == "'centro':1 'comunicacion':6 'educacion':3 'zeballos':7"
        cursor.execute("SELECT search_fold('Quiñones PÉREZ')")
        assert cursor.fetchone()[0] == "quinones perez"


@on_postgresql
def test_phrases_and_or_are_read_as_a_search_engine_reads_them(client, peru_content):
    assert "/es/paises/peru/cusco/#activities" in result_urls(search(client, '"rondas campesinas"'))
    assert result_urls(search(client, '"campesinas rondas"')) == []
    either = result_urls(search(client, "molvina or quiñones"))
    assert "/es/paises/peru/lima/#contacts" in either and "/es/paises/peru/cusco/#contacts" in either


@on_postgresql
def test_a_hundred_page_files_text_is_indexed_in_the_save(db):
    """The admin's save of a document with a new 100-page PDF: its text's entry is written in the save's
    transaction; the upload itself (storing the file, extracting its text) is measured elsewhere."""
    words = " ".join(
        spanish for spanish, _english in [*content.TOPICS, *content.ACTORS, *content.RECOMMENDATIONS]
    )
    page = (words + " ") * (3000 // len(words) + 1)
    text = "\n".join(f"Página {number}. {page[:3000]}" for number in range(100))
    document = factories.make_document()
    document_file = DocumentFile(document=document, file="documents/cien.pdf", format="pdf", sha256="0" * 64)
    document_file.text = text
    document_file.save()
    assert Entry.objects.filter(part=document_file.pk).exists()
    # (How long it takes is measured by make bench-search, not asserted: tests assert no timings.)


# --- SQLite ------------------------------------------------------------------------------------------------


@on_sqlite
def test_sqlite_holds_the_texts_in_an_fts5_table_kept_in_step_with_the_entries(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_entry_text'")
        assert "remove_diacritics 2" in cursor.fetchone()[0]
        group = factories.make_group(name_es=f"Grupo {RARE}")
        cursor.execute("SELECT count(*) FROM search_entry_text")
        rows = cursor.fetchone()[0]
        assert rows == Entry.objects.count() > 0
        group.delete()
        cursor.execute("SELECT count(*) FROM search_entry_text")
        assert cursor.fetchone()[0] == Entry.objects.count() < rows
