from django.db import migrations

# (severity, initial report minutes, written report minutes): the defaults of issue #5.
DEFAULTS = [
    ("general", 120, 1440),
    ("larger", 120, 1440),
    ("major", 60, 1440),
    ("especially_major", 60, 1440),
]


def create_defaults(apps, schema_editor):
    ReportingTimeLimit = apps.get_model("reporting", "ReportingTimeLimit")
    for severity, initial, written in DEFAULTS:
        ReportingTimeLimit.objects.get_or_create(
            severity=severity,
            defaults={"initial_report_minutes": initial, "written_report_minutes": written},
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
