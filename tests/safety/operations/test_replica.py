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
    monkeypatch.setattr(replica, "replica_usable", lambda now=None, fresh=False: True)


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


def test_a_streamed_body_reads_where_its_view_read(with_replica):
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


def test_a_streamed_body_reads_the_primary_when_the_replica_went_down_since_the_view(
    monkeypatch,
):
    """The view's choice may rest on a probe REPLICA_CHECK_SECONDS old: the first row asks the
    replica again (an error after the first byte could not become a page or a retry)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    probes = []
    monkeypatch.setattr(
        replica, "replica_usable", lambda now=None, fresh=False: probes.append(fresh) or False
    )

    def rows():
        for _ in range(2):
            yield replica._replica_reads.get()

    with replica.replica_reads():
        streamed = replica.read_as_the_view_did(rows())
    assert list(streamed) == [False, False]
    assert probes == [True]


def _failing_once(seen: list[str]):
    """A view whose first run fails as a read on a replica that just went down does."""
    from django.db import OperationalError

    def view(request):
        seen.append(ReplicaRouter().db_for_read(Organisation))
        if len(seen) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse("页面")

    return view


def _run(view, request):
    middleware = ReplicaMiddleware(view)

    def respond(request):
        middleware.process_view(request, view, (), {})
        try:
            return view(request)
        except Exception as error:  # Django's handler asks the middleware, as here
            answer = middleware.process_exception(request, error)
            if answer is None:
                raise
            return answer

    request.resolver_match = resolve(request.path)
    request.resolver_match.func = view
    middleware.get_response = respond
    return middleware(request)


def test_a_page_whose_replica_went_down_is_read_again_from_the_primary(
    monkeypatch, outside_transactions
):
    """Between two probes (REPLICA_CHECK_SECONDS) the replica may stop: the page that failed
    on it runs again on the primary instead of answering 500 (CI saw the 500 right after the
    multi-node test stopped the replica)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    state = {"up": True}

    def usable(now=None, fresh=False):
        if fresh:
            state["up"] = False  # the fresh probe finds it down
        return state["up"]

    monkeypatch.setattr(replica, "replica_usable", usable)
    seen: list[str] = []
    response = _run(_failing_once(seen), RequestFactory().get("/"))
    assert response.status_code == 200 and response.content.decode() == "页面"
    assert seen == ["replica", "default"]


def test_a_database_error_with_the_replica_answering_is_not_hidden(
    with_replica, outside_transactions
):
    from django.db import OperationalError

    seen: list[str] = []
    with pytest.raises(OperationalError):
        _run(_failing_once(seen), RequestFactory().get("/"))
    assert seen == ["replica"]
    with pytest.raises(OperationalError):  # a write is never run twice
        _run(_failing_once([]), RequestFactory().post("/"))
