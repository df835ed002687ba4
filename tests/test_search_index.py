"""The search's stored vectors (groups/search.py, groups/search_index.py): current after every kind of edit,
read through their GIN indexes, counted up to a cap, marked for the rows shown only; and the library's order
read from an index."""

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from documents import services
from documents.models import Document, DocumentFile
from groups.models import Country, WorkingGroup
from groups.search import CONFIGURATIONS, MAX_COUNTED, ResultPage
from groups.search_index import paused, update_search_index
from tests import factories
from tests.documents import samples
from tests.groups.test_roles import form_data

pytestmark = pytest.mark.django_db

# Words no other text holds, one per language, so that each vector is checked on its own.
SPANISH, ENGLISH = "quimpiri", "zorblat"


def holds(record, word, language):
    """Whether ``record``'s stored vector in ``language`` matches ``word`` (read from the database)."""
    query = SearchQuery(word, config=CONFIGURATIONS[language])
    return type(record)._base_manager.filter(pk=record.pk, **{f"search_{language}": query}).exists()


def search_page(client, query, language="es", **params):
    with translation.override(language):
        return client.get("/es/buscar/" if language == "es" else "/en/search/", {"q": query, **params})


def explain(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def admin_client(postgres_required):
    client = Client()
    client.force_login(factories.make_superuser())
    return client


# --- Kept current ------------------------------------------------------------------------------------------


class TestKeptCurrent:
    def test_a_group_edited_in_the_admin_in_both_languages_is_found_by_its_new_words(self, admin_client):
        group = factories.make_group(vision_es="Una visión antigua.", vision_en="An old vision.")
        url = f"/admin/groups/workinggroup/{group.pk}/change/"
        data = form_data(admin_client.get(url))
        data.update(vision_es=f"La visión del {SPANISH}.", vision_en=f"The {ENGLISH} vision.")
        # …and an objective added on the same page: the admin saves it after the group.
        data.update(
            {
                "objectives-TOTAL_FORMS": "1",
                "objectives-0-text_es": "Un objetivo sobre la cuenca alta.",
                "objectives-0-text_en": "An objective about the upper basin.",
                "objectives-0-order": "1",
            }
        )
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
        assert holds(group, SPANISH, "es") and not holds(group, "antigua", "es")
        assert holds(group, ENGLISH, "en") and not holds(group, "old", "en")
        assert holds(group, "cuenca", "es") and holds(group, "basin", "en")
        assert not holds(group, ENGLISH, "es")

    def test_an_empty_translation_falls_back_to_the_spanish_text_as_pages_do(self, postgres_required):
        group = factories.make_group(vision_es=f"La visión del {SPANISH}.", vision_en="")
        assert holds(group, SPANISH, "en")
        group.vision_en = f"The {ENGLISH} vision."
        group.save()
        assert holds(group, ENGLISH, "en") and not holds(group, SPANISH, "en")

    def test_objectives_and_activities_edited_or_deleted_change_their_groups_vector(self, postgres_required):
        group = factories.make_group()
        objective = factories.make_objective(group=group, text_es="Objetivo inicial.")
        activity = factories.make_activity(group=group, title_es=f"Taller {SPANISH}")
        assert holds(group, SPANISH, "es")
        objective.text_es = "Objetivo de la cuenca."
        objective.save()
        assert holds(group, "cuenca", "es") and not holds(group, "inicial", "es")
        activity.delete()
        assert not holds(group, SPANISH, "es")
        objective.delete()
        assert not holds(group, "cuenca", "es")

    def test_an_activity_moved_to_another_group_leaves_the_first_ones_vector(self, postgres_required):
        first, second = factories.make_group(), factories.make_group()
        activity = factories.make_activity(group=first, description_es=f"Sobre el {SPANISH}.")
        activity.group = second
        activity.save()
        assert holds(second, SPANISH, "es") and not holds(first, SPANISH, "es")

    def test_a_file_added_and_deleted_changes_what_finds_its_document(self, postgres_required):
        document = factories.make_document(slug="informe", title_es="Informe anual")
        document_file = samples.make_document_file(
            document, content=samples.pdf_bytes((f"El {SPANISH} de la cuenca",))
        )
        assert holds(document_file, SPANISH, "es") and holds(document_file, SPANISH, "en")
        assert ResultPage(Document.objects.published(), SPANISH, "es", 1, 20).total == 1
        services.delete_document_file(document_file)
        assert ResultPage(Document.objects.published(), SPANISH, "es", 1, 20).total == 0

    def test_a_file_uploaded_in_the_admin_is_found(self, admin_client):
        document = factories.make_document(slug="informe", title_es="Informe anual")
        url = f"/admin/documents/document/{document.pk}/change/"
        data = form_data(admin_client.get(url))
        data.update(
            {
                "files-TOTAL_FORMS": "1",
                "files-0-language": "es",
                "files-0-kind": "original",
                "files-0-note": "",
                "files-0-file": samples.upload(
                    "Informe.pdf", samples.pdf_bytes((f"El {SPANISH} de la cuenca",))
                ),
            }
        )
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
        assert [url for url in found_urls(search_page(admin_client, SPANISH))] == ["/es/documentos/informe/"]

    def test_a_document_linked_to_a_group_in_the_admin_keeps_a_current_vector(self, admin_client):
        document = factories.make_document(title_es="Un título antiguo")
        group = factories.make_group()
        url = f"/admin/documents/document/{document.pk}/change/"
        data = form_data(admin_client.get(url))
        data.update({"title_es": f"Guía del {SPANISH}", "groups": [str(group.pk)], "files-TOTAL_FORMS": "0"})
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
        assert list(document.groups.all()) == [group]
        assert holds(document, SPANISH, "es") and not holds(document, "antiguo", "es")
        # Linking from the other end (the group's activities, a script) needs no save of the document.
        other = factories.make_group()
        document.groups.add(other)
        assert holds(document, SPANISH, "es")

    def test_a_country_renamed_is_found_by_its_new_name(self, postgres_required):
        country = factories.make_country(name_es="Arcadia", name_en="Arcadia")
        country.name_es = f"República del {SPANISH}"
        country.save()
        assert holds(country, SPANISH, "es") and not holds(country, "arcadia", "es")

    def test_a_reverted_version_is_indexed_again(self, admin_client):
        # Reverting writes the record as a fixture does (a raw save): the vector is not in the version.
        group = factories.make_group(vision_es=f"La visión del {SPANISH}.")
        call_command("createinitialrevisions", verbosity=0)
        url = f"/admin/groups/workinggroup/{group.pk}/"
        page = admin_client.get(f"{url}change/")
        admin_client.post(f"{url}change/", {**form_data(page), "vision_es": "Otra visión."})
        assert not holds(group, SPANISH, "es")
        from reversion.models import Version

        first = Version.objects.get_for_object(group).order_by("pk").first()
        preview = admin_client.get(f"{url}history/{first.pk}/")
        assert admin_client.post(f"{url}history/{first.pk}/", form_data(preview)).status_code == 302
        assert holds(group, SPANISH, "es")


class TestBulkLoads:
    def test_bulk_created_records_are_found_once_the_index_is_updated(self, postgres_required):
        document_type = factories.make_document_type()
        Document.objects.bulk_create(
            Document(title_es=f"Guía {number} del {SPANISH}", slug=f"g{number}", document_type=document_type)
            for number in range(3)
        )
        assert not Document.objects.filter(search_es__isnull=False).exists()  # bulk_create sends no signal
        out = StringIO()
        call_command("update_search_index", stdout=out)
        lines = out.getvalue().splitlines()
        assert "documents: 3/3" in lines
        assert re.fullmatch(r"Search index updated: .*3 documents, \d+ files in \d+\.\d s\.", lines[-1])
        assert Document.objects.search(SPANISH, "es").count() == 3

    def test_saves_while_paused_leave_the_vectors_for_the_rebuild(self, postgres_required):
        with paused():
            group = factories.make_group(vision_es=f"La visión del {SPANISH}.")
        assert not holds(group, SPANISH, "es")
        update_search_index()
        assert holds(group, SPANISH, "es")


# --- Read through indexes, counted up to a cap, marked for the rows shown -----------------------------------


def found_urls(response):
    return re.findall(r'class="search-result">\s*<h3><a href="([^"]+)"', response.content.decode())


@pytest.fixture
def many_documents(postgres_required):
    """MAX_COUNTED + 5 published documents with the word in their title, 12 with it only in a file."""
    document_type = factories.make_document_type()
    Document.objects.bulk_create(
        Document(
            title_es=f"Guía {number} del {SPANISH}",
            title_en=f"{ENGLISH} guide {number}",
            slug=f"guia-{number}",
            document_type=document_type,
            status="published",
            publication_date=date(2020, 1, 1) + timedelta(days=number),
        )
        for number in range(MAX_COUNTED + 5)
    )
    in_files = Document.objects.bulk_create(
        Document(
            title_es=f"Acta {number}", slug=f"acta-{number}", document_type=document_type, status="published"
        )
        for number in range(12)
    )
    DocumentFile.objects.bulk_create(
        DocumentFile(
            document=document,
            file=f"documents/acta-{document.pk}.pdf",
            sha256="0" * 64,
            format="pdf",
            text=f"Se habló del {SPANISH} y del {ENGLISH}.",
        )
        for document in in_files
    )
    update_search_index()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class TestReadingTheIndexes:
    @pytest.mark.parametrize("language", ["es", "en"])
    def test_every_kind_is_matched_through_its_gin_index_without_computing_a_vector(
        self, postgres_required, language
    ):
        # A few hundred documents and files, one of each with the word: enough for the planner to see that
        # the index finds it faster than reading every row.
        document_type = factories.make_document_type()
        documents = Document.objects.bulk_create(
            Document(title_es=f"Acta {n}", slug=f"a{n}", document_type=document_type, status="published")
            for n in range(300)
        )
        DocumentFile.objects.bulk_create(
            DocumentFile(
                document=d, file=f"documents/{d.pk}.pdf", sha256="0" * 64, format="pdf", text="Acta."
            )
            for d in documents
        )
        factories.make_group(vision_es=f"La visión del {SPANISH}.", vision_en=f"The {ENGLISH} vision.")
        samples.make_document_file(documents[0], language="en", content=samples.pdf_bytes((SPANISH, ENGLISH)))
        update_search_index()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # Still small tables: forbid reading one whole (or a whole other index), to see which is taken.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        word = SPANISH if language == "es" else ENGLISH
        searches = [
            (WorkingGroup.objects.published(), ["workinggroup"]),
            (Country.objects.all(), ["country"]),
            (Document.objects.published(), ["document", "documentfile"]),  # titles, then files
        ]
        for queryset, names in searches:
            with CaptureQueriesContext(connection) as queries:
                ResultPage(queryset, word, language, 1, 5)
            ranking = [q["sql"] for q in queries.captured_queries if "ts_headline" not in q["sql"]]
            assert len(ranking) == len(names)
            for sql, name in zip(ranking, names, strict=True):
                plan = explain(sql)
                assert f"Bitmap Index Scan on {name}_search_{language}" in plan, plan
                assert "to_tsvector" not in plan, plan

    def test_more_than_the_cap_says_more_than_1000(self, client, many_documents, django_assert_num_queries):
        with django_assert_num_queries(1 + 2 + 1):  # ids and ranks, and the rows shown of the documents
            response = search_page(client, ENGLISH, "en")
        page = response.content.decode()
        assert '<span class="search-count">(more than 1,000)</span>' in page
        assert "See more than 1,000 documents found" in page
        with translation.override("es"):
            spanish = search_page(client, SPANISH).content.decode()
        assert '<span class="search-count">(más de 1\xa0000)</span>' in spanish
        assert "Ver más de 1\xa0000 documentos encontrados" in spanish

    def test_pages_of_a_capped_search_stop_at_the_cap(self, client, many_documents):
        first = search_page(client, ENGLISH, "en", kind="documents").content.decode()
        assert "Page 1 of more than 50" in first
        assert "Only the best 1,000 results are listed: add a word to narrow your search." in first
        last = search_page(client, ENGLISH, "en", kind="documents", page=50)
        beyond = search_page(client, ENGLISH, "en", kind="documents", page=51)
        assert found_urls(last) == found_urls(beyond) and len(found_urls(last)) == 20
        assert 'rel="next"' not in last.content.decode()

    def test_documents_found_by_their_files_alone_follow_those_found_by_their_titles(self, postgres_required):
        document_type = factories.make_document_type()
        in_title = factories.make_document(
            slug="in-title", title_es=f"Guía del {SPANISH}", document_type=document_type
        )
        in_file = factories.make_document(slug="in-file", title_es="Acta", document_type=document_type)
        samples.make_document_file(in_file, content=samples.pdf_bytes((f"Se habló del {SPANISH}.",)))
        page = ResultPage(Document.objects.published(), SPANISH, "es", 1, 20)
        assert [row.pk for row in page.results] == [in_title.pk, in_file.pk]
        assert page.results[1].search_rank == 0
        assert "\x02" in page.results[1].search_excerpt["text"]  # the file's words, marked

    def test_headlines_are_computed_for_the_rows_shown_only(self, client, many_documents):
        with CaptureQueriesContext(connection) as queries:
            response = search_page(client, ENGLISH, "en")
        marking = [q["sql"] for q in queries.captured_queries if "ts_headline" in q["sql"]]
        assert len(marking) == 1  # the documents: no group or country holds the word
        shown = re.search(r'"documents_document"\."id" IN \(([^)]*)\)', marking[0]).group(1).split(",")
        assert len(shown) == 5 == len(found_urls(response))


# --- The library reads its order from an index ------------------------------------------------------------


@pytest.fixture
def library(postgres_required):
    document_type = factories.make_document_type()
    Document.objects.bulk_create(
        Document(
            title_es=f"Documento {number}",
            slug=f"doc-{number}",
            document_type=document_type,
            status="published" if number % 10 else "draft",
            publication_date=date(2010, 1, 1) + timedelta(days=number % 4000) if number % 7 else None,
        )
        for number in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")


def first_page_plan(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/es/documentos/", params or {})
    assert response.status_code == 200
    [listing] = [q["sql"] for q in queries.captured_queries if "LIMIT 20" in q["sql"]]
    return explain(listing)


@pytest.mark.parametrize("params", [{}, {"year": "2015"}])
def test_the_librarys_first_page_is_read_in_order_from_an_index(client, library, params):
    plan = first_page_plan(client, params)
    assert "document_library_order" in plan, plan
    assert "Sort" not in plan, plan
