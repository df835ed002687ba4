"""When something fails on our side, visitors get a page in their language and the site's layout."""

import re
import subprocess
import sys
from io import StringIO

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from groups import views as group_views
from tests import factories
from tests.gunicorn_servers import ROOT, collect_static, manage, production_env


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(("language", "message"), [("es", "Algo salió mal"), ("en", "Something went wrong")])
def test_a_bug_shows_a_friendly_500_in_the_visitors_language(
    failing_client, db, monkeypatch, language, message
):
    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(group_views, "countries_with_groups", broken)
    response = failing_client.get(f"/{language}/")
    body = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in body and message in body
    assert "RuntimeError" not in body and "Traceback" not in body


@pytest.mark.parametrize(
    ("language", "message"),
    [("es", "El portal no está disponible por un momento"), ("en", "The portal is briefly unavailable")],
)
def test_a_database_that_goes_away_gets_a_503_asking_to_retry(
    failing_client, transactional_db, monkeypatch, language, message
):
    def refuse(*args, **kwargs):
        raise psycopg.OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    connection.close()
    monkeypatch.setattr(connection, "get_new_connection", refuse)
    response = failing_client.get(f"/{language}/")
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert f'<html lang="{language}">' in body and message in body
    assert "Connection refused" not in body
    monkeypatch.undo()
    connection.close()
    assert failing_client.get(f"/{language}/").status_code == 200


# --- Refused requests: the site's layout and the visitor's language, never Django's bare English -----------


def assert_error_page(response, status, language, *texts):
    body = response.content.decode()
    assert response.status_code == status, body[:500]
    assert f'<html lang="{language}">' in body and 'class="site-header"' in body
    assert "/static/css/site" in body
    for text in texts:
        assert text in body
    return body


CSRF_TEXT = {
    "es": ("No se pudo enviar este formulario", "recárguela y envíe el formulario de nuevo"),
    "en": ("This form could not be sent", "reload the page and send the form again"),
}


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_form_refused_by_the_csrf_check_says_what_happened_in_the_visitors_language(db, language):
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=language)  # the form, and its cookie
    client.cookies.clear()  # cookies blocked, or the session expired meanwhile
    response = client.post(
        "/admin/login/", {"username": "boss", "password": "x"}, HTTP_ACCEPT_LANGUAGE=language
    )
    body = assert_error_page(response, 403, language, *CSRF_TEXT[language])
    assert "CSRF" not in body and "Forbidden" not in body
    if language == "es":
        assert CSRF_TEXT["en"][0] not in body and "expired" not in body


def test_the_csrf_page_follows_the_language_the_visitor_chose(db):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post("/admin/login/", {"username": "boss"}, HTTP_ACCEPT_LANGUAGE="en")
    assert_error_page(response, 403, "es", *CSRF_TEXT["es"])


@pytest.mark.parametrize(
    ("language", "text"),
    [("es", "No se pudo entender esta solicitud"), ("en", "This request could not be understood")],
)
def test_a_bad_request_gets_a_page_in_the_layout(client, db, language, text):
    # A forged Host header: the page must not trip over it again (it is rendered without the request).
    response = client.get(f"/{language}/", HTTP_HOST="evil.example")
    assert_error_page(response, 400, language, text)


def test_a_page_staff_may_not_see_answers_403_in_the_layout(client, db):
    client.force_login(factories.make_staff_user())
    response = client.get("/admin/auth/user/", HTTP_ACCEPT_LANGUAGE="es")
    body = assert_error_page(response, 403, "es", "Acceso denegado", "no tiene permiso para ver esta página")
    assert "Access denied" not in body and "403 Forbidden" not in body


@pytest.mark.parametrize(("language", "limit"), [("es", "60,0\xa0MB"), ("en", "60.0\xa0MB")])
def test_a_body_over_the_limit_gets_413_before_it_is_read(client, db, language, limit):
    assert settings.MAX_REQUEST_BYTES == settings.DOCUMENT_MAX_UPLOAD_BYTES + 10 * 1024 * 1024
    # The body announced is larger than the one sent: reading it would fail the test client.
    response = client.post(
        "/admin/login/",
        "username=boss&password=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    title = {"es": "Lo que envió es demasiado grande", "en": "What you sent is too large"}[language]
    assert_error_page(response, 413, language, title, limit)


def test_a_body_within_the_limit_is_read_as_usual(client, db, settings):
    settings.MAX_REQUEST_BYTES = 1000
    form = {"username": "boss", "password": "wrong"}
    assert client.post("/admin/login/", form).status_code == 200
    assert client.post("/admin/login/", {**form, "note": "x" * 1000}).status_code == 413


# --- Static copies for nginx ----------------------------------------------------------------------------


def test_render_error_pages_writes_each_page_in_each_language(client, db, tmp_path):
    out = StringIO()
    call_command("render_error_pages", str(tmp_path / "errors"), stdout=out)
    assert out.getvalue().count("\n") == 1 and "6 error pages" in out.getvalue()
    pages = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "errors").iterdir()}
    assert sorted(pages) == [
        f"{code}.{language}.html" for code in (400, 413, 502) for language in ("en", "es")
    ]
    assert "could not read what your browser sent" in pages["400.en.html"]
    assert '<html lang="es">' in pages["413.es.html"] and "60,0\xa0MB" in pages["413.es.html"]
    assert "Lo que envió es demasiado grande" in pages["413.es.html"]
    assert "What you sent is too large" in pages["413.en.html"]
    assert "El portal no está disponible por un momento" in pages["502.es.html"]
    assert "try again in a minute" in pages["502.en.html"]
    for html in pages.values():
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
        assert client.get(stylesheet).status_code == 200, stylesheet


def test_render_error_pages_links_the_collected_stylesheet_in_production(tmp_path):
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "render_error_pages", str(tmp_path / "errors")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "collectstatic" in result.stderr
    collect_static(env)
    manage(env, "render_error_pages", str(tmp_path / "errors"))
    html = (tmp_path / "errors" / "502.es.html").read_text(encoding="utf-8")
    stylesheet = re.search(r'href="/static/(css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    assert (tmp_path / "static" / stylesheet).is_file()
