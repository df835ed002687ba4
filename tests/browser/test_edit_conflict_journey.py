"""Two staff members, two browsers, one group page: the second save is refused with its typing kept."""

import pytest
from playwright.sync_api import expect

from groups.models import WorkingGroup
from tests import factories
from tests.browser.admin import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("first_role", ["secretariat", "coordinator"])
def test_the_second_of_two_staff_members_keeps_their_typing_and_chooses_to_save_over(
    new_page, live_server, artifacts, first_role
):
    cusco = factories.make_group(slug="cusco", name_en="Cusco Working Group", location_es="Cusco")
    people = {
        "secretariat": factories.make_secretariat_user(username="ana", first_name="Ana", last_name="Quispe"),
        "coordinator": factories.make_coordinator(
            groups=[cusco], username="luis", first_name="Luis", last_name="Huamán"
        ),
    }
    first_user = people[first_role]
    second_user = people["coordinator" if first_role == "secretariat" else "secretariat"]
    first, second = new_page(), new_page(locale="es-PE", accept_language="es-PE,es;q=0.9")
    log_in(first, live_server, first_user)
    log_in(second, live_server, second_user)
    url = f"{live_server.url}/admin/groups/workinggroup/{cusco.pk}/change/"
    for page in (first, second):
        page.goto(url)
        page.wait_for_load_state("load")

    first.locator('a[href="#tab_id_vision_es"]').click()
    first.fill("#id_vision_es", "Visión guardada primero.")
    first.locator("input[name=_save]").last.click()
    expect(first.locator(".messagelist .success")).to_be_visible()

    typed = "Lugar escrito en el segundo navegador."
    second.locator('a[href="#tab_id_location_es"]').click()
    second.fill("#id_location_es", typed)
    second.locator("input[name=_save]").last.click()
    conflict = second.locator(".errorlist.nonfield")
    expect(conflict).to_contain_text(f"{first_user.get_full_name()} guardó esta página")
    expect(conflict).to_contain_text("cambió: Visión [es].")
    expect(conflict.get_by_role("link", name="Vea la otra versión en el historial")).to_have_attribute(
        "href", f"/admin/groups/workinggroup/{cusco.pk}/history/"
    )
    second.locator('a[href="#tab_id_location_es"]').click()
    expect(second.locator("#id_location_es")).to_have_value(typed)
    second.screenshot(path=artifacts / f"edit-conflict-{first_role}-first.png", full_page=True)
    cusco.refresh_from_db()
    assert (cusco.vision_es, cusco.location_es) == ("Visión guardada primero.", "Cusco")

    # On purpose: the second version replaces the first.
    second.locator("input[name=_save]").last.click()
    expect(second.locator(".messagelist .success")).to_be_visible()
    cusco = WorkingGroup.objects.get(pk=cusco.pk)
    assert cusco.location_es == typed
