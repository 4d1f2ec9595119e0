"""Risk grading pages (issue #20): the register, a point, its check on a phone, the campus
plan (screen and PDF), and the yellow-and-above lists reported to the county."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety import roles
from safety.paging import paginate
from safety.pdf import render_pdf
from safety.uploads import file_response

from . import forms, selectors, services
from .models import LEVEL_COLOURS, Level, RiskReport


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _own_school(request: HttpRequest):
    school = request.user.unit
    if school is None or not school.is_school:
        raise PermissionDenied
    return school


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    form = forms.PointFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    points = selectors.point_list(user=request.user, filters=filters)
    counts = selectors.level_counts_for(request.user, filters, points)
    paged = paginate(request, points, count=sum(counts.values()))
    context = {
        "form": form,
        **paged.context(),
        "counts": [
            (value, label, counts[value], LEVEL_COLOURS[value]) for value, label in Level.choices
        ],
        "filtered": any(filters.values()),
        "today": timezone.localdate(),
    }
    return render(request, "inspections/risks/point_list.html", context)


@login_required
def point_new(request: HttpRequest) -> HttpResponse:
    school = _own_school(request)
    if not request.user.has_perm(roles.MANAGE_RISK_POINTS):
        raise PermissionDenied
    method = selectors.rules_for(school).method
    form = forms.PointForm(request.POST or None, default_method=method)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.point_save(actor=request.user, school=school, values=form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Risk point saved: %(level)s.") % {"level": point.get_level_display()}
            )
            return redirect("risks:point_detail", pk=point.pk)
    return render(request, "inspections/risks/point_form.html", {"form": form, "point": None})


@login_required
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.access_point(request.user, pk, for_change=True)
    if not request.user.has_perm(roles.MANAGE_RISK_POINTS):
        raise PermissionDenied
    initial = {name: getattr(point, name) for name in services.POINT_FIELDS}
    form = forms.PointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.point_save(
                actor=request.user, school=point.school, point=point, values=form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Risk point saved: %(level)s.") % {"level": point.get_level_display()}
            )
            return redirect("risks:point_detail", pk=point.pk)
    return render(request, "inspections/risks/point_form.html", {"form": form, "point": point})


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.access_point(request.user, pk)
    context = {
        "point": point,
        "checks": selectors.point_checks(point)[:20],
        "today": timezone.localdate(),
        "can_check": request.user.has_perm(roles.CHECK_RISK_POINT)
        and request.user.unit_id == point.school_id,
        "can_manage": request.user.has_perm(roles.MANAGE_RISK_POINTS)
        and request.user.unit_id == point.school_id,
    }
    return render(request, "inspections/risks/point_detail.html", context)


@login_required
def point_check(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.access_point(request.user, pk, for_change=True)
    form = forms.CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.point_check(
                actor=request.user,
                point=point,
                controlled=form.cleaned_data["controlled"],
                note=form.cleaned_data["note"],
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if check.controlled:
                messages.success(request, _("Check recorded: controlled."))
            else:
                messages.warning(
                    request, _("Check recorded: not controlled. A hazard was logged in the ledger.")
                )
            return redirect("risks:point_detail", pk=point.pk)
    return render(request, "inspections/risks/point_check.html", {"point": point, "form": form})


@login_required
@require_POST
def point_review(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.access_point(request.user, pk, for_change=True)
    services.point_review(actor=request.user, point=point)
    messages.success(request, _("Review recorded for this term."))
    return redirect("risks:point_detail", pk=point.pk)


@login_required
def check_photo(request: HttpRequest, pk: int) -> FileResponse:
    check = selectors.access_check(request.user, pk)
    if not check.photo:
        raise Http404
    return file_response(check.photo, download_name="check", as_attachment=False)


# --- the campus plan -----------------------------------------------------------------------


def _plan_context(request: HttpRequest, school) -> dict:
    context = selectors.plan_context(school)
    context["can_manage"] = (
        request.user.has_perm(roles.MANAGE_RISK_POINTS) and request.user.unit_id == school.pk
    )
    return context


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school(request.user, pk)
    context = _plan_context(request, school)
    context["upload_form"] = forms.PlanUploadForm()
    context["place_form"] = forms.PlaceForm()
    return render(request, "inspections/risks/plan.html", context)


@login_required
@require_POST
def plan_upload(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school(request.user, pk, for_change=True)
    form = forms.PlanUploadForm(request.POST, request.FILES)
    if form.is_valid():
        services.plan_upload(actor=request.user, school=school, image=form.cleaned_data["image"][0])
        messages.success(request, _("Campus plan uploaded."))
        return redirect("risks:plan", pk=school.pk)
    context = _plan_context(request, school)
    context.update(upload_form=form, place_form=forms.PlaceForm())
    return render(request, "inspections/risks/plan.html", context, status=400)


@login_required
@require_POST
def plan_place(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school(request.user, pk, for_change=True)
    form = forms.PlaceForm(request.POST)
    if form.is_valid():
        point = selectors.access_point(request.user, form.cleaned_data["point"], for_change=True)
        if point.school_id != school.pk:
            raise Http404
        try:
            services.point_place(
                actor=request.user, point=point, x=form.cleaned_data["x"], y=form.cleaned_data["y"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” placed on the plan.") % {"name": point.name})
            return redirect("risks:plan", pk=school.pk)
    context = _plan_context(request, school)
    context.update(upload_form=forms.PlanUploadForm(), place_form=form)
    return render(request, "inspections/risks/plan.html", context, status=400)


@login_required
def plan_image(request: HttpRequest, pk: int) -> FileResponse:
    school = selectors.access_school(request.user, pk)
    stored = selectors.plan_of(school)
    if stored is None:
        raise Http404
    return file_response(stored.image, download_name="plan", as_attachment=False)


@login_required
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan with its points and legend as a one-page PDF (small: rendered in the
    request)."""
    school = selectors.access_school(request.user, pk)
    context = selectors.plan_pdf_context(school)
    if context is None:
        raise Http404
    pdf = render_pdf("inspections/risks/pdf/campus_plan.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="campus-plan.pdf"'
    return response


# --- the yellow-and-above list -------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in RiskReport.Status.values:
        status = ""
    paged = paginate(request, selectors.report_list(user=request.user, status=status))
    context = {**paged.context(), "status": status, "statuses": RiskReport.Status.choices}
    unit = request.user.unit
    if unit is not None and unit.is_school and request.user.has_perm(roles.MANAGE_RISK_POINTS):
        context["reportable"] = list(selectors.reportable_points(unit))
    return render(request, "inspections/risks/report_list.html", context)


@login_required
@require_POST
def report_submit(request: HttpRequest) -> HttpResponse:
    school = _own_school(request)
    try:
        report = services.report_submit(actor=request.user, school=school)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("risks:report_list")
    messages.success(request, _("The list was reported to the county bureau."))
    return redirect("risks:report_detail", pk=report.pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.access_report(request.user, pk)
    can_acknowledge = (
        report.status == RiskReport.Status.SUBMITTED
        and request.user.has_perm(roles.ACKNOWLEDGE_RISK_REPORT)
        and request.user.is_bureau_user
    )
    context = {
        "report": report,
        "colours": LEVEL_COLOURS,
        "levels": dict(Level.choices),
        "can_acknowledge": can_acknowledge,
        "form": forms.AcknowledgeForm(),
    }
    return render(request, "inspections/risks/report_detail.html", context)


@login_required
@require_POST
def report_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.access_report(request.user, pk, for_change=True)
    form = forms.AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.report_acknowledge(
                actor=request.user, report=report, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("List acknowledged."))
    return redirect("risks:report_detail", pk=report.pk)
