# A term's education records summed over a jurisdiction (the homes' pupil-hours figure, #23)
# read from an index alone instead of the table: city home 33 → 13 ms at 4x. A covering index
# (INCLUDE) exists on PostgreSQL only; SQLite, the demo's database, keeps the plain index on
# the date.

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS edu_record_term_idx
    ON safety_educationrecord (held_on) INCLUDE (kind, school_id, hours, pupils);
"""
DROP = "DROP INDEX IF EXISTS edu_record_term_idx;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0027_letter_issue_progress"),
    ]

    operations = [migrations.RunPython(create, drop)]
