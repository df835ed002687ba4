"""Stored search vectors of documents (their title and summary) and of their files (the extracted text), one
per language, for the site search (groups/search.py): GIN-indexed and filled on PostgreSQL; on SQLite the
columns exist and stay empty. groups/0007 then drops the index on the files' text they replace. A document's
vectors are kept inside its row (storage MAIN), so that ranking thousands of matches does not fetch each one
from the TOAST table; a file's, which can be large, are stored as any long value.

groups/search_index.py keeps them current from now on; filling them here reads what groups/search.py searches
today, so it is skipped on a database without records (a new installation), where there is nothing to fill.
"""

import django.contrib.postgres.search
from django.db import migrations


TABLES = {
    "Document": ("documents_document", "document"),
    "DocumentFile": ("documents_documentfile", "documentfile"),
}
LANGUAGES = ("es", "en")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in TABLES.values():
        for language in LANGUAGES:
            if name == "document":
                schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search_{language} SET STORAGE MAIN")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name}_search_{language} ON {table} USING gin (search_{language})"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in TABLES.values():
        for language in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}_search_{language}")


def fill_vectors(apps, schema_editor):
    """Once filled from what groups/search.py searched; these columns are dropped again (documents/0009) for the
    search app's own index (search/0001), so there is nothing left to fill."""


def vector():
    return django.contrib.postgres.search.SearchVectorField(editable=False, null=True, serialize=False)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0006_cover_lookup_index"),
        ("groups", "0006_search_vectors"),  # the text search configurations (0004) they are computed with
    ]

    operations = [
        migrations.AddField(model_name="document", name="search_es", field=vector()),
        migrations.AddField(model_name="document", name="search_en", field=vector()),
        migrations.AddField(model_name="documentfile", name="search_es", field=vector()),
        migrations.AddField(model_name="documentfile", name="search_en", field=vector()),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(fill_vectors, migrations.RunPython.noop),
    ]
