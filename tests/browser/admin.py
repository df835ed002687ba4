"""Steps that several back-office journeys share."""

import re

from playwright.sync_api import expect

from tests import factories


def log_in(page, live_server, user):
    """Sign in through the real admin login form (django-axes and all) and land on the admin index."""
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/admin/")
