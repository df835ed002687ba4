"""Staff upload a Spanish PDF in the back office; a visitor finds it in the library and downloads it."""

import re

import pytest
from playwright.sync_api import expect

from documents.models import Document
from tests import factories
from tests.browser.admin import log_in
from tests.documents import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE_ES = "Formalización de la pequeña minería en el Perú"
TITLE_EN = "Formalisation of small-scale mining in Peru"


@pytest.fixture
def lima():
    peru = factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")
    factories.make_document_type(name_es="Estudio", name_en="Study", slug="study")
    factories.make_group(country=peru, slug="cusco", name_es="GT Cusco", name_en="Cusco Working Group")
    return factories.make_group(
        country=peru, slug="lima", name_es="Grupo de Trabajo de Lima", name_en="Lima Working Group"
    )


def test_staff_uploads_a_spanish_pdf_and_a_visitor_downloads_the_same_bytes(
    new_page, live_server, lima, artifacts, tmp_path
):
    pdf = samples.pdf_bytes((TITLE_ES, "Resumen ejecutivo", "Conclusiones"))

    # --- The secretariat adds the document in the back office ---------------------------------------------
    staff = new_page()
    log_in(staff, live_server, factories.make_superuser(username="secretaria"))
    staff.goto(f"{live_server.url}/admin/documents/document/add/")
    staff.locator('a[href="#tab_id_title_es"]').click()
    staff.fill("#id_title_es", TITLE_ES)
    staff.locator('a[href="#tab_id_title_en"]').click()
    staff.fill("#id_title_en", TITLE_EN)
    staff.fill("#id_slug", "formalizacion-pequena-mineria")
    staff.select_option("#id_document_type", label="Study")
    staff.select_option("#id_status", "published")
    staff.fill("#id_publication_date", "2019-05-01")

    # The working group, through the admin's autocomplete (select2, served from our own static files).
    staff.locator("#id_groups + .select2 .select2-selection").click()
    staff.locator(".select2-search__field").fill("Lima")
    staff.locator(".select2-results__option", has_text="Lima Working Group").click()

    # The Spanish original, through the file inline.
    inline = staff.locator("#files-group")
    expect(inline.locator("#id_files-0-language")).to_have_value("es")
    inline.locator("#id_files-0-file").set_input_files(
        {"name": "Formalización minera.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    staff.screenshot(path=artifacts / "document-library-admin-upload.png", full_page=True)
    staff.locator("input[name=_save]").last.click()
    expect(staff.locator(".messagelist .success")).to_be_visible()

    document = Document.objects.get(slug="formalizacion-pequena-mineria")
    assert list(document.groups.all()) == [lima]
    document_file = document.files.get()
    assert (document_file.language, document_file.page_count) == ("es", 3)
    assert staff.blocked_requests == [] and staff.failed_responses == []

    # --- A visitor, in Spanish, filters the library and downloads it --------------------------------------
    visitor = new_page(locale="es-PE", accept_language="es-PE,es;q=0.9")
    visitor.goto(f"{live_server.url}/es/documentos/")
    visitor.select_option("#id_language", "es")
    visitor.get_by_role("button", name="Mostrar documentos").click()
    expect(visitor).to_have_url(f"{live_server.url}/es/documentos/?language=es")
    expect(visitor.locator(".active-filters")).to_contain_text("Idioma del documento: español")
    item = visitor.locator(".document-item", has_text=TITLE_ES)
    expect(item).to_contain_text(re.compile(r"\(PDF, \d,\d\xa0KB, 3 páginas, español\)"))
    expect(item.locator("img.document-cover")).to_have_attribute("loading", "lazy")
    visitor.screenshot(path=artifacts / "document-library-es.png", full_page=True)

    item.get_by_role("link", name=TITLE_ES, exact=True).click()
    expect(visitor.get_by_role("heading", name=TITLE_ES)).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("Grupo de Trabajo de Lima")
    visitor.screenshot(path=artifacts / "document-page-es.png", full_page=True)

    with visitor.expect_download() as download_info:
        visitor.locator(".document-files a.button").click()
    download = download_info.value
    assert download.suggested_filename == "Formalización minera.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == pdf
    document_file.refresh_from_db()
    assert document_file.download_count == 1
    assert visitor.blocked_requests == []
