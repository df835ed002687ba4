from django.core.management.base import BaseCommand, CommandError

from sample_data.services import DEFAULT_SEED, SampleDataError, existing_sample_content, generate


class Command(BaseCommand):
    help = (
        "Generate a clearly fictitious dataset in Spanish and English: countries with map outlines, working "
        "groups with members, objectives, activities and contacts, and documents with generated PDF files. "
        "The same --seed gives the same content. Refuses if generated data is there already, unless "
        "--replace (which deletes only generated data, never the Peru content) or --if-missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--countries", type=int, default=30, help="fictitious countries (default 30)")
        parser.add_argument("--groups", type=int, default=300, help="working groups (default 300)")
        parser.add_argument("--documents", type=int, default=20_000, help="documents (default 20,000)")
        parser.add_argument(
            "--organizations", type=int, default=None, help="organizations (default 20 per group: 6,000)"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"for another dataset (default {DEFAULT_SEED})"
        )
        what_exists = parser.add_mutually_exclusive_group()
        what_exists.add_argument(
            "--replace", action="store_true", help="delete previously generated data first, then generate"
        )
        what_exists.add_argument(
            "--if-missing", action="store_true", help="do nothing if generated data is there already"
        )

    def handle(
        self, *args, countries, groups, documents, organizations, seed, replace, if_missing, **options
    ):
        if if_missing and any(existing_sample_content().values()):
            existing = existing_sample_content()
            self.stdout.write(
                f"Sample data is there already ({existing['countries']:,} countries, "
                f"{existing['documents']:,} documents): kept as it is."
            )
            return
        self.stdout.write(
            f"Generating sample data (seed {seed}): {countries:,} countries, {groups:,} groups, "
            f"{documents:,} documents…"
        )
        try:
            site = generate(
                countries=countries,
                groups=groups,
                documents=documents,
                organizations=organizations,
                seed=seed,
                replace=replace,
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
        except SampleDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Generated {site.summary()}."))
