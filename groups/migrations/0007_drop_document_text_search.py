"""Drop the indexes on the expression ``to_tsvector(config, LEFT(text, …))`` of document files (0005): the site
search now matches files through their stored vectors (documents/0007_search_vectors). A no-op on SQLite.
Going back recreates them, as 0005 did."""

import importlib

from django.db import migrations

created = importlib.import_module("groups.migrations.0005_document_text_search")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0006_search_vectors"),
        ("documents", "0007_search_vectors"),
    ]

    operations = [migrations.RunPython(created.drop_indexes, created.create_indexes)]
