"""Pages of the rectification orders (issue #18)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections import selectors as inspection_selectors
from inspections.campaigns import selectors as campaign_selectors
from inspections.models import Inspection
from safety import confirm, roles
from safety.paging import paginate
from safety.pdf import render_pdf
from safety.uploads import file_response
from safety.workdays import CalendarYearMissing

from ..incidents import selectors as incident_selectors
from . import forms, selectors, services
from .models import RectificationOrder as Order


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = forms.OrderFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    paged = paginate(request, selectors.order_list(request.user, status))
    context = {"form": form, **paged.context()}
    return render(request, "reporting/orders/index.html", context)


def _source_record(user, source: str, pk: int) -> tuple[Any, str]:
    """The record the order starts from (404 outside the jurisdiction) and its summary."""
    if source == Order.Source.HAZARD:
        hazard = inspection_selectors.access_hazard_summary(user, pk)
        return hazard, hazard.description
    if source == Order.Source.INCIDENT:
        incident = incident_selectors.access_incident(user, pk)
        return incident, incident.summary
    if source == Order.Source.SPOT_CHECK:
        inspection = inspection_selectors.access_inspection(user, pk)
        if inspection.kind not in (Inspection.Kind.SPOT_CHECK, Inspection.Kind.COUNTY):
            raise Http404
        return inspection, inspection.summary
    task = campaign_selectors.access_task(user, pk)
    return task, task.report


def _issue(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    user = request.user
    record, summary = _source_record(user, source, pk)
    if not user.has_perm(roles.SUPERVISE) or not campaign_selectors.is_bureau_user(user):
        raise PermissionDenied
    initial = {"problems": summary}
    term_error = None
    try:
        initial["deadline"] = services.suggested_deadline(user.unit, timezone.localdate())
    except CalendarYearMissing as error:
        term_error = error.messages
    form = forms.OrderForm(
        request.POST or None,
        initial=initial,
        responders=selectors.responders(record.school),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.order_issue(
                actor=user,
                source=source,
                record=record,
                problems=data["problems"],
                legal_basis=data["legal_basis"],
                requirements=data["requirements"],
                deadline=data["deadline"],
                responder=data["responder"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Rectification order %(number)s issued.") % {"number": order.number}
            )
            return redirect("orders:detail", pk=order.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "record": record,
        "school": record.school,
        "source_label": Order.Source(source).label,
        "term_error": term_error,
    }
    return render(request, "reporting/orders/order_new.html", context, status=status)


@login_required
def new_from_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue(request, Order.Source.HAZARD, pk)


@login_required
def new_from_incident(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue(request, Order.Source.INCIDENT, pk)


@login_required
def new_from_spot_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue(request, Order.Source.SPOT_CHECK, pk)


@login_required
def new_from_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue(request, Order.Source.CAMPAIGN, pk)


def _detail_context(request: HttpRequest, order: Order, **extra: Any) -> dict[str, Any]:
    user = request.user
    may_reply = (
        user.unit_id == order.school_id
        and user.has_perm(roles.ANSWER_SUPERVISION)
        and order.status in (Order.Status.ISSUED, Order.Status.RETURNED)
    )
    return {
        "order": order,
        "replies": order.replies.select_related("submitted_by", "decided_by").prefetch_related(
            "evidence"
        ),
        "may_reply": may_reply,
        "may_decide": selectors.may_decide(user, order),
        "reply_form": forms.OrderReplyForm(),
        "decision_form": forms.DecisionForm(),
    } | extra


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.access_order(request.user, pk)
    return render(request, "reporting/orders/order_detail.html", _detail_context(request, order))


@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.access_order(request.user, pk)
    content = render_pdf("reporting/orders/pdf/order.html", {"order": order})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''order-{order.pk}.pdf"
    return response


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.access_order(request.user, pk, for_change=True)
    form = forms.OrderReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.order_reply(
                actor=request.user,
                order=order,
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Reply submitted."))
            return redirect("orders:detail", pk=order.pk)
    context = _detail_context(request, order, reply_form=form)
    return render(request, "reporting/orders/order_detail.html", context, status=400)


def _decide(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    reply_obj = selectors.access_order_reply(request.user, pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if accept:
                asked = _accept_once(request, reply_obj, comment)
                if asked is not None:
                    return asked
            else:
                services.order_return(actor=request.user, reply=reply_obj, comment=comment)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Reply accepted.") if accept else _("Reply returned."))
            return redirect("orders:detail", pk=reply_obj.order_id)
    order = selectors.access_order(request.user, reply_obj.order_id)
    context = _detail_context(request, order, decision_form=form)
    return render(request, "reporting/orders/order_detail.html", context, status=400)


def _accept_once(request: HttpRequest, reply_obj, comment: str) -> HttpResponse | None:
    """Accepting closes the order: irreversible, so it asks once (safety.confirm)."""
    with transaction.atomic():
        services.order_accept(actor=request.user, reply=reply_obj, comment=comment)
        if not confirm.is_confirmed(request):
            return confirm.ask(
                request,
                question=_("Accept the rectification and close order %(number)s?")
                % {"number": reply_obj.order.number},
                button=_("Accept the rectification"),
                back_url=reverse("orders:detail", args=[reply_obj.order_id]),
            )
    return None


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=True)


@login_required
@require_POST
def return_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=False)


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_evidence(request.user, pk)
    return file_response(item.file, download_name=item.original_name, as_attachment=True)
