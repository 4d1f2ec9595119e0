"""The one step that enters a drill problem (safety.preparedness) in the hazard ledger."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety.preparedness import selectors as preparedness_selectors

from .. import forms, services


@login_required
@require_POST
def drill_problem_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    problem = preparedness_selectors.access_drill_problem(request.user, pk, for_change=True)
    form = forms.DrillProblemHazardForm(request.POST)
    back = redirect("preparedness:drill_detail", pk=problem.drill_id)
    if not form.is_valid():
        messages.error(request, _("Choose the severity of the hazard."))
        return back
    try:
        hazard = services.hazard_from_drill_problem(
            actor=request.user, problem=problem, severity=form.cleaned_data["severity"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(
        request, _("The problem is now hazard #%(pk)s in the ledger.") % {"pk": hazard.pk}
    )
    return redirect("inspections:hazard_detail", pk=hazard.pk)
