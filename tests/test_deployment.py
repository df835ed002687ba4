"""The app servers are stateless: two gunicorn instances on one PostgreSQL and one media store serve as one.

This runs the production configuration for real — gunicorn, DEBUG off, HTTPS-only behind a proxy (requests
carry the proxy's X-Forwarded-Proto), the manifest static files — against the test database.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from groups.models import WorkingGroup
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
HOST = "icwg.example.org"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


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


class FormFields(HTMLParser):
    """The fields a browser would submit for the form with the given id, with their current values."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.textarea = self.select = None
        self.select_value = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside or not attributes.get("name") and tag not in ("option",):
            return
        name = attributes.get("name")
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select, self.select_value = name, None
        elif tag == "option" and self.select and "selected" in attributes:
            self.fields.append((self.select, attributes.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_fields(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


@pytest.fixture
def two_app_servers(transactional_db, tmp_path, monkeypatch):
    call_command("load_peru_content", stdout=StringIO())
    get_user_model().objects.create_superuser("secretaria", password=factories.PASSWORD)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "HTTPS_ONLY", "STATIC_STORAGE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    env.update(
        {
            "DATABASE_URL": database_url(),
            "SECRET_KEY": "two-instances-share-this-secret-" + "k" * 30,
            "ALLOWED_HOSTS": HOST,
            "BEHIND_PROXY": "true",
            "TRUSTED_PROXY_COUNT": "1",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "WEB_CONCURRENCY": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    monkeypatch.setenv("ICWG_GUNICORN_LOGS", str(tmp_path))
    ports, processes = [free_port(), free_port()], []
    for port in ports:
        processes.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "--config",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(tmp_path / f"gunicorn-{port}.log", "w"),
            )
        )
    try:
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                try:
                    status, _headers, _body = Browser().get(port, "/healthz")
                    if status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, (tmp_path / f"gunicorn-{port}.log").read_text()
                time.sleep(0.2)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def server_logs():
    """The servers' own logs (JSON lines), to explain a failure."""
    logs = sorted(Path(os.environ.get("ICWG_GUNICORN_LOGS", "/nonexistent")).glob("gunicorn-*.log"))
    return "\n".join(log.read_text()[-3000:] for log in logs)


def test_sign_in_on_one_server_edit_on_the_other_and_both_serve_every_visitor(two_app_servers):
    first, second = two_app_servers
    staff = Browser()

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
