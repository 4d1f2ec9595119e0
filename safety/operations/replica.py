"""Reads from a PostgreSQL streaming replica (issue #22): DATABASE_REPLICA_URL.

`ReplicaRouter` sends a read to the `replica` alias only when ALL of these hold:

1. the request asked for it: a GET/HEAD to a dashboard (`dashboards:` namespace) or an export
   (a URL name ending in `export` or `_csv`, a route ending in `.xlsx`/`.csv`), or a view
   marked with `@reads_from_replica` (the REST API marks its read views so), or code inside
   `with replica_reads():`;
2. no transaction is open on the primary (a read inside a write's transaction must see it);
3. the user has not written within READ_YOUR_WRITES_SECONDS: every POST/PUT/PATCH/DELETE sets
   a cookie with its time, and while it is fresh the user's reads go to the primary (on every
   node: the cookie travels with the user, not with the process);
4. the replica is up and no more than REPLICA_MAX_LAG_SECONDS behind (probed at most every
   REPLICA_CHECK_SECONDS per process; down or lagging → the primary).

Every write, migrations, sessions, lockouts and content types always use the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
COOKIE = "sc_wrote"
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "contenttypes", "django_celery_beat"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("replica", default=False)
_state = {"checked_at": -1e9, "usable": False}

LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block may go to the replica (the router's other rules still hold)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def read_as_the_view_did(rows: Iterable[Any]) -> Iterator[Any]:
    """`rows` for a streamed response, read from the database its view would read (#23): the
    body of a StreamingHttpResponse is read after the view returned, when the middleware has
    reset the choice, so a streamed export would otherwise always read the primary."""
    wanted = _replica_reads.get()  # now, in the view: a generator's body runs later

    def read() -> Iterator[Any]:
        nonlocal wanted
        # The first read probes afresh: the view's answer may be REPLICA_CHECK_SECONDS old,
        # and a failure after the first byte can no longer become a 500 page or a retry.
        wanted = wanted and replica_configured() and replica_usable(fresh=True)
        iterator = iter(rows)
        while True:
            token = _replica_reads.set(wanted)
            try:
                row = next(iterator)
            except StopIteration:
                return
            finally:
                _replica_reads.reset(token)
            yield row

    return read()


def reads_from_replica(view: Callable) -> Callable:
    """Mark a read-only view whose GET may read the replica (e.g. the REST API's lists)."""
    view.reads_from_replica = True  # type: ignore[attr-defined]
    return view


def replica_usable(now: float | None = None, *, fresh: bool = False) -> bool:
    """Whether the replica answers and is at most REPLICA_MAX_LAG_SECONDS behind; the answer
    is kept for REPLICA_CHECK_SECONDS unless `fresh` asks the replica again. A failed probe
    closes the replica connection."""
    now = time.monotonic() if now is None else now
    if not fresh and now - _state["checked_at"] < settings.REPLICA_CHECK_SECONDS:
        return bool(_state["usable"])
    _state["checked_at"] = now
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except DatabaseError:
        logger.warning("The read replica does not answer; reading from the primary")
        connections[REPLICA].close()
        _state["usable"] = False
        return False
    usable = lag is not None and float(lag) <= settings.REPLICA_MAX_LAG_SECONDS
    if not usable:
        logger.warning("The read replica lags (%s s); reading from the primary", lag)
    _state["usable"] = usable
    return usable


def forget_replica_state() -> None:
    """Probe the replica again at the next read (tests, after a failover)."""
    _state["checked_at"] = -1e9


class ReplicaRouter:
    """DATABASE_ROUTERS entry; inert (everything on the primary) without a replica alias."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if (
            not _replica_reads.get()
            or not replica_configured()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or not replica_usable()
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def _wants_replica(request: HttpRequest, view: Callable) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    if getattr(view, "reads_from_replica", False):
        return True
    match = request.resolver_match
    if match is None:
        return False
    name = match.url_name or ""
    return (
        "dashboards" in match.namespaces
        or name.endswith(("export", "_csv"))
        or request.path.endswith((".xlsx", ".csv"))
    )


def _wrote_recently(request: HttpRequest) -> bool:
    """Whether the user's write cookie is fresh. A time slightly ahead of this node's clock
    counts as fresh: the cookie is rounded to the millisecond and may come from another node
    whose clock runs ahead (rejecting it sent a user's read to the replica right after their
    write). Pinning to the primary is always safe, so the window is symmetric."""
    try:
        wrote_at = float(request.COOKIES.get(COOKIE, ""))
    except ValueError:
        return False
    return abs(time.time() - wrote_at) < settings.READ_YOUR_WRITES_SECONDS


class ReplicaMiddleware:
    """Decides per request whether reads may use the replica (see the module's rules), and
    marks a user's writes with a short-lived cookie (read-your-writes on every node)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _replica_reads.set(False)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads.reset(token)
        if replica_configured() and request.method not in SAFE_METHODS:
            response.set_cookie(
                COOKIE,
                f"{time.time():.3f}",
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: HttpRequest, view: Callable, args: Any, kwargs: Any) -> None:
        if replica_configured() and _wants_replica(request, view) and not _wrote_recently(request):
            _replica_reads.set(True)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A read-only request that failed on a database connection while it read the replica
        runs again on the primary when the replica no longer answers (it went down within the
        REPLICA_CHECK_SECONDS its last probe is trusted): the user sees the page, not a 500.
        Any other error, or the replica still answering, is left to Django's handling."""
        if not (
            _replica_reads.get()
            and isinstance(exception, (OperationalError, InterfaceError))
            and request.method in SAFE_METHODS
            and request.resolver_match is not None
        ):
            return None
        if replica_usable(fresh=True):
            return None
        logger.warning(
            "The read replica failed during %s; reading it again from the primary", request.path
        )
        _replica_reads.set(False)
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)
