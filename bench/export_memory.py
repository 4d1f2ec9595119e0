"""Peak memory of a ledger export of at least 100,000 rows, in its own process (so the
peak RSS is the export's): prints JSON with rows, seconds, peak RSS in MB. #23: the export is
a background job; this process runs the job itself (safety.exportjobs.export_build)."""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.http import QueryDict  # noqa: E402
from django.utils import timezone  # noqa: E402

from inspections.models import Hazard  # noqa: E402
from safety import exportjobs  # noqa: E402
from safety.models import ExportJob, SafetyArea, User  # noqa: E402


def main() -> None:
    query = sys.argv[1] if len(sys.argv) > 1 else ""
    if query == "auto":
        # The busiest area alone: about a quarter of the ledger, >= 100,000 rows at 1x.
        area = SafetyArea.objects.get(key="fire")
        query = f"area={area.pk}"
    filters = dict(part.split("=") for part in query.split("&") if part)
    rows = Hazard.objects.filter(**{f"{k}_id" if k == "area" else k: v for k, v in filters.items()})
    count = rows.count()
    job = ExportJob.objects.create(
        requester=User.objects.get(username="city.official"),
        kind="inspections.exports:ledger",
        params=exportjobs.request_params(QueryDict(query), None),
        expires_at=timezone.now() + exportjobs.EXPORT_KEPT_FOR,
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    exportjobs.export_build(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    size = job.file.size
    job.file.delete(save=False)
    job.delete()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"export_rows": count, "export_seconds": elapsed, "export_bytes": size,
                      "export_rss_before_mb": before, "export_peak_rss_mb": peak}))  # fmt: skip


if __name__ == "__main__":
    main()
