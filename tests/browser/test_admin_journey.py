"""A staff member edits a working group in the back office, in a real browser."""

import pytest
from playwright.sync_api import expect

from groups.models import WorkingGroup
from tests import factories
from tests.browser.admin import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISION_ES = "Un Cusco donde la seguridad respeta los derechos humanos."
VISION_EN = "A Cusco where security respects human rights."


@pytest.fixture
def cusco():
    country = factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")
    return factories.make_group(
        country=country,
        slug="cusco",
        name_es="Grupo de Trabajo de los Principios Voluntarios de Cusco",
        name_en="Cusco Partner In-Country Working Group",
        location_es="Cusco",
        location_en="Cusco",
        vision_es=VISION_ES,
        vision_en=VISION_EN,
    )


@pytest.fixture
def editor():
    return factories.make_staff_user(factories.GROUP_EDITOR_PERMISSIONS, username="editora")


def open_group(page, group):
    page.locator("#content-main tr.model-workinggroup th a").click()
    page.locator("#result_list").get_by_role("link", name=group.name_en).click()
    expect(page.locator("#workinggroup_form")).to_be_visible()
    page.wait_for_load_state("load")


def test_staff_member_edits_the_spanish_vision_in_its_language_tab(
    page, live_server, cusco, editor, artifacts
):
    log_in(page, live_server, editor)
    open_group(page, cusco)
    assert page.failed_responses == [], "the admin referenced files the portal does not serve"

    # The language tabs are really built (jQuery UI from our own static files): one language shows at a time.
    vision_es, vision_en = page.locator("#id_vision_es"), page.locator("#id_vision_en")
    spanish_tab = page.locator('a[href="#tab_id_vision_es"]')
    expect(spanish_tab).to_be_visible()
    expect(spanish_tab).to_have_text("es")
    expect(page.locator(".ui-tabs").first).to_be_visible()
    expect(vision_en).to_be_visible()  # the admin is in English: the English tab is open first
    expect(vision_es).to_be_hidden()

    spanish_tab.click()
    expect(vision_es).to_be_visible()
    expect(vision_en).to_be_hidden()
    expect(vision_es).to_have_value(VISION_ES)
    new_vision = "Un Cusco donde empresas, Estado y comunidades dialogan sobre seguridad y derechos humanos."
    vision_es.fill(new_vision)
    page.screenshot(path=artifacts / "admin-journey-spanish-vision.png", full_page=True)

    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    expect(page).to_have_url(f"{live_server.url}/admin/groups/workinggroup/")

    cusco.refresh_from_db()
    assert cusco.vision_es == new_vision
    assert cusco.vision_en == VISION_EN
    assert page.blocked_requests == [], "the admin asked for something outside the portal"
    assert page.failed_responses == [], "the admin referenced files the portal does not serve"


def test_staff_member_reorders_objectives_by_drag_and_drop(page, live_server, cusco, editor):
    for order, label in enumerate(["first", "second", "third"], start=1):
        factories.make_objective(group=cusco, order=order, text_es=f"Objetivo {label}", text_en=f"{label}")
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/groups/workinggroup/{cusco.pk}/change/")

    rows = page.locator("#objectives-group tbody tr.has_original")
    expect(rows).to_have_count(3)
    # A screen tall enough to show the three rows at once, as a drag needs.
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.locator("#objectives-group").scroll_into_view_if_needed()
    # sortable2's handle is the row's label strip; drag the third objective onto the first.
    rows.nth(2).locator("td.original p").drag_to(rows.nth(0).locator("td.original p"))
    expect(rows.nth(0).locator("[name$='-text_en']")).to_have_value("third")

    page.locator("input[name=_continue]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    texts = list(WorkingGroup.objects.get(pk=cusco.pk).objectives.values_list("text_en", flat=True))
    assert texts == ["third", "first", "second"]


def test_move_to_last_position_button_reorders_objectives(page, live_server, cusco, editor):
    for order, label in enumerate(["first", "second", "third"], start=1):
        factories.make_objective(group=cusco, order=order, text_es=f"Objetivo {label}", text_en=f"{label}")
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/groups/workinggroup/{cusco.pk}/change/")

    rows = page.locator("#objectives-group tbody tr.has_original")
    rows.nth(0).locator(".sort i.move-end").click()
    expect(rows.nth(2).locator("[name$='-text_en']")).to_have_value("first")

    page.locator("input[name=_continue]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    texts = list(WorkingGroup.objects.get(pk=cusco.pk).objectives.values_list("text_en", flat=True))
    assert texts == ["second", "third", "first"]


def test_leaving_an_edited_group_asks_first_so_no_work_is_lost(page, live_server, cusco, editor):
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", answer)
    log_in(page, live_server, editor)
    change_url = f"{live_server.url}/admin/groups/workinggroup/{cusco.pk}/change/"

    # Nothing edited: leaving needs no confirmation.
    page.goto(change_url)
    page.locator("nav[aria-label=Breadcrumbs] a", has_text="Home").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    assert dialogs == []

    # An edit not saved yet: the browser asks, and staying keeps the edit.
    page.goto(change_url)
    acronym = page.locator("#id_acronym")
    acronym.click()
    acronym.fill("GTPV Cusco")
    page.locator("nav[aria-label=Breadcrumbs] a", has_text="Home").click()
    expect(page).to_have_url(change_url)
    assert dialogs == ["beforeunload"]
    expect(acronym).to_have_value("GTPV Cusco")

    # Saving is not leaving: no question.
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert dialogs == ["beforeunload"]
    cusco.refresh_from_db()
    assert cusco.acronym == "GTPV Cusco"
