"""The data migration from the single Document.file to a DocumentFile per language, and the command that
completes what it cannot compute."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from documents.models import DocumentFile
from tests.documents import samples

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("documents", "0002_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_documents_file_becomes_its_file_in_the_documents_language(media_on_disk):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old_apps = migrate(BEFORE)
    Document = old_apps.get_model("documents", "Document")
    DocumentType = old_apps.get_model("documents", "DocumentType")
    study = DocumentType.objects.create(name="Estudio", name_es="Estudio", slug="estudio")
    content = samples.pdf_bytes(("Mapeo de actores", "Anexo"))
    name = default_storage.save("documents/2019/mapeo-de-actores.pdf", ContentFile(content))
    with_file = Document.objects.create(
        title="Mapeo", title_es="Mapeo", slug="mapeo", document_type=study, language="qu", file=name
    )
    Document.objects.create(title="Sin archivo", title_es="Sin archivo", slug="sin", document_type=study)
    Document.objects.create(
        title="Perdido", title_es="Perdido", slug="perdido", document_type=study, file="documents/no-such.pdf"
    )

    migrate(latest)

    document_file = DocumentFile.objects.get()
    assert (document_file.document_id, document_file.language) == (with_file.pk, "qu")
    assert document_file.file.name == name  # the same stored file, not a copy
    assert (document_file.format, document_file.size) == ("pdf", len(content))
    assert document_file.original_filename == "mapeo-de-actores.pdf"
    assert document_file.page_count is None and not document_file.cover

    # What the migration leaves out, the command reads from the stored bytes.
    out = StringIO()
    call_command("inspect_document_files", stdout=out)
    document_file.refresh_from_db()
    assert document_file.page_count == 2 and "Anexo" in document_file.text
    assert document_file.cover and document_file.cover_width == 240
    assert "1 file(s) inspected, 0 could not be read." in out.getvalue()
