from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from safety import selectors as safety_selectors
from safety.context_processors import unread_column
from safety.exports import csv_response
from safety.models import Organisation
from safety.onerow import count_of, one_row
from safety.paging import paginate
from safety.responsibility import selectors as responsibility_selectors

from . import selectors
from .charts import bureau_chart_data, bureau_charts
from .forms import DashboardFilterForm
from .province import city_figures_column, province_cities, with_city_figures


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if unit is None:
        return render(request, "safety/home_unassigned.html")
    if unit.is_school:
        return _school_home(request)
    return _bureau_home(request)


def _school_home(request: HttpRequest) -> HttpResponse:
    """The school's home: the to-do list's hazards and incidents (two queries), every count
    and short list in one row (safety.onerow), the coverage summary (one query)."""
    user, school, today = request.user, request.user.unit, timezone.localdate()
    row = one_row(
        school.pk,
        {
            "areas": selectors.areas_column(),
            **selectors.school_task_columns(user, school, today),
            **selectors.school_hazard_columns(user),
            **selectors.plan_columns(user, today),
            "unread_notifications": unread_column(user),
        },
    )
    areas = selectors.areas_from(row["areas"])
    context = {
        "school": school,
        "today": today,
        "now": timezone.now(),
        "tasks": selectors.school_tasks(user, school, today, row),
        "hazards": selectors.school_hazard_figures(user, areas, row),
        "inspections": selectors.inspections_against_plan(user, today, row),
        "gap_count": responsibility_selectors.school_gap_count(school),
        "unread_notifications": row["unread_notifications"],
    }
    return render(request, "reporting/dashboards/home_school.html", context)


def _dashboard(
    request: HttpRequest, extra: Any = None
) -> tuple[DashboardFilterForm, Any, Any, Any]:
    """The filter form, its period, its county (None: the whole jurisdiction) and the
    dashboard; `extra(county)` gives more columns for the dashboard's one-row query."""
    form = DashboardFilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    period = form.chosen_period(today)
    county = form.cleaned_data.get("county") if form.is_bound and form.is_valid() else None
    scope = selectors.Scope(user=request.user, unit=request.user.unit, county=county)
    columns = extra(county) if extra else None
    return form, period, county, selectors.bureau_dashboard(scope, period, today, columns)


def _bureau_home(request: HttpRequest) -> HttpResponse:
    """The bureau's home: the dashboard, the to-do list, the schools by type, the count of
    the units table and the unread notifications in one row (safety.onerow), the coverage
    grid's rows and the units table's page: five queries with the session and the user."""
    user, unit, today = request.user, request.user.unit, timezone.localdate()

    def extra(narrowed: Any) -> dict[str, Any]:
        _units, shown = _units_below(unit, narrowed)
        return {
            **selectors.bureau_task_columns(user, unit, today),
            "by_type": safety_selectors.schools_by_type_column(shown),
            # the units table's count, and a province's figures of its cities
            "units_count": count_of(Organisation.objects.visible_to(user).filter(parent=shown)),
            **(
                {"city_figures": city_figures_column(unit)}
                if shown.kind == shown.Kind.PROVINCE
                else {}
            ),
            "unread_notifications": unread_column(user),
        }

    form, period, narrowed, dashboard = _dashboard(request, extra)
    row = dashboard.extra
    units, shown = _units_below(unit, narrowed)
    by_type = safety_selectors.schools_by_type(shown, row["by_type"])
    # #23: the interactive charts' data; the overdue table gets each unit's drill-down link.
    chart_data = bureau_chart_data(dashboard, _kept_period(form))
    drills = chart_data["overdue"]["drill"]
    overdue_rows = [
        {**item, "drill": drill} for item, drill in zip(dashboard.overdue, drills, strict=True)
    ]
    context = {
        "unit": unit,
        "shown": shown,
        "form": form,
        "period": period,
        "county": narrowed,
        "dashboard": dashboard,
        "tasks": selectors.bureau_tasks(user, unit, today, dashboard.activities_awaiting, row),
        "school": unit,  # the coverage summary's unit
        "gap_count": dashboard.own_gap_count,
        "charts": bureau_charts(dashboard),
        "chart_data": chart_data,
        "overdue_rows": overdue_rows,
        "totals": safety_selectors.jurisdiction_totals(by_type),
        "by_type": by_type,
        "unread_notifications": row["unread_notifications"],
        **paginate(request, units, count=row["units_count"]).context(),
    }
    if "city_figures" in row:
        page = context["page"]
        page.object_list = with_city_figures(page.object_list, row["city_figures"])
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
    _form, period, _county, dashboard = _dashboard(request)
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
