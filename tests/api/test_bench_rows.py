"""The benchmark's API rows (bench/pages.py) answer, and the stock DRF list they are compared
with serves the same rows (the ratio in docs/performance.md compares like with like)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import clear_url_caches

from bench.api_clients import API_PREFIX, api_token
from bench.pages import PAGES
from demo.generator import Plan, generate

pytestmark = pytest.mark.django_db

API_ROWS = [row for row in PAGES if row[2].startswith(API_PREFIX)]


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    yield
    clear_url_caches()


def test_the_api_rows_and_their_stock_baseline_serve_the_same_rows(bench_urls):
    generate(Plan(schools=5, years=1, scale=1.0, seed=7))
    assert API_ROWS
    for _key, title, persona, path, stock_path in API_ROWS:
        cache.clear()
        token = api_token(persona.removeprefix(API_PREFIX))
        http = Client(headers={"authorization": f"Bearer {token}"})
        ours = http.get(path)
        stock = http.get(stock_path)
        assert ours.status_code == stock.status_code == 200, (title, persona)
        assert [row["id"] for row in ours.json()["results"]] == [
            row["id"] for row in stock.json()["results"]
        ], (title, persona)
        assert stock.json()["count"] >= len(ours.json()["results"]) > 0
