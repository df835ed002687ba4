"""The portal as deployed, for tests: gunicorn with gunicorn.conf.py and the production settings (DEBUG off,
HTTPS-only behind a proxy, manifest static files), on a free local port, against a PostgreSQL database."""

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
HOST = "icwg.example.org"
# What tests/environment.py sets for the in-process test client, which production must not inherit.
TEST_ONLY_VARIABLES = {"DEBUG", "HTTPS_ONLY", "STATIC_STORAGE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(name=None):
    """The test server's address, for the test database or the database ``name`` on the same server."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name or db['NAME']}"


def production_env(tmp_path, **overrides):
    """Environment variables of a production deployment, with media and static files under ``tmp_path``."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_VARIABLES}
    env.update(
        {
            "DATABASE_URL": database_url(),
            "SECRET_KEY": "two-instances-share-this-secret-" + "k" * 30,
            "ALLOWED_HOSTS": HOST,
            "BEHIND_PROXY": "true",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "WEB_CONCURRENCY": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def manage(env, *args):
    """Run ``manage.py`` with ``env``; fails the test with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def collect_static(env):
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def stdout_log(logs, port):
    """Where the gunicorn serving ``port`` writes its stdout: the JSON log lines, access log included."""
    return Path(logs) / f"gunicorn-{port}.out"


def stderr_log(logs, port):
    return Path(logs) / f"gunicorn-{port}.log"


@contextmanager
def gunicorn(env, port, logs):
    """gunicorn with gunicorn.conf.py on 127.0.0.1:``port`` until the block ends, once /healthz says ok.

    Its stdout goes to ``stdout_log(logs, port)``, its stderr to ``stderr_log(logs, port)``.
    """
    with open(stdout_log(logs, port), "wb") as stdout, open(stderr_log(logs, port), "wb") as stderr:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        wait_until_healthy(port, process, logs)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_healthy(port, process, logs, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            client.request("GET", "/healthz")
            if client.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            client.close()
        failed = process.poll() is not None or time.monotonic() > deadline
        assert not failed, stderr_log(logs, port).read_text() + stdout_log(logs, port).read_text()
        time.sleep(0.2)
