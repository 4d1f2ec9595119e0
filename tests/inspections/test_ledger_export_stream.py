"""A large ledger export streams as .csv (issue #23): its first bytes leave before the rows
are read, so no request waits for the whole file; small exports stay .xlsx."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from demo.generator import Plan, generate
from inspections import exports
from inspections.models import Hazard
from safety.exports import XLSX_CONTENT_TYPE
from tests.perf.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    generate(Plan(schools=10, years=1, scale=6.0, seed=7))


def test_small_exports_stay_xlsx_and_csv_on_request(generated):
    client = logged_in("city.official")
    url = reverse("inspections:ledger_export")
    response = client.get(url)
    assert response["Content-Type"] == exports_xlsx_type()
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == Hazard.objects.count() + 1  # the header and every hazard


def test_beyond_the_xlsx_limit_the_export_streams_csv_and_starts_at_once(generated, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 10)
    client = logged_in("city.official")
    page = client.get(reverse("inspections:ledger"))
    assert b"format=csv" in page.content  # the button says what the user gets
    started = time.perf_counter()
    response = client.get(reverse("inspections:ledger_export"))
    first = next(iter(response.streaming_content))
    assert time.perf_counter() - started < 1.0
    assert first.startswith("\ufeff".encode())  # the header, before any row was read
    assert first.count(b"\n") == 1
    assert ".csv" in response["Content-Disposition"]
    started = time.perf_counter()
    rows = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    print(f"csv: {rows} rows in {elapsed:.2f} s = {rows / max(elapsed, 1e-6):.0f} rows/s")
    assert rows == Hazard.objects.count()


def exports_xlsx_type() -> str:
    return XLSX_CONTENT_TYPE
