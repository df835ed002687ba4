"""Drop the documents' and files' stored search vectors (and, with them, their GIN indexes): the site search has an index
of its own (search/0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0008_library_indexes"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="document",
            name="search_en",
        ),
        migrations.RemoveField(
            model_name="document",
            name="search_es",
        ),
        migrations.RemoveField(
            model_name="documentfile",
            name="search_en",
        ),
        migrations.RemoveField(
            model_name="documentfile",
            name="search_es",
        ),
    ]
