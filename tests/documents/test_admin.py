"""The back office for documents and document types."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from documents.models import Document, DocumentFile
from tests import factories
from tests.admin_pages import changelist_rows, count_queries
from tests.documents import samples

pytestmark = pytest.mark.django_db


def no_files(initial=0):
    """The file inline's management form, with no file row sent."""
    return {
        "files-TOTAL_FORMS": str(initial),
        "files-INITIAL_FORMS": str(initial),
        "files-MIN_NUM_FORMS": "0",
        "files-MAX_NUM_FORMS": "1000",
    }


def one_document(number):
    group = factories.make_group()
    return factories.make_document(
        groups=[group],
        publisher=factories.make_organization(),
        publication_date=f"2020-{number % 12 + 1:02d}-01",
        language="en" if number % 2 else "es",
    )


def one_document_type(number):
    document_type = factories.make_document_type()
    factories.make_document(document_type=document_type)
    return document_type


@pytest.mark.parametrize(
    ("url", "make_row"),
    [("/admin/documents/document/", one_document), ("/admin/documents/documenttype/", one_document_type)],
)
def test_a_change_list_runs_the_same_few_queries_however_many_rows(
    superuser_client, url, make_row, django_assert_max_num_queries
):
    for number in range(3):
        make_row(number)
    few_rows = count_queries(superuser_client, url)
    for number in range(3, 36):
        make_row(number)

    with django_assert_max_num_queries(12):
        response = superuser_client.get(url)
    assert response.context["cl"].result_count == 36
    assert count_queries(superuser_client, url) == few_rows


def test_staff_member_adds_a_document_in_both_languages(superuser_client):
    document_type = factories.make_document_type(name_es="Mapeo de actores", name_en="Stakeholder mapping")
    cusco = factories.make_group()
    response = superuser_client.post(
        "/admin/documents/document/add/",
        {
            "title_es": "Mapeo de actores de Cusco",
            "title_en": "Cusco stakeholder mapping",
            "slug": "mapeo-de-actores-cusco",
            "summary_es": "Quién es quién en Cusco.",
            "summary_en": "Who is who in Cusco.",
            "document_type": document_type.pk,
            "language": "es",
            "status": "published",
            "external_url": "example.org/mapeo.pdf",
            "publication_date": "2019-06-01",
            "groups": [cusco.pk],
            **no_files(),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = Document.objects.get()
    assert (document.title_es, document.title_en) == (
        "Mapeo de actores de Cusco",
        "Cusco stakeholder mapping",
    )
    assert (document.summary_es, document.summary_en) == ("Quién es quién en Cusco.", "Who is who in Cusco.")
    assert list(document.groups.all()) == [cusco]
    # Typed without its scheme: stored as a secure link.
    assert document.external_url == "https://example.org/mapeo.pdf"


def test_a_document_without_its_spanish_title_is_refused(superuser_client):
    document_type = factories.make_document_type()
    response = superuser_client.post(
        "/admin/documents/document/add/",
        {
            "title_es": "",
            "title_en": "Only English",
            "slug": "only-english",
            "document_type": document_type.pk,
            "language": "en",
            "status": "draft",
            **no_files(),
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.context["adminform"].form.errors["title_es"] == ["Este campo es obligatorio."]
    assert not Document.objects.exists()


class TestSearch:
    def test_documents_are_found_by_either_languages_title_or_summary(self, superuser_client):
        mapping = factories.make_document(
            title_es="Mapeo de actores", title_en="Stakeholder mapping", summary_en="Who is who in Espinar."
        )
        factories.make_document(title_es="Modelo nacional", title_en="National model")
        for query in ("Mapeo", "stakeholder", "Espinar"):
            response = superuser_client.get("/admin/documents/document/", {"q": query})
            assert changelist_rows(response) == [mapping], query

    def test_document_types_are_found_by_name(self, superuser_client):
        guidance = factories.make_document_type(name_es="Guía", name_en="Guidance")
        factories.make_document_type()
        response = superuser_client.get("/admin/documents/documenttype/", {"q": "Guidance"})
        assert changelist_rows(response) == [guidance]


class TestFilters:
    def test_documents_by_language_status_type_and_country(self, superuser_client):
        peru = factories.make_country()
        study = factories.make_document_type()
        in_english = factories.make_document(language="en", groups=[factories.make_group(country=peru)])
        draft = factories.make_document(status="draft", document_type=study)
        in_quechua = factories.make_document(
            language="qu", document_type=study, groups=[factories.make_group()]
        )

        def filtered(**params):
            return set(changelist_rows(superuser_client.get("/admin/documents/document/", params)))

        assert filtered(language__exact="en") == {in_english}
        assert filtered(language__exact="qu") == {in_quechua}
        assert filtered(status__exact="draft") == {draft}
        assert filtered(document_type__id__exact=study.pk) == {draft, in_quechua}
        assert filtered(groups__country__id__exact=peru.pk) == {in_english}

    def test_documents_by_availability(self, superuser_client):
        linked = factories.make_document()
        nothing = factories.make_document(external_url="")
        response = superuser_client.get("/admin/documents/document/", {"availability": "none"})
        assert changelist_rows(response) == [nothing]
        response = superuser_client.get("/admin/documents/document/", {"availability": "link"})
        assert changelist_rows(response) == [linked]


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get("/admin/documents/document/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# --- Files: uploaded through the document's inline, checked, stored with the record or not at all ----------


def stored(media_root):
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def document_form(document_type, **fields):
    return {
        "title_es": "Formalización minera",
        "title_en": "Mining formalisation",
        "slug": "formalizacion-minera",
        "document_type": document_type.pk,
        "language": "es",
        "status": "published",
        **fields,
    }


def file_row(upload, language="es", index=0, **fields):
    return {
        f"files-{index}-language": language,
        f"files-{index}-kind": "original",
        f"files-{index}-file": upload,
        f"files-{index}-note": "",
        **{f"files-{index}-{name}": value for name, value in fields.items()},
    }


class TestFileUploads:
    def test_a_spanish_pdf_is_uploaded_with_the_document(self, superuser_client, media_on_disk):
        document_type = factories.make_document_type()
        content = samples.pdf_bytes(("Formalización minera", "Anexo"))
        response = superuser_client.post(
            "/admin/documents/document/add/",
            {
                **document_form(document_type),
                **no_files(),
                "files-TOTAL_FORMS": "1",
                **file_row(samples.upload("Formalización minera.pdf", content)),
            },
        )
        assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
        document_file = DocumentFile.objects.get()
        assert document_file.document.slug == "formalizacion-minera"
        assert (document_file.original_filename, document_file.page_count) == ("Formalización minera.pdf", 2)
        assert document_file.cover and "Anexo" in document_file.text
        with document_file.file.open("rb") as file:
            assert file.read() == content
        assert len(stored(media_on_disk)) == 2

        # The change page shows what was computed, with the file's download link.
        page = superuser_client.get(f"/admin/documents/document/{document_file.document.pk}/change/")
        text = page.content.decode()
        assert re.search(r"PDF, [^,]+, 2 pages, 0 downloads", text)
        assert document_file.get_absolute_url() in text

    def test_a_disguised_file_is_refused_in_spanish_and_nothing_is_saved(
        self, superuser_client, media_on_disk
    ):
        document_type = factories.make_document_type()
        response = superuser_client.post(
            "/admin/documents/document/add/",
            {
                **document_form(document_type),
                **no_files(),
                "files-TOTAL_FORMS": "1",
                **file_row(samples.upload("informe.pdf", samples.SVG_WITH_SCRIPT)),
            },
            HTTP_ACCEPT_LANGUAGE="es",
        )
        assert response.status_code == 200
        errors = response.context["inline_admin_formsets"][0].formset.errors[0]["file"]
        assert errors == [
            "«informe.pdf» tiene nombre de archivo PDF, pero su contenido es una imagen SVG, que puede "
            "contener scripts. Se rechazó. Suba un PDF, un archivo de Word, Excel u OpenDocument, o una "
            "imagen PNG, JPEG o WebP."
        ]
        assert not Document.objects.exists() and not DocumentFile.objects.exists()
        assert stored(media_on_disk) == []

    def test_a_new_file_row_without_a_file_is_refused(self, superuser_client):
        document_type = factories.make_document_type()
        response = superuser_client.post(
            "/admin/documents/document/add/",
            {
                **document_form(document_type),
                **no_files(),
                "files-TOTAL_FORMS": "1",
                **file_row("", language="en"),
            },
        )
        assert response.status_code == 200
        assert not Document.objects.exists()

    def test_two_files_in_the_same_language_are_refused(self, superuser_client, media_on_disk):
        document_type = factories.make_document_type()
        response = superuser_client.post(
            "/admin/documents/document/add/",
            {
                **document_form(document_type),
                **no_files(),
                "files-TOTAL_FORMS": "2",
                **file_row(samples.upload("a.pdf", samples.pdf_bytes()), index=0),
                **file_row(samples.upload("b.png", samples.png_bytes()), index=1),
            },
        )
        assert response.status_code == 200
        assert not DocumentFile.objects.exists() and stored(media_on_disk) == []

    def test_replacing_a_file_removes_the_old_one(
        self, superuser_client, media_on_disk, django_capture_on_commit_callbacks
    ):
        document_file = samples.make_document_file(name="Borrador.pdf")
        document = document_file.document
        old = stored(media_on_disk)
        with django_capture_on_commit_callbacks(execute=True):
            response = superuser_client.post(
                f"/admin/documents/document/{document.pk}/change/",
                {
                    **document_form(document.document_type, slug=document.slug),
                    **no_files(initial=1),
                    "files-0-id": document_file.pk,
                    "files-0-document": document.pk,
                    **file_row(samples.upload("Versión final.odt", samples.odt_bytes())),
                },
            )
        assert response.status_code == 302
        document_file.refresh_from_db()
        assert (document_file.original_filename, document_file.format) == ("Versión final.odt", "odt")
        assert not set(old) & set(stored(media_on_disk))
        assert len(stored(media_on_disk)) == 2

    def test_deleted_files_stay_while_the_history_needs_them_then_trimming_removes_them(
        self, superuser_client, media_on_disk, django_capture_on_commit_callbacks
    ):
        document_file = samples.make_document_file()
        document = document_file.document
        call_command("createinitialrevisions", verbosity=0)  # its first version, which holds the file
        with django_capture_on_commit_callbacks(execute=True):
            superuser_client.post(
                f"/admin/documents/document/{document.pk}/change/",
                {
                    **document_form(document.document_type, slug=document.slug),
                    **no_files(initial=1),
                    "files-0-id": document_file.pk,
                    "files-0-document": document.pk,
                    **file_row("", DELETE="on"),
                },
            )
        first_files = stored(media_on_disk)
        assert not DocumentFile.objects.exists() and len(first_files) == 2  # the file and its cover

        samples.make_document_file(document)
        with django_capture_on_commit_callbacks(execute=True):
            response = superuser_client.post(
                f"/admin/documents/document/{document.pk}/delete/", {"post": "yes"}
            )
        assert response.status_code == 302 and not Document.objects.exists()
        # Both files and their covers: a version still refers to each, so the history can bring them back.
        assert len(stored(media_on_disk)) == 4

        # Once the operator lets the history go, trimming removes what nothing needs any more.
        call_command("deleterevisions", "documents", verbosity=0)
        call_command("trim_stored_files", "--keep-newer-than", "0", stdout=StringIO())
        assert stored(media_on_disk) == []


def test_the_change_list_shows_cover_formats_languages_and_downloads(
    superuser_client, django_assert_max_num_queries
):
    def with_files(number):
        document = factories.make_document()
        for language in ("es", "en"):
            DocumentFile.objects.create(
                document=document,
                language=language,
                file=f"documents/{number}-{language}.pdf",
                cover=f"documents/covers/{number}-{language}.jpg",
                cover_width=240,
                cover_height=320,
                original_filename="x.pdf",
                format="pdf",
                mime_type="application/pdf",
                size=1000,
                sha256="0" * 64,
                download_count=number,
            )

    for number in range(3):
        with_files(number)
    few = count_queries(superuser_client, "/admin/documents/document/")
    for number in range(3, 30):
        with_files(number)
    with django_assert_max_num_queries(few):
        response = superuser_client.get("/admin/documents/document/")
    page = response.content.decode()
    assert 'class="document-cover-thumbnail"' in page and 'width="60" height="80"' in page
    assert '<td class="field-file_formats">PDF, PDF</td>' in page
    assert '<td class="field-file_languages">Spanish, English</td>' in page
    assert '<td class="field-downloads">58</td>' in page
