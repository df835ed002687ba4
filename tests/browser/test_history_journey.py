"""The secretariat deletes a contact by mistake on its group's page and brings it back from "Recover deleted
contacts", in a real browser (and without the Content-Security-Policy refusing anything on the way)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from contacts.models import Contact
from groups.models import WorkingGroup
from tests import factories
from tests.browser.admin import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_recovers_a_contact_deleted_by_mistake(page, live_server, artifacts):
    peru = factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")
    cusco = factories.make_group(
        country=peru, slug="cusco", name_es="Grupo de Trabajo de Cusco", name_en="Cusco Working Group"
    )
    contact = factories.make_contact(group=cusco, person="Ana Quispe", emails="ana@example.org")
    call_command("createinitialrevisions", verbosity=0)
    log_in(page, live_server, factories.make_secretariat_user(username="secretaria"))

    # The mistake: the contact's "Delete" box ticked on the group's page, and the page saved.
    page.goto(f"{live_server.url}/admin/groups/workinggroup/{cusco.pk}/change/")
    page.wait_for_load_state("load")
    page.locator("#id_contacts-0-DELETE").check()
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert not Contact.objects.filter(pk=contact.pk).exists()

    # The group's history shows who changed it and when.
    page.goto(f"{live_server.url}/admin/groups/workinggroup/{cusco.pk}/history/")
    expect(page.locator("#change-history tbody tr")).to_have_count(2)
    expect(page.locator("#change-history tbody tr").first).to_contain_text("secretaria")

    # Recovered from the contacts' list.
    page.goto(f"{live_server.url}/admin/contacts/contact/")
    page.locator("a.recoverlink").click()
    expect(page).to_have_url(re.compile(r"/admin/contacts/contact/recover/$"))
    row = page.locator("#change-history tbody tr", has_text="Ana Quispe")
    expect(row).to_have_count(1)
    page.screenshot(path=artifacts / "history-journey-recover-list.png", full_page=True)
    row.locator("a").click()
    expect(page.locator("#id_person")).to_have_value("Ana Quispe")
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("Ana Quispe")
    page.screenshot(path=artifacts / "history-journey-recovered.png", full_page=True)

    recovered = Contact.objects.get(pk=contact.pk)
    assert (recovered.person, recovered.group_id) == ("Ana Quispe", cusco.pk)
    assert recovered.emails == "ana@example.org"
    assert WorkingGroup.objects.filter(pk=cusco.pk).exists()
    assert page.failed_responses == [], "the admin referenced files the portal does not serve"
    assert page.blocked_requests == [], "the admin asked for something outside the portal"
