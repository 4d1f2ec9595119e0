from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety import confirm
from safety.models import Organisation
from safety.paging import paginate
from safety.roles import REVIEW_MONTHLY_REPORT, SUBMIT_MONTHLY_REPORT, VIEW_JURISDICTION
from safety.uploads import file_response

from . import selectors, services
from .figures import section_tables
from .forms import ConsoleFilterForm, NarrativeForm, ReviewForm
from .models import MonthlyOverview, MonthlyReport, MonthlyReportVersion
from .periods import (
    STATUS_CSS,
    UnitStatus,
    due_date,
    reports_monthly,
    unit_status,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if unit is None:
        raise Http404
    if reports_monthly(unit) and not request.user.has_perm(REVIEW_MONTHLY_REPORT):
        return redirect("monthly:unit", pk=unit.pk)
    return redirect("monthly:console")


@login_required
def unit_months(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.access_reporting_unit(request.user, pk)
    today = timezone.localdate()
    rows = selectors.status_grid([unit], selectors.recent_months(today, 12), today)[0]["cells"]
    months = [
        (month, cell) for month, cell in zip(selectors.recent_months(today, 12), rows, strict=True)
    ]
    context = {"unit": unit, "months": months, "today": today}
    return render(request, "reporting/monthly/unit_months.html", context)


@login_required
def report_detail(request: HttpRequest, pk: int, month: datetime.date) -> HttpResponse:
    unit, month_date, report = selectors.access_unit_month(request.user, pk, month)
    return _report_page(request, unit, month_date, report)


def _report_page(request, unit, month_date, report, form=None, http_status=200) -> HttpResponse:
    """The report page; `form` is the posted narrative when it was refused (text kept)."""
    today = timezone.localdate()
    user = request.user
    can_edit = (
        user.unit_id == unit.pk
        and user.has_perm(SUBMIT_MONTHLY_REPORT)
        and (report is None or report.is_editable)
    )
    can_review = (
        report is not None
        and report.status == MonthlyReport.Status.SUBMITTED
        and user.unit_id == unit.parent_id
        and user.has_perm(REVIEW_MONTHLY_REPORT)
    )
    figures = selectors.figures_for_display(report, unit, month_date, today)
    status = unit_status(unit, month_date, report, today)
    versions = (
        MonthlyReportVersion.objects.visible_to(user)
        .filter(report=report)
        .select_related("submitted_by", "reviewed_by")
        if report
        else []
    )
    context = {
        "unit": unit,
        "month": month_date,
        "report": report,
        "status": status,
        "status_css": STATUS_CSS[status],
        "due_date": due_date(unit, month_date),
        "figures": figures,
        "tables": section_tables(figures),
        "schools": _school_lines(figures),
        "versions": versions,
        # #23: while a version's PDF is being prepared the list polls itself (htmx).
        "pdf_preparing": any(version.pdf_state == "preparing" for version in versions),
        "form": (form or NarrativeForm(initial=_narrative(report))) if can_edit else None,
        "review_form": ReviewForm() if can_review else None,
        "can_edit": can_edit,
    }
    return render(request, "reporting/monthly/report_detail.html", context, status=http_status)


def _narrative(report: MonthlyReport | None) -> dict[str, str]:
    if report is None:
        return {}
    return {
        "work_done": report.work_done,
        "problems_found": report.problems_found,
        "next_month_plans": report.next_month_plans,
    }


def _school_lines(figures: dict) -> list[dict]:
    labels = dict(UnitStatus.choices)
    return [
        {**row, "label": labels.get(row["status"], row["status"]), "css": STATUS_CSS[row["status"]]}
        for row in figures.get("schools", [])
    ]


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int, month: datetime.date) -> HttpResponse:
    unit, month_date, report = selectors.access_unit_month(request.user, pk, month)
    form = NarrativeForm(request.POST)
    target = reverse("monthly:report", args=[unit.pk, month])
    if not form.is_valid():
        messages.error(request, _("The report was not saved: check the text."))
        return _report_page(request, unit, month_date, report, form=form, http_status=400)
    try:
        # The draft is kept even when the submission is refused or not yet confirmed.
        services.monthly_report_save_draft(
            actor=request.user, unit=unit, month=month_date, **form.cleaned_data
        )
        if request.POST.get("action") != "submit":
            messages.success(request, _("The draft was saved."))
            return redirect(target)
        if not confirm.is_confirmed(request):
            with transaction.atomic():
                # The submission's guards, not its figures (compiled once, when confirmed).
                services.monthly_report_check_submit(
                    actor=request.user, unit=unit, month=month_date
                )
                return confirm.ask(
                    request,
                    question=_("Submit the monthly report of %(month)s to the bureau?")
                    % {"month": date_format(month_date, "YEAR_MONTH_FORMAT")},
                    button=_("Submit to the bureau"),
                    back_url=target,
                )
        services.monthly_report_submit(actor=request.user, unit=unit, month=month_date)
        messages.success(request, _("The monthly report was submitted."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(target)


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int, month: datetime.date) -> HttpResponse:
    report = selectors.access_monthly_report(request.user, pk, month)
    unit = report.unit
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("monthly:report", pk=unit.pk, month=month)
    try:
        if form.cleaned_data["decision"] == "approve":
            services.monthly_report_approve(
                actor=request.user, report=report, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The report was approved."))
        else:
            services.monthly_report_return(
                actor=request.user, report=report, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The report was returned to the unit."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("monthly:report", pk=unit.pk, month=month)


@login_required
def version_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.access_monthly_report_version(request.user, pk)
    if not version.pdf:
        raise Http404
    report = version.report
    name = f"{report.unit.name}-{report.month:%Y-%m}-v{version.number}.pdf"
    return file_response(version.pdf, download_name=name, as_attachment=False)


@login_required
@require_POST
def version_rerender(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.access_monthly_report_version(request.user, pk)
    services.monthly_report_rerender(actor=request.user, version=version)
    messages.success(request, _("The PDF is being rendered again."))
    report = version.report
    return redirect("monthly:report", pk=report.unit_id, month=f"{report.month:%Y-%m}")


QUEUE_SHOWN = 50


@login_required
def console(request: HttpRequest) -> HttpResponse:
    bureau = request.user.unit
    # Reading the console is part of overseeing the jurisdiction (administrators follow the
    # submission rate too); reviewing is checked on the report page and in the service.
    if bureau is None or not bureau.is_bureau or not request.user.has_perm(VIEW_JURISDICTION):
        raise PermissionDenied
    form = ConsoleFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    month = filters.get("month") or today.replace(day=1)
    parent = filters.get("county") or bureau  # a province's "county" field picks a city
    units = list(
        Organisation.objects.visible_to(request.user)
        .filter(pk__in=selectors.reporting_children(parent).values("pk"))
        .order_by("kind", "name_sort_key", "id")
    )
    months = selectors.recent_months(month, 6)[::-1]
    queue_all = selectors.review_queue(bureau)
    has_overview = bureau.kind in services.OVERVIEW_KINDS
    queue = list(queue_all[:QUEUE_SHOWN])
    # One query for the rows (the month) and the grid (six months up to it).
    reports = selectors.reports_for(units, months, status_only=True)
    rows = selectors.unit_rows(units, month, today, reports=reports)
    if filters.get("status"):
        rows = [row for row in rows if row.status == filters["status"]]
    paged = paginate(request, rows)
    page = paged.page
    context = {
        "bureau": bureau,
        "form": form,
        "month": month,
        "months": months,
        "grid": selectors.status_grid(
            [row.unit for row in page.object_list], months, today, reports=reports
        ),
        **paged.context(),
        "queue": queue,
        "queue_total": len(queue) if len(queue) < QUEUE_SHOWN else queue_all.count(),
        "overview": _overview(request, month) if has_overview else None,
        # The city's overview of its counties, the province's of its cities (#23).
        "is_city": has_overview,
        "is_province": bureau.kind == Organisation.Kind.PROVINCE,
    }
    return render(request, "reporting/monthly/console.html", context)


def _overview(request: HttpRequest, month: datetime.date) -> MonthlyOverview | None:
    return (
        MonthlyOverview.objects.visible_to(request.user)
        .filter(unit=request.user.unit, month=month)
        .first()
    )


@login_required
@require_POST
def overview_request(request: HttpRequest, month: datetime.date) -> HttpResponse:
    services.monthly_overview_request(actor=request.user, month=month)
    messages.success(request, _("The overview is being rendered; refresh in a moment."))
    return redirect(reverse("monthly:console") + f"?month={month:%Y-%m}")


@login_required
def overview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    overview = selectors.access_monthly_overview(request.user, pk)
    if not overview.pdf:
        raise Http404
    name = f"{overview.unit.name}-{overview.month:%Y-%m}.pdf"
    return file_response(overview.pdf, download_name=name, as_attachment=False)
