from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safety import roles
from safety.paging import paginate

from .. import forms, selectors, services
from ..models import Inspection


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspections = selectors.inspection_list(user=request.user)
    paged = paginate(request, inspections)
    return render(request, "inspections/inspection_list.html", paged.context())


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(roles.FILE_INSPECTION):
        raise PermissionDenied
    initial = {"school_code": request.GET.get("school", "")}
    form = forms.InspectionStartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data.get("school_code") or request.user.unit
        draw = None
        if request.GET.get("draw"):
            draw = selectors.access_draw(request.user, request.GET["draw"])
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


def _initial(inspection: Inspection, saved: dict) -> dict[str, str]:
    initial = {"summary": inspection.summary}
    for item_id, row in saved.items():
        initial |= {
            f"result_{item_id}": row.result,
            f"note_{item_id}": row.note,
            f"severity_{item_id}": row.severity,
        }
    return initial


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.access_inspection(request.user, pk)
    items = list(inspection.checklist.items.all())
    saved = {row.item_id: row for row in inspection.results.prefetch_related("photos")}
    form = None
    if inspection.is_draft and inspection.inspector_id == request.user.pk:
        initial = _initial(inspection, saved)
        form = forms.InspectionForm(items=items, saved=saved, initial=initial)
    context = {
        "inspection": inspection,
        "form": form,
        "rows": [{"item": item, "saved": saved.get(item.pk)} for item in items],
        "hazards": inspection.hazards.all() if not inspection.is_draft else [],
    }
    return render(request, "inspections/inspection_detail.html", context)


@login_required
@require_POST
def inspection_save(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.access_inspection(request.user, pk, for_change=True)
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
                ngettext(
                    "Inspection submitted; %(count)s hazard logged.",
                    "Inspection submitted; %(count)s hazards logged.",
                    len(hazards),
                )
                % {"count": len(hazards)},
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
