"""The campaign board's schools as a spreadsheet (issue #23): a background export
(safety.exportjobs, kind "inspections.campaigns.exports:board"); a campaign may reach every
school of a province."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import exportjobs
from safety.exports import Sheet
from safety.models import User

from . import forms, selectors


def _rows(tasks: Any, labels: dict) -> Iterator[list]:
    for task in tasks.iterator():
        yield [
            task.school.parent.name if task.school.parent else "",
            task.school.name,
            task.school.code,
            str(labels[task.board_status]),
            task.deadline,
            timezone.localtime(task.submitted_at) if task.submitted_at else None,
            task.hazard_count,
            task.closed_count,
            task.report,
        ]


def _check(user: User, params: dict[str, Any]) -> None:
    """The board's readers (selectors.access_board: 404 outside, 403 for a school)."""
    selectors.access_board(user, params["pk"])


def _build(user: User, params: dict[str, Any]) -> exportjobs.Built:
    campaign = selectors.access_board(user, params["pk"])
    tasks = selectors.board_tasks(user, campaign, {})
    header = [
        _("County/district"),
        _("School"),
        _("Code"),
        _("Status"),
        _("Deadline"),
        _("Submitted at"),
        _("Hazards found"),
        _("Hazards rectified"),
        _("Short report"),
    ]
    sheet = Sheet(
        title=_("Schools"),  # a sheet title may not hold / \\ ? * [ ]: never the typed title
        header=header,
        rows=_rows(tasks, forms.STATUS_LABELS),
        widths=(16, 24, 12, 10, 12, 18, 10, 10, 40),
    )
    return exportjobs.Built(campaign.title, [sheet], tasks.count())


BOARD = exportjobs.register(
    exportjobs.ExportKind(
        "inspections.campaigns.exports:board", gettext_lazy("Campaign board"), _check, _build
    )
)
