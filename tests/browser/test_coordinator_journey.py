"""A group coordinator edits their own group in the back office and cannot reach another group's page."""

import pytest
from playwright.sync_api import expect

from groups.models import WorkingGroup
from tests import factories
from tests.browser.admin import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_cusco_coordinator_edits_cusco_and_cannot_reach_lima(page, live_server, artifacts):
    peru = factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")
    cusco = factories.make_group(
        country=peru,
        slug="cusco",
        name_es="Grupo de Trabajo de Cusco",
        name_en="Cusco Working Group",
        location_es="Cusco",
        vision_es="Un Cusco donde la seguridad respeta los derechos humanos.",
    )
    lima = factories.make_group(
        country=peru,
        slug="lima",
        name_es="Grupo de Trabajo de Lima",
        name_en="Lima Working Group",
        location_es="Lima",
    )
    lima_before = WorkingGroup.objects.filter(pk=lima.pk).values().get()
    coordinator = factories.make_coordinator(groups=[cusco], username="coordinadora")

    log_in(page, live_server, coordinator)
    page.locator("#content-main tr.model-workinggroup th a").click()
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Cusco Working Group")
    expect(page.locator("#content")).not_to_contain_text("Lima")
    expect(page.locator(".object-tools .addlink")).to_have_count(0)  # no "Add working group"

    results.get_by_role("link", name="Cusco Working Group").click()
    expect(page.locator("#workinggroup_form")).to_be_visible()
    page.wait_for_load_state("load")
    expect(page.locator("#id_coordinators")).to_have_count(0)  # who coordinates is not theirs to choose
    page.locator('a[href="#tab_id_vision_es"]').click()
    vision_es = page.locator("#id_vision_es")
    expect(vision_es).to_be_visible()
    new_vision = "Un Cusco donde empresas, Estado y comunidades dialogan sobre seguridad."
    vision_es.fill(new_vision)
    page.screenshot(path=artifacts / "coordinator-journey-cusco.png", full_page=True)
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    cusco.refresh_from_db()
    assert cusco.vision_es == new_vision
    assert page.failed_responses == [], "the admin referenced files the portal does not serve"

    # Lima's page, typed in by hand: refused.
    response = page.goto(f"{live_server.url}/admin/groups/workinggroup/{lima.pk}/change/")
    assert response.status == 404
    expect(page.locator("#workinggroup_form")).to_have_count(0)
    expect(page.locator("h1")).to_have_text("Page not found")
    page.screenshot(path=artifacts / "coordinator-journey-lima-refused.png", full_page=True)
    assert WorkingGroup.objects.filter(pk=lima.pk).values().get() == lima_before
    assert page.blocked_requests == [], "the admin asked for something outside the portal"
