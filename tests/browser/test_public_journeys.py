"""Visitors read the portal in a real browser: Spanish first, on a phone, with a keyboard, with no script."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
CUSCO_ES = "Grupo de Trabajo de los Principios Voluntarios de Cusco"


@pytest.fixture
def visitor_page(new_page):
    def make(accept_language="es-PE", viewport=DESKTOP, javascript=True, bypass_csp=False):
        return new_page(
            locale=accept_language.split(",")[0],
            accept_language=accept_language,
            viewport=viewport,
            javascript=javascript,
            bypass_csp=bypass_csp,
        )

    return make


@pytest.fixture
def peru_content():
    call_command("load_peru_content", stdout=StringIO())


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_spanish_visitor_clicks_through_to_cusco_then_switches_to_english(
    visitor_page, live_server, peru_content, artifacts, viewport
):
    page = visitor_page(accept_language="es-PE,es;q=0.9", viewport=viewport)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/es/")
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.get_by_role("link", name=CUSCO_ES).first.click()
    expect(page).to_have_url(f"{live_server.url}/es/paises/peru/cusco/")
    expect(page.get_by_role("heading", name="Visión")).to_be_visible()
    expect(page.locator("main")).to_contain_text("garantizar una gobernanza adecuada")
    expect(page.get_by_role("heading", name="Actividades")).to_be_visible()
    expect(page.locator("main")).to_contain_text("rondas campesinas")
    # Nothing is wider than the screen: no sideways scrolling on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    name = "phone" if viewport is PHONE else "desktop"
    page.screenshot(path=str(artifacts / f"group-page-es-{name}.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/en/countries/peru/cusco/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Vision")).to_be_visible()
    expect(page.locator("main")).to_contain_text("guarantee adequate governance")
    page.screenshot(path=str(artifacts / f"group-page-en-{name}.png"), full_page=True)

    # The choice is remembered: back at the root, English wins although the browser asks for Spanish.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/en/")
    assert page.blocked_requests == []


def test_keyboard_users_skip_to_the_content(visitor_page, live_server, peru_content):
    page = visitor_page(accept_language="es-PE")
    page.goto(f"{live_server.url}/es/paises/peru/cusco/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Saltar al contenido")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_the_site_works_without_javascript(visitor_page, live_server, peru_content):
    page = visitor_page(accept_language="es-PE", javascript=False)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=CUSCO_ES).first.click()
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/en/countries/peru/cusco/")


PAGES = [
    "/{lang}/",
    "/{lang}/{about}/",
    "/{lang}/{countries}/peru/",
    "/{lang}/{countries}/peru/cusco/",
    "/{lang}/{documents}/",
    "/{lang}/{documents}/mapeo-de-actores-cusco/",
    "/{lang}/{contacts}/",
    "/{lang}/{search}/?q=cusco",
    "/{lang}/{open_data}/",
    "/{lang}/no-such-page/",
]
SEGMENTS = {
    "es": {
        "about": "acerca-de",
        "countries": "paises",
        "documents": "documentos",
        "contacts": "contactos",
        "search": "buscar",
        "open_data": "datos-abiertos",
    },
    "en": {
        "about": "about",
        "countries": "countries",
        "documents": "documents",
        "contacts": "contacts",
        "search": "search",
        "open_data": "open-data",
    },
}


@pytest.mark.parametrize(
    ("language", "link", "address"),
    [("es", "Datos abiertos", "/es/datos-abiertos/"), ("en", "Open data", "/en/open-data/")],
)
def test_a_researcher_on_a_phone_finds_the_open_data_and_follows_a_live_example(
    visitor_page, live_server, peru_content, artifacts, language, link, address
):
    page = visitor_page(accept_language=language, viewport=PHONE)
    page.goto(f"{live_server.url}/{language}/")
    page.locator("footer").get_by_role("link", name=link).click()
    expect(page).to_have_url(f"{live_server.url}{address}")
    expect(page.get_by_role("heading", level=1)).to_have_text(link)
    # The example record and the long addresses stay within a 360 px screen (measured once the styles are in).
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / f"open-data-{language}-phone.png"), full_page=True)

    page.get_by_role("link", name=f"/api/v1/groups/?lang={language}").click()
    record = json.loads(page.locator("body").inner_text())
    assert {group["slug"] for group in record["results"]} == {"lima", "cusco"}
    assert record["language"] == language


@pytest.mark.parametrize("language", ["es", "en"])
def test_axe_finds_no_serious_accessibility_violation(
    visitor_page, live_server, peru_content, language, artifacts
):
    page = visitor_page(accept_language=language, bypass_csp=True)
    report = {}
    for template in PAGES:
        path = template.format(lang=language, **SEGMENTS[language])
        page.goto(live_server.url + path)
        page.evaluate(AXE.read_text())
        results = page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}))"
            ".violations.map(v => ({id: v.id, impact: v.impact, at: v.nodes.map(n => String(n.target))}))"
        )
        serious = [v for v in results if v["impact"] in ("serious", "critical")]
        if serious:
            report[path] = serious
    (artifacts / f"axe-{language}.json").write_text(json.dumps(report, indent=2))
    assert report == {}, json.dumps(report, indent=2)
    assert all(re.match(r"https?://(localhost|127\.0\.0\.1)", url) is None for url in page.blocked_requests)
