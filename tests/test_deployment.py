"""The app servers are stateless: two gunicorn instances on one PostgreSQL and one media store serve as one.

This runs the production configuration for real — gunicorn, DEBUG off, HTTPS-only behind a proxy (requests
carry the proxy's X-Forwarded-Proto), the manifest static files — against the test database.
"""

import http.client
import os
import re
from contextlib import ExitStack
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from groups.models import WorkingGroup
from tests import factories
from tests.admin_pages import form_fields
from tests.gunicorn_servers import HOST, collect_static, free_port, gunicorn, production_env


class Browser:
    """Just enough of a browser over plain HTTP, as seen behind a TLS-terminating proxy: cookies, CSRF."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, form=None):
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            "Accept-Language": "es-PE",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
                assert "Secure" in value and "HttpOnly" in value and "SameSite=Lax" in value, value
        client.close()
        return response.status, dict(response.getheaders()), content.decode("utf-8", "replace")

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post(self, port, path, form):
        return self.request(port, "POST", path, form)


@pytest.fixture
def two_app_servers(transactional_db, tmp_path, monkeypatch):
    call_command("load_peru_content", stdout=StringIO())
    get_user_model().objects.create_superuser("secretaria", password=factories.PASSWORD)
    # Each server keeps pages in its own memory (no CACHE_URL); the content version they share is on disk.
    env = production_env(tmp_path, CACHE_DIR=str(tmp_path / "cache"))
    collect_static(env)
    monkeypatch.setenv("ICWG_GUNICORN_LOGS", str(tmp_path))
    ports = [free_port(), free_port()]
    with ExitStack() as servers:
        for port in ports:
            servers.enter_context(gunicorn(env, port, tmp_path))
        yield ports


def server_logs():
    """The servers' own logs (JSON lines), to explain a failure."""
    logs = sorted(Path(os.environ.get("ICWG_GUNICORN_LOGS", "/nonexistent")).glob("gunicorn-*"))
    return "\n".join(log.read_text()[-3000:] for log in logs)


def test_sign_in_on_one_server_edit_on_the_other_and_both_serve_every_visitor_at_once(two_app_servers):
    first, second = two_app_servers
    staff = Browser()
    # Both servers have stored the Cusco page in both languages before the edit.
    for port in (first, second):
        for path in ("/es/paises/peru/cusco/", "/en/countries/peru/cusco/"):
            answers = [Browser().get(port, path) for _ in range(2)]
            assert [headers.get("X-Page-Cache") for _s, headers, _p in answers] == ["miss", "hit"]

    # Sign in on the first server.
    status, _headers, page = staff.get(first, "/admin/login/?next=/admin/")
    assert status == 200
    token = dict(form_fields(page, "login-form"))["csrfmiddlewaretoken"]
    status, headers, _page = staff.post(
        first,
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": token,
            "username": "secretaria",
            "password": factories.PASSWORD,
            "next": "/admin/",
        },
    )
    assert status == 302 and headers["Location"] == "/admin/"

    # The second server knows the session, and takes an edit of Cusco's Spanish vision.
    cusco = WorkingGroup.objects.get(slug="cusco")
    change = f"/admin/groups/workinggroup/{cusco.pk}/change/"
    status, _headers, page = staff.get(second, change)
    assert status == 200 and "Cusco" in page, server_logs()
    new_vision = "Una gobernanza adecuada, editada en el segundo servidor."
    fields = [
        (name, new_vision if name == "vision_es" else value)
        for name, value in form_fields(page, "workinggroup_form")
    ]
    assert ("vision_es", new_vision) in fields
    status, headers, page = staff.post(second, change, fields)
    assert status == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    cusco.refresh_from_db()
    assert cusco.vision_es == new_vision
    # At once, on the server that took the edit and on the other; the English page too is rendered again
    # (any content change makes every stored page obsolete).
    for port in (first, second):
        _status, headers, page = Browser().get(port, "/es/paises/peru/cusco/")
        assert new_vision in page and headers["X-Page-Cache"] == "miss"
        _status, headers, _page = Browser().get(port, "/en/countries/peru/cusco/")
        assert headers["X-Page-Cache"] == "miss"

    # Visitors are served the same by both servers, the edit included.
    visitor_a, visitor_b = Browser(), Browser()
    status, _headers, group_page = visitor_a.get(first, "/es/paises/peru/cusco/")
    assert status == 200 and new_vision in group_page
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', group_page).group(1)
    for path in (
        "/es/",
        "/en/",
        "/es/paises/peru/",
        "/es/paises/peru/cusco/",
        "/en/countries/peru/lima/",
        "/es/documentos/",
        "/es/contactos/",
        "/sitemap.xml",
        "/robots.txt",
        stylesheet,
    ):
        answers = [visitor.get(port, path) for visitor, port in ((visitor_a, first), (visitor_b, second))]
        assert [status for status, _h, _b in answers] == [200, 200], path
        assert answers[0][2] == answers[1][2], f"{path} differs between the two servers"
    status, headers, _css = visitor_b.get(second, stylesheet)
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]

    # A visitor's language choice made on one server holds on the other.
    status, headers, _page = visitor_a.get(first, "/language/en/?next=/es/paises/peru/cusco/")
    assert status == 302 and headers["Location"] == "/en/countries/peru/cusco/"
    status, headers, _page = visitor_a.get(second, "/")
    assert status == 302 and headers["Location"] == "/en/"

    # And plain HTTP (no proxy header) is sent to HTTPS by both.
    for port in (first, second):
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        client.request("GET", "/es/", headers={"Host": HOST})
        response = client.getresponse()
        assert response.status == 301 and response.getheader("Location") == f"https://{HOST}/es/"
        client.close()
