"""The demo city copied back for a browser journey (tests/e2e/snapshot.py) is the seeded one:
every table holds the seeded rows again after a journey changed them, new rows get fresh ids,
every stored file is there and nothing cached by an earlier journey is served."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, models

from inspections.models import Hazard
from safety.models import Organisation
from tests.e2e import snapshot

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the demo is copied back on PostgreSQL only"
)


def _fingerprint(schema: str, table: str) -> tuple[int, str]:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
            f"FROM {schema}.{quoted} AS t"
        )
        return cursor.fetchone()


def test_a_journey_finds_the_seeded_city_whatever_the_last_one_changed(demo_city):
    hazard = Hazard.objects.order_by("pk").first()
    Hazard.objects.filter(pk=hazard.pk).update(description="改过的描述")
    Organisation.objects.filter(parent__isnull=False).update(name="改过的名称")
    cache.set("page-of-the-last-journey", "stale")

    snapshot.load_demo_city()

    differing = [
        table
        for table in snapshot._snapshot.tables
        if _fingerprint("public", table) != _fingerprint(snapshot.SCHEMA, table)
    ]
    assert differing == []
    assert Hazard.objects.get(pk=hazard.pk).description == hazard.description
    assert not Organisation.objects.filter(name="改过的名称").exists()
    assert cache.get("page-of-the-last-journey") is None


def test_new_rows_get_ids_past_the_copied_ones_also_after_a_sequence_reset(demo_city):
    # What a test with `reset_sequences=True` leaves behind: every table empty, ids from 1.
    flush = connection.ops.sql_flush(no_style(), snapshot._tables(), reset_sequences=True)
    with connection.cursor() as cursor:
        for sql in flush:
            cursor.execute(sql)
    snapshot.load_demo_city()
    behind = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):  # many-to-many tables too
            pk = model._meta.pk
            if not isinstance(pk, models.AutoField):
                continue
            table = model._meta.db_table
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            (sequence,) = cursor.fetchone()
            largest = model.objects.aggregate(largest=models.Max("pk"))["largest"]
            if sequence is None or largest is None:
                continue
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
            last_value, is_called = cursor.fetchone()
            next_id = last_value + 1 if is_called else last_value
            if next_id <= largest:
                behind.append(f"{table}: next id {next_id}, largest {largest}")
    assert behind == []


def test_every_stored_file_of_the_city_is_there(demo_city):
    snapshot.load_demo_city()  # copied back (the fixture seeds when no journey ran before)
    missing, seen = [], 0
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            for name in (
                model.objects.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .values_list(field.name, flat=True)
            ):
                seen += 1
                if not (Path(settings.MEDIA_ROOT) / name).is_file():
                    missing.append(f"{model._meta.label}.{field.name}: {name}")
    assert seen > 0
    assert missing == []
