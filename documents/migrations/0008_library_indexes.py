"""Indexes for the orders the public lists read documents in: the library (and a search's tie-break), the
feed, and the sitemaps' last-modified date, each within the published ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_search_vectors"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                fields=["status", "-publication_date", "-created_at", "id"], name="document_library_order"
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["status", "-created_at"], name="document_newest_first"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["status", "updated_at"], name="document_last_updated"),
        ),
    ]
