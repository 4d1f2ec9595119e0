"""The hazard tally (models.HazardTally): PostgreSQL triggers keep it, these functions
install the triggers and rebuild it from the hazard table (after a bulk load that ran with
the triggers disabled, or to repair)."""

from __future__ import annotations

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
    if is_kept():
        with connection.cursor() as cursor:
            cursor.execute(REBUILD_SQL)


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
