# Sources, citations and the change feed moved to the ``core`` app. The tables stay (core's
# 0001 claims them, 0002 renames them); here they only leave diplomacy's migration state.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("diplomacy", "0003_change_feed"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel("HistoricalCitation"),
                migrations.DeleteModel("Citation"),
                migrations.DeleteModel("HistoricalSource"),
                migrations.DeleteModel("Source"),
                migrations.DeleteModel("Change"),
            ],
            database_operations=[],
        )
    ]
