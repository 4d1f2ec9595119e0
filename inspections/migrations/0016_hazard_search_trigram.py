# Ledger text search through trigram indexes (issue #23). PostgreSQL only: the extension
# operation is skipped on other databases, and so are the indexes (SQLite, the demo's
# database, searches by scanning its few thousand rows).

from django.db import migrations

from safety.migrating import postgresql_only

# The expressions the ledger's `icontains` lookups compile to on PostgreSQL
# (UPPER(column::text) LIKE UPPER('%…%')), so that the planner matches them to the indexes.
CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS hazard_description_trgm
    ON inspections_hazard USING gin (UPPER(description::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS hazard_location_trgm
    ON inspections_hazard USING gin (UPPER(location::text) gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS hazard_description_trgm;
DROP INDEX IF EXISTS hazard_location_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0015_hazard_month"),
    ]

    # The extension is created with the indexes, on PostgreSQL only; unapplying drops the
    # indexes and leaves the extension (Django's TrigramExtension looked it up in pg_extension
    # when unapplied on SQLite too, and failed there: tests/test_migrations.py).
    operations = [postgresql_only(CREATE, DROP)]
