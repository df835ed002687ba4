"""Playwright against pytest-django's live server (the session's Chromium is in tests/conftest.py)."""

from urllib.parse import urlsplit

import pytest


@pytest.fixture
def new_page(browser, live_server):
    """Make pages that reach only the live server: anything else (a CDN…) fails at once and is recorded."""
    contexts = []
    own_origin = urlsplit(live_server.url).netloc

    def make(locale="en-GB", accept_language=None, viewport=None, javascript=True, bypass_csp=False):
        options = {"locale": locale, "java_script_enabled": javascript, "bypass_csp": bypass_csp}
        if accept_language:
            options["extra_http_headers"] = {"Accept-Language": accept_language}
        if viewport:
            options["viewport"] = viewport
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(10_000)
        blocked = []

        def only_live_server(route):
            if urlsplit(route.request.url).netloc == own_origin:
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_live_server)
        page = context.new_page()
        page.blocked_requests = blocked
        failed = []
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        page.failed_responses = failed
        # Anything the Content-Security-Policy refuses (an inline script or style, another host) is a bug.
        violations = []
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and violations.append(message.text),
        )
        page.csp_violations = violations
        pages.append(page)
        return page

    pages = []
    yield make
    for context in contexts:
        context.close()
    refused = [text for page in pages for text in page.csp_violations]
    assert not refused, f"the Content-Security-Policy refused: {refused}"


@pytest.fixture
def page(new_page):
    return new_page()
