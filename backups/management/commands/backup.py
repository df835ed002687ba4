from django.core.management.base import BaseCommand, CommandError

from backups.archive import ArchiveError
from backups.services import backup


class Command(BaseCommand):
    help = (
        "Write the whole portal into one archive: every record (history included) and every stored file, "
        "with a manifest of checksums. Restore it with manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the file to write, e.g. /srv/backups/icwg-2026-12-01.tar.gz")

    def handle(self, *args, archive, **options):
        try:
            summary = backup(archive, progress=lambda message: self.stdout.write(f"  {message}"))
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {summary.records} records and {summary.files} files into {archive} "
                f"({summary.bytes / 1e6:.1f} MB) in {summary.seconds:.1f} s."
            )
        )
