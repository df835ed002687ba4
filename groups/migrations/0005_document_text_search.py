"""Text search indexes on the extracted text of document files, one per search configuration, so that a search
finds the files that contain its words without reading every file's text. A no-op on SQLite.

They live here, beside the configurations they use (0004), not in the documents app, and Django's model state
knows nothing of them. Each expression must stay exactly the one DocumentQuerySet.search() matches files with
(groups/search.py: ``to_tsvector(config, COALESCE(LEFT(text, MAX_SEARCHED_CHARACTERS), ''))``), or PostgreSQL
stops using it; tests/test_search.py checks that it does.
"""

from django.db import migrations

INDEXES = {"es": "spanish_unaccent", "en": "english_unaccent"}
MAX_SEARCHED_CHARACTERS = 500_000


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language, config in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS documentfile_text_search_{language} ON documents_documentfile "
            f"USING gin (to_tsvector('{config}'::regconfig, "
            f"COALESCE(LEFT(text, {MAX_SEARCHED_CHARACTERS}), ''::text)))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS documentfile_text_search_{language}")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0004_search_configurations"),
        ("documents", "0005_remove_document_file"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
