"""Each document's single ``file`` becomes its DocumentFile in the document's own language.

The stored file is not moved or copied: the new row points at the same name in the same storage. Size, digest
and format are read from the stored bytes; the page count, text and cover are left for the next upload (or
``manage.py inspect_document_files``), since reading them runs code that changes with the app.
"""

import hashlib
import mimetypes
from pathlib import PurePath

from django.db import migrations

SIGNATURES = [(b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg")]
BY_EXTENSION = {"pdf": "pdf", "docx": "docx", "odt": "odt", "xlsx": "xlsx", "ods": "ods", "png": "png",
                "jpg": "jpeg", "jpeg": "jpeg", "webp": "webp"}
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}


def move_files(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    DocumentFile = apps.get_model("documents", "DocumentFile")
    storage = Document._meta.get_field("file").storage
    for document in Document.objects.exclude(file="").iterator():
        name = document.file.name
        if not storage.exists(name):
            print(f"\n  documents: {name} (document {document.slug}) is missing from the storage; not moved.")
            continue
        digest, size = hashlib.sha256(), 0
        with storage.open(name, "rb") as stored:
            head = stored.read(8)
            stored.seek(0)
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
        extension = PurePath(name).suffix.lower().lstrip(".")
        file_format = next((f for signature, f in SIGNATURES if head.startswith(signature)), None)
        file_format = file_format or BY_EXTENSION.get(extension)
        if file_format is None:
            print(f"\n  documents: {name} (document {document.slug}) is not an accepted format; not moved.")
            continue
        DocumentFile.objects.create(
            document=document,
            language=document.language,
            kind="original",
            file=name,
            original_filename=PurePath(name).name,
            format=file_format,
            mime_type=MIME_TYPES.get(file_format) or mimetypes.guess_type(name)[0] or "application/octet-stream",
            size=size,
            sha256=digest.hexdigest(),
        )


def move_files_back(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    DocumentFile = apps.get_model("documents", "DocumentFile")
    for document_file in DocumentFile.objects.select_related("document"):
        document = document_file.document
        if document_file.language == document.language and not document.file:
            document.file = document_file.file.name
            document.save(update_fields=["file"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_documentfile")]

    operations = [migrations.RunPython(move_files, move_files_back)]
