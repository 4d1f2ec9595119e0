"""Root pages (#23): a record's change history, and the download of a finished export."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from bench.feature_pages._common import CITY, COUNTY
from safety.models import ExportJob, User

PAGES = [
    ("record_history", "A hazard's change history", CITY, "/history/hazard/{hazard}/", None),
    ("record_history", "A hazard's change history", COUNTY, "/history/hazard/{hazard}/", None),
    ("export_download", "A finished export's download", CITY,
     "/exports/{ready_export}/download/", None),
]  # fmt: skip
LIST_KEYS: set[str] = set()

READY_FILE = "bench/campaign-board.xlsx"
READY_KIND = "inspections.campaigns.exports:board"


def ids() -> dict[str, int]:
    """The city official's finished campaign-board export (made here when missing, kept a day
    from now, so it is downloadable whenever the benchmark runs)."""
    if not default_storage.exists(READY_FILE):
        default_storage.save(READY_FILE, ContentFile(b"school,status\n"))
    job, _created = ExportJob.objects.update_or_create(
        requester=User.objects.get(username=CITY),
        kind=READY_KIND,
        status=ExportJob.Status.READY,
        defaults={
            "file": READY_FILE,
            "filename": "专项行动进度.xlsx",
            "finished_at": timezone.now(),
            "expires_at": timezone.now() + datetime.timedelta(days=1),
        },
    )
    return {"ready_export": job.pk}
