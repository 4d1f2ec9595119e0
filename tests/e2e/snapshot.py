"""The demo city of the browser journeys, seeded once per run and copied back before each one.

`seed_demo` takes about twenty seconds on PostgreSQL (every row goes through its service, the
monthly figures are compiled, PDFs rendered); forty journeys seeding it afresh spent a quarter
of the suite's time on CI, whose limit the suite then overran. On PostgreSQL the first journey
of a run seeds the city as before and copies every table into the schema `e2e_demo_snapshot`
with the media files it wrote; each later journey empties the tables and copies the rows back
(well under a second), with the sequences set past the copied ids and the shared cache's keys
dropped (a page cached by an earlier journey under the same ids would be stale). The copy is
taken again when the day changes, as the demo's dates are relative to today. On SQLite every
journey seeds the city itself (`make test` on a laptop; nothing to share between connections).

tests/e2e/test_demo_snapshot.py checks that a copied-back city equals the seeded one."""

from __future__ import annotations

import atexit
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

SCHEMA = "e2e_demo_snapshot"
# Django's record of applied migrations is not part of the demo and no test empties it.
KEPT_TABLES = frozenset({"django_migrations"})


@dataclass
class _Snapshot:
    day: object
    tables: tuple[str, ...]
    media: Path


_snapshot: _Snapshot | None = None


def load_demo_city() -> None:
    """Give the test database the demo city, committed (the caller holds `transactional_db`).

    Precondition: the database holds only what the migrations created (the state a
    transactional test starts in). Seeds with `seed_demo` on the first call of a run, of a day,
    or on SQLite; otherwise copies back the rows and media files of the first seeding."""
    global _snapshot
    if connection.vendor != "postgresql":
        call_command("seed_demo", stdout=io.StringIO())
        return
    today = timezone.localdate()
    if _snapshot is not None and _snapshot.day == today:
        _restore(_snapshot)
        return
    call_command("seed_demo", stdout=io.StringIO())
    _snapshot = _take(today)


def _tables() -> tuple[str, ...]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return tuple(sorted(name for name in names if name not in KEPT_TABLES))


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _take(day) -> _Snapshot:
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in tables:
            cursor.execute(f"CREATE TABLE {SCHEMA}.{_quoted(table)} AS TABLE {_quoted(table)}")
    media = Path(tempfile.mkdtemp(prefix="e2e-demo-media-"))
    atexit.register(shutil.rmtree, media, ignore_errors=True)
    if Path(settings.MEDIA_ROOT).exists():
        shutil.copytree(settings.MEDIA_ROOT, media, dirs_exist_ok=True)
    return _Snapshot(day=day, tables=tables, media=media)


def _restore(snapshot: _Snapshot) -> None:
    sequences = connection.ops.sequence_reset_sql(
        no_style(), apps.get_models(include_auto_created=True)
    )
    listed = ", ".join(_quoted(table) for table in snapshot.tables)
    with connection.cursor() as cursor:
        # `replica`: no foreign-key check and no trigger fires while the rows come back (the
        # copied tallies are already what the triggers made of the copied hazards).
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(f"TRUNCATE {listed}")
            for table in snapshot.tables:  # names from the introspection, quoted
                copy = f"INSERT INTO {_quoted(table)} SELECT * FROM {SCHEMA}.{_quoted(table)}"  # noqa: S608
                cursor.execute(copy)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        for sql in sequences:
            cursor.execute(sql)
    shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    _drop_cached_keys()


def _drop_cached_keys() -> None:
    """Every key of the shared cache (the product's prefix only: the Celery broker shares the
    Redis database)."""
    backend = cache._cache if hasattr(cache, "_cache") else None
    client = getattr(backend, "get_client", None)
    if client is None:  # the in-process cache of a run without Redis
        cache.clear()
        return
    redis = client(write=True)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    keys = list(redis.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        redis.delete(*keys)
