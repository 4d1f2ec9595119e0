"""The risk point tally (models.RiskTally, issue #23): written here, read by
`selectors.level_counts_for`. `services.point_save` recounts the saved point's bureau in its
transaction; the task "inspections.refresh_risk_tally" recounts every bureau after a school
moves (run by `safety.services.organisation_save`) and after a bulk load."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from .models import RiskPoint, RiskTally


def refresh(bureau_ids: Iterable[int] | None = None) -> int:
    """Recount the active risk points by level of the schools of `bureau_ids` (None: of
    every bureau) and store them: one grouped query, one delete, one insert. Idempotent.
    Returns the tally rows written."""
    points = RiskPoint.objects.filter(is_active=True)
    rows = RiskTally.objects.all()
    if bureau_ids is not None:
        bureau_ids = list(bureau_ids)
        points = points.filter(school__parent_id__in=bureau_ids)
        rows = rows.filter(bureau_id__in=bureau_ids)
    counts = (
        points.order_by()
        .values_list("school__parent_id", "level")
        .annotate(n=Count("id"))
        .filter(school__parent_id__isnull=False)
    )
    tally = [RiskTally(bureau_id=bureau, level=level, count=n) for bureau, level, n in counts]
    rows.delete()
    RiskTally.objects.bulk_create(tally)
    return len(tally)
