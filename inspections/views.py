from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety import roles
from safety.models import Organisation
from safety.scoping import get_visible_object_or_404
from safety.uploads import file_response

from . import exports, forms, selectors, services
from .models import Hazard, Inspection, Photo, SpotCheckDraw


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    form = forms.LedgerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, counts, total = selectors.ledger(user=request.user, filters=filters)
    paginator = Paginator(rows, settings.PAGE_SIZE)
    paginator.count = total  # the grouped count already gave it; saves a COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status_query = query.copy()
    status_query.pop("status", None)
    context = {
        "form": form,
        "page": page,
        "counts": [(value, label, counts[value]) for value, label in Hazard.Status.choices],
        "total_all": sum(counts.values()),
        "current_status": filters.get("status", ""),
        "query": query.urlencode(),
        "status_query": status_query.urlencode(),
        "filtered": any(value for value in filters.values()),
    }
    return render(request, "inspections/hazard_ledger.html", context)


@login_required
def ledger_export(request: HttpRequest) -> FileResponse:
    form = forms.LedgerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    handle = exports.hazard_workbook(selectors.export_rows(user=request.user, filters=filters))
    return FileResponse(handle, as_attachment=True, filename="hazard-ledger.xlsx")


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_visible_object_or_404(
        selectors.hazard_for_detail(Hazard.objects.visible_to(request.user)), request.user, pk=pk
    )
    return render(request, "inspections/hazard_detail.html", _detail_context(request, hazard))


def _detail_context(request: HttpRequest, hazard: Hazard, **bound: Any) -> dict[str, Any]:
    actions = services.available_actions(request.user, hazard)
    blank = {
        "fix_on_spot": forms.FixOnSpotForm(),
        "assign": forms.AssignForm(hazard=hazard) if "assign" in actions else None,
        "submit": forms.SubmitForm(),
        "verify": forms.DecisionForm(),
        "request_extension": forms.ExtensionRequestForm(),
        "decide_extension": forms.DecisionForm(),
        "reopen": forms.ReopenForm(),
    }
    action_forms = {name: bound.get(name) or blank[name] for name in actions}
    return {"hazard": hazard, "actions": actions, "action_forms": action_forms}


def _decision(data: dict[str, Any]) -> bool:
    return data["decision"] == "accept"


# action name → (form class, service call taking actor, hazard and the cleaned data)
ACTIONS: dict[str, tuple[Any, Callable[..., Hazard]]] = {
    "fix_on_spot": (
        forms.FixOnSpotForm,
        lambda actor, hazard, d: services.hazard_fix_on_spot(
            actor=actor, hazard=hazard, measure=d["measure"], photos=d["photos"]
        ),
    ),
    "assign": (
        forms.AssignForm,
        lambda actor, hazard, d: services.hazard_assign(actor=actor, hazard=hazard, **d),
    ),
    "submit": (
        forms.SubmitForm,
        lambda actor, hazard, d: services.hazard_submit_rectification(
            actor=actor, hazard=hazard, evidence=d["evidence"], photos=d["photos"]
        ),
    ),
    "verify": (
        forms.DecisionForm,
        lambda actor, hazard, d: services.hazard_verify(
            actor=actor, hazard=hazard, accept=_decision(d), comment=d["comment"]
        ),
    ),
    "request_extension": (
        forms.ExtensionRequestForm,
        lambda actor, hazard, d: services.hazard_request_extension(
            actor=actor, hazard=hazard, until=d["until"], reason=d["reason"]
        ),
    ),
    "decide_extension": (
        forms.DecisionForm,
        lambda actor, hazard, d: services.hazard_decide_extension(
            actor=actor, hazard=hazard, approve=_decision(d), comment=d["comment"]
        ),
    ),
    "reopen": (
        forms.ReopenForm,
        lambda actor, hazard, d: services.hazard_reopen(
            actor=actor, hazard=hazard, reason=d["reason"]
        ),
    ),
}


@login_required
@require_POST
def hazard_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    hazard = get_visible_object_or_404(
        selectors.hazard_for_detail(Hazard.objects.visible_to(request.user)), request.user, pk=pk
    )
    if action not in ACTIONS:
        raise Http404
    form_class, call = ACTIONS[action]
    extra = {"hazard": hazard} if form_class is forms.AssignForm else {}
    form = form_class(request.POST, request.FILES, **extra)
    if form.is_valid():
        try:
            call(request.user, hazard, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:hazard_detail", pk=hazard.pk)
    context = _detail_context(request, hazard, **{action: form})
    return render(request, "inspections/hazard_detail.html", context, status=400)


@login_required
def hazard_new(request: HttpRequest) -> HttpResponse:
    school = request.user.organisation
    if school is None or not school.is_school or not request.user.has_perm(roles.REPORT_HAZARD):
        raise PermissionDenied
    form = forms.HazardReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        hazard = services.hazard_report(actor=request.user, school=school, **form.cleaned_data)
        messages.success(request, _("Hazard reported."))
        return redirect("inspections:hazard_detail", pk=hazard.pk)
    return render(request, "inspections/hazard_form.html", {"form": form})


@login_required
def photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    stored = get_visible_object_or_404(Photo, request.user, pk=pk)
    field = stored.thumbnail if size == "thumb" else stored.image
    return file_response(field, download_name=stored.original_name or "photo", as_attachment=False)


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspections = selectors.inspection_list(user=request.user)
    page = Paginator(inspections, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/inspection_list.html", {"page": page})


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(roles.FILE_INSPECTION):
        raise PermissionDenied
    initial = {"school_code": request.GET.get("school", "")}
    form = forms.InspectionStartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data.get("school_code") or request.user.organisation
        draw = None
        if request.GET.get("draw"):
            draw = get_visible_object_or_404(SpotCheckDraw, request.user, pk=request.GET["draw"])
        try:
            inspection = services.inspection_start(
                actor=request.user,
                school=school,
                kind=form.cleaned_data["kind"],
                template=form.cleaned_data["template"],
                spot_check_draw=draw,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspection_new.html", {"form": form})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_object_or_404(
        Inspection.objects.visible_to(request.user).select_related(
            "school", "inspector", "checklist__template__area"
        ),
        request.user,
        pk=pk,
    )
    items = list(inspection.checklist.items.all())
    saved = {row.item_id: row for row in inspection.results.prefetch_related("photos")}
    editable = inspection.is_draft and inspection.inspector_id == request.user.pk
    form = None
    if editable:
        initial = {"summary": inspection.summary}
        for item_id, row in saved.items():
            initial |= {
                f"result_{item_id}": row.result,
                f"note_{item_id}": row.note,
                f"severity_{item_id}": row.severity,
            }
        form = forms.InspectionForm(items=items, saved=saved, initial=initial)
    rows = [{"item": item, "saved": saved.get(item.pk)} for item in items]
    context = {
        "inspection": inspection,
        "form": form,
        "rows": rows,
        "hazards": inspection.hazards.all() if not inspection.is_draft else [],
    }
    return render(request, "inspections/inspection_detail.html", context)


@login_required
@require_POST
def inspection_save(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_object_or_404(Inspection, request.user, pk=pk)
    items = list(inspection.checklist.items.all())
    form = forms.InspectionForm(request.POST, request.FILES, items=items)
    valid = form.is_valid()
    results, photos, summary = form.entered()
    try:
        services.inspection_save_draft(
            actor=request.user,
            inspection=inspection,
            results=results,
            photos=photos,
            summary=summary,
        )
        if valid and "submit" in request.POST:
            hazards = services.inspection_submit(actor=request.user, inspection=inspection)
            messages.success(
                request,
                _("Inspection submitted; %(count)s hazards logged.") % {"count": len(hazards)},
            )
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    except ValidationError as error:
        form.add_error(None, error)
        valid = False
    if valid:
        messages.success(request, _("Draft saved."))
        return redirect("inspections:inspection_detail", pk=inspection.pk)
    form.saved = {row.item_id: row for row in inspection.results.prefetch_related("photos")}
    context = {"inspection": inspection, "form": form, "rows": [], "hazards": []}
    return render(request, "inspections/inspection_detail.html", context, status=400)


@login_required
def draw_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(roles.DRAW_SPOT_CHECK):
        raise PermissionDenied
    form = forms.SpotCheckDrawForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        bureau, count = data.pop("bureau"), data.pop("count")
        try:
            draw = services.spot_check_draw(
                actor=request.user, bureau=bureau, count=count, filters=data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("inspections:draw_detail", pk=draw.pk)
    draws = SpotCheckDraw.objects.visible_to(request.user).select_related("bureau", "drawn_by")
    return render(request, "inspections/draw_new.html", {"form": form, "draws": draws[:20]})


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_visible_object_or_404(
        SpotCheckDraw.objects.visible_to(request.user).select_related("bureau", "drawn_by"),
        request.user,
        pk=pk,
    )
    schools = Organisation.objects.visible_to(request.user).in_bulk(draw.drawn_ids)
    context = {
        "draw": draw,
        "schools": [schools[pk] for pk in draw.drawn_ids if pk in schools],
        "reproduced": services.draw_sample(draw.candidate_ids, draw.count, draw.seed)
        == draw.drawn_ids,
    }
    return render(request, "inspections/draw_detail.html", context)
