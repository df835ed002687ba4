"""Safe by default: security headers on every response, cookies, deploy checklist, login lockout, health."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from tests import factories

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "SECRET_KEY": "p" * 20 + "-production-like-secret-for-the-check-" + "q" * 20,
    "ALLOWED_HOSTS": "icwg.example.org",
    "DATABASE_URL": "postgres://icwg:secret@db.example.org:5432/icwg",
}


@pytest.fixture
def https_only(settings):
    """The production defaults that tests/environment.py switches off for the plain-HTTP test client."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = True
    return settings


class TestHeaders:
    def assert_protected(self, response, page=True):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert (
            "camera=()" in response["Permissions-Policy"]
            and "geolocation=()" in response["Permissions-Policy"]
        )
        if page:  # framing and window-opener rules concern documents, not stylesheets
            assert response["X-Frame-Options"] == "DENY"
            assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    @pytest.mark.parametrize("path", ["/es/", "/en/about/", "/es/no-existe/", "/sitemap.xml", "/robots.txt"])
    def test_public_responses(self, client, db, https_only, path):
        self.assert_protected(client.get(path, secure=True))

    def test_admin_responses(self, client, db, https_only):
        self.assert_protected(client.get("/admin/login/", secure=True))
        client.force_login(get_user_model().objects.create_superuser("boss", password=factories.PASSWORD))
        self.assert_protected(client.get("/admin/groups/workinggroup/", secure=True))

    def test_download_responses(self, client, db, https_only):
        from tests.documents.samples import make_document_file

        document_file = make_document_file(name="Formalización minera.pdf")
        document_file.document.status = "published"
        document_file.document.save()
        response = client.get(document_file.get_absolute_url(), secure=True)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        self.assert_protected(response)
        partial = client.get(document_file.get_absolute_url(), secure=True, HTTP_RANGE="bytes=0-9")
        assert partial.status_code == 206
        self.assert_protected(partial)

    def test_static_responses(self, client, db, https_only):
        response = client.get("/static/css/site.css", secure=True)
        assert response.status_code == 200
        self.assert_protected(response, page=False)

    def test_plain_http_is_redirected_to_https(self, client, db, https_only):
        response = client.get("/es/")
        assert response.status_code == 301 and response["Location"] == "https://testserver/es/"


class TestCookies:
    def test_session_csrf_and_language_cookies_are_secure_httponly_and_samesite(self, client, db, https_only):
        client.get("/language/en/?next=/es/", secure=True)
        login = client.get("/admin/login/", secure=True)
        cookies = {**client.cookies}
        assert login.status_code == 200
        for name in ("django_language", "csrftoken"):
            cookie = cookies[name]
            assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax", name
        user = get_user_model().objects.create_superuser("boss", password=factories.PASSWORD)
        response = client.post(
            "/admin/login/",
            {"username": user.username, "password": factories.PASSWORD, "next": "/admin/"},
            secure=True,
        )
        assert response.status_code == 302
        session = client.cookies["sessionid"]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


class TestLoginLockout:
    def fail(self, client, username, address, language="en"):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": "wrong-password"},
            REMOTE_ADDR=address,
            HTTP_ACCEPT_LANGUAGE=language,
        )

    def sign_in(self, address, **headers):
        return Client().post(
            "/admin/login/?next=/admin/",
            {"username": "boss", "password": factories.PASSWORD},
            REMOTE_ADDR=address,
            **headers,
        )

    def test_five_wrong_passwords_lock_that_name_from_that_address_only(self, db):
        get_user_model().objects.create_superuser("boss", password=factories.PASSWORD)
        for _attempt in range(5):
            response = self.fail(Client(), "boss", "10.0.0.1")
        assert response.status_code == 429
        # Even the right password is refused from that address now…
        locked = self.sign_in("10.0.0.1")
        assert locked.status_code == 429 and "Too many failed sign-in attempts" in locked.content.decode()
        # …but the real owner of the account, elsewhere, signs in: an attacker cannot lock staff out.
        assert self.sign_in("10.0.0.99").status_code == 302

    def test_wrong_passwords_spread_over_addresses_never_lock_the_account(self, db):
        get_user_model().objects.create_superuser("boss", password=factories.PASSWORD)
        for attempt in range(12):
            self.fail(Client(), "boss", f"10.0.1.{attempt}")
        assert self.sign_in("10.0.1.200").status_code == 302

    def test_an_address_trying_many_user_names_is_locked_on_its_own(self, db, settings):
        get_user_model().objects.create_superuser("boss", password=factories.PASSWORD)
        for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
            assert self.fail(Client(), f"guess-{attempt}", "10.1.1.1").status_code == 200
        response = self.fail(Client(), "one-more-guess", "10.1.1.1")
        assert response.status_code == 429
        assert self.sign_in("10.1.1.1").status_code == 429
        # Another address still signs in.
        assert self.sign_in("10.2.2.2").status_code == 302

    def test_the_lockout_page_speaks_the_staff_members_language(self, db):
        for _attempt in range(5):
            response = self.fail(Client(), "boss", "10.3.3.3", language="es")
        body = response.content.decode()
        assert response.status_code == 429
        assert "Demasiados intentos fallidos" in body and "30 minutos" in body

    def test_fewer_failures_do_not_lock(self, db):
        get_user_model().objects.create_superuser("boss", password=factories.PASSWORD)
        for _attempt in range(4):
            self.fail(Client(), "boss", "10.4.4.4")
        assert self.sign_in("10.4.4.4").status_code == 302

    def test_behind_our_proxy_the_lockout_sees_each_visitors_own_address(self, db, settings):
        settings.TRUSTED_PROXIES = ["127.0.0.1"]
        get_user_model().objects.create_superuser("boss", password=factories.PASSWORD)
        for _attempt in range(5):
            Client().post(
                "/admin/login/",
                {"username": "boss", "password": "wrong-password"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="198.51.100.20",
            )
        assert self.sign_in("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 429
        assert self.sign_in("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.30").status_code == 302

    def test_a_forged_forwarded_for_changes_nothing(self, db, settings):
        settings.TRUSTED_PROXIES = ["127.0.0.1"]
        get_user_model().objects.create_superuser("boss", password=factories.PASSWORD)
        # Straight to the app (not through the proxy): the header is the visitor's own and is ignored.
        for attempt in range(5):
            Client().post(
                "/admin/login/",
                {"username": "boss", "password": "wrong-password"},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
            )
        assert self.sign_in("203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.77").status_code == 429
        # Through the proxy, addresses the visitor put in front of the proxy's own entry are ignored too.
        for attempt in range(5):
            Client().post(
                "/admin/login/",
                {"username": "boss", "password": "wrong-password"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 198.51.100.40",
            )
        assert self.sign_in("127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.40").status_code == 429


def test_passwords_are_hashed_with_argon2(db):
    user = get_user_model().objects.create_user("someone", password=factories.PASSWORD)
    assert user.password.startswith("argon2$")


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("password", "12345678", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)


class TestHealth:
    def test_healthy_portal_says_ok_and_nothing_more(self, client, db):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # balancers probe by address, over HTTP
        assert response.status_code == 200 and response.content == b"ok\n"
        assert response["Cache-Control"] == "no-store"

    def test_answers_over_plain_http_even_when_https_is_enforced(self, client, db, https_only):
        assert client.get("/healthz").status_code == 200

    def test_database_down_is_not_healthy(self, client, transactional_db, monkeypatch):
        import psycopg

        def refuse(*args, **kwargs):
            raise psycopg.OperationalError("connection refused")

        connection.close()
        monkeypatch.setattr(connection, "get_new_connection", refuse)
        response = client.get("/healthz")
        assert response.status_code == 503 and response.content == b"unavailable\n"
        assert b"refused" not in response.content
        monkeypatch.undo()
        connection.close()
        assert client.get("/healthz").status_code == 200

    def test_media_storage_unwritable_is_not_healthy(self, client, db, settings, tmp_path):
        from django.core.files.storage import default_storage

        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the media folder should be")
        settings.MEDIA_ROOT = blocker
        assert default_storage.location == str(blocker)
        assert client.get("/healthz").status_code == 503

    def test_a_cache_that_does_not_answer_is_not_healthy(self, client, db, settings, caplog):
        with socket.socket() as probe:  # a port where no Redis listens
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            }
        }
        response = client.get("/healthz")
        assert response.status_code == 503 and response.content == b"unavailable\n"
        assert "cache" in caplog.text


def run_in_production(*args, **env):
    """Run manage.py with the production configuration: DEBUG off, HTTPS only, real-looking secrets."""
    test_only = {"DEBUG", "HTTPS_ONLY", "STATIC_STORAGE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    clean.update(PRODUCTION_ENV, **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_the_deployment_checklist_passes_with_production_settings():
    result = run_in_production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_admin_lives_where_the_operator_says(client):
    result = run_in_production(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        ADMIN_URL="back-office-7f3c",
    )
    assert result.stdout.strip().splitlines()[-1] == "/back-office-7f3c/", result.stderr


def test_the_lockout_records_read_in_spanish_for_spanish_speaking_superusers(client, db):
    client.force_login(get_user_model().objects.create_superuser("boss", password=factories.PASSWORD))
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Seguridad del inicio de sesión" in page and "Intentos de acceso" in page
    assert "Access attempts" not in page
