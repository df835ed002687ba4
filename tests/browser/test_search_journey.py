"""Visitors search from the header's search box: Spanish first, on a phone, with or without script."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
CUSCO_ES = "Grupo de Trabajo de los Principios Voluntarios de Cusco"
GUAMAN_POMA = "Centro de Educación y Comunicación Guaman Poma de Ayala"
FORMALIZATION_EN = "The Formalization Process of Small-Scale and Artisanal Mining in Peru"
FORMALIZATION_SLUG = "formalizacion-pequena-mineria-y-mineria-artesanal"


@pytest.fixture
def peru_content():
    call_command("load_peru_content", stdout=StringIO())


def test_spanish_visitor_on_a_phone_types_guaman_poma_in_the_header_and_reaches_the_cusco_group(
    new_page, live_server, peru_content, artifacts
):
    page = new_page(locale="es-PE", accept_language="es-PE,es;q=0.9", viewport=PHONE)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/es/")
    box = page.get_by_role("searchbox", name="Buscar en el portal")
    expect(box).to_be_visible()
    # The box and its button fit the phone's width, beside nothing that overflows.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button = page.get_by_role("button", name="Buscar")
    assert box.bounding_box()["width"] >= 150 and button.bounding_box()["height"] >= 44

    box.fill("guaman poma")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/es/buscar/?q=guaman+poma")
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultados para «guaman poma»")
    expect(box).to_have_value("guaman poma")
    organizations = page.locator("section", has=page.get_by_role("heading", name="Organizaciones (1)"))
    result = organizations.locator(".search-result")
    expect(result).to_have_count(1)
    expect(result.locator("h3 mark")).to_have_text(["Guaman", "Poma"])
    expect(result.get_by_role("link", name=CUSCO_ES)).to_be_visible()  # the group it takes part in
    expect(page.get_by_role("heading", name="Contactos (1)")).to_be_visible()  # Lucio Quiñones, its contact
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / "search-es-phone.png"), full_page=True)

    result.get_by_role("link", name=GUAMAN_POMA).click()
    expect(page).to_have_url(f"{live_server.url}/es/paises/peru/cusco/#composition")
    expect(page.get_by_role("heading", level=1)).to_have_text(CUSCO_ES)
    expect(page.locator("#composition")).to_be_in_viewport()
    expect(page.locator("main")).to_contain_text(GUAMAN_POMA)
    assert page.blocked_requests == []


def test_search_works_without_javascript_and_says_when_nothing_is_found(new_page, live_server, peru_content):
    page = new_page(locale="en-GB", accept_language="en-GB", javascript=False)
    page.goto(f"{live_server.url}/en/documents/")
    page.get_by_role("searchbox", name="Search the portal").fill("formalization")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/en/search/?q=formalization")
    expect(page.get_by_role("heading", name="Documents (1)")).to_be_visible()
    page.get_by_role("link", name=FORMALIZATION_EN).click()
    expect(page).to_have_url(f"{live_server.url}/en/documents/{FORMALIZATION_SLUG}/")

    page.get_by_role("searchbox", name="Search the portal").fill("zzzqqq")
    page.get_by_role("searchbox", name="Search the portal").press("Enter")
    expect(page.locator("main")).to_contain_text("Nothing was found for “zzzqqq”")
    page.get_by_role("link", name="the document library").click()
    expect(page).to_have_url(f"{live_server.url}/en/documents/")
