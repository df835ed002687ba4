"""manage.py backup / restore: the whole portal into one archive and back, on PostgreSQL and from SQLite."""

import hashlib
import io
import json
import subprocess
import sys
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from groups.models import WorkingGroup
from tests import factories
from tests.databases import empty_database
from tests.documents.samples import make_document_file, pdf_bytes, png_bytes
from tests.gunicorn_servers import ROOT

PAGES = [
    "/es/",
    "/en/",
    "/es/paises/peru/",
    "/es/paises/peru/cusco/",
    "/en/countries/peru/lima/",
    "/es/documentos/",
    "/en/documents/mapeo-de-actores-cusco/",
    "/es/contactos/",
    "/sitemap.xml",
]
SEARCH_PAGES = ["/es/buscar/?q=cusco", "/en/search/?q=mining"]

# Renders pages in a separate process against the database and media store its environment names.
RENDER_PAGES = """
import json, sys
import django
django.setup()
from django.test import Client
client, pages = Client(), {}
for path in sys.argv[1:]:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    pages[path] = [response.status_code, body.decode("utf-8", "replace")]
print(json.dumps(pages))
"""


def portal_env(database_url, media_root):
    """The portal in another process: a given database and media store, the suite's other settings."""
    import os

    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update({"DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), "ENV_FILE": ""})
    return env


def run(env, *args):
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def pages(env, paths):
    return json.loads(run(env, "-c", RENDER_PAGES, *paths))


def records(env):
    """Every record an archive carries, as dumpdata prints them, sorted, to compare line by line."""
    dump = run(
        env,
        "manage.py",
        "dumpdata",
        "--format",
        "jsonl",
        "--natural-foreign",
        *("--exclude", "contenttypes", "--exclude", "auth.permission", "--exclude", "sessions"),
        *("--exclude", "axes"),
        *("--exclude", "search"),  # derived data, which a restore builds again (its ids differ)
    )
    return sorted(dump.splitlines())


def files(media_root):
    root = Path(media_root)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def source_database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def portal_with_files(transactional_db, media_on_disk):
    """The Peru content with its history, accounts, a group image and a PDF (with its cover) on disk."""
    call_command("load_peru_content", stdout=StringIO())
    cusco = WorkingGroup.objects.get(slug="cusco")
    cusco.image.save("cusco.png", ContentFile(png_bytes((640, 400))), save=True)
    from documents.models import Document

    make_document_file(document=Document.objects.get(slug="mapeo-de-actores-cusco"), content=pdf_bytes())
    factories.make_coordinator(groups=[cusco], username="coordinadora-cusco")
    factories.make_superuser(username="secretaria")
    call_command("createinitialrevisions", verbosity=0)
    return portal_env(source_database_url(), media_on_disk)


def test_a_backup_restores_into_a_fresh_database_and_media_store_identically(portal_with_files, tmp_path):
    archive = tmp_path / "icwg.tar.gz"
    out = StringIO()
    call_command("backup", str(archive), stdout=out)
    summary = out.getvalue().strip().splitlines()[-1]
    assert summary.startswith("Backed up ") and " records and 3 files into " in summary
    before_files = files(portal_with_files["MEDIA_ROOT"])
    assert len(before_files) == 3  # the image, the PDF, its cover

    with empty_database("icwg_restored") as restored_url:
        restored = portal_env(restored_url, tmp_path / "restored-media")
        output = run(restored, "manage.py", "restore", str(archive))
        assert "Restored " in output.splitlines()[-1]
        assert records(restored) == records(portal_with_files)
        assert files(tmp_path / "restored-media") == before_files
        paths = [*PAGES, *SEARCH_PAGES, "/media/" + WorkingGroup.objects.get(slug="cusco").image.name]
        assert pages(restored, paths) == pages(portal_with_files, paths)
        # History came back too: the secretariat can still revert to a version from before the backup.
        count = run(
            restored,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            "from reversion.models import Version; print(Version.objects.count())",
        )
        assert int(count) > 30


def test_a_trial_on_the_embedded_sqlite_moves_to_postgresql(tmp_path):
    trial = portal_env(f"sqlite:///{tmp_path / 'trial.sqlite3'}", tmp_path / "trial-media")
    run(trial, "manage.py", "migrate", "--noinput", "--verbosity", "0")
    run(trial, "manage.py", "load_peru_content")
    run(trial, "manage.py", "createinitialrevisions", "--verbosity", "0")
    run({**trial, "ADMIN_PASSWORD": "trial-Admin-pass-1"}, "manage.py", "ensure_admin")
    run(
        trial,
        "manage.py",
        "shell",
        "-v",
        "0",
        "-c",
        "from django.core.files.base import ContentFile; from groups.models import WorkingGroup; "
        "WorkingGroup.objects.get(slug='lima').image.save('lima.png', ContentFile(b'\\x89PNG-bytes'))",
    )
    archive = tmp_path / "trial.tar.gz"
    run(trial, "manage.py", "backup", str(archive))
    with empty_database("icwg_production") as production_url:
        production = portal_env(production_url, tmp_path / "production-media")
        run(production, "manage.py", "restore", str(archive))
        assert records(production) == records(trial)
        assert files(tmp_path / "production-media") == files(tmp_path / "trial-media")
        on_production, on_trial = pages(production, PAGES), pages(trial, PAGES)
        for path in PAGES:
            assert on_production[path] == on_trial[path], path
        # The admin signs in on PostgreSQL with the password set on the trial.
        check = (
            "from django.contrib.auth.models import User; "
            "print(User.objects.get(username='admin').check_password('trial-Admin-pass-1'))"
        )
        assert run(production, "manage.py", "shell", "-v", "0", "-c", check).strip() == "True"


def rewrite(archive, target, change):
    """A copy of ``archive`` with ``change(name, data) -> data`` applied to each member."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for info in source:
            data = change(info.name, source.extractfile(info).read())
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return target


@pytest.fixture
def archive(db, tmp_path, media_on_disk):
    factories.make_group().image.save("g.png", ContentFile(png_bytes()), save=True)
    path = tmp_path / "portal.tar.gz"
    call_command("backup", str(path), stdout=StringIO())
    return path


def test_a_damaged_archive_is_refused_naming_the_member_and_nothing_is_written(archive, tmp_path):
    damaged = rewrite(
        archive,
        tmp_path / "damaged.tar.gz",
        lambda name, data: data[:-1] + b"!" if name.startswith("media/") else data,
    )
    groups_before = WorkingGroup.objects.count()
    with pytest.raises(CommandError, match=r"media/groups/g\.png does not match its checksum"):
        call_command("restore", str(damaged), "--replace", stdout=StringIO())
    assert WorkingGroup.objects.count() == groups_before
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="damaged|not a readable archive"):
        call_command("restore", str(truncated), "--replace", stdout=StringIO())
    assert WorkingGroup.objects.count() == groups_before


def test_an_archive_from_a_newer_version_is_refused_naming_the_migration(archive, tmp_path):
    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["groups"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    future = rewrite(archive, tmp_path / "future.tar.gz", newer)
    with pytest.raises(CommandError, match=r"newer than this version.*groups\.9999_from_the_future"):
        call_command("restore", str(future), "--replace", stdout=StringIO())


def test_a_non_empty_installation_is_refused_unless_told_to_replace_it(archive):
    with pytest.raises(CommandError, match=r"not empty \(.*1 working group.*stored file.*--replace"):
        call_command("restore", str(archive), stdout=StringIO())
