"""The rows the data migrations create (areas, posts, checklists, time limits, drill
scenarios, …) are there for every test, also after a test whose rows were committed: such a
test ends with a flush of every table, and tests/conftest.py gives every committed-rows test
Django's serialized rollback so the next one finds them again. The first test below commits and
is flushed; the second walks every model the test database was created with rows of (in random
order the second may come first: a flush from any earlier committed-rows test then stands in).
The third guards the connection object a browser test leaves behind."""

from __future__ import annotations

import json
from collections import Counter

from django.apps import apps
from django.db import connection, connections


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


def test_a_connection_object_created_later_still_reloads_the_rows(transactional_db):
    """A browser test (Playwright's greenlet) leaves the next tests another connection object;
    pytest-django reloads the rows for a live_server test before any fixture of ours runs, so
    the new object must have them from the start, or that test finds empty reference tables
    (CI once failed seeding the demo: its audit rows named a content type the flush had
    taken)."""
    later = connections.create_connection(connection.alias)
    try:
        assert getattr(later, "_test_serialized_contents", None) == (
            connection._test_serialized_contents
        )
    finally:
        later.close()
