"""Site search: published groups, documents (their files' text too) and countries, in the page's language."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from documents.models import Document, DocumentFile
from groups.models import Country, WorkingGroup
from groups.search import highlighted, mark_words, word_pattern
from tests import factories
from tests.documents import samples

pytestmark = pytest.mark.django_db

# A word no seed text contains, to find one record and nothing else.
RARE = "quimpiri"


def html(response):
    return response.content.decode()


def results(response):
    """Each result's link and title text (marks removed), in the page's order."""
    found = re.findall(r'class="search-result">\s*<h3><a href="([^"]+)">(.*?)</a></h3>', html(response), re.S)
    return [(url, re.sub(r"<[^>]+>", "", title)) for url, title in found]


def result_urls(response):
    return [url for url, _title in results(response)]


def search(client, query, language="es", **params):
    with translation.override(language):
        url = reverse("search")
    return client.get(url, {"q": query, **params})


@pytest.fixture
def peru(postgres_required, peru_content):
    return peru_content


@pytest.fixture
def cusco(peru):
    return WorkingGroup.objects.get(slug="cusco")


@pytest.fixture
def formalization(peru):
    return Document.objects.get(slug="formalizacion-pequena-mineria-y-mineria-artesanal")


class TestFindingThePeruContent:
    def test_spanish_visitors_find_cusco_by_its_rondas_campesinas(self, client, cusco):
        response = search(client, "rondas campesinas")
        assert response.status_code == 200
        assert '<html lang="es">' in html(response)
        assert results(response) == [("/es/paises/peru/cusco/", cusco.name_es)]
        assert "de las <mark>rondas</mark> <mark>campesinas</mark> y de otras" in html(response)

    def test_english_visitors_find_cusco_by_its_peasant_patrols(self, client, cusco):
        response = search(client, "peasant patrols", "en")
        assert results(response) == [("/en/countries/peru/cusco/", cusco.name_en)]
        assert "public security, <mark>peasant</mark> <mark>patrols</mark>, and others" in html(response)

    def test_accents_do_not_matter(self, client, formalization):
        response = search(client, "formalizacion")
        assert result_urls(response) == ["/es/documentos/formalizacion-pequena-mineria-y-mineria-artesanal/"]
        assert "El proceso de <mark>formalización</mark> de la pequeña minería" in html(response)

    def test_nor_does_case(self, client, peru):
        for query in ("cusco", "CUSCO", "Cusco", "cUsCo"):
            urls = result_urls(search(client, query))
            assert "/es/paises/peru/cusco/" in urls, query
            assert "/es/paises/peru/" in urls, query
            assert "/es/documentos/mapeo-de-actores-cusco/" in urls, query

    def test_words_are_stemmed_in_the_visitors_language(self, client, cusco):
        # "patrol" finds "patrols"; "campesina" finds "campesinas".
        assert result_urls(search(client, "patrol", "en")) == [cusco.get_absolute_url()]
        assert "/es/paises/peru/cusco/" in result_urls(search(client, "ronda campesina"))

    def test_search_engine_syntax_works(self, client, peru):
        without_mapping = result_urls(search(client, "cusco -mapeo"))
        assert "/es/paises/peru/cusco/" in without_mapping
        assert "/es/documentos/mapeo-de-actores-cusco/" not in without_mapping
        assert result_urls(search(client, '"campesinas rondas"')) == []  # the phrase is in the other order
        either = result_urls(search(client, "GT-PV or formalización"))
        assert "/es/paises/peru/lima/" in either
        assert "/es/documentos/formalizacion-pequena-mineria-y-mineria-artesanal/" in either

    def test_groups_documents_and_countries_are_grouped_by_kind(self, client, peru):
        page = html(search(client, "cusco"))
        headings = re.findall(r'<h2 id="results-(\w+)">', page)
        assert headings == ["groups", "documents", "countries"]
        assert "Grupo de trabajo · Cusco, Perú" in page
        assert "Documento · Mapeo de actores" in page
        assert '<p class="meta">País</p>' in page

    def test_each_result_links_to_its_page(self, client, peru):
        for url in result_urls(search(client, "cusco", "en")):
            assert client.get(url).status_code == 200, url

    def test_querysets_search_in_the_given_language(self, cusco, formalization):
        assert list(WorkingGroup.objects.published().search("rondas campesinas", "es")) == [cusco]
        assert list(WorkingGroup.objects.published().search("peasant patrols", "en")) == [cusco]
        assert list(Document.objects.published().search("formalizacion minera", "es")) == [formalization]
        assert list(Country.objects.with_published_groups().search("perú", "en")) == [cusco.country]


class TestDocumentFiles:
    def test_a_word_only_inside_a_file_finds_its_document(self, client, peru):
        document = factories.make_document(title_es="Informe anual", title_en="Annual report", slug="informe")
        samples.make_document_file(
            document, content=samples.pdf_bytes((f"El {RARE} de la cuenca alta",)), name="Informe.pdf"
        )
        assert RARE in DocumentFile.objects.get(document=document).text
        response = search(client, RARE)
        assert result_urls(response) == ["/es/documentos/informe/"]
        assert f"<mark>{RARE}</mark> de la cuenca alta" in html(response)

    def test_an_excerpt_from_a_spanish_file_is_marked_spanish_on_english_pages(self, client, peru):
        document = factories.make_document(title_es="Informe anual", title_en="Annual report", slug="informe")
        samples.make_document_file(document, content=samples.pdf_bytes((f"El {RARE} de la cuenca",)))
        response = search(client, RARE, "en")
        assert results(response) == [("/en/documents/informe/", "Annual report")]
        assert f'<span lang="es">… <mark>{RARE}</mark> de la cuenca …</span>' in html(response)

    def test_a_title_match_ranks_above_a_match_deep_in_a_file(self, client, peru):
        in_file = factories.make_document(slug="in-file", title_es="Acta de sesión")
        samples.make_document_file(in_file, content=samples.pdf_bytes((f"Se mencionó el {RARE}.",)))
        in_title = factories.make_document(slug="in-title", title_es=f"Guía del {RARE}")
        assert result_urls(search(client, RARE)) == [in_title.get_absolute_url(), in_file.get_absolute_url()]

    def test_a_huge_extracted_text_is_searched_without_error(self, client, peru):
        # Over 1 MB of distinct words: more than PostgreSQL can hold in one tsvector. The start is searched.
        document = factories.make_document(slug="huge")
        text = f"{RARE} " + " ".join(f"palabra{number:07d}" for number in range(80_000))
        DocumentFile.objects.create(
            document=document, file="documents/huge.pdf", format="pdf", sha256="0" * 64, text=text
        )
        assert result_urls(search(client, RARE)) == ["/es/documentos/huge/"]

    @pytest.mark.parametrize("language", ["es", "en"])
    def test_files_are_matched_through_their_stored_vectors_index(self, peru, language):
        # Test data is too small for the planner to choose an index by itself: forbid the alternative.
        sql, params = Document.objects.published().search(RARE, language).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"Bitmap Index Scan on documentfile_search_{language}" in plan


class TestOnlyPublishedContent:
    def test_drafts_are_never_found(self, client, staff_client, peru):
        group = factories.make_group(country=peru, slug="borrador", overview_es=f"Un {RARE}.", status="draft")
        factories.make_objective(group=factories.make_group(status="draft"), text_es=f"Objetivo {RARE}")
        document = factories.make_document(slug="draft-doc", title_es=f"Borrador {RARE}", status="draft")
        samples.make_document_file(document, content=samples.pdf_bytes((f"Texto {RARE}",)))
        factories.make_group(country=factories.make_country(name_es=f"País {RARE}"), status="draft")
        for visitor in (client, staff_client):
            for language in ("es", "en"):
                response = search(visitor, RARE, language)
                assert response.status_code == 200
                assert results(response) == []
        assert not WorkingGroup.objects.published().search(RARE, "es").exists()
        group.status = "published"
        group.save()
        assert result_urls(search(client, RARE)) == [group.get_absolute_url()]

    def test_a_country_is_found_only_while_it_has_a_published_group(self, client, peru):
        country = factories.make_country(slug="chile", name_es="Chile", name_en="Chile", iso_code="CL")
        group = factories.make_group(country=country, status="draft")
        assert "/es/paises/chile/" not in result_urls(search(client, "chile"))
        group.status = "published"
        group.save()
        assert "/es/paises/chile/" in result_urls(search(client, "chile"))


class TestHighlightingAndFallbacks:
    def test_the_query_is_echoed_escaped_and_markup_finds_nothing(self, client, peru):
        response = search(client, "<script>alert(1)</script>")
        page = html(response)
        assert response.status_code == 200
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page  # the header's box keeps the query
        assert results(response) == []
        assert "No se encontró nada" in page

    def test_markup_in_stored_text_is_shown_as_text(self, client, peru):
        factories.make_document(
            slug="tags",
            title_es=f'Guía <img src=x onerror="alert(1)"> {RARE}',
            summary_es=f"Costos: 5 < 6 & 7 > 2 según el {RARE} de la cuenca",
        )
        page = html(search(client, RARE))
        assert "<img" not in page
        assert f"Guía &lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>{RARE}</mark>" in page
        assert f"Costos: 5 &lt; 6 &amp; 7 &gt; 2 según el <mark>{RARE}</mark> de la cuenca" in page

    def test_highlighting_escapes_everything_but_its_own_marks(self):
        with translation.override("es"):
            markup = '<b onclick="x">a</b> \x02rondas\x03 \x02sin cierre'
            text = highlighted({"text": markup, "language": "es"}, "")
            middle = highlighted({"text": "de las \x02rondas\x03.", "language": "en"}, "")
        assert text == "&lt;b onclick=&quot;x&quot;&gt;a&lt;/b&gt; <mark>rondas</mark> sin cierre …"
        assert middle == '<span lang="en">… de las <mark>rondas</mark>.</span>'

    def test_a_fallback_excerpt_is_marked_with_its_language(self, client, cusco):
        cusco.overview_en = ""
        cusco.save()
        response = search(client, "cooperación multiactor", "en")
        assert results(response) == [("/en/countries/peru/cusco/", cusco.name_en)]
        excerpt = r'<span lang="es">[^<]*<mark>cooperación</mark> <mark>multiactor</mark>'
        assert re.search(excerpt, html(response))

    def test_a_fallback_title_is_marked_with_its_language(self, client, peru):
        group = factories.make_group(country=peru, name_es=f"Grupo {RARE}", name_en="")
        page = html(search(client, RARE, "en"))
        title = f'<span lang="es">Grupo <mark>{RARE}</mark></span>'
        assert f'<a href="{group.get_absolute_url()}">{title}</a>' in page

    def test_search_pages_are_not_indexed_but_other_pages_are(self, client, cusco):
        assert '<meta name="robots" content="noindex">' in html(search(client, "cusco"))
        assert 'name="robots"' not in html(client.get(cusco.get_absolute_url()))


class TestBadInput:
    def test_an_empty_query_asks_for_words(self, client, peru):
        for query in ("", "   ", "\t"):
            response = search(client, query)
            assert response.status_code == 200
            assert "Escriba lo que busca" in html(response)
        assert "Type what you are looking for" in html(client.get("/en/search/"))

    def test_a_very_long_query_is_shortened_and_says_so(self, client, peru):
        response = search(client, "cusco " + "x" * 400)
        page = html(response)
        assert response.status_code == 200
        assert "solo se usaron sus primeros 200 caracteres" in page
        # What the page says it searched for is cut; only the language switcher's link carries the original.
        main = page.split("<main", 1)[1]
        assert f"«cusco {'x' * 194}»" in main and "x" * 195 not in main

    @pytest.mark.parametrize(
        "query",
        [
            "&|!:*",
            "'; DROP TABLE groups_workinggroup; --",
            '"unbalanced quote',
            "(((cusco",
            "cusco <-> lima",
            "cusco:*",
            "!!!",
            "or",
            "-",
            "%_\\",
            "de la",  # only stop words
            "🙂 cusco",
            "cusco\x00lima",
            "x" * 5000,
        ],
    )
    def test_odd_queries_never_fail(self, client, peru, query):
        for language in ("es", "en"):
            response = search(client, query, language)
            assert response.status_code == 200, query
        assert WorkingGroup.objects.exists()

    def test_odd_parameters_are_ignored(self, client, peru):
        for params in (
            "q=zzz&q=cusco",
            "q=cusco&page=abc",
            "q=cusco&page=-1",
            "q=cusco&page=99999999999999999999",
            "q=cusco&page=%C2%B2",
            "q=cusco&kind=nonsense",
            "q=cusco&kind=documents&page=99",
            "q[]=cusco",
            "page=2",
        ):
            response = client.get(f"/es/buscar/?{params}")
            assert response.status_code == 200, params
        assert "/es/paises/peru/cusco/" in result_urls(client.get("/es/buscar/?q=zzz&q=cusco"))

    def test_only_get(self, client, peru):
        assert client.post("/es/buscar/", {"q": "cusco"}).status_code == 405


class TestManyResults:
    @pytest.fixture
    def many(self, peru):
        document_type = factories.make_document_type()
        for number in range(30):
            group = factories.make_group(country=peru, slug=f"g{number}", overview_es=f"Sobre {RARE}")
            for order in range(5):
                factories.make_objective(group=group, text_es=f"Objetivo {RARE} {order}")
                factories.make_activity(group=group, title_es=f"Actividad {RARE} {order}")
            document = factories.make_document(
                slug=f"d{number}", title_es=f"Documento {number}", document_type=document_type, groups=[group]
            )
            DocumentFile.objects.create(
                document=document,
                file=f"documents/d{number}.pdf",
                format="pdf",
                sha256="0" * 64,
                text=f"Texto del documento {number} sobre el {RARE}. " * 50,
            )

    def test_a_search_takes_a_few_queries_per_kind_however_many_results(
        self, client, many, django_assert_num_queries
    ):
        # Ids and ranks, then the page's rows; documents found by their files alone take one more.
        with django_assert_num_queries(2 + 3 + 1):  # groups, documents, countries (none found)
            response = search(client, RARE)
        page = html(response)
        assert len(results(response)) == 10  # five groups, five documents
        assert '<span class="search-count">(30)</span>' in page
        assert "Ver los 30 grupos de trabajo encontrados" in page
        assert "Ver los 30 documentos encontrados" in page
        assert f"?q={RARE}&amp;kind=documents" in page

    def test_all_results_of_one_kind_come_in_pages(self, client, many, django_assert_num_queries):
        with django_assert_num_queries(3):
            first = search(client, RARE, kind="documents")
        assert len(results(first)) == 20 and "Página 1 de 2" in html(first)
        assert f"?q={RARE}&amp;kind=documents&amp;page=2" in html(first)
        second = search(client, RARE, kind="documents", page=2)
        assert len(results(second)) == 10 and "Página 2 de 2" in html(second)
        assert not set(result_urls(first)) & set(result_urls(second))
        assert "Volver a todos los resultados" in html(second)
        # A page past the end (an old link) shows the last one.
        assert result_urls(search(client, RARE, kind="documents", page=7)) == result_urls(second)


class TestSearchBoxAndAddresses:
    def test_the_search_page_has_a_spanish_address(self, client, db):
        with translation.override("es"):
            assert reverse("search") == "/es/buscar/"
        with translation.override("en"):
            assert reverse("search") == "/en/search/"

    @pytest.mark.parametrize("language", ["es", "en"])
    def test_every_page_has_the_search_box_in_its_header(self, client, cusco, language):
        with translation.override(language):
            action = reverse("search")
            pages = [reverse("home"), reverse("about"), cusco.get_absolute_url(), reverse("documents:list")]
        label = {"es": "Buscar en el portal", "en": "Search the portal"}[language]
        for url in pages:
            header = re.search(r"<header.*?</header>", html(client.get(url)), re.S).group(0)
            form = re.search(r'<form class="site-search" role="search" method="get" action="([^"]+)"', header)
            assert form and form.group(1) == action, url
            assert f'<label class="visually-hidden" for="site-search-query">{label}</label>' in header
            assert '<input id="site-search-query" type="search" name="q"' in header

    def test_robots_txt_keeps_crawlers_off_search_results_in_both_languages(self, client, db):
        body = html(client.get("/robots.txt"))
        assert "Disallow: /es/buscar/" in body and "Disallow: /en/search/" in body


class TestSQLiteFallback:
    """The `make run` demo's search (SQLite has no full-text search): the pieces that need no database."""

    def test_a_plain_letter_matches_its_accented_forms(self):
        assert re.search(word_pattern("formalizacion"), "Formalización minera", re.I)
        assert re.search(word_pattern("Perú"), "peru", re.I)
        assert re.search(word_pattern("a.b"), "axb") is None  # the visitor's characters are not a pattern

    def test_words_are_marked_without_regard_to_accents(self):
        assert mark_words("La formalización", "FORMALIZACION") == "La \x02formalización\x03"

    def test_the_search_configurations_migration_does_nothing_on_sqlite(self):
        import importlib

        migration = importlib.import_module("groups.migrations.0004_search_configurations")

        class SQLiteEditor:
            class connection:  # noqa: N801 - stands for schema_editor.connection
                vendor = "sqlite"

            def execute(self, sql):
                raise AssertionError(sql)

        migration.create_configurations(None, SQLiteEditor())
        migration.drop_configurations(None, SQLiteEditor())


@pytest.fixture
def staff_client(db, client):
    from django.test import Client

    user = factories.make_user(is_staff=True)
    staff = Client()
    staff.force_login(user)
    return staff
