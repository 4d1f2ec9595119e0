"""The published results of an assessment run as a spreadsheet and as a PDF (issue #23):
background exports (safety.exportjobs, kinds "reporting.assessment.exports:results" and
"…:results_pdf"), one row per school of the city. The PDF took 10 s at 300 schools when it
was rendered in the request; a city of 2,000 would pass the 30 s limit."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import exportjobs
from safety.exports import Sheet
from safety.models import User
from safety.pdf import render_pdf

from . import selectors
from .models import Run


def published_run(user: User, pk: Any) -> Run:
    """A run `user` may read (selectors.access_run) once it is published; Http404 before."""
    run = selectors.access_run(user, pk)
    if not run.is_published:
        raise Http404
    return run


def _check(user: User, params: dict[str, Any]) -> None:
    published_run(user, params["pk"])


def _build(user: User, params: dict[str, Any]) -> exportjobs.Built:
    run = published_run(user, params["pk"])
    results = selectors.results(run)
    rows = (
        (
            r.scoring.county.name,
            r.rank_in_county,
            r.school.name,
            r.total,
            r.get_grade_display(),
            r.veto_reason,
            _("Yes") if r.is_model_school else "",
        )
        for r in results.iterator()
    )
    header = [
        _("County/district"),
        _("Rank in the county"),
        _("School"),
        _("Total points"),
        _("Grade"),
        _("One-vote veto"),
        _("Model school"),
    ]
    sheet = Sheet(str(run.year), header, rows, widths=(20, 8, 28, 10, 8, 40, 10))
    return exportjobs.Built(f"assessment-{run.year}", [sheet], results.count())


RESULTS = exportjobs.register(
    exportjobs.ExportKind(
        "reporting.assessment.exports:results",
        gettext_lazy("Assessment results"),
        _check,
        _build,
    )
)


def _build_pdf(user: User, params: dict[str, Any]) -> exportjobs.Built:
    run = published_run(user, params["pk"])

    def document() -> bytes:
        context = {
            "run": run,
            "rows": selectors.results(run),
            "grade_rows": selectors.grade_rows(run),
            "flagged_counties": selectors.flagged_counties(run),
        }
        return render_pdf("reporting/assessment/pdf/results.html", context)

    return exportjobs.Built(f"assessment-{run.year}", [], document=document)


RESULTS_PDF = exportjobs.register(
    exportjobs.ExportKind(
        "reporting.assessment.exports:results_pdf",
        gettext_lazy("Assessment results (PDF)"),
        _check,
        _build_pdf,
    )
)
