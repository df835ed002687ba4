"""Stored search vectors of countries and working groups, one per language, for the site search
(groups/search.py): GIN-indexed and filled on PostgreSQL; on SQLite the columns exist and stay empty. They are
kept inside the row (storage MAIN: compressed if need be, out of line only if the row would not fit a page),
so that ranking thousands of matches does not fetch each vector from the TOAST table.

groups/search_index.py keeps them current from now on; filling them here reads what groups/search.py searches
today, so it is skipped on a database without records (a new installation), where there is nothing to fill.
"""

import django.contrib.postgres.search
from django.db import migrations


TABLES = {"groups.Country": "groups_country", "groups.WorkingGroup": "groups_workinggroup"}
LANGUAGES = ("es", "en")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for label, table in TABLES.items():
        name = label.split(".")[1].lower()
        for language in LANGUAGES:
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search_{language} SET STORAGE MAIN")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name}_search_{language} ON {table} USING gin (search_{language})"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for label in TABLES:
        for language in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {label.split('.')[1].lower()}_search_{language}")


def fill_vectors(apps, schema_editor):
    """Once filled from what groups/search.py searched; these columns are dropped again (groups/0008) for the
    search app's own index (search/0001), so there is nothing left to fill."""


def vector():
    return django.contrib.postgres.search.SearchVectorField(editable=False, null=True, serialize=False)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0005_document_text_search"),
    ]

    operations = [
        migrations.AddField(model_name="country", name="search_es", field=vector()),
        migrations.AddField(model_name="country", name="search_en", field=vector()),
        migrations.AddField(model_name="workinggroup", name="search_es", field=vector()),
        migrations.AddField(model_name="workinggroup", name="search_en", field=vector()),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(fill_vectors, migrations.RunPython.noop),
    ]
