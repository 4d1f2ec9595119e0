"""The published results of an assessment run as a spreadsheet (issue #23): a background
export (safety.exportjobs, kind "reporting.assessment.exports:results"), one row per school
of the city."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import exportjobs
from safety.exports import Sheet
from safety.models import User

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
