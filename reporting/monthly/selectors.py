"""Reads shared by the monthly-report views, services and PDFs; queries do not grow with
the number of rows shown."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet
from django.http import Http404

from safety.access import access_object
from safety.models import Organisation, User
from safety.roles import REVIEW_MONTHLY_REPORT, ROLE_PERMISSIONS, SUBMIT_MONTHLY_REPORT

from . import figures
from .models import MonthlyOverview, MonthlyReport, MonthlyReportVersion
from .periods import (
    STATUS_CSS,
    UnitStatus,
    add_months,
    due_date,
    reports_monthly,
    unit_status,
)
from .periods import school_due_date as school_due_date  # the dashboards read it here


class UnitMonth(NamedTuple):
    """A reporting unit, a month, and the unit's report for it (None until one is drafted)."""

    unit: Organisation
    month: datetime.date
    report: MonthlyReport | None


def access_reporting_unit(user: User, pk: int) -> Organisation:
    """The unit `pk` if the user may see it and it reports monthly (a school or a county).

    Raises `Http404` for a unit outside the user's jurisdiction or one that does not report.
    """
    unit = access_object(Organisation, user, pk=pk)
    if not reports_monthly(unit):
        raise Http404
    return unit


def access_unit_month(user: User, pk: int, month: datetime.date) -> UnitMonth:
    """The unit `pk` (see `access_reporting_unit`), the month (its first day, as the
    `<month:…>` path converter gives it) and the unit's report for it, scoped once. Raises
    `Http404` for an outsider.
    """
    unit = access_reporting_unit(user, pk)
    report = (
        MonthlyReport.objects.visible_to(user)
        .select_related("latest_version", "unit")
        .filter(unit=unit, month=month)
        .first()
    )
    return UnitMonth(unit, month, report)


def access_monthly_report(user: User, pk: int, month: datetime.date) -> MonthlyReport:
    """The report of unit `pk` for `month`; `Http404` when there is none or for an outsider."""
    report = access_unit_month(user, pk, month).report
    if report is None:
        raise Http404
    return report


def access_monthly_report_version(user: User, pk: int) -> MonthlyReportVersion:
    """A submitted version the user may see (with its report and unit); `Http404` otherwise."""
    return access_object(MonthlyReportVersion.objects.select_related("report__unit"), user, pk=pk)


def access_monthly_overview(user: User, pk: int) -> MonthlyOverview:
    """A city overview the user may see; `Http404` otherwise."""
    return access_object(MonthlyOverview.objects.select_related("unit"), user, pk=pk)


@dataclass
class UnitRow:
    unit: Organisation
    report: MonthlyReport | None
    status: UnitStatus
    month: datetime.date

    @property
    def css(self) -> str:
        return STATUS_CSS[self.status]

    @property
    def version(self) -> MonthlyReportVersion | None:
        return self.report.latest_version if self.report else None


def roles_with(permission: str) -> list[str]:
    return [role for role, granted in ROLE_PERMISSIONS.items() if permission in granted]


def reporters(units: Any) -> QuerySet[User]:
    """A unit's reporters: its active accounts whose role may submit the monthly report."""
    return User.objects.filter(
        unit__in=units, is_active=True, role__in=roles_with(SUBMIT_MONTHLY_REPORT)
    )


def reviewers(bureaus: Any) -> QuerySet[User]:
    return User.objects.filter(
        unit__in=bureaus, is_active=True, role__in=roles_with(REVIEW_MONTHLY_REPORT)
    )


REPORTING_KINDS = [Organisation.Kind.SCHOOL, Organisation.Kind.COUNTY, Organisation.Kind.CITY]


def reporting_children(bureau: Organisation) -> QuerySet[Organisation]:
    """The units that report to `bureau`: a county's schools, a city's county bureaus and
    city-direct schools, a province's city bureaus (#23)."""
    return Organisation.objects.filter(parent=bureau, is_active=True, kind__in=REPORTING_KINDS)


# What a status row never shows: the narrative and the frozen figures (#23: the console read
# and decoded every version's figures, six months of every unit below, a sixth of its CPU).
STATUS_ONLY_DEFERRED = (
    "work_done",
    "problems_found",
    "next_month_plans",
    "latest_version__figures",
    "latest_version__work_done",
    "latest_version__problems_found",
    "latest_version__next_month_plans",
    "latest_version__review_comment",
)


def reports_for(
    units: list[Organisation], months: list[datetime.date], *, status_only: bool = False
) -> dict[tuple, Any]:
    """`{(unit id, month): report}` of `units` in `months`, each with its latest version;
    with `status_only` (status rows: the console, a unit's months) without the narrative and
    the figures (`STATUS_ONLY_DEFERRED`), which a roll-up reads."""
    reports = MonthlyReport.objects.filter(unit__in=units, month__in=months)
    reports = reports.select_related("latest_version")
    if status_only:
        reports = reports.defer(*STATUS_ONLY_DEFERRED)
    return {(report.unit_id, report.month): report for report in reports}


def unit_rows(
    units: list[Organisation],
    month: datetime.date,
    today: datetime.date,
    reports: dict[tuple, Any] | None = None,
) -> list[UnitRow]:
    """Each unit with its report for `month` and its status, in one query (none when the
    caller already holds the reports, from reports_for)."""
    if reports is None:
        reports = reports_for(units, [month])
    rows = []
    for unit in units:
        report = reports.get((unit.pk, month))
        rows.append(UnitRow(unit, report, unit_status(unit, month, report, today), month))
    return rows


def status_grid(
    units: list[Organisation],
    months: list[datetime.date],
    today: datetime.date,
    reports: dict[tuple, Any] | None = None,
) -> list[dict[str, Any]]:
    """Rows of the review console's grid: one cell (UnitRow) per month."""
    if reports is None:
        reports = reports_for(units, months, status_only=True)
    grid = []
    for unit in units:
        cells = []
        for month in months:
            report = reports.get((unit.pk, month))
            cells.append(UnitRow(unit, report, unit_status(unit, month, report, today), month))
        grid.append({"unit": unit, "cells": cells})
    return grid


def recent_months(today: datetime.date, count: int = 6) -> list[datetime.date]:
    """The last `count` months, newest first, starting with the current one."""
    current = today.replace(day=1)
    return [add_months(current, -offset) for offset in range(count)]


def review_queue(bureau: Organisation) -> QuerySet[MonthlyReport]:
    """Reports submitted to `bureau` and waiting for its review, oldest first."""
    return (
        MonthlyReport.objects.filter(unit__parent=bureau, status=MonthlyReport.Status.SUBMITTED)
        .select_related("unit", "latest_version", "latest_version__submitted_by")
        .order_by("latest_version__submitted_at", "id")
    )


def submitted_figures(rows: list[UnitRow]) -> list[dict]:
    """The frozen figures of the schools' latest versions, except returned ones."""
    return [
        row.version.figures
        for row in rows
        if row.version is not None and row.status != UnitStatus.RETURNED
    ]


def county_rollup(county: Organisation, month: datetime.date, today: datetime.date) -> dict:
    """A bureau's roll-up for `month`: every unit reporting to it with its status, the count
    per status and the sum of those units' latest submitted figures. JSON-ready, to be frozen.

    A county's roll-up lists its schools (the county's monthly report); a city's under a
    province (#23) lists its county bureaus and city-direct schools and adds up their frozen
    figures the same way (a county's figures already hold its schools' sums), so the figures
    flow up the tree one step at a time. `kind` is the bureau's kind ("county" or "city");
    the rows stay under "schools" so one template shows both. Two queries.
    """
    children = list(
        reporting_children(county).order_by("kind", "name_sort_key", "id")
        if county.kind == Organisation.Kind.CITY
        else reporting_children(county)
        .filter(kind=Organisation.Kind.SCHOOL)
        .order_by("name_sort_key", "id")
    )
    rows = unit_rows(children, month, today)
    counts = Counter(row.status.value for row in rows)
    submitted = submitted_figures(rows)
    return {
        "kind": "city" if county.kind == Organisation.Kind.CITY else "county",
        "month": month.isoformat(),
        "school_count": len(rows),
        "status_counts": {status.value: counts.get(status.value, 0) for status in UnitStatus},
        "schools": [
            {
                "id": row.unit.pk,
                "name": row.unit.name,
                "unit_kind": row.unit.kind,
                "status": row.status.value,
                "submitted_at": row.version.submitted_at.isoformat() if row.version else None,
                "version": row.version.number if row.version else None,
            }
            for row in rows
        ],
        "sections": figures.rollup_sections(submitted),
    }


def city_overview(city: Organisation, month: datetime.date, today: datetime.date) -> dict:
    """Every county of the city: its own report's status and its schools' statuses, and the
    sum of all its schools' latest submitted figures (county and city-direct alike)."""
    counties = list(reporting_children(city).filter(kind=Organisation.Kind.COUNTY))
    county_rows = unit_rows(counties, month, today)
    schools = list(
        Organisation.objects.filter(
            Q(parent__in=counties) | Q(parent=city), kind=Organisation.Kind.SCHOOL, is_active=True
        )
    )
    school_rows = unit_rows(schools, month, today)
    by_parent: dict[int, Counter] = {}
    for row in school_rows:
        by_parent.setdefault(row.unit.parent_id, Counter())[row.status.value] += 1
    lines = [
        {
            "unit": row.unit,
            "status": row.status,
            "css": row.css,
            "counts": by_parent.get(row.unit.pk, Counter()),
            "school_count": sum(by_parent.get(row.unit.pk, Counter()).values()),
            "cells": [by_parent.get(row.unit.pk, Counter())[status.value] for status in UnitStatus],
        }
        for row in county_rows
    ]
    direct = by_parent.get(city.pk, Counter())
    return {
        "sections": figures.rollup_sections(submitted_figures(school_rows)),
        "counties": lines,
        "city_direct_count": sum(direct.values()),
        "city_direct_cells": [direct[status.value] for status in UnitStatus],
    }


def province_overview(province: Organisation, month: datetime.date, today: datetime.date) -> dict:
    """Every city of the province (#23): its own roll-up's status and the statuses of the
    units reporting to it (county bureaus and city-direct schools), and the sum of the
    cities' latest submitted roll-ups. Three queries, whatever the number of cities."""
    cities = list(
        reporting_children(province)
        .filter(kind=Organisation.Kind.CITY)
        .order_by("name_sort_key", "id")
    )
    city_rows = unit_rows(cities, month, today)
    below = list(
        Organisation.objects.filter(parent__in=cities, is_active=True, kind__in=REPORTING_KINDS)
    )
    by_parent: dict[int, Counter] = {}
    for row in unit_rows(below, month, today):
        by_parent.setdefault(row.unit.parent_id, Counter())[row.status.value] += 1
    lines = [
        {
            "unit": row.unit,
            "status": row.status,
            "css": row.css,
            "counts": by_parent.get(row.unit.pk, Counter()),
            "unit_count": sum(by_parent.get(row.unit.pk, Counter()).values()),
            "cells": [by_parent.get(row.unit.pk, Counter())[status.value] for status in UnitStatus],
        }
        for row in city_rows
    ]
    return {
        "sections": figures.rollup_sections(submitted_figures(city_rows)),
        "cities": lines,
        "city_status_counts": Counter(row.status.value for row in city_rows),
    }


def figures_for_display(report: MonthlyReport | None, unit: Organisation, month, today) -> dict:
    """The figures to show: frozen ones of the latest version, or a live preview."""
    if report is not None and report.latest_version is not None and not report.is_editable:
        return report.latest_version.figures
    if unit.kind == Organisation.Kind.SCHOOL:
        return figures.compile_school_figures(unit, month)
    return county_rollup(unit, month, today)


def is_due_passed(unit: Organisation, month: datetime.date, today: datetime.date) -> bool:
    return today > due_date(unit, month)
