from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safety import roles
from safety.models import Organisation

from .. import forms, selectors, services
from ..models import SpotCheckDraw


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
    draw = selectors.access_draw(request.user, pk)
    schools = Organisation.objects.visible_to(request.user).in_bulk(draw.drawn_ids)
    reproduced = services.draw_sample(draw.candidate_ids, draw.count, draw.seed)
    context = {
        "draw": draw,
        "schools": [schools[pk] for pk in draw.drawn_ids if pk in schools],
        "reproduced": reproduced == draw.drawn_ids,
    }
    return render(request, "inspections/draw_detail.html", context)
