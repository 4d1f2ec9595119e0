"""Pages of the special campaigns and of supervisory-inspection coverage (issue #18)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safety import confirm, roles, workdays
from safety.exportviews import export_start
from safety.models import Organisation, current_school_year, is_school_year
from safety.paging import paginate
from safety.pdf import render_pdf
from safety.scoping import get_visible_object_or_404

from . import exports, forms, selectors, services


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Bureaus: the campaigns they launched or received. Schools: their campaign tasks."""
    user = request.user
    state = request.GET.get("state", "")
    if selectors.is_bureau_user(user):
        state = state if state == "to_forward" else ""
        paged = paginate(request, selectors.campaign_list(user, state))
        context = {"state": state, **paged.context()}
        return render(request, "inspections/campaigns/campaign_list.html", context)
    state = state if state == "open" else ""
    paged = paginate(request, selectors.school_tasks(user, state))
    context = {"state": state, **paged.context()}
    return render(request, "inspections/campaigns/task_list.html", context)


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm(roles.SUPERVISE) or not selectors.is_bureau_user(user):
        raise PermissionDenied
    form = forms.CampaignForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_launch(
                actor=user,
                bureau=user.unit,
                title=data["title"],
                purpose=data["purpose"],
                deadline=data["deadline"],
                starts_on=data["starts_on"],
                filters=form.targets(),
                template=data["template"],
                area=data["area"],
                items=form.item_lines(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Campaign launched."))
            return redirect("campaigns:board", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "inspections/campaigns/campaign_new.html", {"form": form}, status=status)


def _board_context(request: HttpRequest, campaign) -> dict:
    user = request.user
    forwards = selectors.campaign_forwards(campaign)
    counties = selectors.board_counties(user, campaign, forwards)
    form = forms.BoardFilterForm(
        request.GET or None,
        counties=[row.county for row in counties],
        status_labels=forms.STATUS_LABELS,
    )
    filters = form.filters()
    tasks = selectors.board_tasks(user, campaign, filters)
    paged = paginate(request, tasks, count=selectors.board_count(counties, filters))
    return {
        "campaign": campaign,
        "counties": counties,
        "hazards": selectors.board_hazards(user, campaign),
        "form": form,
        "labels": forms.STATUS_LABELS,
        "may_forward": selectors.may_forward(user, campaign),
        "forward": forwards.get(user.unit_id),
        "may_remind": user.has_perm(roles.SUPERVISE),
        **paged.context(),
    }


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_board(request.user, pk)
    context = _board_context(request, campaign)
    return render(request, "inspections/campaigns/board.html", context)


@login_required
def board_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's schools as a spreadsheet: a background export (exports.BOARD)."""
    return export_start(request, exports.BOARD.name, pk=pk)


@login_required
def board_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_board(request.user, pk)
    context = selectors.summary_context(request.user, campaign)
    pdf = render_pdf("inspections/campaigns/pdf/campaign_summary.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''campaign-{campaign.pk}.pdf"
    return response


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk, for_change=True)
    count = services.campaign_remind(actor=request.user, campaign=campaign, unit=request.user.unit)
    if count:
        messages.success(
            request,
            ngettext("%(count)s school reminded.", "%(count)s schools reminded.", count)
            % {"count": count},
        )
    elif not workdays.should_remind(timezone.localdate()):
        messages.info(
            request,
            _(
                "Today is not a working day: only reminders due today or overdue go out. "
                "Remind the others on the next working day."
            ),
        )
    else:
        messages.info(request, _("Nobody to remind: laggards are reminded at most once a day."))
    return redirect("campaigns:board", pk=campaign.pk)


@login_required
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk, for_change=True)
    if not selectors.may_forward(request.user, campaign):
        raise PermissionDenied
    form = forms.ForwardForm(request.POST or None, initial={"deadline": campaign.deadline})
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_forward(
                actor=request.user,
                campaign=campaign,
                county=request.user.unit,
                deadline=form.cleaned_data["deadline"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Campaign forwarded to your schools."))
            return redirect("campaigns:board", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    context = {"campaign": campaign, "form": form}
    return render(request, "inspections/campaigns/forward.html", context, status=status)


def _task_context(request: HttpRequest, task, form=None) -> dict:
    may_act = task.school_id == request.user.unit_id and request.user.has_perm(
        roles.ANSWER_SUPERVISION
    )
    hazards = task.inspection.hazards.all() if task.inspection else []
    return {
        "task": task,
        "campaign": task.campaign,
        "forward": selectors.forward_of(task.campaign, task.school.parent),
        "items": task.campaign.checklist.items.all(),
        "hazards": hazards,
        "may_act": may_act and task.status != task.Status.SUBMITTED,
        "form": form or forms.TaskReportForm(initial={"report": task.report}),
        "labels": forms.STATUS_LABELS,
    }


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    return render(request, "inspections/campaigns/task_detail.html", _task_context(request, task))


@login_required
@require_POST
def task_start(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk, for_change=True)
    try:
        inspection = services.campaign_task_start(actor=request.user, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("campaigns:task", pk=task.pk)
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@login_required
@require_POST
def task_submit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk, for_change=True)
    form = forms.TaskReportForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.campaign_task_submit(
                    actor=request.user, task=task, report=form.cleaned_data["report"]
                )
                if not confirm.is_confirmed(request):
                    return confirm.ask(
                        request,
                        question=_("Submit the campaign report? It cannot be changed afterwards."),
                        button=_("Submit the campaign report"),
                        back_url=reverse("campaigns:task", args=[task.pk]),
                    )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Campaign report submitted."))
            return redirect("campaigns:task", pk=task.pk)
    context = _task_context(request, task, form)
    return render(request, "inspections/campaigns/task_detail.html", context, status=400)


# --- supervisory-inspection coverage -------------------------------------------------------


def _semester(request: HttpRequest):
    key = request.GET.get("semester", "")
    return selectors.semester_from_key(key) or selectors.semester_of(timezone.localdate())


def _semester_choices() -> list:
    choices = []
    semester = selectors.semester_of(timezone.localdate())
    for _index in range(4):
        choices.append(semester)
        semester = selectors.semester_of(semester.start - datetime.timedelta(days=1))
    return choices


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """The county's schools with their supervisory inspection this semester; the city's
    counties with done / total."""
    user = request.user
    if not selectors.is_bureau_user(user):
        raise PermissionDenied
    semester = _semester(request)
    context = {"semester": semester, "semesters": _semester_choices()}
    unit = user.unit
    county_id = request.GET.get("county", "")
    if unit.kind == Organisation.Kind.COUNTY or county_id:
        county = unit
        if county_id:
            county = get_visible_object_or_404(
                Organisation, user, pk=county_id, kind=Organisation.Kind.COUNTY
            )
        paged = paginate(request, selectors.county_coverage(county, semester))
        context |= {"county": county, **paged.context()}
        return render(request, "inspections/campaigns/coverage_county.html", context)
    context["rows"] = selectors.city_coverage(unit, semester)
    return render(request, "inspections/campaigns/coverage_city.html", context)


@login_required
def spot_checks(request: HttpRequest, pk: int) -> HttpResponse:
    """The city's spot-check results of one school for a school year."""
    school = get_visible_object_or_404(
        Organisation, request.user, pk=pk, kind=Organisation.Kind.SCHOOL
    )
    year = request.GET.get("year", "")
    year = year if is_school_year(year) else current_school_year()
    context = {
        "school": school,
        "year": year,
        "inspections": selectors.spot_check_results(school, year)[:100],
    }
    return render(request, "inspections/campaigns/spot_checks.html", context)
