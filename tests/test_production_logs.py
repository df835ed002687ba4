"""What operators learn from the portal as deployed: gunicorn with production settings, a real SMTP server.

Every line on stdout is one JSON object whatever a request holds, and every server error is logged once with
its traceback and mailed to ADMIN_EMAILS, while the visitor sees a polite page and nothing of the error.
"""

import email
import email.policy
import http.client
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.gunicorn_servers import (
    HOST,
    collect_static,
    database_url,
    free_port,
    gunicorn,
    manage,
    production_env,
    stdout_log,
)

ADMIN_EMAIL = "webmaster@icwg.example.org"


class Mailbox:
    """aiosmtpd handler keeping every message it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@dataclass
class ServedPortal:
    port: int
    log: Path
    mailbox: Mailbox
    database: str

    def get(self, path, **headers):
        """GET ``path`` (bytes sent as they are) as a browser behind the TLS-terminating proxy would."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        client.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            "Accept-Language": "es-PE",
            **headers,
        }
        for name, value in headers.items():
            client.putheader(name, value)
        client.endheaders()
        response = client.getresponse()
        body = response.read().decode("utf-8", "replace")
        client.close()
        return response.status, body

    def log_entries(self, until=lambda entries: True, seconds=10):
        """Every line gunicorn wrote to stdout, each parsed as JSON (a line that is not JSON fails the test),
        once ``until(entries)`` holds: gunicorn writes the access line just after the response."""
        deadline = time.monotonic() + seconds
        while True:
            raw = self.log.read_bytes()
            lines = [line for line in raw.split(b"\n") if line]
            entries = []
            for line in lines:
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    pytest.fail(f"a log line is not one JSON object: {line!r}")
            # No other character a reader may take for a line break either.
            assert len(raw.decode().splitlines()) == len(lines), "a log line holds a line separator"
            if until(entries) or time.monotonic() > deadline:
                return entries
            time.sleep(0.1)


@contextmanager
def dedicated_database():
    """A database of its own on the test server, migrated, dropped afterwards: these tests break it."""
    name = f"icwg_served_{os.getpid()}"
    settings = connection.settings_dict
    server = {
        key: value
        for key, value in {
            "host": settings["HOST"],
            "port": settings["PORT"],
            "user": settings["USER"],
            "password": settings["PASSWORD"],
        }.items()
        if value
    }
    server["dbname"] = "postgres"
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, {**server, "dbname": name}
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The production configuration in gunicorn, with email configured to a local SMTP server."""
    tmp_path = tmp_path_factory.mktemp("served")
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        with dedicated_database() as (name, conninfo):
            env = production_env(
                tmp_path,
                DATABASE_URL=database_url(name),
                LOG_LEVEL="INFO",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(smtp.port),
                EMAIL_USE_TLS="false",
                ADMIN_EMAILS=ADMIN_EMAIL,
            )
            manage(env, "migrate", "--noinput", "--verbosity", "0")
            collect_static(env)
            port = free_port()
            with gunicorn(env, port, tmp_path):
                yield ServedPortal(port, stdout_log(tmp_path, port), mailbox, conninfo)
    finally:
        smtp.stop()


# Paths as sent on the wire, and as the access log must show them decoded.
HOSTILE_PATHS = {
    "/es/x%0Afoo/": "/es/x\nfoo/",
    "/es/x%0D%0A%7B%22level%22%3A%22ERROR%22%7D/": '/es/x\r\n{"level":"ERROR"}/',
    "/es/a%22b%5C/": '/es/a"b\\/',
    "/es/%22%5C%00/": '/es/"\\\x00/',
    '/es/a"b\\c/': '/es/a"b\\c/',
    "/es/%E2%80%A8%C2%85/": "/es/\u2028\x85/",
    "/es/per%C3%BA/": "/es/perú/",
}
HOSTILE_USER_AGENT = 'Mozilla/5.0 "\\" }, {"injected": true} \\u000a\t(end)'
HOSTILE_REFERER = 'https://evil.example/"\\'


def test_every_access_log_line_is_one_json_object_whatever_the_request(served):
    for raw in HOSTILE_PATHS:
        status, _body = served.get(raw, **{"User-Agent": HOSTILE_USER_AGENT, "Referer": HOSTILE_REFERER})
        assert status in (400, 404), raw
    status, _body = served.get("/es/?q=%22%0A%5C&x=%00")
    assert status == 200

    def logged(entries):
        paths = {entry.get("path") for entry in entries if entry["logger"] == "gunicorn.access"}
        return set(HOSTILE_PATHS.values()) | {"/es/"} <= paths

    entries = served.log_entries(until=logged)
    access = {entry["path"]: entry for entry in entries if entry["logger"] == "gunicorn.access"}
    for raw, decoded in HOSTILE_PATHS.items():
        assert decoded in access, f"no access line for {raw}: {sorted(access)}"
        entry = access[decoded]
        assert entry["method"] == "GET" and entry["status"] in (400, 404)
        assert entry["user_agent"] == HOSTILE_USER_AGENT and entry["referer"] == HOSTILE_REFERER
        assert entry["remote"] == "127.0.0.1" and entry["forwarded_for"] == "203.0.113.7"
        assert isinstance(entry["bytes"], int) and isinstance(entry["duration_ms"], int | float)
    assert access["/es/"]["query"] == "q=%22%0A%5C&x=%00" and access["/es/"]["status"] == 200
    # The application's own lines about the same requests are JSON too (Django's "Not Found: …").
    assert any(entry["logger"] == "django.request" and entry.get("status") == 404 for entry in entries)


def test_a_server_error_is_logged_once_with_its_traceback_and_mailed_while_the_visitor_sees_a_polite_page(
    served,
):
    # Noise first: a missing page and a forged Host are logged as warnings, never mailed.
    before = len(served.log_entries())
    assert served.get("/es/no-existe/")[0] == 404
    status, body = served.get("/es/", Host="evil.example")
    assert status == 400 and "No se pudo entender esta solicitud" in body

    # The table the home page reads goes away, as after a botched migration.
    with psycopg.connect(**served.database, autocommit=True) as database:
        database.execute("ALTER TABLE groups_country RENAME TO groups_country_away")
        try:
            status, body = served.get("/es/")
        finally:
            database.execute("ALTER TABLE groups_country_away RENAME TO groups_country")

    assert status == 500
    assert '<html lang="es">' in body and "Algo salió mal" in body
    for secret in ("Traceback", "groups_country", "ProgrammingError", "does not exist"):
        assert secret not in body

    # One line on stdout tells the operator everything, traceback included.
    entries = served.log_entries(
        until=lambda entries: any(e.get("status") == 500 for e in entries[before:] if "exception" in e)
    )[before:]
    with_traceback = [entry for entry in entries if "exception" in entry]
    assert len(with_traceback) == 1, with_traceback
    [report] = with_traceback
    assert report["logger"] == "django.request" and report["level"] == "ERROR"
    assert report["status"] == 500 and report["path"] == "/es/"
    assert "Traceback (most recent call last)" in report["exception"]
    assert 'relation "groups_country" does not exist' in report["exception"]
    [forged_host] = [entry for entry in entries if entry["logger"] == "django.security.DisallowedHost"]
    assert forged_host["level"] == "WARNING" and "evil.example" in forged_host["message"]

    # And the same report is in the administrators' mailbox: only it, not the 404 or the 400.
    deadline = time.monotonic() + 10
    while not served.mailbox.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(served.mailbox.messages) == 1, [m["Subject"] for _to, m in served.mailbox.messages]
    [(recipients, message)] = served.mailbox.messages
    assert recipients == [ADMIN_EMAIL]
    assert message["Subject"].startswith("[ICWG Portal] ERROR") and "/es/" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "ProgrammingError" in text and 'relation "groups_country" does not exist' in text
    assert "/es/" in text

    # With the table back, the portal answers again.
    assert served.get("/es/")[0] == 200
