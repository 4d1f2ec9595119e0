"""#22: the read-replica router's rules (the real streaming replica: test_multinode.py)."""

from __future__ import annotations

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from safety.models import Organisation
from safety.operations import replica
from safety.operations.replica import ReplicaMiddleware, ReplicaRouter


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "replica_usable", lambda now=None: True)


class _NoTransaction:
    in_atomic_block = False


@pytest.fixture
def outside_transactions(monkeypatch):
    monkeypatch.setattr(replica, "connections", {"default": _NoTransaction()})


def _decision(request) -> str:
    """Where the router sends a read made by the view of `request`."""
    seen = {}

    def view(request):
        seen["db"] = ReplicaRouter().db_for_read(Organisation)
        return HttpResponse()

    middleware = ReplicaMiddleware(view)

    def respond(request):
        middleware.process_view(request, view, (), {})
        return view(request)

    request.resolver_match = resolve(request.path)
    middleware.get_response = respond
    middleware(request)
    return seen["db"]


def test_dashboards_and_exports_read_the_replica_other_pages_the_primary(
    with_replica, outside_transactions
):
    factory = RequestFactory()
    assert _decision(factory.get("/")) == "replica"  # dashboards:home
    assert _decision(factory.get("/hazards/export.xlsx")) == "replica"
    assert _decision(factory.get("/hazards/")) == "default"
    assert _decision(factory.post("/")) == "default"


def test_a_users_own_write_pins_their_reads_to_the_primary_for_a_while(
    with_replica, outside_transactions, settings
):
    factory = RequestFactory()
    response = ReplicaMiddleware(lambda request: HttpResponse())(factory.post("/hazards/new/"))
    wrote_at = response.cookies[replica.COOKIE].value
    assert response.cookies[replica.COOKIE]["max-age"] == settings.READ_YOUR_WRITES_SECONDS

    fresh = factory.get("/", HTTP_COOKIE=f"{replica.COOKIE}={wrote_at}")
    assert _decision(fresh) == "default"
    stale_time = time.time() - settings.READ_YOUR_WRITES_SECONDS - 1
    stale = factory.get("/", HTTP_COOKIE=f"{replica.COOKIE}={stale_time}")
    assert _decision(stale) == "replica"
    forged = factory.get("/", HTTP_COOKIE=f"{replica.COOKIE}=nonsense")
    assert _decision(forged) == "replica"


@pytest.mark.parametrize("ahead", [0.0004, 0.5, 5])
def test_a_write_stamped_by_a_node_whose_clock_runs_ahead_still_pins_the_reads(
    with_replica, outside_transactions, ahead
):
    """The cookie is rounded to the millisecond (it can be up to 0.5 ms 'in the future' on the
    node that wrote it) and another node's clock may run seconds ahead: CI failed on the first."""
    factory = RequestFactory()
    written = factory.get("/", HTTP_COOKIE=f"{replica.COOKIE}={time.time() + ahead:.3f}")
    assert _decision(written) == "default"


def test_inside_a_transaction_reads_stay_on_the_primary(with_replica, db):
    with replica.replica_reads():
        # pytest-django wraps the test in a transaction on the primary
        assert ReplicaRouter().db_for_read(Organisation) == "default"


def test_sessions_and_writes_never_go_to_the_replica(with_replica, outside_transactions):
    from django.contrib.sessions.models import Session

    with replica.replica_reads():
        assert ReplicaRouter().db_for_read(Organisation) == "replica"
        assert ReplicaRouter().db_for_read(Session) == "default"
        assert ReplicaRouter().db_for_write(Organisation) == "default"
    assert ReplicaRouter().allow_migrate("replica", "safety") is False


def test_without_a_replica_everything_reads_the_primary(outside_transactions):
    with replica.replica_reads():
        assert ReplicaRouter().db_for_read(Organisation) == "default"


def test_a_streamed_body_reads_where_its_view_read():
    """#23: a streamed export's rows are read after the view returned (the middleware has
    reset the choice by then); they still come from the database the view would read."""

    def rows():
        for _ in range(3):
            yield replica._replica_reads.get()

    with replica.replica_reads():
        streamed = replica.read_as_the_view_did(rows())
    assert replica._replica_reads.get() is False
    assert list(streamed) == [True, True, True]
    assert list(replica.read_as_the_view_did(rows())) == [False, False, False]
