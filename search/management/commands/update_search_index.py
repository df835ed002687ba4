from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the site search's index of every public record, with progress: after a bulk load, or a "
        "change to what search/declarations.py searches. Saves keep it current by themselves."
    )

    def handle(self, *args, **options):
        rebuild(progress=self.stdout.write)
