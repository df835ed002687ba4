"""The production topology, started by `scripts/stack` exactly as `make stack` does, for tests to go through.

nginx (the deployed site file) → gunicorn (production settings) → PostgreSQL (a database of its own on the
test server) with Redis as the cache. The media store is a real file system of its own (a tmpfs), so a test
can make it read-only. A local SMTP server receives the error reports.
"""

import os
import socket
import subprocess
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller

from tests.databases import empty_database
from tests.stack.running import running_stack

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


@contextmanager
def media_file_system(directory):
    """A file system of its own for the media store (a tmpfs), so that a test can make it read-only."""
    directory.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=755", "tmpfs", str(directory)], check=True)
    try:
        yield directory
    finally:
        subprocess.run(["umount", "--lazy", str(directory)], check=False)


def media_store_of_its_own(directory):
    return media_file_system(directory / "media")


@pytest.fixture(scope="session")
def stack():
    assert os.geteuid() == 0, "the stack tests mount a file system for the media store: run them as root"
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    environment = {
        "ADMIN_EMAILS": OPERATOR_EMAIL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "WEB_CONCURRENCY": "2",
    }
    try:
        with (
            empty_database("icwg_stack") as database,
            running_stack(
                database,
                free_port(),
                environment,
                prepare=lambda directory: media_file_system(directory / "media"),
            ) as running,
        ):
            running.mailbox = mailbox
            yield running
    finally:
        smtp.stop()
