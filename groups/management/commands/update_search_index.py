from django.core.management.base import BaseCommand

from groups.search_index import BATCH_SIZE, update_search_index


class Command(BaseCommand):
    help = (
        "Recompute the stored search vectors of every country, working group, document and file: after a "
        "bulk load, or a change to what groups/search.py searches. Saves keep them current by themselves."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="records per UPDATE")

    def handle(self, *args, batch_size, **options):
        update_search_index(progress=self.stdout.write, batch_size=batch_size)
