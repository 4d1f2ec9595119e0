"""Pages of the exports users asked for (issue #23, safety.exportjobs): starting one, the
list of "my exports", an export's page whose status fragment htmx polls while the job runs,
and the download (only the requester; 404 for anybody else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import exportjobs
from .models import ExportJob
from .paging import paginate
from .uploads import file_response

# How often (seconds) the export's page asks for its status while the job runs.
POLL_SECONDS = 2


def export_start(request: HttpRequest, kind: str, *, pk: int | None = None) -> HttpResponse:
    """The view of an export's own URL (the button on the page it exports): GET shows what
    will be exported with a button, POST records the job and redirects to its page at once.
    Access is checked on both (Http404/PermissionDenied from the kind's check)."""
    export_kind = exportjobs.kind_named(kind)
    params = exportjobs.request_params(request.GET, pk)
    if request.method == "POST":
        job = exportjobs.export_request(actor=request.user, kind=kind, params=params)
        return redirect("export_detail", pk=job.pk)
    export_kind.check(request.user, params)
    context = {"label": export_kind.label, "recent": exportjobs.exports_of(request.user)[:5]}
    return render(request, "safety/exports/start.html", context)


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    paged = paginate(request, exportjobs.exports_of(request.user))
    rows = [(job, exportjobs.label_of(job)) for job in paged.page.object_list]
    return render(request, "safety/exports/list.html", {**paged.context(), "rows": rows})


def _context(job: ExportJob) -> dict:
    return {"job": job, "label": exportjobs.label_of(job), "poll_seconds": POLL_SECONDS}


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = exportjobs.access_export(request.user, pk)
    return render(request, "safety/exports/detail.html", _context(job))


@login_required
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment the page swaps in every POLL_SECONDS while the job runs; once
    the job is done the fragment comes without its trigger, so polling stops."""
    job = exportjobs.access_export(request.user, pk)
    return render(request, "safety/exports/_status.html", _context(job))


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = exportjobs.access_export(request.user, pk)
    if job.status != ExportJob.Status.READY or not job.file:
        raise Http404
    return file_response(job.file, download_name=job.filename, as_attachment=True)
