from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety import confirm, roles
from safety.exports import Sheet, xlsx_response
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
    ExplanationDecisionForm,
    HonoursBarFilterForm,
    IncidentFilterForm,
    IncidentReportForm,
    LateExplanationForm,
    PersonDealtWithForm,
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
    request: HttpRequest, incident: Incident, status: int = 200, *, loaded=False, **forms: Any
) -> HttpResponse:
    if not loaded:  # fetched for an action: read again with the page's joins
        incident = selectors.incident_with_timeline(incident, lists=False)
    explanation = selectors.explanation_of(incident)
    items = selectors.current_closure_items(incident)
    can = _perms(request, incident)
    # The events, the people dealt with and the blank forms' choices in one query (#23).
    lists = selectors.detail_lists(request.user, incident, choices=can["record_items"])
    closure_forms = {
        kind: forms.get(f"closure_{kind}") or _closure_form(request, incident, kind, lists=lists)
        for kind in items
    }
    context = {
        "incident": incident,
        "reports": list(incident.reports.all()),
        "events": lists.events,
        "closure_rows": [
            (ClosureItem.Kind(kind).label, kind, item, closure_forms[kind])
            for kind, item in items.items()
        ],
        "missing_items": [ClosureItem.Kind(k).label for k, item in items.items() if item is None],
        "close_form": forms.get("close_form") or CloseForm(),
        "conceal_form": forms.get("conceal_form") or ConcealForm(),
        "people_dealt_with": lists.people_dealt_with,
        "dealt_form": forms.get("dealt_form") or _dealt_form(request, incident, lists=lists),
        "explanation": explanation,
        "explanation_form": forms.get("explanation_form")
        or LateExplanationForm(has_file=bool(explanation and explanation.file)),
        "decision_form": forms.get("decision_form") or ExplanationDecisionForm(),
        "can": can,
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
        **_explanation_perms(user, incident),
    }


def _explanation_perms(user: Any, incident: Incident) -> dict[str, bool]:
    explanation = selectors.explanation_of(incident)
    if explanation is None:
        return {"explain": False, "decide_explanation": False}
    return {
        "explain": explanation.awaits_school
        and user.unit_id == incident.school_id
        and user.has_perm(roles.REPORT_INCIDENT),
        "decide_explanation": explanation.status == explanation.Status.SUBMITTED
        and (user.is_bureau_user or user.is_superuser)
        and user.has_perm(roles.ACKNOWLEDGE_INCIDENT),
    }


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_detail=True)
    return _detail(request, incident, loaded=True)


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
    request: HttpRequest,
    incident: Incident,
    kind: str,
    *,
    lists: selectors.DetailLists | None = None,
    **data: Any,
) -> ClosureItemForm:
    """The form of one closure item; a blank one shows the hazards of `lists` when read."""
    hazards = None
    if kind == ClosureItem.Kind.RECTIFICATION:
        hazards = selectors.linkable_hazards(request.user, incident.school)
    form = ClosureItemForm(kind=kind, hazards=hazards, **data)
    if "hazards" in form.fields and lists is not None:
        form.fields["hazards"].shown = lists.hazards
    return form


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


# --- accountability (责任追究, issue #19) -----------------------------------------------------


def _dealt_form(
    request: HttpRequest,
    incident: Incident,
    *,
    lists: selectors.DetailLists | None = None,
    **data: Any,
) -> PersonDealtWithForm:
    """The person-dealt-with form; a blank one shows the holders and actions of `lists`."""
    form = PersonDealtWithForm(
        holders=selectors.dealt_with_candidates(request.user, incident),
        actions=selectors.offered_actions(),
        **data,
    )
    if lists is not None:
        form.fields["holder"].shown = lists.holders
        form.fields["action"].shown = lists.actions
    return form


@login_required
@require_POST
def person_dealt_with_record(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    form = _dealt_form(request, incident, data=request.POST)
    if form.is_valid():
        try:
            services.person_dealt_with_record(
                actor=request.user, incident=incident, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recorded: %(name)s, %(action)s.")
                % {"name": form.cleaned_data["holder"].name, "action": form.cleaned_data["action"]},
            )
            return redirect(f"{incident.get_absolute_url()}#people-dealt-with")
    return _detail(request, incident, status=400, dealt_form=form)


@login_required
@require_POST
def person_dealt_with_remove(request: HttpRequest, pk: int, record: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    row = selectors.person_dealt_with_of(incident, record)
    try:
        services.person_dealt_with_remove(actor=request.user, record=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed: %(name)s.") % {"name": row.holder.name})
    return redirect(f"{incident.get_absolute_url()}#people-dealt-with")


def _honours_bar(request: HttpRequest) -> tuple[HonoursBarFilterForm, int, Any]:
    """The filter form, the year and the rows of the honours-bar list (bureaus only)."""
    roles.require_permission(request.user, roles.VIEW_JURISDICTION)
    if not (request.user.is_bureau_user or request.user.is_superuser):
        raise PermissionDenied
    this_year = timezone.localdate().year
    form = HonoursBarFilterForm(request.GET or {"year": this_year}, user=request.user)
    valid = form.is_valid()
    year = form.cleaned_data["year"] if valid else this_year
    county = form.cleaned_data.get("county") if valid else None
    return form, year, selectors.honours_barred(user=request.user, year=year, county=county)


@login_required
def honours_bar(request: HttpRequest) -> HttpResponse:
    """The people barred from honours (评优评先) in a year, for the bureau."""
    form, year, rows = _honours_bar(request)
    context = {"form": form, "year": year, "rows": list(rows), "query": request.GET.urlencode()}
    return render(request, "reporting/incidents/honours_bar.html", context)


@login_required
def honours_bar_xlsx(request: HttpRequest) -> HttpResponse:
    _form, year, records = _honours_bar(request)
    rows = (
        (
            r.holder.unit.name,
            r.holder.name,
            r.holder.job_title,
            str(r.action),
            r.dealt_on,
            r.incident.school.name,
            timezone.localtime(r.incident.occurred_at).date(),
            r.incident.summary,
            r.note,
        )
        for r in records
    )
    header = [
        _("Unit"),
        _("Name"),
        _("Job title"),
        _("Action taken"),
        _("Decided on"),
        _("School"),
        _("Occurred on"),
        _("Incident"),
        _("Note"),
    ]
    sheet = Sheet(str(year), header, rows, widths=(24, 10, 16, 14, 12, 24, 12, 36, 24))
    return xlsx_response([sheet], filename=f"评优评先限制-{year}.xlsx")


# --- the written explanation of a late report (issue #19) -------------------------------------


@login_required
@require_POST
def late_explanation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    explanation = selectors.explanation_of(incident)
    has_file = bool(explanation and explanation.file)
    form = LateExplanationForm(request.POST, request.FILES, has_file=has_file)
    if form.is_valid():
        documents = form.cleaned_data["document"]
        try:
            services.late_explanation_submit(
                actor=request.user,
                incident=incident,
                text=form.cleaned_data["text"],
                document=documents[0] if documents else None,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The explanation was submitted to the county bureau."))
            return redirect(f"{incident.get_absolute_url()}#explanation")
    return _detail(request, incident, status=400, explanation_form=form)


@login_required
@require_POST
def late_explanation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk, for_change=True)
    form = ExplanationDecisionForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.late_explanation_decide(
                actor=request.user,
                incident=incident,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            accepted, returned = (
                _("The explanation was accepted."),
                _("The explanation was returned."),
            )
            messages.success(request, accepted if accept else returned)
            return redirect(f"{incident.get_absolute_url()}#explanation")
    return _detail(request, incident, status=400, decision_form=form)


@login_required
def late_explanation_file(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.access_incident(request.user, pk)
    explanation = selectors.explanation_of(incident)
    if explanation is None or not explanation.file:
        raise Http404
    return file_response(
        explanation.file,
        download_name=explanation.original_name or "情况说明",
        as_attachment=not explanation.content_type.startswith("image/"),
    )
