from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from safety import selectors as safety_selectors
from safety.exports import csv_response
from safety.paging import paginate
from safety.responsibility import selectors as responsibility_selectors

from . import selectors
from .charts import bureau_chart_data, bureau_charts
from .forms import DashboardFilterForm
from .province import province_cities


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if unit is None:
        return render(request, "safety/home_unassigned.html")
    if unit.is_school:
        return _school_home(request)
    return _bureau_home(request)


def _school_home(request: HttpRequest) -> HttpResponse:
    school, today = request.user.unit, timezone.localdate()
    areas = list(safety_selectors.active_areas())
    context = {
        "school": school,
        "today": today,
        "now": timezone.now(),
        "tasks": selectors.school_tasks(request.user, school, today),
        "hazards": selectors.school_hazard_figures(request.user, areas),
        "inspections": selectors.inspections_against_plan(request.user, today),
        "gap_count": responsibility_selectors.school_gap_count(school),
    }
    return render(request, "reporting/dashboards/home_school.html", context)


def _dashboard(request: HttpRequest) -> tuple[DashboardFilterForm, Any, Any]:
    form = DashboardFilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    period = form.chosen_period(today)
    county = form.cleaned_data.get("county") if form.is_bound and form.is_valid() else None
    scope = selectors.Scope(user=request.user, unit=request.user.unit, county=county)
    return form, period, selectors.bureau_dashboard(scope, period, today)


def _bureau_home(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    form, period, dashboard = _dashboard(request)
    narrowed = form.cleaned_data.get("county") if form.is_bound and form.is_valid() else None
    units, shown = _units_below(unit, narrowed)
    by_type = safety_selectors.schools_by_type(shown)
    # #23: the interactive charts' data; the overdue table gets each unit's drill-down link.
    chart_data = bureau_chart_data(dashboard, _kept_period(form))
    drills = chart_data["overdue"]["drill"]
    overdue_rows = [
        {**row, "drill": drill} for row, drill in zip(dashboard.overdue, drills, strict=True)
    ]
    context = {
        "unit": unit,
        "shown": shown,
        "form": form,
        "period": period,
        "county": form.cleaned_data.get("county") if form.is_bound and form.is_valid() else None,
        "dashboard": dashboard,
        "tasks": selectors.bureau_tasks(
            request.user, unit, timezone.localdate(), dashboard.activities_awaiting
        ),
        "school": unit,  # the coverage summary's unit
        "gap_count": dashboard.own_gap_count,
        "charts": bureau_charts(dashboard),
        "chart_data": chart_data,
        "overdue_rows": overdue_rows,
        "totals": safety_selectors.jurisdiction_totals(by_type),
        "by_type": by_type,
        **paginate(request, units).context(),
    }
    return render(request, "reporting/dashboards/home_bureau.html", context)


def _kept_period(form: DashboardFilterForm) -> dict[str, str]:
    """The period filter as a query, for the drill-down's links (the unit filter changes)."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kept = {"period": data.get("period") or ""}
    if data.get("month"):
        kept["month"] = f"{data['month']:%Y-%m}"
    return {key: value for key, value in kept.items() if value}


def _units_below(unit: Any, narrowed: Any) -> tuple[Any, Any]:
    """The units table of the home and the unit it is about: a province lists its cities
    with the schools below each, and a city chosen in its filter lists that city's counties
    (the drill-down, #23); a city or county lists its own children (the county filter
    narrows the figures only, as before)."""
    if unit.kind == unit.Kind.PROVINCE:
        if narrowed is None:
            return province_cities(unit), unit
        return safety_selectors.bureau_units(narrowed), narrowed
    return safety_selectors.bureau_units(unit), unit


@login_required
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The bureau dashboard's figures and chart series, for the officials' spreadsheets."""
    unit = request.user.unit
    if unit is None:
        raise Http404
    if unit.is_school:
        raise PermissionDenied  # a school has no jurisdiction figures to download
    _form, period, dashboard = _dashboard(request)
    base = request.build_absolute_uri("/")[:-1]

    # Built while the request's language is active; a bounded number of rows.
    header = [_("Section"), _("Figure"), _("Value"), _("Note"), _("Link")]
    table = []
    for figure in dashboard.figures:
        table.append([_("Key figures"), figure.label, figure.value, figure.note, base + figure.url])
    for row in dashboard.trend:
        month = f"{row['month']:%Y-%m}"
        table.append([_("Hazards found"), month, row["found"], "", base + row["url"]])
        table.append([_("Hazards closed"), month, row["closed"], "", ""])
    for row in dashboard.areas:
        note = _("general %(general)s, major %(major)s, overdue %(overdue)s") % row
        label = _("Open hazards by safety area")
        table.append([label, row["area"].name, row["open"], note, base + row["open_url"]])
    for row in dashboard.overdue:
        url = base + row["url"] if row["url"] else ""
        table.append([_("Overdue hazards"), row["name"], row["count"], "", url])
    for row in dashboard.categories:
        label = _("Incidents by category")
        table.append([label, row["label"], row["count"], period.label, base + row["url"]])
    filename = f"dashboard-{timezone.localdate():%Y%m%d}.csv"
    return csv_response(header, table, filename=filename)
