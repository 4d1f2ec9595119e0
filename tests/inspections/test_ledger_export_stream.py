"""The whole ledger leaves without a request waiting for it (issue #23): the Excel export is a
background job (tests/safety/test_export_jobs.py), which writes .csv beyond the rows a sheet
holds; on request (`format=csv`) the rows stream as .csv, the first bytes before any row is
read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.generator import Plan, generate
from inspections import exports
from inspections.models import Hazard
from safety.models import ExportJob
from tests.perf.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    generate(Plan(schools=10, years=1, scale=6.0, seed=7))


def test_the_export_is_a_job_and_csv_streams_on_request(
    generated, django_capture_on_commit_callbacks
):
    client = logged_in("city.official")
    url = reverse("inspections:ledger_export")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    job = ExportJob.objects.get()
    assert started["Location"] == reverse("export_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.filename.endswith(".xlsx") and job.progress == job.total == Hazard.objects.count()
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == Hazard.objects.count() + 1  # the header and every hazard


def test_beyond_the_xlsx_limit_the_job_writes_csv(
    generated, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 10)
    client = logged_in("city.official")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inspections:ledger_export"))
    job = ExportJob.objects.get()
    assert job.filename.endswith(".csv")
    body = b"".join(client.get(reverse("export_download", args=[job.pk])).streaming_content)
    assert body.startswith("\ufeff".encode()) and body.count(b"\n") == Hazard.objects.count() + 1


def test_the_streamed_csv_starts_at_once(generated):
    client = logged_in("city.official")
    page = client.get(reverse("inspections:ledger"))
    assert b"format=csv" in page.content  # the page offers the stream beside the job
    # The first bytes leave before any hazard is read, whatever the size of the ledger (a
    # check on what ran, not on a clock: a timed limit fails on a loaded machine).
    with CaptureQueriesContext(connection) as before_first:
        response = client.get(reverse("inspections:ledger_export"), {"format": "csv"})
        first = next(iter(response.streaming_content))
    assert not [q for q in before_first.captured_queries if '"inspections_hazard"' in q["sql"]]
    assert first.startswith("\ufeff".encode())  # the header
    assert first.count(b"\n") == 1
    assert ".csv" in response["Content-Disposition"]
    rows = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    assert rows == Hazard.objects.count()
