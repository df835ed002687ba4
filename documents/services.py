"""Writes that change a document's files: the database rows and the stored files stay in step.

- A file is stored only inside ``atomic_with_files()``; if the transaction fails, every file it stored is
  deleted again, so no stored file is left without its record (icwg_portal/media_store.py, which also turns a
  store that does not take a file into ``MediaStoreError``).
- A replaced or deleted file is removed from the storage only once the transaction has committed, so a
  failure never leaves a record pointing at a deleted file (``discard_on_commit``, which also keeps a file
  something still refers to).
- Everything goes through Django's storage API (open, save, delete), never a local path: moving the files to
  S3-compatible object storage is a matter of settings.
"""

from pathlib import PurePath

from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import F

from documents.models import DocumentFile
from documents.uploads import inspect_upload, readable_filename, storage_filename
from icwg_portal.media_store import atomic_with_files, discard_on_commit, files_held, store_file


def stored_files(document_file):
    """{(storage, name)} of the file and cover a DocumentFile holds in the database now."""
    return files_held(DocumentFile, [document_file.pk])


def save_document_file(document_file, upload=None, inspected=None):
    """Save a DocumentFile; with ``upload``, store that file and everything computed from it.

    ``inspected`` is the result of ``uploads.inspect_upload(upload)`` when the caller (a form) has already
    checked the file; otherwise it is checked here and ValidationError raised before anything is stored.
    """
    if upload is not None and inspected is None:
        inspected = inspect_upload(upload)
    with atomic_with_files():
        previous = stored_files(document_file)
        if upload is not None:
            apply_upload(document_file, upload, inspected)
        document_file.full_clean()
        document_file.save()
        current = {(document_file.file.name), (document_file.cover.name or None)}
        discard_on_commit((storage, name) for storage, name in previous if name not in current)
    return document_file


def apply_upload(document_file, upload, inspected):
    readable = readable_filename(upload.name, inspected.extension)
    document_file.original_filename = readable
    document_file.format = inspected.format
    document_file.mime_type = inspected.mime_type
    document_file.size = inspected.size
    document_file.sha256 = inspected.sha256
    document_file.page_count = inspected.page_count
    document_file.text = inspected.text
    upload.seek(0)
    store_file(document_file.file, storage_filename(readable), upload)
    if inspected.cover:
        cover_name = f"{PurePath(storage_filename(readable)).stem}.jpg"
        store_file(document_file.cover, cover_name, ContentFile(inspected.cover))
        document_file.cover_width, document_file.cover_height = inspected.cover_width, inspected.cover_height
    else:
        document_file.cover = ""
        document_file.cover_width = document_file.cover_height = None


def refresh_metadata(document_file):
    """Recompute everything shown about a stored file (e.g. one moved in by a migration) from its bytes.

    The stored file keeps its name; a new cover replaces the old one, which goes after commit.
    """
    with document_file.file.storage.open(document_file.file.name, "rb") as stored:
        stored.name = document_file.original_filename or document_file.file.name
        inspected = inspect_upload(File(stored, name=stored.name))
    with atomic_with_files():
        previous = stored_files(document_file)
        for field in ("format", "mime_type", "size", "sha256", "page_count", "text"):
            setattr(document_file, field, getattr(inspected, field))
        if inspected.cover:
            store_file(
                document_file.cover,
                f"{PurePath(document_file.file.name).stem}.jpg",
                ContentFile(inspected.cover),
            )
            document_file.cover_width, document_file.cover_height = (
                inspected.cover_width,
                inspected.cover_height,
            )
        document_file.save()
        current = {document_file.file.name, document_file.cover.name}
        discard_on_commit((storage, name) for storage, name in previous if name not in current)
    return document_file


def delete_document_file(document_file):
    """Delete the record now and its stored file and cover once the deletion has committed."""
    with atomic_with_files():
        files = stored_files(document_file)
        document_file.delete()
        discard_on_commit(files)


def delete_documents(documents):
    """Delete documents (a queryset or a list) with their files: records now, stored files after commit."""
    with atomic_with_files():
        document_files = DocumentFile.objects.filter(document__in=list(documents))
        files = files_held(DocumentFile, list(document_files.values_list("pk", flat=True)))
        for document in documents:
            document.delete()
        discard_on_commit(files)


def record_download(document_file):
    """Count a download with one UPDATE (no read, no lock held while the file streams)."""
    DocumentFile.objects.filter(pk=document_file.pk).update(download_count=F("download_count") + 1)
