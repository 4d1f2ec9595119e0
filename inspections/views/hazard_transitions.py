"""One POST view per hazard transition: access → form → service → redirect. A refused form
re-renders the hazard page with its errors (400). The services check the permission and the
state; `access_hazard(..., for_change=True)` only turns away read-only roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety import confirm

from .. import forms, selectors, services
from ..models import Hazard
from .hazards import render_hazard_page


def _saved(request: HttpRequest, hazard: Hazard) -> HttpResponse:
    messages.success(request, _("Saved."))
    return redirect("inspections:hazard_detail", pk=hazard.pk)


def _refused(request: HttpRequest, hazard: Hazard, name: str, form: Form) -> HttpResponse:
    return render_hazard_page(request, hazard, status=400, **{name: form})


def _applied(form: Form, service: Callable[..., Hazard], **arguments: Any) -> bool:
    """Call `service` with `arguments`; a ValidationError becomes the form's error."""
    try:
        service(**arguments)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@login_required
@require_POST
def hazard_fix_on_spot(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk, for_change=True)
    form = forms.FixOnSpotForm(request.POST, request.FILES)
    if form.is_valid() and _applied(
        form,
        services.hazard_fix_on_spot,
        actor=request.user,
        hazard=hazard,
        measure=form.cleaned_data["measure"],
        photos=form.cleaned_data["photos"],
    ):
        return _saved(request, hazard)
    return _refused(request, hazard, "fix_on_spot", form)


@login_required
@require_POST
def hazard_assign(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk, for_change=True)
    form = forms.AssignForm(request.POST, hazard=hazard)
    if form.is_valid() and _applied(
        form, services.hazard_assign, actor=request.user, hazard=hazard, **form.cleaned_data
    ):
        return _saved(request, hazard)
    return _refused(request, hazard, "assign", form)


@login_required
@require_POST
def hazard_submit(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk, for_change=True)
    form = forms.SubmitForm(request.POST, request.FILES)
    if form.is_valid() and _applied(
        form,
        services.hazard_submit_rectification,
        actor=request.user,
        hazard=hazard,
        evidence=form.cleaned_data["evidence"],
        photos=form.cleaned_data["photos"],
    ):
        return _saved(request, hazard)
    return _refused(request, hazard, "submit", form)


@login_required
@require_POST
def hazard_verify(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk, for_change=True)
    form = forms.VerifyForm(request.POST)
    with transaction.atomic():
        if form.is_valid() and _applied(
            form,
            services.hazard_verify,
            actor=request.user,
            hazard=hazard,
            comment=form.cleaned_data["comment"],
        ):
            if not confirm.is_confirmed(request):
                return confirm.ask(
                    request,
                    question=_("Accept the rectification and close hazard #%(pk)s (%(title)s)?")
                    % {"pk": hazard.pk, "title": Truncator(hazard.description).chars(40)},
                    button=_("Accept and close"),
                    back_url=reverse("inspections:hazard_detail", args=[hazard.pk]),
                )
            return _saved(request, hazard)
    return _refused(request, hazard, "verify", form)


@login_required
@require_POST
def hazard_return(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk, for_change=True)
    form = forms.ReturnForm(request.POST)
    if form.is_valid() and _applied(
        form,
        services.hazard_return,
        actor=request.user,
        hazard=hazard,
        reason=form.cleaned_data["comment"],
    ):
        return _saved(request, hazard)
    return _refused(request, hazard, "return", form)


@login_required
@require_POST
def hazard_extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk, for_change=True)
    form = forms.ExtensionRequestForm(request.POST)
    if form.is_valid() and _applied(
        form,
        services.hazard_request_extension,
        actor=request.user,
        hazard=hazard,
        until=form.cleaned_data["until"],
        working_days=form.cleaned_data["working_days"],
        reason=form.cleaned_data["reason"],
    ):
        return _saved(request, hazard)
    return _refused(request, hazard, "request_extension", form)


@login_required
@require_POST
def hazard_extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk, for_change=True)
    form = forms.DecisionForm(request.POST)
    if form.is_valid() and _applied(
        form,
        services.hazard_decide_extension,
        actor=request.user,
        hazard=hazard,
        approve=form.cleaned_data["decision"] == "accept",
        comment=form.cleaned_data["comment"],
    ):
        return _saved(request, hazard)
    return _refused(request, hazard, "decide_extension", form)


@login_required
@require_POST
def hazard_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.access_hazard(request.user, pk, for_change=True)
    form = forms.ReopenForm(request.POST)
    if form.is_valid() and _applied(
        form,
        services.hazard_reopen,
        actor=request.user,
        hazard=hazard,
        reason=form.cleaned_data["reason"],
    ):
        return _saved(request, hazard)
    return _refused(request, hazard, "reopen", form)
