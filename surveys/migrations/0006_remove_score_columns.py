"""Scores live one row per domain in ResponseScore (filled by 0005): the four fixed columns go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_backfill_scores")]

    operations = [
        migrations.RemoveField(
            model_name="response",
            name="control_score",
        ),
        migrations.RemoveField(
            model_name="response",
            name="hope_score",
        ),
        migrations.RemoveField(
            model_name="response",
            name="opportunity_score",
        ),
        migrations.RemoveField(
            model_name="response",
            name="other_score",
        ),
    ]
