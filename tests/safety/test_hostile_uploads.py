"""Hostile files driven through the real upload forms of the features: hazard photos
(随手拍), incident attachments and signed responsibility letters. None may be stored; the
form comes back naming the file, with the rest of what the user typed kept."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections.models import Hazard, Photo
from reporting.models import Incident, IncidentAttachment
from safety.models import ResponsibilityLetter, SafetyArea
from safety.responsibility import services
from tests.safety.responsibility.factories import assign

pytestmark = pytest.mark.django_db


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb() -> bytes:
    """A 70-byte PNG that claims 50,000 × 50,000 pixels (2.5 billion)."""
    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def zip_bomb() -> bytes:
    """50 MB of zeros deflated into a few dozen kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photos/1.jpg", b"\x00" * (50 * 1024 * 1024))
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


HOSTILE = {
    "renamed text": ("现场.jpg", b"just some text pretending to be a photo"),
    "HTML with script": ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
    "SVG with script": (
        "drawing.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ),
    "PNG header + HTML": ("page.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"),
    "zip bomb": ("photos.zip", zip_bomb()),
    "zip bomb renamed": ("bomb.jpg", zip_bomb()),
    "pixel bomb": ("huge.png", pixel_bomb()),
    "oversized": ("big.jpg", jpeg_bytes() + b"\x00" * (10 * 1024 * 1024)),
    "empty": ("empty.jpg", b""),
    "wrong extension": ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00 this program"),
    "double extension": ("photo.jpg.php", b"<?php system($_GET['c']); ?>"),
    "double extension, image last": ("shell.php.jpg", b"<?php system($_GET['c']); ?>"),
    "PDF with JavaScript": (
        "letter.pdf",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>"
        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    ),
    "PDF with an embedded file": (
        "annex.pdf",
        b"%PDF-1.4\n1 0 obj<</Type/EmbeddedFile/Length 3>>stream\nMZ\nendstream endobj\n%%EOF\n",
    ),
    "GIF": ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
}


def hostile(case: str) -> SimpleUploadedFile:
    name, data = HOSTILE[case]
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _refused(response, case: str) -> None:
    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode()
    assert HOSTILE[case][0] in page, "the error names the file"
    assert "未能上传" in page


def test_at_least_ten_hostile_files():
    assert len(HOSTILE) >= 10


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hazard_photo_form_refuses(case, city, client_for):
    area = SafetyArea.objects.get(key="fire")
    response = client_for("staff_a").post(
        reverse("inspections:hazard_new"),
        {
            "area": area.pk,
            "location": "食堂后门",
            "description": "燃气管道锈蚀",
            "kind": "tangible",
            "severity": "general",
            "photos": [hostile(case)],
        },
    )
    _refused(response, case)
    assert "燃气管道锈蚀" in response.content.decode(), "the rest of the form is kept"
    assert not Hazard.objects.exists()
    assert not Photo.objects.exists()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_incident_attachment_form_refuses(case, city, client_for):
    response = client_for("staff_a").post(
        reverse("incidents:incident_create"),
        {
            "category": "crush_stampede",
            "severity": "general",
            "occurred_at": "2026-11-28T08:00",
            "place": "操场东侧",
            "deaths": 0,
            "injured": 1,
            "missing": 0,
            "summary": "学生摔倒",
            "what_happened": "体育课上摔倒。",
            "reporter_name": "李娜",
            "reporter_phone": "13900000000",
            "attachments": [hostile(case)],
        },
    )
    _refused(response, case)
    assert "操场东侧" in response.content.decode(), "the rest of the form is kept"
    assert not Incident.objects.exists()
    assert not IncidentAttachment.objects.exists()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_signed_letter_form_refuses(case, city, client_for):
    letter = services.letter_issue(actor=None, assignment=assign(city.school_a, "class_teacher"))
    response = client_for("leader_a").post(
        reverse("responsibility:letter_sign", args=[letter.pk]),
        {"signed_on": "2026-09-10", "scan": hostile(case)},
    )
    _refused(response, case)
    assert "2026-09-10" in response.content.decode(), "the rest of the form is kept"
    letter.refresh_from_db()
    assert letter.status == ResponsibilityLetter.Status.ISSUED
    assert not letter.signed_scan
