"""Storing, replacing and deleting a document's files: the database and the storage stay in step."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError

from documents import services
from documents.models import DocumentFile
from tests import factories
from tests.documents import samples

pytestmark = pytest.mark.django_db


def stored_names(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_an_upload_is_stored_with_everything_computed_from_it(media_on_disk):
    content = samples.pdf_bytes(("Formalización minera", "Página dos"))
    document_file = samples.make_document_file(content=content, name="Formalización minera.pdf")

    document_file.refresh_from_db()
    assert document_file.original_filename == "Formalización minera.pdf"
    assert (document_file.format, document_file.mime_type) == ("pdf", "application/pdf")
    assert (document_file.size, document_file.page_count) == (len(content), 2)
    assert "Página dos" in document_file.text
    assert len(document_file.sha256) == 64
    # Stored under a plain ASCII name in a folder no one can guess, beside its cover.
    assert document_file.file.name.startswith("documents/")
    assert document_file.file.name.endswith("/formalizacion-minera.pdf")
    assert document_file.cover.name.endswith("/formalizacion-minera.jpg")
    assert (document_file.cover_width, document_file.cover_height) == (240, 311)
    with default_storage.open(document_file.file.name) as stored:
        assert stored.read() == content
    assert len(stored_names(media_on_disk)) == 2


def test_a_refused_upload_stores_nothing_and_saves_nothing(media_on_disk):
    document = factories.make_document()
    with pytest.raises(ValidationError):
        samples.make_document_file(document, content=samples.HTML_PAGE, name="informe.pdf")
    assert not DocumentFile.objects.exists()
    assert stored_names(media_on_disk) == []


def test_a_failure_after_storing_removes_the_stored_files(media_on_disk):
    document = factories.make_document()
    samples.make_document_file(document, language="es")
    before = stored_names(media_on_disk)
    # A second Spanish file breaks the one-per-language rule after its bytes were written to the storage.
    duplicate = DocumentFile(document=document, language="es")
    with pytest.raises(ValidationError):
        services.save_document_file(duplicate, upload=samples.upload("otro.pdf", samples.pdf_bytes()))
    assert DocumentFile.objects.count() == 1
    assert stored_names(media_on_disk) == before


def test_a_failure_later_in_the_same_transaction_removes_the_files_too(media_on_disk):
    document = factories.make_document()
    with pytest.raises(IntegrityError), services.atomic_with_files():
        samples.make_document_file(document, language="es")
        assert len(stored_names(media_on_disk)) == 2
        DocumentFile.objects.create(document=document, language="es", format="pdf")  # violates a constraint
    assert not DocumentFile.objects.exists()
    assert stored_names(media_on_disk) == []


def test_files_are_stored_only_inside_a_guarded_transaction():
    document_file = DocumentFile(document=factories.make_document(), language="es")
    with pytest.raises(RuntimeError):
        services.store_file(document_file.file, "x.pdf", samples.upload("x.pdf", samples.pdf_bytes()))


def test_replacing_a_file_keeps_its_address_and_removes_the_old_bytes_after_commit(
    media_on_disk, django_capture_on_commit_callbacks
):
    document_file = samples.make_document_file(name="Versión 1.pdf")
    url = document_file.get_absolute_url()
    old = stored_names(media_on_disk)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.save_document_file(
            document_file, upload=samples.upload("Versión 2.docx", samples.docx_bytes())
        )
        # Until the change commits, the old file is still there for anyone reading the old record.
        assert set(old) <= set(stored_names(media_on_disk))
    for callback in callbacks:
        callback()

    document_file.refresh_from_db()
    assert document_file.get_absolute_url() == url
    assert (document_file.original_filename, document_file.format) == ("Versión 2.docx", "docx")
    remaining = stored_names(media_on_disk)
    assert not set(old) & set(remaining)
    assert sorted(remaining) == sorted([document_file.file.name, document_file.cover.name])


def test_editing_only_the_note_keeps_the_file(media_on_disk, django_capture_on_commit_callbacks):
    document_file = samples.make_document_file()
    before = stored_names(media_on_disk)
    document_file.note = "Versión oficial"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_document_file(document_file)
    assert stored_names(media_on_disk) == before


def test_deleting_a_file_removes_its_bytes_and_cover_after_commit(
    media_on_disk, django_capture_on_commit_callbacks
):
    document_file = samples.make_document_file()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_document_file(document_file)
    assert not DocumentFile.objects.exists()
    assert stored_names(media_on_disk) == []


def test_deleting_documents_removes_all_their_files(media_on_disk, django_capture_on_commit_callbacks):
    document = factories.make_document()
    samples.make_document_file(document, language="es")
    samples.make_document_file(document, language="en", content=samples.odt_bytes(), name="Summary.odt")
    kept = samples.make_document_file()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_documents([document])
    assert list(DocumentFile.objects.all()) == [kept]
    assert sorted(stored_names(media_on_disk)) == sorted([kept.file.name, kept.cover.name])


def test_a_download_is_counted_with_one_update(django_assert_num_queries):
    document_file = samples.make_document_file()
    with django_assert_num_queries(1):
        services.record_download(document_file)
    document_file.refresh_from_db()
    assert document_file.download_count == 1


def test_any_storage_works_not_only_the_local_disk(settings):
    """Nothing reads a local path: Django's in-memory storage stands in for S3-compatible object storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    content = samples.pdf_bytes()
    document_file = samples.make_document_file(content=content)
    assert type(document_file.file.storage._wrapped).__name__ == "InMemoryStorage"
    with document_file.file.storage.open(document_file.file.name) as stored:
        assert stored.read() == content
