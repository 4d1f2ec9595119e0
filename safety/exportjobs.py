"""Exports as background jobs (issue #23): every spreadsheet that grows with the data.

A request that asks for such an export only checks access and records an `ExportJob`
(`export_request`); the task "safety.build_export" writes the file (safety.exports: every
text cell neutralised) to the media storage, counting its rows as it goes, and tells the
requester with a notice. The export's page polls a fragment (htmx) while the job runs; only
the requester sees the page and downloads the file (404 for anybody else); the file is kept
for EXPORT_KEPT_FOR, then `exports_purge` (beat, hourly) deletes it.

Each export is an `ExportKind` registered by the feature that owns the data, in its own
`exports` module, under a name that starts with that module's path
("inspections.exports:ledger"): a worker that meets a kind imports its module by the name,
as Celery finds a task by its name, so the core never imports a feature.

The job is idempotent: a job already written, or being written by a live worker, is left
alone; the sweeper of awaited jobs (safety.jobs) queues again a job whose worker stopped
reporting progress. A failure leaves the job "failed" with a clear Chinese message on its
page and the error for administrators (/admin/, 导出任务 and 后台任务失败记录).
"""

from __future__ import annotations

import datetime
import importlib
import logging
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import exports
from .jobs import STALLED_AFTER, TRANSIENT_ERRORS, enqueue_on_commit
from .messages import Message
from .models import ExportJob, JobFailure, User
from .notifications import notify

logger = logging.getLogger(__name__)

EXPORT_KEPT_FOR = datetime.timedelta(days=1)
# Rows of an expired or failed export stay this long (the list says what happened), then go.
EXPORT_ROWS_KEPT_FOR = datetime.timedelta(days=30)
JOB_FAILURES_KEPT_FOR = datetime.timedelta(days=90)
# Progress is written at most this often (seconds) and every PROGRESS_ROWS rows at most.
PROGRESS_EVERY = 1.0
PROGRESS_ROWS = 500
TASK = "safety.build_export"
STATUS = ExportJob.Status


@dataclass(frozen=True)
class Built:
    """What a kind's `build` returns: the file name (without extension), the sheets (rows
    read lazily, once), the rows expected (None: unknown) and whether to write .csv; or,
    for a PDF (#23: a document that grows with the data, e.g. a city's assessment results),
    no sheets and `document`, which renders the PDF's bytes when the job writes it."""

    name: str
    sheets: Sequence[exports.Sheet]
    total: int | None = None
    csv: bool = False
    document: Callable[[], bytes] | None = None


@dataclass(frozen=True)
class ExportKind:
    """One export. `check(user, params)` raises Http404/PermissionDenied when `user` may not
    have it (run when it is asked for: cheap, no rows read); `build(user, params)` checks the
    same and returns the `Built` file (run by the job). `params` is what `request_params`
    kept of the request: {"get": {name: [values]}, "pk": id or None}."""

    name: str
    label: Promise
    check: Callable[[User, dict[str, Any]], None]
    build: Callable[[User, dict[str, Any]], Built]


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    """Declare an export (called by the owning feature's exports module at import)."""
    if ":" not in kind.name:
        raise ValueError(f"an export kind is named '<module>:<name>': {kind.name!r}")
    KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> ExportKind:
    """The registered kind `name`, importing its module first when this process has not.
    Raises KeyError for a name no module registers."""
    if name not in KINDS:
        importlib.import_module(name.split(":", 1)[0])
    return KINDS[name]


def request_params(query: QueryDict, pk: int | None = None) -> dict[str, Any]:
    """What a job keeps of the request: every query parameter (its list of values), the
    record's id and the language the page was read in (the file's headings follow it).
    JSON-safe."""
    get = {key: query.getlist(key) for key in query if key != "csrfmiddlewaretoken"}
    return {"get": get, "pk": pk, "lang": translation.get_language()}


def query_of(params: dict[str, Any]) -> QueryDict:
    """The request's query parameters again, for the filter forms the pages use."""
    query = QueryDict(mutable=True)
    for key, values in (params.get("get") or {}).items():
        query.setlist(key, list(values))
    return query


# --- services ----------------------------------------------------------------------------


def export_request(*, actor: User, kind: str, params: dict[str, Any]) -> ExportJob:
    """Record an export for `actor` and queue its job after commit.

    Raises Http404/PermissionDenied (the kind's check) when `actor` may not have it, and
    KeyError for an unknown kind. The job writes the file; see `export_build`."""
    export_kind = kind_named(kind)
    export_kind.check(actor, params)
    job = ExportJob.objects.create(
        requester=actor,
        kind=kind,
        params=params,
        expires_at=timezone.now() + EXPORT_KEPT_FOR,
    )
    enqueue_on_commit(TASK, job.pk)
    return job


def _claim(job_id: int, now: datetime.datetime) -> bool:
    """Take the job for this worker: queued, or running without progress for STALLED_AFTER
    (its worker stopped). Never a job that is done or that a live worker is writing."""
    claimable = Q(status=STATUS.QUEUED) | Q(
        status=STATUS.RUNNING, updated_at__lt=now - STALLED_AFTER
    )
    return bool(
        ExportJob.objects.filter(claimable, pk=job_id).update(
            status=STATUS.RUNNING, progress=0, updated_at=now, failure="", error=""
        )
    )


class _Progress:
    """Writes the rows counted so far to the job row, at most once a second."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = time.monotonic()
        self.rows = 0

    def __call__(self, rows: int) -> None:
        self.rows = rows
        now = time.monotonic()
        if rows % PROGRESS_ROWS and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        ExportJob.objects.filter(pk=self.job_id, status=STATUS.RUNNING).update(
            progress=rows, updated_at=timezone.now()
        )


def export_build(*, job_id: int) -> bool:
    """Write the file of job `job_id`, store it and tell the requester. Idempotent: returns
    False when the job is done already or a live worker holds it.

    Transient errors (storage, database: safety.jobs.TRANSIENT_ERRORS) propagate so the task
    retries; a lost right (Http404/PermissionDenied) or any other error marks the job failed
    with its error, and the requester is told."""
    if not _claim(job_id, timezone.now()):
        return False
    job = ExportJob.objects.select_related("requester").get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    try:
        with translation.override(job.params.get("lang") or settings.LANGUAGE_CODE):
            built = kind_named(job.kind).build(job.requester, job.params)
            ExportJob.objects.filter(pk=job_id).update(total=built.total)
            name, rows = _write(job, built)
    except TRANSIENT_ERRORS:
        _requeue(job_id)  # the task's retry (or the sweeper) may claim it again
        raise
    except (Http404, PermissionDenied) as exc:
        _fail(job, ExportJob.Failure.DENIED, f"{type(exc).__name__}: {exc}")
        return False
    except Exception as exc:
        logger.exception("Export %s (%s) failed", job.pk, job.kind)
        _fail(job, ExportJob.Failure.ERROR, "".join(traceback.format_exception(exc))[-4000:])
        return False
    return _finish(job, name, rows)


def _requeue(job_id: int) -> None:
    try:
        ExportJob.objects.filter(pk=job_id, status=STATUS.RUNNING).update(status=STATUS.QUEUED)
    except TRANSIENT_ERRORS:  # the database itself is away: the sweeper finds it running
        logger.warning("Could not put export %s back in the queue", job_id, exc_info=True)


def _write(job: ExportJob, built: Built) -> tuple[str, int]:
    """Write the file and store it in `job.file`; returns (download name, rows written)."""
    progress = _Progress(job.pk)
    extension = "pdf" if built.document else "csv" if built.csv else "xlsx"
    with tempfile.TemporaryFile() as handle:
        if built.document:
            handle.write(built.document())
            rows = built.total or 0
        elif built.csv:
            sheet = built.sheets[0]
            for chunk in exports.csv_chunks(sheet.header, sheet.rows, progress):
                handle.write(chunk.encode("utf-8"))
            rows = progress.rows
        else:
            rows = exports.write_xlsx(built.sheets, handle, progress)
        handle.seek(0)
        filename = f"{built.name}.{extension}"
        job.file.save(f"export-{job.pk}.{extension}", File(handle, name=filename), save=False)
    return filename, rows


def _finish(job: ExportJob, filename: str, rows: int) -> bool:
    done = ExportJob.objects.filter(pk=job.pk, status=STATUS.RUNNING).update(
        status=STATUS.READY,
        progress=rows,
        file=job.file.name,
        filename=filename[:200],
        finished_at=timezone.now(),
        expires_at=timezone.now() + EXPORT_KEPT_FOR,
    )
    if not done:  # another worker finished first: keep its file, drop ours
        job.file.storage.delete(job.file.name)
        return False
    _tell(
        job, "export_ready", _("Your export is ready: %(name)s"), _("The file is kept for one day.")
    )
    return True


def _tell(job: ExportJob, kind: str, title: Promise, body: Promise | str = "") -> None:
    """The requester's notice (once per job and kind), linking to the export's page."""
    notify(
        recipient=job.requester,
        kind=kind,
        key=str(job.pk),
        title=Message(title, name=kind_named(job.kind).label),
        body=Message(body) if body else "",
        url=reverse("export_detail", args=[job.pk]),
    )


def _fail(job: ExportJob, failure: str, error: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status=STATUS.FAILED, failure=failure, error=error, finished_at=timezone.now()
    )
    _tell(job, "export_failed", _("Your export failed: %(name)s"))


def exports_purge(now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past their day (status "expired" from then on), and the
    rows of exports older than EXPORT_ROWS_KEPT_FOR, and failure records older than
    JOB_FAILURES_KEPT_FOR. Run hourly by beat ("safety.purge_expired_exports"); a second run
    finds nothing. Returns the files deleted."""
    now = now or timezone.now()
    deleted = 0
    expired = ExportJob.objects.filter(status=STATUS.READY, expires_at__lte=now)
    for job in expired.only("pk", "file"):
        if job.file:
            job.file.storage.delete(job.file.name)
            deleted += 1
        ExportJob.objects.filter(pk=job.pk).update(status=STATUS.EXPIRED, file="")
    ExportJob.objects.filter(created_at__lt=now - EXPORT_ROWS_KEPT_FOR).exclude(
        status__in=(STATUS.QUEUED, STATUS.RUNNING, STATUS.READY)
    ).delete()
    JobFailure.objects.filter(failed_at__lt=now - JOB_FAILURES_KEPT_FOR).delete()
    return deleted


def job_failure_record(*, task: str, args: Iterable[Any], error: str, trace: str) -> JobFailure:
    """Record a background task that failed for good, for administrators (/admin/)."""
    return JobFailure.objects.create(
        task=task[:120],
        args=[a if isinstance(a, int | str | float | bool) or a is None else str(a) for a in args],
        error=error[:2000],
        traceback=trace[-8000:],
    )


# --- selectors -----------------------------------------------------------------------------


def stalled_exports(
    requested_before: datetime.datetime, requested_after: datetime.datetime
) -> list[tuple[int]]:
    """The awaited-job sweeper's view (safety.jobs): exports asked for since
    `requested_after` still queued or running without progress since `requested_before`."""
    rows = ExportJob.objects.filter(
        status__in=(STATUS.QUEUED, STATUS.RUNNING),
        updated_at__lt=requested_before,
        created_at__gte=requested_after,
    )
    return [(pk,) for pk in rows.values_list("pk", flat=True)]


def exports_of(user: User) -> QuerySet[ExportJob]:
    """The exports `user` asked for, newest first (nobody sees another's)."""
    return ExportJob.objects.filter(requester=user).order_by("-created_at", "-pk")


def access_export(user: User, pk: int) -> ExportJob:
    """The export `pk` if `user` asked for it; Http404 otherwise (another's export does not
    exist for them, administrators included)."""
    job = ExportJob.objects.filter(requester=user, pk=pk).first()
    if job is None:
        raise Http404
    return job


def label_of(job: ExportJob) -> str:
    """The export's name in the reader's language ("" for a kind no longer registered)."""
    try:
        return str(kind_named(job.kind).label)
    except (KeyError, ImportError):
        return job.kind
