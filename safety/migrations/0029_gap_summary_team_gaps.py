"""#23: the gap summary keeps the emergency team gaps too (the readers counted them per unit in
every query). The summaries written before lack them: they are dropped, so every reader counts
those units live (correct, slower) until `manage.py refresh_gap_summaries` or the nightly task
writes them again (README: upgrading)."""

from django.db import migrations, models


def forget_summaries(apps, schema_editor):
    apps.get_model("safety", "GapSummary").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0028_education_term_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="gapsummary",
            name="team_gaps",
            field=models.PositiveIntegerField(default=0, verbose_name="team members who left"),
        ),
        migrations.RunPython(forget_summaries, migrations.RunPython.noop),
    ]
