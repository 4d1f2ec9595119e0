from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety import confirm, roles
from safety.models import Organisation
from safety.paging import paginate
from safety.tables import sorted_page
from safety.uploads import file_response

from . import selectors, services
from .forms import (
    BureauRecordForm,
    CloseForm,
    ClosureItemForm,
    CommentForm,
    ConcealForm,
    IncidentFilterForm,
    IncidentReportForm,
)
from .models import ClosureItem, Incident, IncidentReport
from .tables import IncidentTable

Kind = IncidentReport.Kind


def _facts(form: IncidentReportForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in services.FACT_FIELDS}


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    incidents = selectors.incident_list(user=request.user, filters=filters)
    table = None
    if request.user.is_bureau_user:  # #20: a sortable table at desktop width
        table, paged = sorted_page(request, IncidentTable, incidents)
    else:
        paged = paginate(request, incidents)
    context = {
        "form": form,
        "table": table,
        **paged.context(),
        "filtered": any(filters.values()) if filters else False,
        "may_report": request.user.has_perm(roles.REPORT_INCIDENT),
    }
    return render(request, "reporting/incidents/incident_list.html", context)


@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    """A school's initial report, or a bureau's record of an incident it learned of."""
    roles.require_permission(request.user, roles.REPORT_INCIDENT)
    unit = request.user.unit
    by_bureau = unit is not None and unit.is_bureau
    initial = {"reporter_name": request.user.display_name, "reporter_phone": request.user.phone}
    if by_bureau:
        form = BureauRecordForm(
            request.POST or None, request.FILES or None, user=request.user, initial=initial
        )
    else:
        form = IncidentReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if by_bureau:
                incident = services.incident_record(
                    actor=request.user,
                    school=form.cleaned_data["school"],
                    source_note=form.cleaned_data["source_note"],
                    facts=_facts(form),
                    attachments=form.cleaned_data["attachments"],
                )
            else:
                incident = services.incident_report(
                    actor=request.user,
                    facts=_facts(form),
                    attachments=form.cleaned_data["attachments"],
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The incident was reported to the county bureau."))
            return redirect("incidents:incident_detail", pk=incident.pk)
    return render(
        request, "reporting/incidents/incident_form.html", {"form": form, "by_bureau": by_bureau}
    )


@login_required
def incident_add_report(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    if kind not in (Kind.FOLLOW_UP, Kind.WRITTEN):
        raise Http404
    latest = selectors.latest_report(incident)
    initial = {name: getattr(latest, name) for name in services.FACT_FIELDS} if latest else {}
    initial["reporter_name"] = request.user.display_name
    initial["reporter_phone"] = request.user.phone or initial.get("reporter_phone", "")
    form = IncidentReportForm(
        request.POST or None, request.FILES or None, kind=kind, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_add_report(
                actor=request.user,
                incident=incident,
                kind=kind,
                facts=_facts(form),
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The report was submitted."))
            return redirect("incidents:incident_detail", pk=incident.pk)
    context = {"form": form, "incident": incident, "kind_label": Kind(kind).label}
    return render(request, "reporting/incidents/incident_form.html", context)


def _detail(
    request: HttpRequest, incident: Incident, status: int = 200, **forms: Any
) -> HttpResponse:
    incident = selectors.incident_with_timeline(incident)
    items = selectors.current_closure_items(incident)
    closure_forms = {
        kind: forms.get(f"closure_{kind}") or _closure_form(request, incident, kind)
        for kind in items
    }
    context = {
        "incident": incident,
        "reports": list(incident.reports.all()),
        "events": list(incident.events.all()),
        "closure_rows": [
            (ClosureItem.Kind(kind).label, kind, item, closure_forms[kind])
            for kind, item in items.items()
        ],
        "missing_items": [ClosureItem.Kind(k).label for k, item in items.items() if item is None],
        "close_form": forms.get("close_form") or CloseForm(),
        "conceal_form": forms.get("conceal_form") or ConcealForm(),
        "can": _perms(request, incident),
    }
    return render(request, "reporting/incidents/incident_detail.html", context, status=status)


def _perms(request: HttpRequest, incident: Incident) -> dict[str, bool]:
    user = request.user
    bureau = user.is_bureau_user or user.is_superuser
    open_ = not incident.is_closed
    return {
        "report": open_ and user.has_perm(roles.REPORT_INCIDENT),
        "written": open_
        and incident.written_reported_at is None
        and user.has_perm(roles.REPORT_INCIDENT),
        "acknowledge": bureau
        and user.has_perm(roles.ACKNOWLEDGE_INCIDENT)
        and incident.status == Incident.Status.REPORTED,
        "forward": bureau
        and user.has_perm(roles.ACKNOWLEDGE_INCIDENT)
        and incident.status == Incident.Status.ACKNOWLEDGED
        and incident.school.parent.kind == Organisation.Kind.COUNTY,
        "record_items": bureau and user.has_perm(roles.CLOSE_INCIDENT) and open_,
        "close": bureau
        and user.has_perm(roles.CLOSE_INCIDENT)
        and open_
        and incident.status != Incident.Status.REPORTED,
        "conceal": bureau and user.has_perm(roles.CLOSE_INCIDENT) and not incident.is_concealed,
    }


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.access_incident(request.user, pk))


def _simple_action(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        service(actor=request.user, incident=incident, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("incidents:incident_detail", pk=incident.pk)


@login_required
@require_POST
def incident_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_action(
        request, pk, services.incident_acknowledge, _("The incident was acknowledged.")
    )


@login_required
@require_POST
def incident_forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_action(
        request, pk, services.incident_forward, _("The incident was forwarded to the city bureau.")
    )


@login_required
@require_POST
def incident_conceal(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    form = ConcealForm(request.POST)
    with transaction.atomic():
        if form.is_valid():
            try:
                services.incident_mark_concealed(
                    actor=request.user, incident=incident, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if not confirm.is_confirmed(request):
                    return confirm.ask(
                        request,
                        question=_("Mark this incident as concealed?"),
                        button=_("Mark as concealed"),
                        back_url=incident.get_absolute_url(),
                    )
                messages.success(request, _("The incident was marked as concealed."))
                return redirect("incidents:incident_detail", pk=incident.pk)
    return _detail(request, incident, status=400, conceal_form=form)


def _closure_form(
    request: HttpRequest, incident: Incident, kind: str, **data: Any
) -> ClosureItemForm:
    hazards = None
    if kind == ClosureItem.Kind.RECTIFICATION:
        hazards = selectors.linkable_hazards(request.user, incident.school)
    return ClosureItemForm(kind=kind, hazards=hazards, **data)


@login_required
@require_POST
def closure_item_record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    if kind not in ClosureItem.Kind.values:
        raise Http404
    form = _closure_form(request, incident, kind, data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            services.closure_item_record(
                actor=request.user,
                incident=incident,
                kind=kind,
                text=form.cleaned_data["text"],
                people=form.cleaned_data.get("people", ""),
                held_on=form.cleaned_data.get("held_on"),
                attachments=form.cleaned_data.get("attachments", []),
                hazards=form.cleaned_data.get("hazards", []),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, _("Recorded: %(item)s.") % {"item": ClosureItem.Kind(kind).label}
            )
            return redirect(f"{incident.get_absolute_url()}#closure")
    return _detail(request, incident, status=400, **{f"closure_{kind}": form})


@login_required
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    form = CloseForm(request.POST)
    with transaction.atomic():
        if form.is_valid():
            try:
                services.incident_close(
                    actor=request.user,
                    incident=incident,
                    is_liability=form.cleaned_data["is_liability"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if not confirm.is_confirmed(request):
                    return confirm.ask(
                        request,
                        question=_("Close this incident? It cannot be re-opened."),
                        button=_("Close the incident"),
                        back_url=incident.get_absolute_url(),
                    )
                messages.success(request, _("The incident was closed."))
                return redirect("incidents:incident_detail", pk=incident.pk)
    return _detail(request, incident, status=400, close_form=form)


@login_required
@require_POST
def incident_file_request(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk)
    services.incident_file_request(actor=request.user, incident=incident)
    messages.info(request, _("The incident file is being prepared; it appears here when ready."))
    return redirect("incidents:incident_detail", pk=incident.pk)


@login_required
def incident_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk)
    if not incident.file_pdf:
        raise Http404
    name = f"事故档案-{incident.school.name}-{incident.pk}.pdf"
    return file_response(incident.file_pdf, download_name=name, as_attachment=True)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.access_incident_attachment(request.user, pk)
    thumbnail = request.GET.get("thumb") and attachment.thumbnail
    return file_response(
        attachment.thumbnail if thumbnail else attachment.file,
        download_name=attachment.original_name,
        as_attachment=not attachment.is_image,
    )
