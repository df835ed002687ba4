"""The public library: the list and its filters, a document's page, downloads and the Atom feeds."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import translation
from django.utils.http import http_date

from documents.models import DocumentFile
from tests import factories
from tests.documents import samples

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def html(response):
    return response.content.decode()


@pytest.fixture
def library():
    peru = factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")
    colombia = factories.make_country(name_es="Colombia", name_en="Colombia", slug="colombia", iso_code="CO")
    lima = factories.make_group(country=peru, slug="lima", name_es="GT Lima", name_en="Lima WG")
    cusco = factories.make_group(country=peru, slug="cusco", name_es="GT Cusco", name_en="Cusco WG")
    bogota = factories.make_group(country=colombia, slug="bogota", name_es="GT Bogotá", name_en="Bogotá WG")
    study = factories.make_document_type(slug="study", name_es="Estudio", name_en="Study")
    mapping = factories.make_document_type(slug="mapping", name_es="Mapeo", name_en="Mapping")
    formalizacion = factories.make_document(
        slug="formalizacion",
        title_es="Formalización minera",
        title_en="Mining formalisation",
        document_type=study,
        publication_date=datetime.date(2019, 5, 1),
        groups=[cusco],
        external_url="",
    )
    samples.make_document_file(
        formalizacion,
        content=samples.pdf_bytes(("Formalización", "dos", "tres")),
        name="Formalización minera.pdf",
    )
    mapeo = factories.make_document(
        slug="mapeo-lima",
        title_es="Mapeo de actores de Lima",
        title_en="Lima stakeholder mapping",
        document_type=mapping,
        publication_date=datetime.date(2021, 3, 1),
        groups=[lima],
        external_url="",
    )
    samples.make_document_file(mapeo, language="es", name="Mapeo.pdf")
    samples.make_document_file(
        mapeo, language="en", content=samples.docx_bytes(), name="Mapping summary.docx", kind="summary"
    )
    english = factories.make_document(
        slug="guidance",
        title_es="Guía",
        title_en="Guidance",
        language="en",
        document_type=study,
        publication_date=datetime.date(2021, 8, 1),
        groups=[bogota],
    )
    draft = factories.make_document(
        slug="borrador",
        title_es="Borrador",
        title_en="Draft",
        status="draft",
        document_type=study,
        groups=[lima],
    )
    samples.make_document_file(draft)
    return {
        "peru": peru,
        "lima": lima,
        "cusco": cusco,
        "study": study,
        "formalizacion": formalizacion,
        "mapeo": mapeo,
        "english": english,
        "draft": draft,
    }


def titles(response):
    return [document.title_en for document in response.context["documents"]]


class TestLibrary:
    def test_newest_first_and_no_drafts(self, client, library):
        response = client.get("/en/documents/")
        assert titles(response) == ["Guidance", "Lima stakeholder mapping", "Mining formalisation"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("country=peru", ["Lima stakeholder mapping", "Mining formalisation"]),
            ("group={lima}", ["Lima stakeholder mapping"]),
            ("type=study", ["Guidance", "Mining formalisation"]),
            ("language=es", ["Lima stakeholder mapping", "Mining formalisation"]),
            # In English: written in English, or with an English file (the mapping's summary).
            ("language=en", ["Guidance", "Lima stakeholder mapping"]),
            ("year=2021", ["Guidance", "Lima stakeholder mapping"]),
            ("country=peru&type=study&language=es&year=2019", ["Mining formalisation"]),
        ],
    )
    def test_filters(self, client, library, query, expected):
        response = client.get("/en/documents/?" + query.format(lima=library["lima"].pk))
        assert response.status_code == 200
        assert titles(response) == expected

    def test_the_submitted_form_lands_on_a_short_shareable_address(self, client, library):
        response = client.get("/es/documentos/?country=&group=&type=&language=es&year=")
        assert response.status_code == 302 and response["Location"] == "/es/documentos/?language=es"
        response = client.get("/en/documents/?year=2021&country=peru")
        assert response["Location"] == "/en/documents/?country=peru&year=2021"
        response = client.get("/en/documents/?country=&language=")
        assert response["Location"] == "/en/documents/"

    def test_the_shared_address_shows_the_same_selection(self, client, library):
        response = Client().get("/es/documentos/?language=es")
        page = html(response)
        assert titles(response) == ["Lima stakeholder mapping", "Mining formalisation"]
        assert '<option value="es" selected>español</option>' in page
        assert "2 documentos coinciden" in page

    @pytest.mark.parametrize(
        "query",
        [
            "year=x",
            "year=1850",
            "country=atlantis",
            "group=abc",
            "group=999999",
            "type=%3Cscript%3E",
            "language=klingon",
            "page=abc",
            "page=-1",
            "page=99999",
            "page=%00",
            "page=%C2%B2",  # "²": a digit to str.isdigit(), not to int()
            "year=2021&year=2019",
            "language=es%27%20OR%201=1--",
        ],
    )
    def test_odd_addresses_never_fail(self, client, library, query):
        response = client.get("/en/documents/?" + query)
        assert response.status_code in (200, 302), query
        if response.status_code == 200:
            assert "<script>" not in html(response).split("</header>", 1)[1]

    def test_a_value_not_understood_is_ignored_and_said_politely(self, client, library):
        response = client.get("/en/documents/?year=x&language=es")
        assert response.status_code == 200
        assert titles(response) == ["Lima stakeholder mapping", "Mining formalisation"]
        assert "were not understood and were ignored: Year." in html(response)

    def test_an_empty_result_says_why_and_how_to_widen_it(self, client, library):
        response = client.get("/en/documents/?type=study&language=es&year=2021")
        page = html(response)
        assert titles(response) == []
        assert "No document matches all of these filters together." in page
        assert "Language of the document: <strong>Spanish</strong>" in page
        # Each filter can be removed on its own, keeping the others.
        assert 'href="/en/documents/?type=study&amp;year=2021"' in page
        assert 'href="/en/documents/?type=study&amp;language=es"' in page
        assert "0 documents match" not in page
        assert "see all documents" in page

    def test_pagination_keeps_the_filters(self, client, library):
        for number in range(25):
            factories.make_document(document_type=library["study"], title_en=f"Extra {number}")
        response = client.get("/en/documents/?type=study")
        assert 'href="?type=study&amp;page=2" rel="next"' in html(response)
        second = client.get("/en/documents/?type=study&page=2")
        assert second.status_code == 200 and len(second.context["documents"]) == 7

    def test_the_number_of_queries_does_not_grow_with_the_library(
        self, client, library, django_assert_max_num_queries
    ):
        for number in range(40):
            document = factories.make_document(
                document_type=library["study"], groups=[library["lima"]], publication_date="2020-01-01"
            )
            DocumentFile.objects.create(
                document=document,
                language="es",
                file=f"documents/x{number}.pdf",
                original_filename="x.pdf",
                format="pdf",
                mime_type="application/pdf",
                size=1000,
                sha256="0" * 64,
            )
        with django_assert_max_num_queries(8):
            response = client.get("/en/documents/?country=peru&language=es")
        assert len(response.context["documents"]) == 20

    def test_items_say_format_size_pages_and_language_and_show_the_cover(self, client, library):
        page = html(client.get("/es/documentos/"))
        assert "PDF, 1,1\xa0KB, 3 páginas, español" in page
        cover = re.search(r'<img class="document-cover"[^>]*Formalización[^>]*>', page).group(0)
        assert 'width="120"' in cover and 'height="156"' in cover and 'loading="lazy"' in cover
        assert 'alt="Portada de «Formalización minera»"' in cover

    def test_the_library_links_its_atom_feed(self, client, library):
        page = html(client.get("/es/documentos/"))
        assert '<link rel="alternate" type="application/atom+xml"' in page
        assert 'href="/es/documentos/feed/"' in page


class TestDocumentPage:
    def test_languages_cover_facts_and_groups(self, client, library):
        page = html(client.get("/en/documents/mapeo-lima/"))
        assert "Available in" in page and "Available in Spanish only" not in page
        assert "PDF, 639\xa0bytes, 1 page, Spanish" in page
        assert "DOCX, 1.8\xa0KB, 3 pages, English · Summary" in page
        assert 'href="/en/documents/mapeo-lima/download/en/"' in page
        assert "Lima WG" in page
        assert re.search(r'<img class="document-page-cover"[^>]*width="240"[^>]*alt="Cover of', page)

    def test_spanish_only_is_said_clearly(self, client, library):
        page = html(client.get("/en/documents/formalizacion/"))
        assert "Available in Spanish only" in page
        spanish = html(client.get("/es/documentos/formalizacion/"))
        assert "Disponible solo en" not in spanish
        assert 'href="/es/documentos/formalizacion/descargar/es/"' in spanish

    def test_english_only_is_said_in_spanish(self, client, library):
        assert "Disponible solo en inglés" in html(client.get("/es/documentos/guidance/"))

    def test_a_draft_is_not_shown_to_visitors(self, client, library):
        assert client.get("/en/documents/borrador/").status_code == 404


def download(client, path, **headers):
    return client.get(path, **{f"HTTP_{k.upper()}": v for k, v in headers.items()})


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


class TestDownload:
    URL = "/es/documentos/formalizacion/descargar/es/"

    def test_the_whole_file_with_its_name_type_length_and_validators(self, client, library):
        document_file = library["formalizacion"].files.get()
        response = download(client, self.URL)
        assert response.status_code == 200
        with document_file.file.open("rb") as stored:
            assert body(response) == stored.read()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Length"] == str(document_file.size)
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''Formalizaci%C3%B3n%20minera.pdf"
        )
        assert response["ETag"] == f'"{document_file.sha256[:40]}"'
        assert response["Last-Modified"] == http_date(document_file.updated_at.timestamp())
        assert response["Accept-Ranges"] == "bytes"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_the_english_address_serves_the_same_file(self, client, library):
        assert download(client, "/en/documents/formalizacion/download/es/").status_code == 200

    def test_a_range_resumes_an_interrupted_download(self, client, library):
        whole = body(download(client, self.URL))
        response = download(client, self.URL, range="bytes=100-199")
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes 100-199/{len(whole)}"
        assert response["Content-Length"] == "100"
        assert body(response) == whole[100:200]
        assert body(download(client, self.URL, range="bytes=500-")) == whole[500:]
        assert body(download(client, self.URL, range="bytes=-10")) == whole[-10:]
        # A range running past the end is cut at the end.
        end = download(client, self.URL, range=f"bytes={len(whole) - 5}-{len(whole) + 500}")
        assert body(end) == whole[-5:]

    def test_an_unsatisfiable_range_is_416(self, client, library):
        size = library["formalizacion"].files.get().size
        response = download(client, self.URL, range=f"bytes={size}-")
        assert response.status_code == 416 and response["Content-Range"] == f"bytes */{size}"

    def test_several_ranges_or_nonsense_get_the_whole_file(self, client, library):
        for header in ("bytes=0-1,5-6", "lines=1-2", "bytes=9-3"):
            assert download(client, self.URL, range=header).status_code == 200, header

    def test_if_range_resumes_only_the_same_file(self, client, library):
        etag = download(client, self.URL)["ETag"]
        assert download(client, self.URL, range="bytes=0-9", if_range=etag).status_code == 206
        assert download(client, self.URL, range="bytes=0-9", if_range='"changed"').status_code == 200
        last_modified = download(client, self.URL)["Last-Modified"]
        assert download(client, self.URL, range="bytes=0-9", if_range=last_modified).status_code == 206

    def test_conditional_requests_answer_304(self, client, library):
        first = download(client, self.URL)
        not_modified = download(client, self.URL, if_none_match=first["ETag"])
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified["ETag"] == first["ETag"]
        since = download(client, self.URL, if_modified_since=first["Last-Modified"])
        assert since.status_code == 304
        assert download(client, self.URL, if_none_match='"other"').status_code == 200

    def test_head_answers_the_headers_only(self, client, library):
        response = client.head(self.URL)
        assert response.status_code == 200 and response.content == b""
        assert response["Content-Length"] == str(library["formalizacion"].files.get().size)

    def test_downloads_are_counted_once_each(self, client, library):
        document_file = library["formalizacion"].files.get()
        first = download(client, self.URL)
        body(first)
        download(client, self.URL, if_none_match=first["ETag"])  # a revalidation
        client.head(self.URL)
        body(download(client, self.URL, range="bytes=0-99"))  # a download that will be resumed…
        body(download(client, self.URL, range="bytes=100-"))  # …and its continuation
        document_file.refresh_from_db()
        assert document_file.download_count == 2

    def test_drafts_cannot_be_downloaded_by_visitors_but_staff_can(self, client, library):
        assert download(client, "/en/documents/borrador/download/es/").status_code == 404
        staff = Client()
        staff.force_login(factories.make_secretariat_user())
        response = download(staff, "/en/documents/borrador/download/es/")
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-cache"

    def test_unknown_language_or_document_is_404(self, client, library):
        assert download(client, "/en/documents/formalizacion/download/fr/").status_code == 404
        # A NUL byte must not reach PostgreSQL (which refuses it in text) as a server error.
        assert download(client, "/en/documents/formalizacion/download/%00/").status_code == 404
        assert download(client, "/en/documents/no-such/download/es/").status_code == 404

    def test_a_file_missing_from_the_storage_is_a_404_and_logged(self, client, library, caplog):
        document_file = library["formalizacion"].files.get()
        document_file.file.storage.delete(document_file.file.name)
        assert download(client, self.URL).status_code == 404
        assert "missing from the storage" in caplog.text


class TestFeeds:
    @pytest.mark.parametrize(
        ("language", "title"), [("es", "Formalización minera"), ("en", "Mining formalisation")]
    )
    def test_one_atom_feed_per_language(self, client, library, language, title):
        with translation.override(language):
            url = {"es": "/es/documentos/feed/", "en": "/en/documents/feed/"}[language]
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ElementTree.fromstring(response.content)
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        entries = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
        assert title in entries and len(entries) == 3  # the draft is not announced
        links = [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")]
        assert all(link.startswith(f"http://testserver/{language}/") for link in links)
