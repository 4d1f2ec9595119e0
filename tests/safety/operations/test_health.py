"""#22: /health/ for load balancers: public, JSON, red when a part is down, reveals nothing."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import services_required

SENSITIVE = ("127.0.0.1", "localhost", "5432", "6379", "postgres", "/", "version", "Traceback")


def _body(response) -> dict:
    assert response["Content-Type"] == "application/json"
    text = response.content.decode()
    for word in SENSITIVE:
        assert word not in text, word
    return json.loads(text)


@pytest.mark.django_db
def test_health_is_public_json_and_green_when_every_part_answers():
    response = Client().get("/health/")
    assert response.status_code == 200
    assert _body(response) == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "broker": "ok",
            "storage": "ok",
            "disk": "ok",
            "migrations": "ok",
        },
    }
    assert "no-cache" in response["Cache-Control"]
    assert Client().post("/health/").status_code == 405


@pytest.mark.django_db
def test_health_is_red_when_the_storage_cannot_be_written(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    response = Client().get("/health/")
    assert response.status_code == 503
    body = _body(response)
    assert body["status"] == "error"
    assert body["checks"]["storage"] == "error"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_health_is_red_when_the_disk_is_nearly_full(settings):
    settings.HEALTH_DISK_MIN_FREE_PERCENT = 101
    response = Client().get("/health/")
    assert response.status_code == 503
    assert _body(response)["checks"]["disk"] == "error"


@pytest.mark.django_db(transaction=True)
def test_health_is_red_when_the_database_is_down():
    if connection.vendor != "postgresql":
        if services_required():
            pytest.fail("SAFECAMPUS_REQUIRE_SERVICES=1 but the database is not PostgreSQL")
        # Django keeps SQLite's in-memory test database open across close(): it cannot be
        # taken down from here (make test's default). CI runs this on PostgreSQL.
        pytest.skip("the database is taken down by pointing at a closed port: PostgreSQL")
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = Client().get("/health/")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = _body(response)
    assert body["checks"]["database"] == "error"
    assert body["checks"]["migrations"] == "error"


@pytest.mark.django_db
def test_health_is_red_when_migrations_are_missing(monkeypatch):
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("a migration", False)],
    )
    response = Client().get("/health/")
    assert response.status_code == 503
    assert _body(response)["checks"]["migrations"] == "error"
