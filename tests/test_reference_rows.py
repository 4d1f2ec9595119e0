"""The rows the data migrations create (areas, posts, checklists, time limits, drill
scenarios, …) are there for every test, also after a test whose rows were committed: such a
test ends with a flush of every table, and tests/conftest.py gives every committed-rows test
Django's serialized rollback so the next one finds them again. The two tests below run in file
order: the first commits and is flushed, the second walks every model the test database was
created with rows of."""

from __future__ import annotations

import json
from collections import Counter

from django.apps import apps
from django.db import connection


def _rows_at_creation() -> Counter:
    contents = getattr(connection, "_test_serialized_contents", None)
    assert contents, "the test database was created without its rows serialized"
    return Counter(row["model"] for row in json.loads(contents))


def test_a_test_with_committed_rows_ends_with_a_flush(transactional_db, people):
    assert _rows_at_creation(), "no data migration created rows: nothing to guard"


def test_the_next_committed_rows_test_finds_every_reference_row(transactional_db):
    missing = {
        label: (count, apps.get_model(label).objects.count())
        for label, count in _rows_at_creation().items()
        if apps.get_model(label).objects.count() < count
    }
    assert not missing, f"reference rows gone after a flush (created, now): {missing}"
