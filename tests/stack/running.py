"""Start `scripts/stack` (what `make stack` runs) from Python, for the stack tests and the soak.

``running_stack`` starts it on a database it is given, in a folder of its own, waits until it says it is
ready, and on leaving stops it with Ctrl-C, as a person would, checking that everything stopped.
"""

import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "stack-Admin-pass-" + "7" * 8  # noqa: S105
# What tests/environment.py sets for the in-process test client, which the production stack must not inherit.
TEST_ONLY = ("DJANGO_", "PYTEST", "HTTPS_ONLY", "STATIC_STORAGE", "ALLOWED_HOSTS", "SECRET_KEY", "DEBUG")


@dataclass
class Stack:
    port: int
    directory: Path
    database_url: str
    output: Path
    process: subprocess.Popen = field(repr=False)
    mailbox: object = None

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

    def app_pids(self):
        """gunicorn's worker processes (children of the master, which is the stack's child)."""
        masters = children(self.process.pid, "gunicorn")
        return [pid for master in masters for pid in children(master, "gunicorn")]

    @contextmanager
    def database(self):
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            yield connection


def children(pid, name=None):
    found = []
    for task in Path("/proc").glob("[0-9]*"):
        try:
            stat = (task / "stat").read_text()
            cmdline = (task / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and (name is None or name in cmdline):
            found.append(int(task.name))
    # The stack's own children run through bash and make: look one level down when needed.
    if not found and name:
        for child in children(pid):
            found.extend(children(child, name))
    return found


@contextmanager
def running_stack(database_url, port, environment=None, prepare=lambda directory: None):
    """The stack on ``database_url``, nginx on 127.0.0.1:``port``; ``prepare(directory)`` runs before it."""
    # Not under pytest's own temporary folder, which is private to root: nginx's workers (www-data) must
    # reach the media and the error pages, as they would under /srv.
    directory = Path(tempfile.mkdtemp(prefix="icwg-stack-"))
    directory.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith(TEST_ONLY)}
    env.update(
        {
            "DATABASE_URL": database_url,
            "STACK_PORT": str(port),
            "STACK_DIR": str(directory),
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            **(environment or {}),
        }
    )
    output = directory / "stack-output.log"
    with prepare(directory):
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "stack")],
            cwd=ROOT,
            env=env,
            stdout=output.open("w"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 240
            while "stack: ready" not in output.read_text():
                assert process.poll() is None, f"make stack stopped:\n{output.read_text()[-4000:]}"
                assert time.monotonic() < deadline, f"make stack not ready:\n{output.read_text()[-4000:]}"
                time.sleep(0.5)
            yield Stack(port, directory, database_url, output, process)
        finally:
            # SIGTERM, which the stack traps as it traps Ctrl-C: a shell started from a background job (CI
            # runners, `cmd &`) inherits SIGINT ignored, and bash cannot trap a signal ignored on entry.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raise
    stopped = output.read_text()
    shutil.rmtree(directory, ignore_errors=True)
    assert process.returncode == 0 and "stack: stopped" in stopped, stopped[-2000:]
