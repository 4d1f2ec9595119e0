"""The hazard tally (models.HazardTally) and the hazards of each month (models.HazardMonth):
PostgreSQL triggers keep them, these functions install the triggers and rebuild them from the
hazard table (after a bulk load that ran with the triggers disabled, or to repair)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION inspections_hazard_tally_add(
    p_school bigint, p_area bigint, p_severity text, p_kind text, p_source text,
    p_status text, p_overdue boolean, p_delta integer
) RETURNS void AS $$
BEGIN
    INSERT INTO inspections_hazardtally
        (bureau_id, area_id, severity, kind, source, status, is_overdue, count)
    SELECT o.parent_id, p_area, p_severity, p_kind, p_source, p_status, p_overdue, p_delta
    FROM safety_organisation o WHERE o.id = p_school AND o.parent_id IS NOT NULL
    ON CONFLICT ON CONSTRAINT hazard_tally_key
    DO UPDATE SET count = inspections_hazardtally.count + EXCLUDED.count;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION inspections_hazard_tally_row() RETURNS trigger AS $$
BEGIN
    -- A bulk load switches the tally off for its transaction and rebuilds it after.
    IF current_setting('safecampus.hazard_tally_off', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND
       (OLD.school_id, OLD.area_id, OLD.severity, OLD.kind, OLD.source, OLD.status,
        OLD.is_overdue) IS NOT DISTINCT FROM
       (NEW.school_id, NEW.area_id, NEW.severity, NEW.kind, NEW.source, NEW.status,
        NEW.is_overdue) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM inspections_hazard_tally_add(OLD.school_id, OLD.area_id, OLD.severity,
            OLD.kind, OLD.source, OLD.status, OLD.is_overdue, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM inspections_hazard_tally_add(NEW.school_id, NEW.area_id, NEW.severity,
            NEW.kind, NEW.source, NEW.status, NEW.is_overdue, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION inspections_hazard_tally_move() RETURNS trigger AS $$
BEGIN
    -- A school moved to another bureau: its hazards move with it.
    INSERT INTO inspections_hazardtally
        (bureau_id, area_id, severity, kind, source, status, is_overdue, count)
    SELECT moved.bureau, h.area_id, h.severity, h.kind, h.source, h.status, h.is_overdue,
           moved.sign * count(*)
    FROM inspections_hazard h,
         (VALUES (OLD.parent_id, -1), (NEW.parent_id, 1)) AS moved (bureau, sign)
    WHERE h.school_id = NEW.id AND moved.bureau IS NOT NULL
    GROUP BY moved.bureau, moved.sign, h.area_id, h.severity, h.kind, h.source, h.status,
             h.is_overdue
    ON CONFLICT ON CONSTRAINT hazard_tally_key
    DO UPDATE SET count = inspections_hazardtally.count + EXCLUDED.count;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS inspections_hazard_tally ON inspections_hazard;
CREATE TRIGGER inspections_hazard_tally
    AFTER INSERT OR UPDATE OR DELETE ON inspections_hazard
    FOR EACH ROW EXECUTE FUNCTION inspections_hazard_tally_row();

DROP TRIGGER IF EXISTS inspections_hazard_tally_move ON safety_organisation;
CREATE TRIGGER inspections_hazard_tally_move
    AFTER UPDATE OF parent_id ON safety_organisation
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION inspections_hazard_tally_move();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS inspections_hazard_tally ON inspections_hazard;
DROP TRIGGER IF EXISTS inspections_hazard_tally_move ON safety_organisation;
DROP FUNCTION IF EXISTS inspections_hazard_tally_row();
DROP FUNCTION IF EXISTS inspections_hazard_tally_move();
DROP FUNCTION IF EXISTS inspections_hazard_tally_add(
    bigint, bigint, text, text, text, text, boolean, integer);
"""

REBUILD_SQL = """
DELETE FROM inspections_hazardtally;
INSERT INTO inspections_hazardtally
    (bureau_id, area_id, severity, kind, source, status, is_overdue, count)
SELECT o.parent_id, h.area_id, h.severity, h.kind, h.source, h.status, h.is_overdue, count(*)
FROM inspections_hazard h JOIN safety_organisation o ON o.id = h.school_id
WHERE o.parent_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7;
"""


# The hazards of each month (issue #23): found in the local month of created_at, closed in the
# local month of closed_at while the status is closed; per bureau (the school's parent) like
# the tally. {tz} is settings.TIME_ZONE, fixed when the triggers are installed.
MONTH_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION inspections_hazard_month_add(
    p_school bigint, p_month timestamptz, p_found integer, p_closed integer
) RETURNS void AS $$
BEGIN
    INSERT INTO inspections_hazardmonth (bureau_id, month, found, closed)
    SELECT o.parent_id, date_trunc('month', p_month AT TIME ZONE '{tz}')::date,
           p_found, p_closed
    FROM safety_organisation o WHERE o.id = p_school AND o.parent_id IS NOT NULL
    ON CONFLICT ON CONSTRAINT hazard_month_key
    DO UPDATE SET found = inspections_hazardmonth.found + EXCLUDED.found,
                  closed = inspections_hazardmonth.closed + EXCLUDED.closed;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION inspections_hazard_month_row() RETURNS trigger AS $$
DECLARE
    old_closed boolean;
    new_closed boolean;
BEGIN
    IF current_setting('safecampus.hazard_tally_off', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_closed := OLD.status = 'closed' AND OLD.closed_at IS NOT NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_closed := NEW.status = 'closed' AND NEW.closed_at IS NOT NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND
       (OLD.school_id, OLD.created_at, old_closed, CASE WHEN old_closed THEN OLD.closed_at END)
       IS NOT DISTINCT FROM
       (NEW.school_id, NEW.created_at, new_closed, CASE WHEN new_closed THEN NEW.closed_at END)
    THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM inspections_hazard_month_add(OLD.school_id, OLD.created_at, -1, 0);
        IF old_closed THEN
            PERFORM inspections_hazard_month_add(OLD.school_id, OLD.closed_at, 0, -1);
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM inspections_hazard_month_add(NEW.school_id, NEW.created_at, 1, 0);
        IF new_closed THEN
            PERFORM inspections_hazard_month_add(NEW.school_id, NEW.closed_at, 0, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION inspections_hazard_month_move() RETURNS trigger AS $$
BEGIN
    INSERT INTO inspections_hazardmonth (bureau_id, month, found, closed)
    SELECT moved.bureau, counted.month, moved.sign * sum(counted.found),
           moved.sign * sum(counted.closed)
    FROM (
        SELECT date_trunc('month', h.created_at AT TIME ZONE '{tz}')::date AS month,
               1 AS found, 0 AS closed
        FROM inspections_hazard h WHERE h.school_id = NEW.id
        UNION ALL
        SELECT date_trunc('month', h.closed_at AT TIME ZONE '{tz}')::date, 0, 1
        FROM inspections_hazard h
        WHERE h.school_id = NEW.id AND h.status = 'closed' AND h.closed_at IS NOT NULL
    ) AS counted,
    (VALUES (OLD.parent_id, -1), (NEW.parent_id, 1)) AS moved (bureau, sign)
    WHERE moved.bureau IS NOT NULL
    GROUP BY moved.bureau, moved.sign, counted.month
    ON CONFLICT ON CONSTRAINT hazard_month_key
    DO UPDATE SET found = inspections_hazardmonth.found + EXCLUDED.found,
                  closed = inspections_hazardmonth.closed + EXCLUDED.closed;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS inspections_hazard_month ON inspections_hazard;
CREATE TRIGGER inspections_hazard_month
    AFTER INSERT OR UPDATE OR DELETE ON inspections_hazard
    FOR EACH ROW EXECUTE FUNCTION inspections_hazard_month_row();

DROP TRIGGER IF EXISTS inspections_hazard_month_move ON safety_organisation;
CREATE TRIGGER inspections_hazard_month_move
    AFTER UPDATE OF parent_id ON safety_organisation
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION inspections_hazard_month_move();
"""

MONTH_DROP_SQL = """
DROP TRIGGER IF EXISTS inspections_hazard_month ON inspections_hazard;
DROP TRIGGER IF EXISTS inspections_hazard_month_move ON safety_organisation;
DROP FUNCTION IF EXISTS inspections_hazard_month_row();
DROP FUNCTION IF EXISTS inspections_hazard_month_move();
DROP FUNCTION IF EXISTS inspections_hazard_month_add(bigint, timestamptz, integer, integer);
"""

MONTH_REBUILD_SQL = """
DELETE FROM inspections_hazardmonth;
INSERT INTO inspections_hazardmonth (bureau_id, month, found, closed)
SELECT counted.bureau, counted.month, sum(counted.found), sum(counted.closed)
FROM (
    SELECT o.parent_id AS bureau,
           date_trunc('month', h.created_at AT TIME ZONE '{tz}')::date AS month,
           1 AS found, 0 AS closed
    FROM inspections_hazard h JOIN safety_organisation o ON o.id = h.school_id
    WHERE o.parent_id IS NOT NULL
    UNION ALL
    SELECT o.parent_id, date_trunc('month', h.closed_at AT TIME ZONE '{tz}')::date, 0, 1
    FROM inspections_hazard h JOIN safety_organisation o ON o.id = h.school_id
    WHERE o.parent_id IS NOT NULL AND h.status = 'closed' AND h.closed_at IS NOT NULL
) AS counted
GROUP BY 1, 2;
"""


# The open hazards per bureau, area, severity and overdue flag (models.HazardOpen, #23):
# kept from the tally's own rows, so every path that keeps the tally keeps these too.
OPEN_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION inspections_hazard_open_add(
    p_bureau bigint, p_area bigint, p_severity text, p_overdue boolean, p_delta integer
) RETURNS void AS $$
BEGIN
    INSERT INTO inspections_hazardopen (bureau_id, area_id, severity, is_overdue, count)
    VALUES (p_bureau, p_area, p_severity, p_overdue, p_delta)
    ON CONFLICT ON CONSTRAINT hazard_open_key
    DO UPDATE SET count = inspections_hazardopen.count + EXCLUDED.count;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION inspections_hazard_open_row() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'closed' AND OLD.count <> 0 THEN
        PERFORM inspections_hazard_open_add(OLD.bureau_id, OLD.area_id, OLD.severity,
            OLD.is_overdue, -OLD.count);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status <> 'closed' AND NEW.count <> 0 THEN
        PERFORM inspections_hazard_open_add(NEW.bureau_id, NEW.area_id, NEW.severity,
            NEW.is_overdue, NEW.count);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS inspections_hazard_open ON inspections_hazardtally;
CREATE TRIGGER inspections_hazard_open
    AFTER INSERT OR UPDATE OR DELETE ON inspections_hazardtally
    FOR EACH ROW EXECUTE FUNCTION inspections_hazard_open_row();
"""

OPEN_DROP_SQL = """
DROP TRIGGER IF EXISTS inspections_hazard_open ON inspections_hazardtally;
DROP FUNCTION IF EXISTS inspections_hazard_open_row();
DROP FUNCTION IF EXISTS inspections_hazard_open_add(bigint, bigint, text, boolean, integer);
"""

OPEN_REBUILD_SQL = """
DELETE FROM inspections_hazardopen;
INSERT INTO inspections_hazardopen (bureau_id, area_id, severity, is_overdue, count)
SELECT bureau_id, area_id, severity, is_overdue, sum(count)
FROM inspections_hazardtally WHERE status <> 'closed'
GROUP BY 1, 2, 3, 4;
"""


def month_sql(template: str) -> str:
    """One of the MONTH_* statements with the installation's time zone filled in."""
    return template.replace("{tz}", settings.TIME_ZONE.replace("'", ""))


def install_months(schema_editor=None) -> None:
    """Install the triggers of the hazards of each month and fill it (PostgreSQL only)."""
    if is_kept():
        with connection.cursor() as cursor:
            cursor.execute(month_sql(MONTH_TRIGGER_SQL))
            cursor.execute(month_sql(MONTH_REBUILD_SQL))


def uninstall_months(schema_editor=None) -> None:
    if is_kept():
        with connection.cursor() as cursor:
            cursor.execute(MONTH_DROP_SQL)


def is_kept() -> bool:
    """Whether this database keeps the tally (PostgreSQL only)."""
    return connection.vendor == "postgresql"


def install(schema_editor=None) -> None:
    if is_kept():
        with connection.cursor() as cursor:
            cursor.execute(TRIGGER_SQL)
            cursor.execute(REBUILD_SQL)


def uninstall(schema_editor=None) -> None:
    if is_kept():
        with connection.cursor() as cursor:
            cursor.execute(DROP_SQL)


def rebuild() -> None:
    """Rebuild the tally, its open hazards and the hazards of each month from the hazard
    table."""
    if is_kept():
        with connection.cursor() as cursor:
            cursor.execute(REBUILD_SQL)
            cursor.execute(OPEN_REBUILD_SQL)
            cursor.execute(month_sql(MONTH_REBUILD_SQL))


def set_trigger_enabled(enabled: bool) -> None:
    """For bulk loads, inside their transaction: switch the per-row trigger off, load,
    switch it on, then rebuild(). (A setting, not ALTER TABLE … DISABLE TRIGGER, which
    fails while the transaction has deferred foreign-key checks pending.)"""
    if is_kept():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('safecampus.hazard_tally_off', %s, true)",
                ["off" if enabled else "on"],
            )
