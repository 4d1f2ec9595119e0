"""The preparedness summaries (models.PreparednessSummary, issue #23): written here, read by
`selectors.coverage_page`. The preparedness services call `refresh_unit` after a change to a
school's plans, drills or buses (in their transaction); `safety.services.organisation_save`
runs the task below at once for a unit created, changed or moved and its subtree (its type,
boarding and place decide its drill minimum and its scenarios). `forget_below` follows a
change that reaches many schools (the scenario catalogue, a bureau's drill settings): those
schools make the view compute live until the task rewrites them. The nightly task
"safety.refresh_preparedness_summaries" rewrites every school's row for the new day (a new
month or quarter, a semester, a review date passing change the rows with no write)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from safety.jobs import enqueue_on_commit
from safety.models import Organisation

from .models import PreparednessSummary, Scenario
from .selectors import live_rows

BATCH = 2000  # schools per batch (bounded memory and statement size)
TASK = "safety.refresh_preparedness_summaries"


def refresh(units: QuerySet[Organisation], *, today: datetime.date | None = None) -> int:
    """Recompute and store the summaries of the schools among `units` (any number: in
    batches of BATCH, each four queries). Returns the number of schools written."""
    today = today or timezone.localdate()
    ids = list(units.schools().order_by("pk").values_list("pk", flat=True))
    scenarios = list(Scenario.objects.filter(is_active=True)) if ids else []
    for start in range(0, len(ids), BATCH):
        batch = Organisation.objects.filter(pk__in=ids[start : start + BATCH]).order_by("pk")
        rows = live_rows(batch, today=today, scenarios=scenarios).rows.values()
        PreparednessSummary.objects.bulk_create(
            [
                PreparednessSummary(
                    unit_id=row.school_id,
                    on=today,
                    period=row.requirement.period,
                    required=row.requirement.count,
                    target_seconds=row.requirement.target_seconds,
                    held=row.held,
                    has_buses=row.has_buses,
                    bus_drills=row.bus_drills,
                    drills_ok=row.drills_ok,
                    missing_scenarios=row.missing_ids,
                    missing_count=len(row.missing_ids),
                    overdue_reviews=row.overdue_reviews,
                    waiting=row.waiting,
                    **{f"seconds_{i}": value for i, value in enumerate(row.trend_seconds)},
                    **{f"timed_{i}": value for i, value in enumerate(row.trend_timed)},
                )
                for row in rows
            ],
            update_conflicts=True,
            unique_fields=["unit"],
            update_fields=[
                field.name
                for field in PreparednessSummary._meta.concrete_fields
                if not field.primary_key
            ],
        )
    return len(ids)


def refresh_unit(unit: Organisation | int) -> None:
    """After a change to one school's plans, drills or buses: its summary, now (nothing for a
    bureau)."""
    pk = unit.pk if isinstance(unit, Organisation) else unit
    refresh(Organisation.objects.filter(pk=pk))


def forget_below(unit: Organisation | None) -> None:
    """After a change that reaches every school below `unit` (None: every school): their
    summaries go stale now (the view computes live) and a job rewrites them after the
    commit."""
    rows = PreparednessSummary.objects.all()
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    rows.delete()
    enqueue_on_commit(TASK, unit.pk if unit is not None else None)


def refresh_all(below: int | None = None) -> int:
    """Every active school's summary (below the unit `below`, itself included, or
    everywhere): the nightly task."""
    units = Organisation.objects.filter(is_active=True)
    if below is not None:
        units = units.below(Organisation.objects.get(pk=below))
    return refresh(units)
