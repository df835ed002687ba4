from django.core.management.base import BaseCommand, CommandError

from backups.archive import ArchiveError
from backups.services import restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by manage.py backup into an empty installation (database and media store). "
        "Checks every checksum and the schema first; refuses a non-empty installation unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete every record and stored file of this installation first, then restore",
        )

    def handle(self, *args, archive, replace, **options):
        try:
            summary = restore(archive, replace=replace, progress=lambda line: self.stdout.write(f"  {line}"))
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.records} records and {summary.files} files "
                f"({summary.bytes / 1e6:.1f} MB) from {archive} in {summary.seconds:.1f} s."
            )
        )
