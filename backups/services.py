"""Backing the portal up into one archive (backups/archive.py) and restoring it into an empty installation.

- ``backup`` reads the database in one snapshot transaction and every stored file through the storage API.
- ``restore`` checks the whole archive first (checksums, and that this code knows its schema), refuses a
  non-empty installation unless told to replace it, migrates the empty database to the archive's schema,
  loads the records and stores the files in one transaction — a failure half-way leaves nothing behind —
  then migrates to this code's schema, as an upgrade would.
"""

import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from backups.archive import (
    DATABASE,
    EXCLUDED_MODELS,
    MEDIA_PREFIX,
    ArchiveError,
    ArchiveWriter,
    HashingReader,
    Manifest,
    open_archive,
    verify,
)
from search import index as search_index

# The apps whose records make an installation "not empty" (plus user accounts and stored files).
CONTENT_APPS = ("groups", "documents", "contacts", "reversion")


@dataclass
class Summary:
    records: int
    files: int
    bytes: int
    seconds: float


def stored_file_names(storage=default_storage, directory=""):
    """Every file in the storage, depth first, through the storage API (local disk or S3)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from stored_file_names(storage, f"{directory}/{sub}" if directory else sub)


def applied_migrations():
    applied = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def backup(path, progress=lambda message: None):
    started = time.monotonic()
    writer = ArchiveWriter(path)
    try:
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / DATABASE
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                if connection.vendor == "postgresql" and outermost:
                    # One snapshot for every table, while staff keep editing.
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                migrations = applied_migrations()
                progress("database: reading every table")
                call_command(
                    "dumpdata",
                    format="jsonl",
                    natural_foreign=True,
                    exclude=list(EXCLUDED_MODELS),
                    output=str(dump),
                    verbosity=0,
                )
            with dump.open("rb") as lines:
                records = sum(1 for _line in lines)
            with dump.open("rb") as stream:
                writer.add(DATABASE, stream, dump.stat().st_size)
            progress(f"database: {records} records")
        names = list(stored_file_names())
        total_bytes = 0
        for number, name in enumerate(names, 1):
            size = default_storage.size(name)
            with default_storage.open(name, "rb") as stream:
                writer.add(MEDIA_PREFIX + name, stream, size)
            total_bytes += size
            if number == len(names) or number % 50 == 0:
                progress(f"files: {number}/{len(names)} ({total_bytes / 1e6:.1f} MB)")
        writer.close(
            Manifest(
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                engine=connection.vendor,
                migrations=migrations,
                records=records,
            )
        )
    except BaseException:
        writer.abort()
        raise
    return Summary(records, len(names), Path(path).stat().st_size, time.monotonic() - started)


def what_is_installed():
    """What an installation holds that a restore would collide with: {what: count}, empty if nothing."""
    found = {}
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            count = model._default_manager.count()
            if count:
                name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
                found[str(name)] = count
    users = get_user_model().objects.count()
    if users:
        found["user account" if users == 1 else "user accounts"] = users
    files = sum(1 for _name in stored_file_names())
    if files:
        found["stored file" if files == 1 else "stored files"] = files
    return found


def empty_the_installation():
    call_command("flush", interactive=False, verbosity=0)
    for name in list(stored_file_names()):
        default_storage.delete(name)


def schema_targets(manifest):
    """(app, migration) for each app, so that the database gets the archive's schema; refuses a newer one."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    archived = {(app, name) for app, names in manifest.migrations.items() for name in names}
    unknown = sorted(archived - known)
    if unknown:
        app, name = unknown[0]
        raise ArchiveError(
            f"The archive's database is newer than this version of the portal (it has migration "
            f"{app}.{name}, which this code does not know): upgrade the portal, then restore."
        )
    targets = []
    for app in manifest.migrations:
        nodes = {node for node in archived if node[0] == app}
        for node in nodes:
            children = loader.graph.node_map[node].children
            if not any(child in nodes for child in children):
                targets.append(node)
    return sorted(targets)


def restore(path, replace=False, progress=lambda message: None):
    started = time.monotonic()
    progress("checking the archive")
    manifest = verify(path, progress=lambda done, total: None)
    targets = schema_targets(manifest)
    installed = what_is_installed() if connection.introspection.table_names() else {}
    if installed and not replace:
        listed = ", ".join(f"{count} {what}" for what, count in installed.items())
        raise ArchiveError(
            f"This installation is not empty ({listed}): restore into an empty one, or pass --replace to "
            "delete all of it first."
        )
    if installed:
        progress("replacing: deleting the installation's records and files")
        empty_the_installation()
    progress(f"database: migrating to the archive's schema ({len(targets)} apps)")
    for app, name in targets:
        call_command("migrate", app, name, interactive=False, verbosity=0)
    files = total_bytes = 0
    stored = []
    try:
        with transaction.atomic(), tempfile.TemporaryDirectory() as work, open_archive(path) as tar:
            # The roles the migration just made come back from the archive, with their members.
            Group.objects.all().delete()
            expected = {member.name: member for member in manifest.members}
            for info in tar:
                if info.name == DATABASE:
                    dump = Path(work) / DATABASE
                    reader = HashingReader(tar.extractfile(info))
                    with dump.open("wb") as out:
                        while chunk := reader.read(1024 * 1024):
                            out.write(chunk)
                    check(reader, expected[info.name])
                    progress(f"database: loading {manifest.records} records")
                    with search_index.paused():  # computed once, below, for everything
                        call_command("loaddata", str(dump), verbosity=0)
                elif info.name.startswith(MEDIA_PREFIX):
                    name = info.name[len(MEDIA_PREFIX) :]
                    reader = HashingReader(tar.extractfile(info))
                    content = File(reader, name=name)
                    content.size = info.size
                    saved = default_storage.save(name, content)
                    stored.append(saved)
                    check(reader, expected[info.name])
                    if saved != name:
                        raise ArchiveError(f"{name} could not be stored under its own name (got {saved}).")
                    files += 1
                    total_bytes += info.size
                    if files % 50 == 0:
                        progress(f"files: {files} ({total_bytes / 1e6:.1f} MB)")
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    progress("database: migrating to this version's schema")
    call_command("migrate", interactive=False, verbosity=0)
    # The archive holds no search index (derived data): built again from what it restored.
    search_index.rebuild(lambda message: progress(f"search index: {message}"))
    return Summary(manifest.records, files, total_bytes, time.monotonic() - started)


def check(reader, member):
    # Checked again while restoring: the archive may have changed since it was verified.
    if (reader.digest.hexdigest(), reader.size) != (member.sha256, member.size):
        raise ArchiveError(f"{member.name} does not match its checksum: the archive is damaged.")
