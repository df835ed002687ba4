from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from icwg_portal.media_store import trim_unreferenced_files


class Command(BaseCommand):
    help = (
        "Delete the stored files (images, documents, covers) that no record and no version in the history "
        "refers to any more: left behind by records deleted outside the back office, or by versions pruned "
        "from the history (manage.py deleterevisions). Files stored in the last hour are left alone: one "
        "being saved right now has no record yet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would be deleted; delete nothing."
        )
        parser.add_argument(
            "--keep-newer-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Leave files stored less than this many minutes ago (default: 60).",
        )

    def handle(self, *args, dry_run, keep_newer_than, **options):
        if keep_newer_than < 0:
            raise CommandError("--keep-newer-than takes a number of minutes, 0 or more.")
        verb = "would delete" if dry_run else "deleted"
        trimmed = trim_unreferenced_files(
            dry_run=dry_run,
            keep_newer_than=timedelta(minutes=keep_newer_than),
            on_folder=lambda folder: self.stdout.write(f"Checking {folder}/ …"),
            on_removed=lambda name, size: self.stdout.write(f"  {verb} {name} ({filesizeformat(size)})"),
        )
        for name, error in trimmed.failed:
            self.stderr.write(f"  could not delete {name}: {error}")
        self.stdout.write(
            f"{trimmed.checked} file(s) checked: {len(trimmed.removed)} {verb} "
            f"({filesizeformat(trimmed.removed_bytes)}), {trimmed.referred_to} referred to by a record or a "
            f"version, {trimmed.recent} too recent to judge, {len(trimmed.failed)} could not be deleted."
        )
        if trimmed.failed:
            raise CommandError(f"{len(trimmed.failed)} file(s) could not be deleted.")
