"""Text search configurations for the site search (groups/search.py): PostgreSQL's Spanish and English ones,
with accents removed before stemming, so that "formalizacion" finds "formalización". A no-op on SQLite."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

# Configuration name -> the built-in configuration and stemmer it copies.
CONFIGURATIONS = {"spanish_unaccent": "spanish", "english_unaccent": "english"}


def create_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, language in CONFIGURATIONS.items():
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{language})")
        # Words with letters outside ASCII lose their accents, then are stemmed as before.
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {language}_stem"
        )


def drop_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONFIGURATIONS:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_coordinators_and_edit_all_groups"),
    ]

    operations = [
        # Does nothing on SQLite (CreateExtension checks the database vendor itself).
        UnaccentExtension(),
        migrations.RunPython(create_configurations, drop_configurations),
    ]
