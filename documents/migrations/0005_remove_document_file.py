from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_move_document_file_into_document_files")]

    operations = [migrations.RemoveField(model_name="document", name="file")]
