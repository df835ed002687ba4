"""Files stored in step with the database when the media store fails for real: read-only, or full."""

import errno
import logging
import os

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import models

from documents.models import Document
from groups.history import HistoryAdmin
from groups.models import Country, WorkingGroup
from icwg_portal.media_store import (
    MediaStoreAdminMixin,
    MediaStoreError,
    atomic_with_files,
    is_store_failure,
    store_file,
)
from tests import factories
from tests.failing_media import FailingMedia


@pytest.fixture(params=["own file system", "no privileges"])
def store(request, failing_media, settings, tmp_path):
    """The failing media folder, made both ways: as root a tmpfs of its own, and as any user could."""
    if request.param == "own file system":
        yield failing_media
        return
    plain = FailingMedia(tmp_path / "plain", settings, mount=False)
    yield plain
    plain.close()


def test_a_full_disk_keeps_the_beginning_of_a_file_the_storage_gave_up_on(store):
    # Why store_file() cleans up after a failed write: Django's own storage leaves the beginning behind.
    with store.full(free=4096), pytest.raises(OSError) as failure:
        default_storage.save("groups/big.bin", ContentFile(b"x" * 40_000))
    assert failure.value.errno in (errno.ENOSPC, errno.EFBIG)
    assert store.files() == ["groups/big.bin"]


@pytest.mark.django_db
class TestStoringFiles:
    def test_a_read_only_store_raises_media_store_error_and_keeps_nothing(self, store):
        group = factories.make_group()
        with store.read_only(), pytest.raises(MediaStoreError) as failure, atomic_with_files():
            store_file(group.image, "photo.png", ContentFile(b"x" * 10_000))
        assert isinstance(failure.value.__cause__, OSError)
        assert store.files() == []

    def test_a_write_cut_short_by_a_full_disk_leaves_nothing(self, store):
        group = factories.make_group()
        with store.full(free=4096), pytest.raises(MediaStoreError), atomic_with_files():
            store_file(group.image, "photo.png", ContentFile(b"x" * 40_000))
        assert store.files() == []

    def test_files_stored_before_the_failure_are_deleted_with_it(self, store):
        group = factories.make_group()
        with store.full(free=4096), pytest.raises(MediaStoreError), atomic_with_files():
            stored = store_file(group.image, "small.png", ContentFile(b"x" * 1000))
            assert store.files() == [stored]
            store_file(factories.make_country().image, "big.png", ContentFile(b"x" * 40_000))
        assert store.files() == []

    def test_a_large_upload_copied_from_its_temporary_file_leaves_nothing_either(
        self, store, settings, tmp_path
    ):
        # Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE wait in a temporary file, which the storage moves: to
        # another file system by copying it, which a full disk stops part-way too.
        settings.FILE_UPLOAD_TEMP_DIR = tmp_path if store.mounted else "/dev/shm"
        assert os.stat(settings.FILE_UPLOAD_TEMP_DIR).st_dev != os.stat(store.root).st_dev
        group = factories.make_group()
        upload = TemporaryUploadedFile("large.png", "image/png", 40_000, None)
        upload.write(b"x" * 40_000)
        upload.flush()
        with store.full(free=4096), pytest.raises(MediaStoreError), atomic_with_files():
            store_file(group.image, upload.name, upload)
        assert store.files() == []
        upload.close()

    def test_a_stored_file_is_named_as_the_field_says_and_kept_on_commit(self, store):
        group = factories.make_group()
        with atomic_with_files():
            name = store_file(group.image, "photo.png", ContentFile(b"x" * 100))
            group.save()
        assert name.startswith("groups/") and name.endswith(".png")
        group.refresh_from_db()
        assert group.image.name == name and store.files() == [name]


class ClientError(Exception):
    """Stands for botocore.exceptions.ClientError, which the portal does not depend on."""

    __module__ = "botocore.exceptions"


class S3UploadFailedError(ClientError):
    __module__ = "boto3.exceptions"


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), True),
        (OSError(errno.EROFS, "Read-only file system"), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory"), True),
        (ClientError("AccessDenied"), True),
        (S3UploadFailedError("Failed to upload"), True),
        (SuspiciousFileOperation("Detected path traversal attempt"), False),
        (ValueError("a mistake in the code"), False),
    ],
)
def test_what_counts_as_the_store_refusing_a_file(error, refused):
    assert is_store_failure(error) is refused


def test_every_admin_page_that_stores_files_reports_a_failing_store():
    def has_file_fields(model):
        return any(isinstance(field, models.FileField) for field in model._meta.get_fields())

    storing = []
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        if has_file_fields(model) or any(has_file_fields(inline.model) for inline in model_admin.inlines):
            storing.append(model)
            bases = type(model_admin).__mro__
            assert MediaStoreAdminMixin in bases, (
                f"{model.__name__}'s admin does not use MediaStoreAdminMixin"
            )
            # Outside the history's revision: a failed save must not leave a version behind.
            assert bases.index(MediaStoreAdminMixin) < bases.index(HistoryAdmin), model.__name__
    assert {Country, WorkingGroup, Document} <= set(storing)


# --- The health check ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestHealthCheck:
    def test_a_read_only_media_store_is_not_healthy(self, client, store, caplog):
        assert client.get("/healthz").status_code == 200
        with store.read_only(), caplog.at_level(logging.WARNING):
            response = client.get("/healthz")
        assert response.status_code == 503 and response.content == b"unavailable\n"
        assert "media" in caplog.text
        assert client.get("/healthz").status_code == 200

    def test_a_full_media_store_is_not_healthy(self, client, store):
        with store.full(free=0):
            assert client.get("/healthz").status_code == 503
        assert client.get("/healthz").status_code == 200
        assert store.files() == []  # the probe leaves nothing behind
