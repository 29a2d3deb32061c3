# The API's ``url`` is a record's own address; a source's link to its document is renamed
# so the two cannot be confused. RenameField keeps the stored values.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("diplomacy", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("source", "url", "document_url"),
        migrations.RenameField("historicalsource", "url", "document_url"),
        migrations.AlterField(
            model_name="source",
            name="document_url",
            field=models.URLField(
                blank=True,
                help_text="Where the document is published.",
                max_length=1000,
                verbose_name="document URL",
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="document_url",
            field=models.URLField(
                blank=True,
                help_text="Where the document is published.",
                max_length=1000,
                verbose_name="document URL",
            ),
        ),
    ]
