"""A deleted document file comes back with its record: the history keeps files while a version needs them."""

from urllib.parse import urlencode

import pytest
import reversion
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from documents import services
from documents.models import Document, DocumentFile
from tests import factories
from tests.admin_pages import form_fields
from tests.documents.samples import make_document_file, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secretariat():
    client = Client()
    client.force_login(factories.make_secretariat_user())
    return client


def post(client, url, fields):
    return client.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded")


def download(client, document_file):
    response = client.get(f"/es/documentos/{document_file.document.slug}/descargar/{document_file.language}/")
    return response.status_code, b"".join(response.streaming_content) if response.streaming else b""


def test_a_document_deleted_in_the_admin_is_recovered_with_its_file_bytes_and_all(secretariat):
    group = factories.make_group()
    document = factories.make_document(groups=[group], slug="informe-cusco", title_en="Annual report 2026")
    original = pdf_bytes(("Informe anual del grupo",))
    document_file = make_document_file(document=document, content=original)
    stored = document_file.file.name
    call_command("createinitialrevisions", verbosity=0)

    response = secretariat.post(f"/admin/documents/document/{document.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Document.objects.exists()
    assert default_storage.exists(stored), "a version still refers to the file: its bytes must stay"

    recover_list = secretariat.get("/admin/documents/document/recover/").content.decode()
    assert "Annual report 2026" in recover_list

    deleted = Version.objects.get_deleted(Document).get()
    page = secretariat.get(f"/admin/documents/document/recover/{deleted.pk}/")
    assert page.status_code == 200

    fields = form_fields(page.content.decode(), "document_form")

    saved = post(secretariat, f"/admin/documents/document/recover/{deleted.pk}/", fields)
    assert saved.status_code == 302
    restored = DocumentFile.objects.get(document__slug="informe-cusco")
    assert restored.file.name == stored
    status, body = download(Client(), restored)
    assert status == 200 and body == original


def test_reverting_a_document_brings_back_the_file_it_had_then(secretariat):
    document = factories.make_document(slug="mapeo")
    first = pdf_bytes(("Primera versión del mapeo",))
    document_file = make_document_file(document=document, content=first)
    first_name = document_file.file.name
    call_command("createinitialrevisions", verbosity=0)

    old_version = Version.objects.get_for_object(document).get()

    with reversion.create_revision():
        services.save_document_file(
            document_file, upload=SimpleUploadedFile("nuevo.pdf", pdf_bytes(("Segunda",)))
        )
        reversion.add_to_revision(document)
    assert default_storage.exists(first_name), "the replaced file is still in a version"

    url = f"/admin/documents/document/{document.pk}/history/{old_version.pk}/"
    fields = form_fields(secretariat.get(url).content.decode(), "document_form")
    assert post(secretariat, url, fields).status_code == 302
    document_file.refresh_from_db()
    assert document_file.file.name == first_name
    assert download(Client(), document_file) == (200, first)
