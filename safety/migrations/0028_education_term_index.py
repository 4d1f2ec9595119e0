# A term's education records summed over a jurisdiction (the homes' pupil-hours figure, #23)
# read from an index alone instead of the table: city home 33 → 13 ms at 4x. A covering index
# (INCLUDE) exists on PostgreSQL only; SQLite, the demo's database, keeps the plain index on
# the date.

from django.db import migrations

from safety.migrating import postgresql_only

CREATE = """
CREATE INDEX IF NOT EXISTS edu_record_term_idx
    ON safety_educationrecord (held_on) INCLUDE (kind, school_id, hours, pupils);
"""
DROP = "DROP INDEX IF EXISTS edu_record_term_idx;"


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0027_letter_issue_progress"),
    ]

    operations = [postgresql_only(CREATE, DROP)]
