"""Drop the countries' and working groups' stored search vectors (and, with them, their GIN indexes): the site search has an index
of its own (search/0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0007_drop_document_text_search"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="country",
            name="search_en",
        ),
        migrations.RemoveField(
            model_name="country",
            name="search_es",
        ),
        migrations.RemoveField(
            model_name="workinggroup",
            name="search_en",
        ),
        migrations.RemoveField(
            model_name="workinggroup",
            name="search_es",
        ),
    ]
