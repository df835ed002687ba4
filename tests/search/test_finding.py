"""What visitors find, on either engine: these tests run on PostgreSQL with the suite, and on SQLite in a run
of their own (tests/search/test_engines.py)."""

import re

import pytest
from django.db import connection

from documents.models import Document, DocumentFile
from search.forms import SearchForm
from search.results import Search
from tests import factories
from tests.documents import samples
from tests.search.pages import OTHER_RARE, RARE, html, result_items, result_urls, results, search, sections

pytestmark = pytest.mark.django_db

CUSCO_ES = "Grupo de Trabajo de los Principios Voluntarios de Cusco"
GUAMAN_POMA = "Centro de Educación y Comunicación Guaman Poma de Ayala"
FORMALIZATION = "/es/documentos/formalizacion-pequena-mineria-y-mineria-artesanal/"


class TestNamesOnTheGroupPages:
    def test_guaman_poma_finds_the_organization_and_its_contact_both_leading_to_cusco(self, client, cusco):
        response = search(client, "guaman poma")
        assert response.status_code == 200
        assert ("/es/paises/peru/cusco/#composition", GUAMAN_POMA) in results(response)
        assert ("/es/paises/peru/cusco/#contacts", "Lucio Quiñones") in results(response)
        [organization] = [item for item in result_items(response) if "#composition" in item.split("</h3>")[0]]
        assert f'participa en <a href="/es/paises/peru/cusco/#composition">{CUSCO_ES}</a>' in organization
        assert "<mark>Guaman</mark> <mark>Poma</mark>" in organization

    def test_molvina_finds_the_lima_contact_and_never_an_address(self, client, lima):
        response = search(client, "Molvina")
        assert results(response) == [("/es/paises/peru/lima/#contacts", "Molvina Zeballos")]
        page = html(response)
        assert "Centro de Estudios y Promoción del Desarrollo (DESCO)" in page
        assert "@" not in page.split("<main", 1)[1]
        assert "desco.org.pe" not in page

    @pytest.mark.parametrize("address", ["gpadireccion", "guamanpoma.org", "lucio@guamanpoma.org", "gmail"])
    def test_contacts_are_not_found_by_their_addresses(self, client, peru, address):
        response = search(client, address)
        assert response.status_code == 200
        assert results(response) == []

    def test_the_groups_page_of_each_result_is_where_the_link_goes(self, client, peru):
        for query in ("guaman poma", "molvina", "capacitación", "cusco"):
            for url in result_urls(search(client, query, "en")):
                assert client.get(url.split("#")[0]).status_code == 200, url


class TestForgiving:
    @pytest.mark.parametrize("query", ["formalizacion", "FORMALIZACIÓN", "Formalización", "fOrMaLiZaCiOn"])
    def test_accents_and_case_do_not_matter(self, client, peru, query):
        assert FORMALIZATION in result_urls(search(client, query))

    def test_nor_the_other_way_round(self, client, peru):
        assert ("/es/paises/peru/cusco/#contacts", "Lucio Quiñones") in results(search(client, "QUINONES"))
        assert "/es/paises/peru/" in result_urls(search(client, "perú"))
        assert "/es/paises/peru/" in result_urls(search(client, "PERU"))

    def test_words_are_stemmed(self, client, peru):
        # Spanish: the plural finds the singular; English: "patrol" finds "patrols".
        assert "/es/paises/peru/lima/#objectives" in result_urls(search(client, "capacitaciones"))
        assert "/en/countries/peru/cusco/#activities" in result_urls(search(client, "patrol", "en"))
        factories.make_document(slug="plural", title_en=f"Training {RARE}s for trainers", title_es="Otro")
        assert "/en/documents/plural/" in result_urls(search(client, f"{RARE}", "en"))

    def test_several_words_must_all_be_found(self, client, peru):
        assert result_urls(search(client, "molvina quiñones")) == []
        assert result_urls(search(client, "molvina zeballos")) == ["/es/paises/peru/lima/#contacts"]

    def test_a_word_can_be_left_out(self, client, peru):
        urls = result_urls(search(client, "cusco -mapeo"))
        assert "/es/paises/peru/cusco/" in urls
        assert "/es/documentos/mapeo-de-actores-cusco/" not in urls


class TestEitherLanguage:
    def test_an_english_visitor_typing_spanish_finds_the_translated_record(self, client, cusco):
        response = search(client, "rondas campesinas", "en")
        title = "Training of board of directors and members of rural organizations, artisanal mining, public"
        [(url, found)] = [(url, found) for url, found in results(response) if found.startswith(title)]
        assert url == "/en/countries/peru/cusco/#activities"
        # What matched is in Spanish: shown as such, its words marked.
        assert re.search(
            r'<span lang="es">[^<]*de las <mark>rondas</mark> <mark>campesinas</mark>', html(response)
        )

    def test_a_spanish_visitor_typing_english_finds_it_too(self, client, cusco):
        response = search(client, "peasant patrols")
        assert "/es/paises/peru/cusco/#activities" in result_urls(response)
        assert '<span lang="en">' in html(response)

    def test_a_record_without_translation_is_found_in_its_own_language(self, client, peru):
        factories.make_document(slug="solo", title_es=f"Informe {RARE}", title_en="", summary_en="")
        page = html(search(client, RARE, "en"))
        assert f'<span lang="es">Informe <mark>{RARE}</mark></span>' in page


class TestKindsOfResults:
    def test_results_come_grouped_by_kind_each_with_its_count(self, client, peru):
        found = dict(sections(search(client, "cusco")))
        assert found["groups"] == "1" and found["countries"] == "1" and int(found["documents"]) >= 2
        assert list(found) == [
            kind
            for kind in (
                "groups",
                "documents",
                "organizations",
                "contacts",
                "activities",
                "objectives",
                "countries",
            )
            if kind in found
        ]
        page = html(search(client, "cusco"))
        assert "Grupo de trabajo · Cusco, Perú" in page
        assert "Documento · Mapeo de actores" in page
        assert '<p class="meta">País</p>' in page

    def test_objectives_and_activities_are_results_of_their_own_leading_to_their_section(self, client, lima):
        objective = factories.make_objective(group=lima, text_es=f"Fortalecer el {RARE} regional")
        activity = factories.make_activity(group=lima, title_es=f"Taller {RARE}", description_es="En Lima.")
        response = search(client, RARE)
        assert dict(sections(response)) == {"activities": "1", "objectives": "1"}
        assert set(results(response)) == {
            ("/es/paises/peru/lima/#objectives", f"Fortalecer el {RARE} regional"),
            ("/es/paises/peru/lima/#activities", f"Taller {RARE}"),
        }
        assert f"Objetivo · {lima.name_es}" in html(response) and f"Actividad · {lima.name_es}" in html(
            response
        )
        assert objective.pk and activity.pk

    def test_an_organization_leads_to_each_group_it_takes_part_in(self, client, cusco, lima):
        organization = factories.make_organization(name_es=f"Asociación {RARE}", acronym="ASQ")
        factories.make_membership(group=cusco, organization=organization)
        factories.make_membership(group=lima, organization=organization)
        [item] = result_items(search(client, "ASQ"))
        assert item.count("<a href=") == 3  # its title and its two groups
        assert f'<a href="/es/paises/peru/cusco/#composition">{cusco.name_es}</a>' in item
        assert f'<a href="/es/paises/peru/lima/#composition">{lima.name_es}</a>' in item


class TestRankingAndExcerpts:
    def test_a_title_match_ranks_above_a_summary_match(self, client, peru):
        in_summary = factories.make_document(
            slug="in-summary", title_es="Acta", summary_es=f"Sobre el {RARE}."
        )
        in_title = factories.make_document(slug="in-title", title_es=f"Guía del {RARE}", summary_es="Guía.")
        assert result_urls(search(client, RARE)) == [
            in_title.get_absolute_url(),
            in_summary.get_absolute_url(),
        ]

    def test_a_document_found_by_its_files_text_alone_comes_after(self, client, peru):
        in_file = factories.make_document(slug="in-file", title_es="Acta de sesión", summary_es="Acta.")
        samples.make_document_file(
            in_file, content=samples.pdf_bytes((f"Se habló del {RARE} en la cuenca.",))
        )
        in_title = factories.make_document(slug="in-title", title_es=f"Guía del {RARE}")
        response = search(client, RARE)
        assert result_urls(response) == ["/es/documentos/in-title/", "/es/documentos/in-file/"]
        assert f"<mark>{RARE}</mark> en la cuenca" in html(response)
        assert in_title.pk

    def test_a_spanish_file_shown_on_an_english_page_is_marked_spanish(self, client, peru):
        document = factories.make_document(title_es="Informe anual", title_en="Annual report", slug="informe")
        samples.make_document_file(document, content=samples.pdf_bytes((f"El {RARE} de la cuenca",)))
        response = search(client, RARE, "en")
        assert results(response) == [("/en/documents/informe/", "Annual report")]
        assert re.search(rf'<span lang="es">[^<]*<mark>{RARE}</mark> de la cuenca', html(response))

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

    def test_the_query_is_echoed_escaped(self, client, peru):
        response = search(client, "<script>alert(1)</script>")
        page = html(response)
        assert response.status_code == 200
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "No se encontró nada" in page

    def test_search_pages_are_not_indexed_by_search_engines(self, client, cusco):
        assert '<meta name="robots" content="noindex">' in html(search(client, "cusco"))
        assert 'name="robots"' not in html(client.get(cusco.get_absolute_url()))


class TestMisspeltNames:
    @pytest.mark.parametrize(
        ("typed", "meant", "url"),
        [
            ("molvine", "Molvina", "/es/paises/peru/lima/#contacts"),
            ("Zevallos", "Zeballos", "/es/paises/peru/lima/#contacts"),
            ("guamam poma", "Guaman", "/es/paises/peru/cusco/#composition"),
            ("Quiñonez", "Quiñones", "/es/paises/peru/cusco/#contacts"),
        ],
    )
    def test_one_letter_wrong_in_a_name_still_finds_it_and_says_what_it_searched(
        self, client, peru, typed, meant, url
    ):
        response = search(client, typed)
        assert url in result_urls(response)
        page = html(response)
        if "No se encontró nada" in page:  # stemming alone may find it, e.g. "guamen" and "guaman" are "guam"
            assert "¿Quiso decir <a href=" in page and f">{meant}" in page

    def test_did_you_mean_links_to_the_name_searched(self, client, peru):
        page = html(search(client, "molvona"))
        assert 'No se encontró nada para «molvona». ¿Quiso decir <a href="?q=Molvina">Molvina</a>?' in page

    def test_a_word_close_to_no_name_finds_nothing(self, client, peru):
        for query in ("zzzqqq", "xylofonista", "lxma"):
            page = html(search(client, query))
            assert "No se encontró nada" in page and "Quiso decir" not in page, query


class TestOnlyPublicRecords:
    def test_drafts_and_what_only_they_hold_are_never_found(self, client, staff_client, peru):
        draft = factories.make_group(country=peru, slug="borrador", overview_es=f"Un {RARE}.", status="draft")
        factories.make_objective(group=draft, text_es=f"Objetivo {RARE}")
        factories.make_activity(group=draft, title_es=f"Actividad {RARE}")
        factories.make_contact(group=draft, person=f"Persona {RARE}")
        factories.make_membership(
            group=draft, organization=factories.make_organization(name_es=f"ONG {RARE}")
        )
        factories.make_document(slug="draft-doc", title_es=f"Borrador {RARE}", status="draft")
        factories.make_group(country=factories.make_country(name_es=f"País {RARE}"), status="draft")
        for visitor in (client, staff_client):
            for language in ("es", "en"):
                response = search(visitor, RARE, language)
                assert response.status_code == 200
                assert results(response) == []
        draft.status = "published"
        draft.save()
        assert len(results(search(client, RARE))) == 5  # the group, its objective, activity, contact and NGO
        draft.status = "draft"
        draft.save()
        assert results(search(client, RARE)) == []

    def test_a_hidden_contact_or_membership_is_not_found(self, client, cusco):
        contact = factories.make_contact(group=cusco, person=f"Persona {RARE}", is_public=False)
        organization = factories.make_organization(name_es=f"ONG {RARE}")
        membership = factories.make_membership(group=cusco, organization=organization, is_public=False)
        assert results(search(client, RARE)) == []
        membership.is_public = True
        membership.save()
        assert result_urls(search(client, RARE)) == ["/es/paises/peru/cusco/#composition"]
        contact.delete()
        membership.delete()
        assert results(search(client, RARE)) == []


class TestHostileInput:
    @pytest.mark.parametrize(
        "query",
        [
            '"',
            '"unbalanced quote',
            "AND OR NEAR(",
            "NEAR(cusco lima, 2)",
            "*",
            "cusco*",
            "^cusco",
            "a:b",
            "title:cusco",
            "%",
            "_",
            "%_\\",
            "'",
            "'; DROP TABLE search_entry; --",
            "&|!:*",
            "(((cusco",
            "cusco <-> lima",
            "-",
            "--cusco",
            "or",
            "OR OR",
            "NOT",
            "de la",
            "🙂 cusco",
            "cusco\x00lima",
            "x" * 5000,
            "cusco " * 1000,
        ],
    )
    def test_odd_queries_never_fail(self, client, peru, query):
        for language in ("es", "en"):
            response = search(client, query, language)
            assert response.status_code == 200, query
            assert '<html lang="' in html(response)

    def test_lone_surrogates_and_broken_encodings_are_dropped(self, client, peru):
        assert client.get("/es/buscar/?q=%ED%A0%80cusco").status_code == 200
        assert client.get("/es/buscar/?q=%FF%FEcusco").status_code == 200
        assert SearchForm({"q": "cus\ud800co\udfff"}).query == "cus co"
        assert Search("\ud800", "es").total == 0

    def test_a_very_long_query_is_shortened_and_says_so(self, client, peru):
        page = html(search(client, "cusco " + "x" * 400))
        assert "solo se usaron sus primeros 200 caracteres" in page
        main = page.split("<main", 1)[1]
        assert f"«cusco {'x' * 194}»" in main and "x" * 195 not in main

    def test_an_empty_query_asks_for_words(self, client, peru):
        for query in ("", "   ", "\t", "\x00"):
            assert "Escriba lo que busca" in html(search(client, query))
        assert "Type what you are looking for" in html(client.get("/en/search/"))

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
            assert client.get(f"/es/buscar/?{params}").status_code == 200, params
        assert "/es/paises/peru/cusco/" in result_urls(client.get("/es/buscar/?q=zzz&q=cusco"))

    def test_only_get(self, client, peru):
        assert client.post("/es/buscar/", {"q": "cusco"}).status_code == 405


class TestManyResults:
    @pytest.fixture
    def many(self, peru):
        """30 groups, each with objectives, activities, a contact, a member and a document with a file."""
        document_type = factories.make_document_type()
        for number in range(30):
            group = factories.make_group(country=peru, slug=f"g{number}", overview_es=f"Sobre {RARE}")
            for order in range(3):
                factories.make_objective(group=group, text_es=f"Objetivo {RARE} {order}")
                factories.make_activity(group=group, title_es=f"Actividad {RARE} {order}")
            factories.make_contact(group=group, person=f"Persona {RARE} {number}")
            factories.make_membership(
                group=group, organization=factories.make_organization(name_es=f"ONG {RARE} {number}")
            )
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

    def test_a_search_is_a_few_queries_however_many_results(
        self, client, many, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(6):
            response = search(client, RARE)
        found = dict(sections(response))
        assert found == {
            "groups": "30",
            "documents": "30",
            "organizations": "30",
            "contacts": "30",
            "activities": "90",
            "objectives": "90",
        }
        assert len(results(response)) == 6 * 5
        page = html(response)
        assert "Ver los 30 grupos de trabajo encontrados" in page
        assert (
            "Ver los 90 actividades encontradas" not in page and "Ver las 90 actividades encontradas" in page
        )
        assert f"?q={RARE}&amp;kind=documents" in page

    def test_a_misspelt_search_is_a_few_more(self, client, many, django_assert_max_num_queries):
        with django_assert_max_num_queries(14):
            response = search(client, "Personna")
        assert "¿Quiso decir" in html(response)

    def test_all_results_of_one_kind_come_in_pages(self, client, many, django_assert_max_num_queries):
        with django_assert_max_num_queries(6):
            first = search(client, RARE, kind="activities")
        assert len(results(first)) == 20 and "Página 1 de 5" in html(first)
        assert f"?q={RARE}&amp;kind=activities&amp;page=2" in html(first)
        last = search(client, RARE, kind="activities", page=5)
        assert len(results(last)) == 10 and "Página 5 de 5" in html(last)
        assert not set(result_urls(first)) & set(result_urls(last))
        assert "Volver a todos los resultados" in html(last)
        assert result_urls(search(client, RARE, kind="activities", page=7)) == result_urls(last)

    def test_documents_found_by_their_files_are_counted_and_paged(self, client, many):
        response = search(client, RARE, kind="documents")
        assert dict(sections(response)) == {"documents": "30"}
        assert len(results(response)) == 20

    def test_more_than_a_thousand_are_counted_as_such(self, client, peru):
        document_type = factories.make_document_type()
        Document.objects.bulk_create(
            Document(
                title_es=f"Guía {number} del {RARE}",
                title_en=f"{OTHER_RARE} guide {number}",
                slug=f"guia-{number}",
                document_type=document_type,
                status="published",
            )
            for number in range(1005)
        )
        from search.index import rebuild

        rebuild()
        page = html(search(client, OTHER_RARE, "en"))
        assert '<span class="search-count">(more than 1,000)</span>' in page
        assert "See more than 1,000 documents found" in page
        spanish = html(search(client, RARE))
        assert '<span class="search-count">(más de 1\xa0000)</span>' in spanish
        paged = html(search(client, OTHER_RARE, "en", kind="documents"))
        assert "Page 1 of more than 50" in paged
        assert "Only the best 1,000 results are listed: add a word to narrow your search." in paged
        last = search(client, OTHER_RARE, "en", kind="documents", page=50)
        assert len(results(last)) == 20 and 'rel="next"' not in html(last)


class TestSearchBox:
    @pytest.mark.parametrize("language", ["es", "en"])
    def test_every_page_has_the_search_box_in_its_header(self, client, cusco, language):
        from django.urls import reverse
        from django.utils import translation

        with translation.override(language):
            action = reverse("search")
            pages = [reverse("home"), reverse("about"), cusco.get_absolute_url(), reverse("documents:list")]
        label = {"es": "Buscar en el portal", "en": "Search the portal"}[language]
        for url in pages:
            header = re.search(r"<header.*?</header>", html(client.get(url)), re.S).group(0)
            form = re.search(r'<form class="site-search" role="search" method="get" action="([^"]+)"', header)
            assert form and form.group(1) == action, url
            assert f'<label class="visually-hidden" for="site-search-query">{label}</label>' in header

    def test_the_search_page_has_a_spanish_address_and_keeps_the_query_in_the_box(self, client, peru):
        assert search(client, "cusco").request["PATH_INFO"] == "/es/buscar/"
        assert 'value="cusco"' in html(search(client, "cusco"))

    def test_robots_txt_keeps_crawlers_off_search_results_in_both_languages(self, client, db):
        body = html(client.get("/robots.txt"))
        assert "Disallow: /es/buscar/" in body and "Disallow: /en/search/" in body


def test_the_engine_is_the_databases(db):
    from search.queries import engine_for

    assert type(engine_for()).__name__ == {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[connection.vendor]
