"""The settings refuse to start unsafely: each case imports the real settings module in a fresh Python."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def import_settings(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import icwg_portal.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_debug_is_off_unless_asked_for():
    result = import_settings(SECRET_KEY="k" * 60, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False")


@pytest.mark.parametrize("secret", [None, "insecure-development-key-do-not-use-in-production", "too-short"])
def test_refuses_to_start_without_a_real_secret_key_outside_debug(secret):
    env = {"ALLOWED_HOSTS": "example.org"}
    if secret:
        env["SECRET_KEY"] = secret
    result = import_settings(**env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_refuses_to_start_without_allowed_hosts_outside_debug():
    result = import_settings(SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_runs_with_the_development_key_on_embedded_sqlite():
    result = import_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_database_url_selects_postgresql():
    result = import_settings(DEBUG="true", DATABASE_URL="postgres://u:p@127.0.0.1:5999/icwg")
    assert result.stdout.split() == ["True", "django.db.backends.postgresql"]


def test_a_local_env_file_is_read_without_overriding_the_environment(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# local\nDEBUG=true\nSECRET_KEY='" + "f" * 60 + "'\nALLOWED_HOSTS=from-file.example\n"
    )
    result = import_settings(ENV_FILE=str(env_file), ALLOWED_HOSTS="from-environment.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"
    check = subprocess.run(
        [sys.executable, "-c", "import icwg_portal.settings as s; print(s.ALLOWED_HOSTS, len(s.SECRET_KEY))"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}},
            "ENV_FILE": str(env_file),
            "ALLOWED_HOSTS": "from-environment.example",
        },
        capture_output=True,
        text=True,
    )
    assert check.stdout.split() == ["['from-environment.example']", "60"], check.stderr
