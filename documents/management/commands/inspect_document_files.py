from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from documents import services
from documents.models import DocumentFile


class Command(BaseCommand):
    help = (
        "Read each stored document file again and recompute what the library shows about it (format, size, "
        "pages, text, cover). For files moved in by the migration from the single Document.file, which have "
        "no pages, text or cover yet; --all does every file. The stored file itself is not changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every file, not only those without a cover.")

    def handle(self, *args, all, **options):
        document_files = DocumentFile.objects.select_related("document")
        if not all:
            document_files = document_files.filter(cover="", page_count__isnull=True)
        done = failed = 0
        for document_file in document_files:
            try:
                services.refresh_metadata(document_file)
            except (OSError, ValidationError) as error:
                failed += 1
                message = "; ".join(getattr(error, "messages", [str(error)]))
                self.stderr.write(f"{document_file.file.name}: {message}")
            else:
                done += 1
        self.stdout.write(f"{done} file(s) inspected, {failed} could not be read.")
