"""Shared fixtures. The personas (STYLE.md: staff of school A, staff of school A2 in the same
county, the county official, an official of another county, the city official, administrators,
an anonymous visitor) are defined once, in tests/personas.py; here they become fixtures."""

from __future__ import annotations

import os

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.test import Client
from django.utils import translation

from config.celery import app as celery_app
from safety import jobs, security, workdays
from safety.guarding import selectors as guarding_selectors
from tests import personas


def _commits_its_rows(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = item.fixturenames
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(names)
    )


def pytest_collection_modifyitems(items):
    """Every test whose rows are committed (transactional_db, live_server, a transactional
    django_db mark) gets Django's serialized rollback: the flush that ends such a test deletes
    the rows the data migrations created (areas, posts, checklists, time limits, drill
    scenarios, …), and without it every later such test would find them gone. The rows are
    serialized once when the test database is created and loaded again before each of these
    tests (tests/test_reference_rows.py guards this)."""
    for item in items:
        if _commits_its_rows(item) and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


_SERIALIZED_ROWS: dict[str, str] = {}


class _KeptSerializedRows:
    """`_test_serialized_contents` of every connection object of an alias, also one created
    after the test database was: Django keeps the rows serialized at creation on the
    connection object that created it, and a browser test (Playwright's sync API runs in a
    greenlet) leaves later tests with another connection object of their own. pytest-django
    loads the rows in its own autouse fixtures (`_live_server_helper`, `_django_db_marker`),
    before any fixture of ours could put them back on a new object, so they are served from
    the connection class. Django's own instance attribute, where set, wins."""

    def __get__(self, connection, owner=None):
        if connection is None:
            return self
        try:
            return _SERIALIZED_ROWS[connection.alias]
        except KeyError:
            raise AttributeError("_test_serialized_contents") from None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database as pytest-django creates it, with the rows serialized at creation
    kept for every connection object of the alias (`_KeptSerializedRows`)."""
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED_ROWS[alias] = contents
            type(connections[alias])._test_serialized_contents = _KeptSerializedRows()


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language (Simplified Chinese), whatever language an
    earlier test's request or message left active in this thread."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing every persona's password with PBKDF2 would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cached_settings():
    """The admin-entered holiday years are cached per process, the guarding settings a page
    shows in the shared cache; a test that entered a year or a settings row inside its
    rolled-back transaction (no signal tells of a rollback) must not leave it for the next."""
    workdays.clear_cache()
    guarding_selectors.settings_changed()
    yield
    workdays.clear_cache()
    guarding_selectors.settings_changed()


@pytest.fixture(autouse=True)
def _session_activity_not_on_the_counted_request(monkeypatch):
    """A signed-in session records its last activity at most once a minute (safety.security:
    one session write on whichever request crosses the minute). A budget counts a page's own
    queries after a warm-up request; on a loaded machine the minute could fall between the two
    and add the write (3 queries inside a test's transaction) to a random page. The idle
    timeout's own tests set `last_seen` themselves and do not depend on this."""
    monkeypatch.setattr(security, "ACTIVITY_RESOLUTION_SECONDS", 24 * 3600)


_original_atomic_enter = transaction.Atomic.__enter__


def _atomic_enter_counted_as_in_production(self):
    """A `transaction.atomic(savepoint=False)` that a request opens outside any atomic block
    (`bulk_create`, a save with parents, a cascade) costs BEGIN and COMMIT in production. Inside
    a test's transaction it costs nothing, while `atomic()` with a savepoint costs a SAVEPOINT
    pair in both: a query budget counted in a test missed exactly these two queries (the
    boarding pages' audit row: 7 in tests, 9 in the benchmark, #23). The two statements are
    logged where production would send them, when queries are being captured."""
    connection = transaction.get_connection(self.using)
    outermost_in_production = connection.in_atomic_block and all(
        getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )
    _original_atomic_enter(self)
    if outermost_in_production and not self.savepoint and connection.queries_logged:
        for sql in ("BEGIN", "COMMIT"):
            connection.queries_log.append(
                {"sql": f"{sql} -- as in production (tests/conftest.py)", "time": "0.000"}
            )


@pytest.fixture(autouse=True)
def _transactions_counted_as_in_production(monkeypatch):
    monkeypatch.setattr(transaction.Atomic, "__enter__", _atomic_enter_counted_as_in_production)


@pytest.fixture(scope="session", autouse=True)
def _task_modules_imported():
    """Import every task module before the first test, as a process that has queued a job
    has, so no test's query count includes the first discovery."""
    jobs.import_task_modules()


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Tasks run in-process in tests, also when REDIS_URL is set (CI), so a test sees their
    effect; tests marked `real_broker` send them to a real worker instead."""
    app = celery_app
    if request.node.get_closest_marker("real_broker"):
        yield
        return
    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def warm_caches(db):
    """What a long-running process has loaded before the request a query budget counts: the
    ContentType cache (the audit trail and permission checks look types up). Without it a
    budget test passes only after some earlier test happened to fill the cache."""
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())


# Every query budget is counted with the process warm, in whatever order the tests run.
@pytest.fixture
def django_assert_num_queries(warm_caches, django_assert_num_queries):
    return django_assert_num_queries


@pytest.fixture
def django_assert_max_num_queries(warm_caches, django_assert_max_num_queries):
    return django_assert_max_num_queries


@pytest.fixture
def city(db):
    """A small city: two counties, two schools in county A, one in county B, one
    city-direct school (tests/personas.py)."""
    return personas.build_city()


@pytest.fixture
def people(city):
    """The personas of tests/personas.py (`PEOPLE`)."""
    return personas.build_people(city)


def _extra_person(name: str):
    @pytest.fixture(name=name)
    def extra(city):
        return personas.person(city, name)

    extra.__doc__ = f"The extra person {name!r} of tests/personas.py (`EXTRAS`)."
    return extra


# One fixture per extra person of tests/personas.py (owner_a, staff_b, leader_b, …), named
# after it, for the tests that need them: adding one there adds its fixture.
for _name in personas.EXTRAS:
    globals()[_name] = _extra_person(_name)


@pytest.fixture
def client_for(people):
    """A logged-in test client for a persona name ("anonymous" stays logged out)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(people, persona))
        return client

    return make


def services_required() -> bool:
    """CI sets SAFECAMPUS_REQUIRE_SERVICES=1: a test that needs PostgreSQL or Redis must
    then run, not skip."""
    return os.environ.get("SAFECAMPUS_REQUIRE_SERVICES") == "1"


def require_postgresql(why: str) -> None:
    """Skip the test unless the database is PostgreSQL (`why`: what it needs of it); under
    SAFECAMPUS_REQUIRE_SERVICES=1 (CI) fail instead, so that it cannot pass by skipping."""
    if connections["default"].vendor != "postgresql":
        if services_required():
            pytest.fail(f"SAFECAMPUS_REQUIRE_SERVICES=1 but the database is not PostgreSQL ({why})")
        pytest.skip(why)


@pytest.fixture
def postgresql():
    """For a test of query plans, triggers or indexes that only PostgreSQL has."""
    require_postgresql("query plans, triggers and indexes are checked on PostgreSQL")
