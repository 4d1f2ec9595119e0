"""The "make it a hazard" step of a night-patrol problem (safety.guarding's round page posts
here; the link back is the `patrol_hazard` template tag)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety import roles
from safety.guarding.selectors import access_checkpoint_record

from .. import services


@login_required
@require_POST
def patrol_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    record = access_checkpoint_record(request.user, pk)
    roles.require_permission(request.user, roles.REPORT_HAZARD)
    try:
        hazard = services.hazard_from_patrol(actor=request.user, record=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("guarding:round", pk=record.round_id)
    messages.success(request, _("The problem was reported as a hazard."))
    return redirect("inspections:hazard_detail", pk=hazard.pk)
