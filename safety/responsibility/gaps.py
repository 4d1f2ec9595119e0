"""The coverage gap summaries (models.GapSummary, issue #23): written here, read by
`selectors.kept_coverage_rows`. The responsibility services call `refresh_unit` after a change
to one unit's posts, holders, certificates or letters (in their transaction);
`safety.services.organisation_save` runs the task below at once for a unit created or changed
and its subtree (its kind, type and boarding decide its required posts, its place its grace
period). `forget_below` follows a change that reaches many units (a post of the catalogue, a
bureau's grace period; a safety area created or (de)activated does the same in
`safety_area_save`): those units are counted live until the task refreshes them. The nightly task
"safety.refresh_gap_summaries" rewrites every unit's row for the new day."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from safety.jobs import enqueue_on_commit
from safety.models import Organisation

from .models import GapSummary
from .selectors import SUMMARY_FIELDS, coverage_rows

BATCH = 2000  # units per batch of the nightly refresh (bounded memory and statement size)


def refresh(units: QuerySet[Organisation], *, today: datetime.date | None = None) -> int:
    """Recompute and store the gap summaries of `units` (any number: in batches of BATCH,
    each a fixed number of queries). Returns the number of units written."""
    today = today or timezone.localdate()
    ids = list(units.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = Organisation.objects.filter(pk__in=ids[start : start + BATCH])
        rows = coverage_rows(batch, today=today)
        summaries = [
            GapSummary(
                unit_id=row.school_id,
                on=today,
                covered_areas=sorted(row.covered_areas),
                gap_count=sum(getattr(row, name) for name in SUMMARY_FIELDS),
                **{name: getattr(row, name) for name in SUMMARY_FIELDS},
            )
            for row in rows
        ]
        GapSummary.objects.bulk_create(
            summaries,
            update_conflicts=True,
            unique_fields=["unit"],
            update_fields=["on", "covered_areas", "gap_count", *SUMMARY_FIELDS],
        )
    return len(ids)


def refresh_unit(unit: Organisation | int) -> None:
    """After a change to one unit's responsibilities: its summary, now."""
    pk = unit.pk if isinstance(unit, Organisation) else unit
    refresh(Organisation.objects.filter(pk=pk))


def forget_below(unit: Organisation | None) -> None:
    """After a change that reaches every unit below `unit` (None: every unit): their
    summaries go stale now (the readers count live) and are rewritten by a job after the
    commit."""
    rows = GapSummary.objects.all()
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    rows.delete()
    enqueue_on_commit("safety.refresh_gap_summaries", unit.pk if unit is not None else None)


def refresh_all(below: int | None = None) -> int:
    """Every active unit's summary (below the unit `below`, or everywhere): the nightly task."""
    units = Organisation.objects.filter(is_active=True)
    if below is not None:
        units = units.below(Organisation.objects.get(pk=below))
    return refresh(units)
