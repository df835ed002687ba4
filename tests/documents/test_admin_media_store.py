"""Saving a document with its files while the media store refuses files (read-only or full, for real: see
tests/failing_media.py): the form comes back with what was typed, and nothing is saved half-way."""

import io
import logging

import pytest
from django.utils import translation
from PIL import Image
from reversion.models import Version

from documents.models import Document, DocumentFile
from documents.uploads import inspect_upload
from icwg_portal.media_store import REFUSED_MESSAGE
from tests import factories
from tests.documents import samples
from tests.failing_media import can_mount

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/documents/document/add/"


def refused_message(language):
    with translation.override(language):
        return str(REFUSED_MESSAGE)


def document_form(document_type, files=0, **fields):
    return {
        "title_es": "Formalización minera",
        "title_en": "Mining formalisation",
        "slug": "formalizacion-minera",
        "summary_es": "Resumen escrito mientras el almacenamiento no aceptaba archivos.",
        "document_type": document_type.pk,
        "language": "es",
        "status": "published",
        "files-TOTAL_FORMS": str(files),
        "files-INITIAL_FORMS": "0",
        "files-MIN_NUM_FORMS": "0",
        "files-MAX_NUM_FORMS": "1000",
        **fields,
    }


def file_row(upload, index=0, **fields):
    return {
        f"files-{index}-language": "es",
        f"files-{index}-kind": "original",
        f"files-{index}-file": upload,
        f"files-{index}-note": "Versión oficial",
        **{f"files-{index}-{name}": value for name, value in fields.items()},
    }


def long_pdf():
    """A PDF of some 20 KB: far more than the 4 KB a full store has left."""
    return samples.pdf_bytes(tuple(f"Página {number}: " + "texto del informe " * 6 for number in range(60)))


def checkered_png():
    """A PNG of 1.5 KB whose cover is some 30 KB: a fine checkerboard is small as a PNG, large as a JPEG."""
    image = Image.new("L", (480, 680))
    image.putdata([255 * ((x // 3 + y // 3) % 2) for y in range(680) for x in range(480)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def nothing_saved(store):
    return not Document.objects.exists() and not DocumentFile.objects.exists() and store.files() == []


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_document_added_while_the_store_is_read_only_comes_back_with_what_was_typed(
    superuser_client, failing_media, caplog, language
):
    document_type = factories.make_document_type()
    data = document_form(
        document_type, files=1, **file_row(samples.upload("Informe.pdf", samples.pdf_bytes()))
    )

    with failing_media.read_only(), caplog.at_level(logging.ERROR):
        response = superuser_client.post(ADD_URL, data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [refused_message(language)]
    assert form["title_es"].value() == "Formalización minera"
    assert form["summary_es"].value() == data["summary_es"]
    [file_form] = response.context["inline_admin_formsets"][0].formset.forms
    assert file_form["note"].value() == "Versión oficial" and not file_form.errors
    assert nothing_saved(failing_media)
    assert [
        record
        for record in caplog.records
        if record.name == "icwg_portal.media_store" and record.levelno == logging.ERROR and record.exc_info
    ], "operators learn of it from the log"

    # Once the store takes files again, the same page saves the document with its file.
    data["files-0-file"] = samples.upload("Informe.pdf", samples.pdf_bytes())
    response = superuser_client.post(ADD_URL, data)
    assert response.status_code == 302
    document_file = DocumentFile.objects.get()
    assert document_file.note == "Versión oficial"
    assert failing_media.files() == sorted([document_file.file.name, document_file.cover.name])


# Large uploads wait in a temporary file, which the storage copies to the media folder when that is another
# file system. Only a file system of its own shows this here: without one, the size limit that stands for a
# full store (tests/failing_media.py) would stop the upload's own temporary file first.
# tests/test_media_store.py copies from a temporary file made beforehand either way.
@pytest.mark.parametrize("upload_in", ["memory", "a temporary file"] if can_mount() else ["memory"])
def test_a_file_cut_short_by_a_full_store_is_removed(superuser_client, failing_media, settings, upload_in):
    if upload_in == "a temporary file":
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
        settings.FILE_UPLOAD_TEMP_DIR = failing_media.root.parent
    data = document_form(
        factories.make_document_type(), files=1, **file_row(samples.upload("Informe.pdf", long_pdf()))
    )
    with failing_media.full(free=4096):
        response = superuser_client.post(ADD_URL, data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [refused_message("es")]
    assert nothing_saved(failing_media)


def test_a_file_stored_before_its_cover_failed_is_removed_too(superuser_client, failing_media):
    content = checkered_png()
    assert len(content) < 4096 < len(inspect_upload(samples.upload("Mapa.png", content, "image/png")).cover)
    data = document_form(
        factories.make_document_type(), files=1, **file_row(samples.upload("Mapa.png", content, "image/png"))
    )
    with failing_media.full(free=4096):
        response = superuser_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [refused_message("en")]
    assert nothing_saved(failing_media)


def test_replacing_a_file_while_the_store_is_read_only_changes_nothing(superuser_client, failing_media):
    document_file = samples.make_document_file(name="Borrador.pdf")
    document = document_file.document
    files, versions = failing_media.files(), Version.objects.count()
    data = document_form(
        document.document_type,
        files=1,
        slug=document.slug,
        title_es="Un título nuevo",
        **{"files-INITIAL_FORMS": "1", "files-0-id": document_file.pk, "files-0-document": document.pk},
        **file_row(samples.upload("Versión final.odt", samples.odt_bytes())),
    )

    with failing_media.read_only():
        response = superuser_client.post(
            f"/admin/documents/document/{document.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="es"
        )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [refused_message("es")]
    assert form["title_es"].value() == "Un título nuevo"
    document.refresh_from_db()
    saved = DocumentFile.objects.get()
    assert document.title_es != "Un título nuevo"
    assert (saved.file.name, saved.sha256, saved.original_filename) == (
        document_file.file.name,
        document_file.sha256,
        "Borrador.pdf",
    )
    assert failing_media.files() == files
    # Not even the history keeps the title that was never saved.
    assert Version.objects.count() == versions


def test_deleting_a_document_while_the_store_is_read_only_deletes_it_and_keeps_its_files_for_the_history(
    superuser_client, failing_media, caplog, django_capture_on_commit_callbacks
):
    # The record goes; its bytes stay, as they would with the store writable: its last version refers to them.
    document_file = samples.make_document_file()
    left = failing_media.files()
    with failing_media.read_only(), caplog.at_level(logging.ERROR):
        with django_capture_on_commit_callbacks(execute=True):
            response = superuser_client.post(
                f"/admin/documents/document/{document_file.document.pk}/delete/", {"post": "yes"}
            )
    assert response.status_code == 302
    assert not Document.objects.exists() and not DocumentFile.objects.exists()
    assert failing_media.files() == left
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
