# The activity calendar's overlap through a GiST index of each activity's span (issue #23):
# `starts_at < end AND ends_at > start` has no btree index bounding both, so the calendar read
# every activity ever filed. PostgreSQL only (reporting.activities.selectors.SpanOverlaps
# compiles to this expression there); SQLite, the demo's database, scans its few rows.

from django.db import migrations

from safety.migrating import postgresql_only

CREATE = """
CREATE INDEX IF NOT EXISTS activity_span_gist
    ON reporting_activity USING gist (tstzrange(starts_at, ends_at));
"""
DROP = "DROP INDEX IF EXISTS activity_span_gist;"


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0019_notice_recipient_reply_index"),
    ]

    operations = [postgresql_only(CREATE, DROP)]
