"""The term education summaries (models.EducationTermSummary, #23): written here, read by the
home dashboards (`reporting.dashboards.selectors.education_columns`) and the coverage page
(`selectors.coverage_figures`). `record_create` refreshes the school's row of the record's
term in its transaction; the generated city and migration safety 0030 write every row at once.
Records are never changed or deleted, so nothing else changes a row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.apps import apps as global_apps
from django.db.models import DecimalField, ExpressionWrapper, F, Sum

from .models import Term, term_of
from .selectors import PUPIL_KINDS

BATCH = 2000  # schools per statement


def refresh(term: Term, school_ids: Iterable[int] | None = None, *, apps: Any = None) -> int:
    """Recompute the summaries of `term` for the schools `school_ids` (None: every school with
    a record in the term) from their records: pupil-hours (Decimal, hours × pupils of the
    pupil kinds) and the sorted topics of those kinds. Two grouped queries and one upsert per
    BATCH schools; returns the number of rows written. `apps`: a migration's app registry
    (the historical models), else the project's."""
    registry = apps or global_apps
    records = registry.get_model("safety", "EducationRecord").objects
    summary = registry.get_model("safety", "EducationTermSummary")
    rows = records.filter(held_on__gte=term.start, held_on__lte=term.end).order_by()
    if school_ids is None:
        ids = sorted(set(rows.values_list("school_id", flat=True)))
    else:
        ids = sorted(set(school_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        taught = rows.filter(school_id__in=batch, kind__in=PUPIL_KINDS)
        product = ExpressionWrapper(
            F("hours") * F("pupils"), output_field=DecimalField(max_digits=14, decimal_places=1)
        )
        hours = dict(
            taught.values("school_id").annotate(v=Sum(product)).values_list("school_id", "v")
        )
        topics: dict[int, set[str]] = {}
        for school_id, topic in taught.values_list("school_id", "topic").distinct():
            topics.setdefault(school_id, set()).add(topic)
        summary.objects.bulk_create(
            [
                summary(
                    school_id=school_id,
                    term=term.key,
                    pupil_hours=hours.get(school_id) or Decimal("0"),
                    topics=sorted(topics.get(school_id, ())),
                    topic_count=len(topics.get(school_id, ())),
                )
                for school_id in batch
            ],
            update_conflicts=True,
            unique_fields=["school", "term"],
            update_fields=["pupil_hours", "topics", "topic_count"],
        )
        written += len(batch)
    return written


def refresh_all(*, apps: Any = None) -> int:
    """Every term's summaries, from the earliest record's term to the latest's (the generated
    city, the migration that created the table). Returns the number of rows written."""
    registry = apps or global_apps
    records = registry.get_model("safety", "EducationRecord").objects.order_by()
    days = records.values_list("held_on", flat=True)
    first, last = days.order_by("held_on").first(), days.order_by("-held_on").first()
    written = 0
    while first is not None and first <= last:
        term = term_of(first)
        written += refresh(term, apps=apps)
        first = term.end + datetime.timedelta(days=1)
    return written
