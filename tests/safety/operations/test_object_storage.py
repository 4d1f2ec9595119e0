"""#22: media in a private S3-compatible bucket (a real local server process, moto)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections.models import Hazard, Photo
from safety.models import AuditEvent, SafetyArea
from tests.builders import jpeg_bytes

from .s3server import S3Server


@pytest.fixture
def s3(tmp_path) -> Iterator[S3Server]:
    server = S3Server(tmp_path / "moto.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bucket_storage(s3, settings) -> S3Server:
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "safety.operations.storage.PrivateS3Storage",
            "OPTIONS": s3.storage_options(),
        },
    }
    return s3


def _report(client, description: str):
    return client.post(
        reverse("inspections:hazard_new"),
        {
            "area": SafetyArea.objects.get(key="fire").pk,
            "location": "食堂后门",
            "description": description,
            "kind": "tangible",
            "severity": "general",
            "photos": [SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")],
        },
    )


def test_a_photo_goes_to_the_private_bucket_and_is_served_only_after_the_access_check(
    bucket_storage, city, client_for, settings
):
    response = _report(client_for("staff_a"), "燃气管道锈蚀")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name in bucket_storage.object_names()
    assert photo.thumbnail.name in bucket_storage.object_names()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(
        Path(settings.MEDIA_ROOT).rglob("*.jpg")
    )

    url = reverse("inspections:photo", kwargs={"pk": photo.pk, "size": "full"})
    served = client_for("county_official").get(url)
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    stored = bucket_storage.client().get_object(Bucket="safecampus-media", Key=photo.image.name)
    assert body == stored["Body"].read()
    assert client_for("other_county_official").get(url).status_code == 404

    # The bucket is private: the object cannot be fetched without credentials.
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{bucket_storage.url}/safecampus-media/{photo.image.name}")  # noqa: S310
    assert refused.value.code == 403


def test_storage_down_upload_fails_with_a_clear_chinese_message_and_nothing_is_saved(
    bucket_storage, city, client_for
):
    staff = client_for("staff_a")
    bucket_storage.stop()
    before = AuditEvent.objects.count()
    response = _report(staff, "配电箱未上锁")
    assert response.status_code == 503
    page = response.content.decode()
    assert "文件存储暂时无法访问" in page
    assert "没有保存" in page
    assert not Hazard.objects.exists()
    assert not Photo.objects.exists()
    assert AuditEvent.objects.count() == before

    health = client_for("staff_a").get("/health/")
    assert health.status_code == 503
    assert health.json()["checks"]["storage"] == "error"


def test_copy_media_to_storage_copies_and_verifies_every_file(bucket_storage, settings, tmp_path):
    source = tmp_path / "old-media"
    files = {
        "inspections/2025/01/a.jpg": jpeg_bytes(),
        "monthly/2025-01/report.pdf": b"%PDF-1.4 a rendered report",
        "letters/扫描件.pdf": b"%PDF-1.4 signed",
    }
    for name, data in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)

    call_command("copy_media_to_storage", source=str(source))
    assert sorted(bucket_storage.object_names()) == sorted(files)
    for name, data in files.items():
        with default_storage.open(name, "rb") as handle:
            assert hashlib.sha256(handle.read()).digest() == hashlib.sha256(data).digest()

    # A second run copies nothing (every file verified as already there).
    from io import StringIO

    out = StringIO()
    call_command("copy_media_to_storage", source=str(source), stdout=out)
    assert "copied and verified 0, already there 3, failed 0" in out.getvalue()


def test_copy_media_to_storage_refuses_without_the_bucket(settings, tmp_path):
    settings.MEDIA_STORAGE = "local"
    with pytest.raises(CommandError):
        call_command("copy_media_to_storage", source=str(tmp_path))
