"""Pages of emergency preparedness. Each view: access → form → service → redirect/render;
objects are fetched through the `access_*` helpers of .selectors (404 for outsiders, 403 for
a role that may not act)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety import confirm, roles
from safety.exportviews import export_start
from safety.paging import paginate
from safety.selectors import access_unit
from safety.uploads import file_response

from . import exports, selectors, services
from .forms import (
    CoverageFilterForm,
    DrillPlanForm,
    DrillProblemForm,
    DrillRecordForm,
    PlanForm,
    ReviewForm,
    TeamMemberForm,
)
from .models import Drill, Plan


def _form_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_page(
    request: HttpRequest, form: Any, *, title: str, unit: Any, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "unit": unit, **extra}
    return render(request, "safety/preparedness/form.html", context, status=status)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if unit is not None and unit.is_school:
        return redirect("preparedness:unit", pk=unit.pk)
    if unit is None and not request.user.is_superuser:
        raise PermissionDenied
    return redirect("preparedness:coverage")


def _bureau_only(request: HttpRequest) -> None:
    exports.require_bureau(request.user)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    form = CoverageFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    result = selectors.coverage_page(user=request.user, filters=filters)
    context = {
        "form": form,
        "coverage": result,
        **paginate(request, result.rows, count=result.count).context(),
    }
    return render(request, "safety/preparedness/coverage.html", context)


@login_required
def coverage_export(request: HttpRequest) -> HttpResponse:
    """The coverage table as a spreadsheet: a background export (exports.COVERAGE)."""
    return export_start(request, exports.COVERAGE.name)


@login_required
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    user = request.user
    own = user.unit_id == unit.pk
    page = selectors.unit_page(unit)
    status = page["status"]
    drills = status["drills"] if status else None  # counted with the status
    context = {
        "unit": unit,
        **page,
        **paginate(request, selectors.unit_drills(unit), count=drills).context(),
        "can_manage": own and user.has_perm(roles.MANAGE_PREPAREDNESS),
        "can_record": own and unit.is_school and user.has_perm(roles.RECORD_DRILL),
    }
    return render(request, "safety/preparedness/unit.html", context)


# --- Plans -----------------------------------------------------------------------------------


@login_required
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, permission=roles.MANAGE_PREPAREDNESS)
    if request.user.unit_id != unit.pk:
        raise PermissionDenied
    form = PlanForm(
        request.POST or None,
        request.FILES or None,
        unit=unit,
        initial={"scenario": request.GET.get("scenario")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_upload(
                actor=request.user,
                unit=unit,
                scenario=data["scenario"],
                title=data["title"],
                document=data["document"][0],
                next_review_on=data["next_review_on"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Version %(n)s uploaded as a draft.") % {"n": plan.version})
            return redirect("preparedness:plan_detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, title=_("Upload an emergency plan"), unit=unit, status=status)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.access_plan(request.user, pk)
    user = request.user
    context = {
        "plan": plan,
        "unit": plan.unit,
        "versions": selectors.plan_versions(plan),
        "events": plan.events.select_related("actor"),
        "can_submit": user.unit_id == plan.unit_id
        and user.has_perm(roles.MANAGE_PREPAREDNESS)
        and plan.status in (Plan.Status.DRAFT, Plan.Status.RETURNED),
        "can_review": user.unit_id == plan.unit.parent_id
        and user.has_perm(roles.ACKNOWLEDGE_PLAN)
        and plan.status == Plan.Status.SUBMITTED,
        "review_form": ReviewForm(),
    }
    return render(request, "safety/preparedness/plan_detail.html", context)


@login_required
def plan_document(request: HttpRequest, pk: int) -> FileResponse:
    plan = selectors.access_plan(request.user, pk)
    return file_response(plan.document, download_name=plan.document_name, as_attachment=True)


def _transition(
    request: HttpRequest, plan: Plan, service: Any, question: str, button: str, **kwargs: Any
) -> HttpResponse:
    """Run the filing step; ask once before it (safety.confirm), since it cannot be undone."""
    try:
        with transaction.atomic():
            service(actor=request.user, plan=plan, **kwargs)
            if not confirm.is_confirmed(request):
                return confirm.ask(
                    request,
                    question=question,
                    button=button,
                    back_url=reverse("preparedness:plan_detail", args=[plan.pk]),
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("preparedness:plan_detail", pk=plan.pk)
    messages.success(request, _("Saved."))
    return redirect("preparedness:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.access_plan(request.user, pk, for_change=True)
    return _transition(
        request,
        plan,
        services.plan_submit,
        _("Approve “%(title)s” version %(n)s and file it with the bureau?")
        % {"title": plan.title, "n": plan.version},
        _("Approve and file"),
    )


def _review_plan(request: HttpRequest, pk: int) -> tuple[Plan, ReviewForm]:
    plan = selectors.access_plan(request.user, pk)
    if not request.user.has_perm(roles.ACKNOWLEDGE_PLAN):
        raise PermissionDenied
    return plan, ReviewForm(request.POST)


@login_required
@require_POST
def plan_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    plan, form = _review_plan(request, pk)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _transition(
        request,
        plan,
        services.plan_acknowledge,
        _("Acknowledge the filing of “%(title)s” version %(n)s? It is then frozen.")
        % {"title": plan.title, "n": plan.version},
        _("Acknowledge the filing"),
        comment=comment,
    )


@login_required
@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    plan, form = _review_plan(request, pk)
    if form.is_valid():
        try:
            services.plan_return(
                actor=request.user, plan=plan, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The plan was returned to the school."))
            return redirect("preparedness:plan_detail", pk=plan.pk)
    context = {
        "plan": plan,
        "unit": plan.unit,
        "versions": selectors.plan_versions(plan),
        "events": plan.events.select_related("actor"),
        "can_review": True,
        "review_form": form,
    }
    return render(request, "safety/preparedness/plan_detail.html", context, status=400)


# --- Teams -----------------------------------------------------------------------------------


@login_required
@require_POST
def teams_set_up(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, permission=roles.MANAGE_PREPAREDNESS)
    services.teams_set_up(actor=request.user, unit=unit)
    messages.success(request, _("The leading group and the working teams are set up."))
    return redirect("preparedness:unit", pk=unit.pk)


@login_required
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.access_team(request.user, pk, for_change=True)
    if request.user.unit_id != team.unit_id:
        raise PermissionDenied
    form = TeamMemberForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_add(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("preparedness:unit", pk=team.unit_id)
    status = 400 if request.method == "POST" else 200
    title = _("Add a member to %(team)s") % {"team": team.name}
    return _form_page(request, form, title=title, unit=team.unit, status=status)


@login_required
@require_POST
def team_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.access_team_member(request.user, pk, for_change=True)
    services.team_member_remove(actor=request.user, member=member)
    messages.success(request, _("%(name)s was taken off the team.") % {"name": member.holder.name})
    return redirect("preparedness:unit", pk=member.team.unit_id)


# --- Drills ----------------------------------------------------------------------------------


@login_required
def drill_new(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, permission=roles.RECORD_DRILL)
    if request.user.unit_id != unit.pk:
        raise PermissionDenied
    form = DrillPlanForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            drill = services.drill_plan(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The drill is planned. Record it once it has been held."))
            return redirect("preparedness:drill_detail", pk=drill.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, title=_("Plan a drill"), unit=unit, status=status)


def _drill_page(
    request: HttpRequest, drill: Drill, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    own = user.unit_id == drill.unit_id and user.has_perm(roles.RECORD_DRILL)
    context = {
        "drill": drill,
        "unit": drill.unit,
        "requirement": selectors.school_requirement(drill.unit),
        "photos": drill.photos.all(),
        "can_record": own and drill.status == Drill.Status.PLANNED,
        "can_add_problem": own and drill.status == Drill.Status.RECORDED,
        "problem_form": extra.pop("problem_form", None) or DrillProblemForm(),
        **extra,
    }
    return render(request, "safety/preparedness/drill_detail.html", context, status=status)


@login_required
def drill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _drill_page(request, selectors.access_drill(request.user, pk))


@login_required
def drill_record(request: HttpRequest, pk: int) -> HttpResponse:
    drill = selectors.access_drill(request.user, pk, for_change=True)
    if request.user.unit_id != drill.unit_id:
        raise PermissionDenied
    need = selectors.school_requirement(drill.unit)
    form = DrillRecordForm(
        request.POST or None,
        request.FILES or None,
        target_seconds=need.target_seconds,
        initial={"held_on": drill.planned_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.drill_record(actor=request.user, drill=drill, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The drill is recorded. Add the problems seen, if any."))
            return redirect("preparedness:drill_detail", pk=drill.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("Record the drill"),
        unit=drill.unit,
        status=status,
        drill=drill,
        requirement=need,
    )


@login_required
@require_POST
def drill_problem_add(request: HttpRequest, pk: int) -> HttpResponse:
    drill = selectors.access_drill(request.user, pk, for_change=True)
    form = DrillProblemForm(request.POST)
    if form.is_valid():
        try:
            services.drill_problem_add(actor=request.user, drill=drill, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The problem is recorded."))
            return redirect("preparedness:drill_detail", pk=drill.pk)
    return _drill_page(request, drill, status=400, problem_form=form)


@login_required
def drill_photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    stored = selectors.access_drill_photo(request.user, pk)
    field = stored.thumbnail if size == "thumb" else stored.image
    return file_response(field, download_name=stored.original_name or "photo", as_attachment=False)
