# The ledger table sorted by deadline (#23) and the inspection list newest first, read from an
# index to the page instead of sorting a jurisdiction's rows. The deadline indexes order
# hazards without a deadline last in both directions (NULLS LAST), which SQLite's CREATE INDEX
# does not accept: they are created on PostgreSQL only, like the trigram indexes of 0016 (the
# demo's SQLite database sorts its few thousand rows).

from django.db import migrations, models

from safety.migrating import postgresql_only

CREATE = """
CREATE INDEX IF NOT EXISTS hazard_deadline_idx
    ON inspections_hazard (deadline ASC NULLS LAST, id ASC);
CREATE INDEX IF NOT EXISTS hazard_deadline_desc_idx
    ON inspections_hazard (deadline DESC NULLS LAST, id DESC);
"""
DROP = """
DROP INDEX IF EXISTS hazard_deadline_idx;
DROP INDEX IF EXISTS hazard_deadline_desc_idx;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0016_hazard_search_trigram"),
    ]

    operations = [
        postgresql_only(CREATE, DROP),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["-created_at", "-id"], name="inspection_created_idx"),
        ),
    ]
