"""Shared builders for tests: the one JPEG, the one incident and the one monthly report
submission (PDFs come from tests/pdfs.py, units and accounts from tests/factories.py, the
personas from tests/personas.py). Records are made through the services, as in the product."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone
from PIL import Image

from reporting.incidents import services as incident_services
from reporting.incidents.models import Incident
from reporting.monthly import services as monthly_services
from reporting.monthly.models import MonthlyReportVersion
from safety.models import ExportJob, User
from safety.uploads import CleanUpload, clean_image

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OCTOBER = datetime.date(2026, 10, 1)


def shanghai(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


# --- Photos ---


def jpeg_bytes(size=(64, 48), color=(30, 120, 200), *, exif_gps: bool = False) -> bytes:
    """A real JPEG of one colour; `exif_gps`: with a location and a rotation in its EXIF
    (width and height swap after `exif_transpose`)."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if exif_gps:
        exif[0x8825] = {1: "N", 2: (30.0, 0.0, 0.0)}
        exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def jpeg_upload(name: str = "现场.jpg", **jpeg: Any) -> SimpleUploadedFile:
    """A JPEG as a browser uploads it."""
    return SimpleUploadedFile(name, jpeg_bytes(**jpeg), content_type="image/jpeg")


def clean_photo(name: str = "现场.jpg") -> CleanUpload:
    """A JPEG as the upload path hands it to the services."""
    return clean_image(jpeg_upload(name))


# --- Incidents ---


def incident_facts(**overrides: Any) -> dict[str, Any]:
    """The facts of an initial incident report (two pupils hurt on a staircase 20 minutes
    ago); `overrides` replace any of them."""
    facts = {
        "category": "crush_stampede",
        "severity": "general",
        "occurred_at": timezone.now() - datetime.timedelta(minutes=20),
        "place": "教学楼东侧楼梯",
        "deaths": 0,
        "injured": 2,
        "missing": 0,
        "pupils_involved": 2,
        "staff_involved": 0,
        "summary": "两名学生课间在楼梯摔倒受伤",
        "what_happened": "课间操下楼时两名学生摔倒。",
        "measures_taken": "已送医，通知家长。",
        "reporter_name": "李娜",
        "reporter_phone": "13900000000",
    }
    facts.update(overrides)
    return facts


def report_incident(actor: User, *, attachments=(), **overrides: Any) -> Incident:
    """File an initial report of `incident_facts(**overrides)` as `actor`."""
    return incident_services.incident_report(
        actor=actor, facts=incident_facts(**overrides), attachments=list(attachments)
    )


# --- Monthly reports ---


def submit_monthly(
    user: User,
    *,
    month: datetime.date = OCTOBER,
    when: datetime.datetime | None = None,
    text: str = "检查了消防通道。",
) -> MonthlyReportVersion:
    """Draft and submit the monthly report of `user`'s unit for `month` as `user`, at
    `when` (default: 30 October 2026, 09:00 in Shanghai)."""
    monthly_services.monthly_report_save_draft(
        actor=user,
        unit=user.unit,
        month=month,
        work_done=text,
        problems_found="",
        next_month_plans="",
    )
    return monthly_services.monthly_report_submit(
        actor=user, unit=user.unit, month=month, now=when or shanghai(2026, 10, 30, 9)
    )


def exported_file(client: Any, url: str, capture: Any) -> Any:
    """#23: the file of a background export as its user gets it: asked for (POST: the answer
    redirects to the export's page at once), written by its job (eager in tests, run by
    `capture(execute=True)`: pytest-django's django_capture_on_commit_callbacks), and
    downloaded through the link on the export's page. Returns the download's response."""
    with capture(execute=True):
        started = client.post(url)
    assert started.status_code == 302, started.content[:2000]
    job = ExportJob.objects.get(pk=resolve(started["Location"]).kwargs["pk"])
    assert job.status == ExportJob.Status.READY, job.error
    link = reverse("export_download", args=[job.pk])
    assert link in client.get(started["Location"]).content.decode()
    return client.get(link)
