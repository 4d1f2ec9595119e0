from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reporting.incidents.models import Incident
from safety import confirm, roles
from safety.exportviews import export_start
from safety.paging import paginate
from safety.pdf import render_pdf
from safety.uploads import file_response

from . import exports, selectors, services
from .forms import (
    ApplicationForm,
    BusForm,
    CalendarForm,
    DecisionForm,
    DriverForm,
    EscortForm,
    ListFilterForm,
    RegisterFilterForm,
    RouteForm,
    SummaryForm,
    VehicleFormSet,
    vehicle_initial,
)
from .models import Activity, ActivityApproval, ActivityEvent, ActivityVersion
from .models import ActivityKind as Kind

Decision = ActivityApproval.Decision
PDF_TEMPLATE = "reporting/activities/pdf/application.html"


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    paged = paginate(request, selectors.activity_list(request.user, filters))
    context = {
        "form": form,
        **paged.context(),
        "can_apply": _may_apply(request.user),
        "awaiting": selectors.awaiting_count(request.user)
        if request.user.has_perm(roles.APPROVE_ACTIVITY)
        else 0,
    }
    return render(request, "reporting/activities/activity_list.html", context)


def _may_apply(user: Any) -> bool:
    return user.unit is not None and user.unit.is_school and user.has_perm(roles.APPLY_ACTIVITY)


def _application_page(request, school, activity, form, vehicles, status=200) -> HttpResponse:
    context = {"school": school, "activity": activity, "form": form, "vehicles": vehicles}
    return render(request, "reporting/activities/activity_form.html", context, status=status)


def _save_application(request: HttpRequest, school: Any, activity: Activity | None):
    """Validate and save the posted application; the page again (400) when refused."""
    form = ApplicationForm(request.POST, request.FILES, instance=activity, school=school)
    # A post without the vehicle rows (no management form) carries no vehicle.
    posted = "vehicles-TOTAL_FORMS" in request.POST
    vehicles = VehicleFormSet(request.POST if posted else None, school=school, prefix="vehicles")
    valid = form.is_valid() & (not posted or vehicles.is_valid())
    if valid and posted:
        vehicles.check_rules(form.cleaned_data.get("starts_at"))
        valid = all(not f.errors for f in vehicles.forms)
    if not valid:
        return _application_page(request, school, activity, form, vehicles, status=400)
    fields = {name: form.cleaned_data.get(name) for name in services.DRAFT_FIELDS}
    document = (form.cleaned_data.get("plan_files") or [None])[0]
    try:
        saved = services.activity_save_draft(
            actor=request.user,
            school=school,
            activity=activity,
            fields=fields,
            vehicles=vehicles.vehicles(),
            document=document,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _application_page(request, school, activity, form, vehicles, status=400)
    messages.success(request, _("The application was saved. Check it, then submit it."))
    return redirect("activities:detail", pk=saved.pk)


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    if not _may_apply(request.user):
        raise PermissionDenied
    school = request.user.unit
    if request.method == "POST":
        return _save_application(request, school, None)
    form = ApplicationForm(school=school)
    vehicles = VehicleFormSet(school=school, prefix="vehicles")
    return _application_page(request, school, None, form, vehicles)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, for_change=True)
    if not activity.is_editable:
        messages.error(request, _("This application has been submitted and cannot be changed."))
        return redirect("activities:detail", pk=pk)
    if request.method == "POST":
        return _save_application(request, activity.school, activity)
    form = ApplicationForm(instance=activity, school=activity.school)
    vehicles = VehicleFormSet(
        school=activity.school, prefix="vehicles", initial=vehicle_initial(activity)
    )
    return _application_page(request, activity.school, activity, form, vehicles)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk)
    user = request.user
    steps = Prefetch(
        "approvals",
        queryset=ActivityApproval.objects.visible_to(user)
        .select_related("unit", "decided_by")
        .order_by("order"),
    )
    versions = list(
        ActivityVersion.objects.visible_to(user)
        .filter(activity=activity)
        .select_related("submitted_by")
        .prefetch_related(steps)
    )
    latest = next((v for v in versions if v.pk == activity.latest_version_id), None)
    chain = list(latest.approvals.all()) if latest else []
    step = next((row for row in chain if not row.decision), None)
    context = {
        "activity": activity,
        "vehicles": list(activity.vehicles.all()),
        "chain": chain,
        "step": step,
        "may_decide": activity.status == Activity.Status.PENDING
        and selectors.may_decide(user, step),
        "decision_form": DecisionForm(),
        "own": user.unit_id == activity.school_id and user.has_perm(roles.APPLY_ACTIVITY),
        "versions": versions,
        "events": ActivityEvent.objects.visible_to(user)
        .filter(activity=activity)
        .select_related("actor"),
        "now": timezone.now(),
    }
    return render(request, "reporting/activities/activity_detail.html", context)


@login_required
@require_POST
def activity_submit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, for_change=True)
    back = reverse("activities:detail", args=[pk])
    try:
        with transaction.atomic():
            services.activity_submit(actor=request.user, activity=activity)
            if not confirm.is_confirmed(request):
                return confirm.ask(
                    request,
                    question=_(
                        "Submit “%(title)s” for approval? It can no longer be changed "
                        "unless an approver returns it."
                    )
                    % {"title": activity.title},
                    button=_("Submit for approval"),
                    back_url=back,
                )
        messages.success(request, _("The application was submitted for approval."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)


def _decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    activity = selectors.access_activity_for_decision(request.user, pk)
    form = DecisionForm(request.POST, decision=decision)
    back = reverse("activities:detail", args=[pk])
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    comment = form.cleaned_data["comment"]
    try:
        with transaction.atomic():
            services.activity_decide(
                actor=request.user, activity=activity, decision=decision, comment=comment
            )
            if decision == Decision.REJECTED and not confirm.is_confirmed(request):
                return confirm.ask(
                    request,
                    question=_("Reject “%(title)s”? The school cannot resubmit it.")
                    % {"title": activity.title},
                    button=_("Reject the application"),
                    back_url=back,
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    done = {
        Decision.APPROVED: _("You approved the application."),
        Decision.RETURNED: _("The application was returned to the school."),
        Decision.REJECTED: _("The application was rejected."),
    }
    messages.success(request, done[Decision(decision)])
    return redirect(back)


@login_required
@require_POST
def activity_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, Decision.APPROVED)


@login_required
@require_POST
def activity_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, Decision.RETURNED)


@login_required
@require_POST
def activity_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, Decision.REJECTED)


@login_required
@require_POST
def activity_held(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, for_change=True)
    try:
        services.activity_mark_held(actor=request.user, activity=activity)
        messages.success(request, _("The activity was marked as held. File the summary."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("activities:detail", pk=pk)


@login_required
def activity_summary(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, for_change=True)
    incidents = Incident.objects.visible_to(request.user).filter(school=activity.school)
    initial = {
        "outcome": activity.summary_outcome,
        "text": activity.summary_text,
        "incident": activity.summary_incident_id,
    }
    form = SummaryForm(request.POST or None, incidents=incidents, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.activity_file_summary(
                    actor=request.user,
                    activity=activity,
                    outcome=form.cleaned_data["outcome"],
                    text=form.cleaned_data["text"],
                    incident=form.cleaned_data["incident"],
                )
                messages.success(request, _("The summary was filed."))
                return redirect("activities:detail", pk=pk)
            except ValidationError as error:
                form.add_error(None, error)
        status = 400
    context = {"activity": activity, "form": form}
    return render(request, "reporting/activities/summary_form.html", context, status=status)


def pdf_context(activity: Activity) -> dict[str, Any]:
    version = activity.latest_version
    data = version.data
    return {
        "activity": activity,
        "version": version,
        "data": data,
        "starts_at": datetime.datetime.fromisoformat(data["starts_at"]),
        "ends_at": datetime.datetime.fromisoformat(data["ends_at"]),
        "kind_label": dict(Kind.choices).get(activity.kind, activity.kind),
        "transport_label": dict(Activity.Transport.choices).get(activity.transport, ""),
        "chain": selectors.chain_rows(version),
        "printed_at": timezone.now(),
    }


@login_required
def activity_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk)
    if activity.latest_version is None:
        raise Http404
    pdf = render_pdf(PDF_TEMPLATE, pdf_context(activity))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def plan_document(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk)
    if not activity.plan_document:
        raise Http404
    name = f"{activity.title}-安全预案"
    return file_response(activity.plan_document, download_name=name, as_attachment=False)


# --- calendar -------------------------------------------------------------------------------


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(roles.VIEW_JURISDICTION):
        raise PermissionDenied
    form = CalendarForm(request.GET or None, user=request.user)
    form.is_valid()
    # The filters that are valid apply (a bureau outside the user's jurisdiction as `parent`
    # is dropped, the day chosen stays).
    filters = getattr(form, "cleaned_data", {})
    view, first, last, step = exports.calendar_window(filters)
    summary, rows, days, paged = [], [], [], None
    summarised = selectors.calendar_summarised(request.user, filters)
    if summarised:
        summary = selectors.calendar_summary(request.user, first=first, last=last, filters=filters)
    else:
        window = selectors.calendar_rows(request.user, first=first, last=last, filters=filters)
        if view == "week":
            # Each day shows its first activities and links to the day for the others.
            days = selectors.calendar_days(list(window), first, last, limit=selectors.DAY_LIMIT)
        else:
            # A day or the 31 days' list: paged like every list.
            paged = paginate(request, window)
            rows = list(paged.page.object_list)
            if view == "day":
                days = selectors.calendar_days(rows, first, last)
    query = request.GET.copy()
    query.pop("page", None)
    links = {}
    for name, offset in (("previous", -step), ("next", step), ("today", None)):
        query["day"] = (first + datetime.timedelta(days=offset)).isoformat() if offset else ""
        links[name] = query.urlencode()
    context = {
        "form": form,
        "view": view,
        "first": first,
        "last": last,
        "rows": rows,
        "summarised": summarised,
        "summary": summary,
        "drill_query": _without(request.GET, "county", "parent", "view", "day", "page"),
        "day_query": _without(request.GET, "view", "day", "page"),
        "days": days,
        **(paged.context() if paged else {}),
        "links": links,
        "today": timezone.localdate(),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "reporting/activities/calendar.html", context)


def _without(query, *names: str) -> str:
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@login_required
def calendar_export(request: HttpRequest) -> HttpResponse:
    """The calendar's activities as a spreadsheet: a background export (exports.CALENDAR)."""
    return export_start(request, exports.CALENDAR.name)


# --- the school-bus register ------------------------------------------------------------------


@login_required
def bus_register(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school_for_activities(request.user, pk)
    register = selectors.register_of(school)
    context = {
        "school": school,
        **register,
        "gaps": selectors.school_register_gaps(
            school, buses=register["buses"], drivers=register["drivers"]
        ),
        "today": timezone.localdate(),
        "may_edit": request.user.unit_id == school.pk
        and request.user.has_perm(roles.MANAGE_SCHOOL_BUSES),
    }
    return render(request, "reporting/activities/bus_register.html", context)


REGISTER_FORMS = {
    "bus": (BusForm, _("school bus")),
    "driver": (DriverForm, _("driver")),
    "escort": (EscortForm, _("escort")),
    "route": (RouteForm, _("route")),
}
REGISTER_ACCESS = {
    "bus": selectors.access_bus,
    "driver": selectors.access_driver,
    "escort": selectors.access_escort,
    "route": selectors.access_route,
}


def _register_form(request: HttpRequest, kind: str, school: Any, instance: Any) -> HttpResponse:
    form_class, noun = REGISTER_FORMS[kind]
    extra = {"school": school} if kind == "route" else {}
    form = form_class(request.POST or None, instance=instance, **extra)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form_class.Meta.fields}
            try:
                services.register_save(
                    actor=request.user, school=school, instance=form.instance, fields=fields
                )
                messages.success(request, _("The school-bus register was saved."))
                return redirect("activities:bus_register", pk=school.pk)
            except ValidationError as error:
                form.add_error(None, error)
        status = 400
    context = {"school": school, "form": form, "noun": noun, "instance": instance}
    return render(request, "reporting/activities/register_form.html", context, status=status)


def _register_new(kind: str):
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        school = selectors.access_school_for_activities(request.user, pk, for_change=True)
        return _register_form(request, kind, school, None)

    view.__name__ = f"{kind}_new"
    return view


def _register_edit(kind: str):
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        row = REGISTER_ACCESS[kind](request.user, pk, for_change=True)
        return _register_form(request, kind, row.school, row)

    view.__name__ = f"{kind}_edit"
    return view


bus_new, bus_edit = _register_new("bus"), _register_edit("bus")
driver_new, driver_edit = _register_new("driver"), _register_edit("driver")
escort_new, escort_edit = _register_new("escort"), _register_edit("escort")
route_new, route_edit = _register_new("route"), _register_edit("route")


DRIVERS_SHOWN = 200


@login_required
def buses(request: HttpRequest) -> HttpResponse:
    """The jurisdiction's buses and drivers in service, with their documents (the county's
    view of the register and its gaps)."""
    if not request.user.has_perm(roles.VIEW_JURISDICTION):
        raise PermissionDenied
    form = RegisterFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    register = selectors.jurisdiction_register(request.user, filters)
    paged = paginate(request, register["buses"])
    drivers = list(register["drivers"][: DRIVERS_SHOWN + 1])
    context = {
        "form": form,
        **paged.context(),
        "drivers": drivers[:DRIVERS_SHOWN],
        "more_drivers": len(drivers) > DRIVERS_SHOWN,
        # What the dashboard's tile counts: the buses listed and the drivers.
        "register_total": paged.page.paginator.count + len(drivers[:DRIVERS_SHOWN]),
        "today": register["day"],
    }
    return render(request, "reporting/activities/buses.html", context)
