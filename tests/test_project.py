from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection


def test_suite_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"


def test_system_checks_pass():
    call_command("check", fail_level="WARNING", stdout=StringIO())


def test_every_model_change_has_a_migration(db):
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=StringIO())
    except SystemExit as exit_:  # makemigrations --check exits non-zero when a migration is missing
        pytest.fail(f"a model change has no migration (exit {exit_.code}): run manage.py makemigrations")


class TestEnsureAdmin:
    def run(self, monkeypatch, password=None):
        if password is None:
            monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("ADMIN_PASSWORD", password)
        out = StringIO()
        call_command("ensure_admin", stdout=out)
        return out.getvalue()

    def test_creates_a_superuser_with_the_given_password(self, db, monkeypatch):
        output = self.run(monkeypatch, "Given-pass-123")
        admin = get_user_model().objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff and admin.check_password("Given-pass-123")
        assert "Given-pass-123" not in output

    def test_generates_and_prints_a_password_once(self, db, monkeypatch):
        output = self.run(monkeypatch)
        password = output.split("Its password is ")[1].split()[0]
        assert get_user_model().objects.get(username="admin").check_password(password)
        again = self.run(monkeypatch)
        assert "Its password is" not in again and "password unchanged" in again
        assert get_user_model().objects.get(username="admin").check_password(password)

    def test_admin_password_resets_an_existing_account(self, db, monkeypatch):
        self.run(monkeypatch)
        self.run(monkeypatch, "New-pass-456")
        assert get_user_model().objects.get(username="admin").check_password("New-pass-456")
        assert get_user_model().objects.count() == 1
