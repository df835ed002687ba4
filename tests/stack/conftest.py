"""The production topology, started by `scripts/stack` exactly as `make stack` does, for tests to go through.

nginx (the deployed site file) → gunicorn (production settings) → PostgreSQL (a database of its own on the
test server) with Redis as the cache. The media store is a real file system of its own (a tmpfs), so a test
can make it read-only. A local SMTP server receives the error reports.
"""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.databases import empty_database

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "stack-Admin-pass-" + "7" * 8  # noqa: S105
OPERATOR_EMAIL = "operators@icwg.example.org"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


@dataclass
class Stack:
    port: int
    directory: Path
    database_url: str
    mailbox: Mailbox
    output: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    @property
    def media(self):
        return self.directory / "media"

    @property
    def certificate(self):
        return self.directory / "tls" / "cert.pem"

    def tls_context(self):
        """Verifies the stack's own certificate, as a browser that accepted it would."""
        return ssl.create_default_context(cafile=str(self.certificate))

    def log_lines(self, name):
        return (self.directory / "logs" / name).read_bytes().splitlines()

    @contextmanager
    def database(self):
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            yield connection


@contextmanager
def media_file_system(directory):
    """A file system of its own for the media store (a tmpfs), so that a test can make it read-only."""
    directory.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=755", "tmpfs", str(directory)], check=True)
    try:
        yield directory
    finally:
        subprocess.run(["umount", "--lazy", str(directory)], check=False)


@pytest.fixture(scope="session")
def stack():
    assert os.geteuid() == 0, "the stack tests mount a file system for the media store: run them as root"
    # Not under pytest's own temporary folder, which is private to root: nginx's workers (www-data) must
    # reach the media and the error pages, as they would under /srv.
    directory = Path(tempfile.mkdtemp(prefix="icwg-stack-tests-"))
    directory.chmod(0o755)
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "HTTPS_ONLY", "STATIC_STORAGE", "ALLOWED_HOSTS"))
    }
    env.update(
        {
            "STACK_PORT": str(port),
            "STACK_DIR": str(directory),
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "ADMIN_EMAILS": OPERATOR_EMAIL,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "false",
            "WEB_CONCURRENCY": "2",
        }
    )
    output = directory / "stack-output.log"
    with empty_database("icwg_stack") as database, media_file_system(directory / "media"):
        env["DATABASE_URL"] = database
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "stack")],
            cwd=ROOT,
            env=env,
            stdout=output.open("w"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        running = Stack(port, directory, database, mailbox, output, process)
        try:
            deadline = time.monotonic() + 240
            while "stack: ready" not in output.read_text():
                assert process.poll() is None, f"make stack stopped:\n{output.read_text()[-4000:]}"
                assert time.monotonic() < deadline, f"make stack not ready:\n{output.read_text()[-4000:]}"
                time.sleep(0.5)
            yield running
        finally:
            # Ctrl-C, as a person would: everything stops, and says so.
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raise
            finally:
                smtp.stop()
    stopped = output.read_text()
    shutil.rmtree(directory, ignore_errors=True)
    assert process.returncode == 0 and "stack: stopped" in stopped, stopped[-2000:]
