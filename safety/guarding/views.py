"""Pages of daily guarding, under /guarding/. Each view: access (404 outside the
jurisdiction, 403 for a role or post that may not) → form → service → redirect/render.
Pages that show pupils' names record the read in the audit trail (services.pupils_read)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safety import confirm, roles
from safety.context_processors import unread_column
from safety.exports import Sheet, xlsx_response
from safety.onerow import count_of, one_row
from safety.paging import paginate
from safety.selectors import access_unit
from safety.uploads import file_response

from . import imports, selectors, services
from .forms import (
    CheckpointRecordForm,
    DormitoryForm,
    DutyLogForm,
    FollowUpForm,
    GateDutyForm,
    GateEntryForm,
    GateSearchForm,
    LeaveDecisionForm,
    LeaveRequestForm,
    PeriodForm,
    PupilForm,
    PupilImportForm,
    ReviewForm,
    RollCallForm,
    RoomForm,
    RosterCreateForm,
    RouteForm,
    ShiftForm,
)
from .models import DutyRoster, GateDuty, Leave

T = "safety/guarding/"


def _form_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _tabs(request: HttpRequest, unit: Any) -> list[dict[str, Any]]:
    """The sub-navigation of a unit's guarding pages: only pages the user may open."""
    user = request.user
    boarding = unit.is_school and unit.is_boarding
    pupils = boarding and selectors.can_read_pupils(user, unit)
    entries = [
        (_("Overview"), "guarding:unit", True),
        (_("Duty rosters"), "guarding:rosters", True),
        (_("Duty log"), "guarding:duty_log", True),
        (_("Night patrols"), "guarding:patrols", boarding),
        (
            _("Gate register"),
            "guarding:gate",
            unit.is_school and selectors.can_read_gate(user, unit),
        ),
        (_("Gate duty"), "guarding:gate_duty", unit.is_school),
        (_("Dormitories"), "guarding:dormitories", boarding),
        (_("Boarding pupils"), "guarding:pupils", pupils),
        (_("Leave"), "guarding:leaves", pupils),
        (_("Roll call"), "guarding:roll_call", pupils),
    ]
    tabs = []
    for label, name, shown in entries:
        if shown:
            url = reverse(name, args=[unit.pk])
            tabs.append({"label": label, "url": url, "active": request.path == url})
    return tabs


def _page(request: HttpRequest, template: str, context: dict, *, status: int = 200):
    if context.get("unit") is not None:
        context["tabs"] = _tabs(request, context["unit"])
    return render(request, T + template, context, status=status)


def _own(user: Any, unit: Any) -> bool:
    return user.unit_id == unit.pk


# --- overview ------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if unit is not None and unit.is_school:
        return redirect("guarding:unit", pk=unit.pk)
    return redirect("guarding:bureau")


@login_required
def bureau(request: HttpRequest) -> HttpResponse:
    """The bureau's view: per school, the coming holiday's roster, duty logs, patrols and
    roll calls of the last seven days. Counts only, never names."""
    unit = request.user.unit
    period = selectors.coming_period(unit) if unit is not None else None
    query = (request.GET.get("q") or "").strip()[:50]
    only_gaps = request.GET.get("gaps") == "1"
    rows = selectors.bureau_rows(request.user, period=period, query=query, only_gaps=only_gaps)
    context = {
        **paginate(request, rows).context(),
        "period": period,
        "q": query,
        "gaps": only_gaps,
        "window": selectors.window(),
        "days": selectors.WINDOW_DAYS,
        "statuses": dict(DutyRoster.Status.choices),
    }
    return _page(request, "bureau.html", context)


@login_required
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk)
    context = {
        "unit": school,
        **selectors.school_summary(school),
        "days": selectors.WINDOW_DAYS,
        "can_gate": selectors.can_read_gate(request.user, school),
        "can_pupils": selectors.can_read_pupils(request.user, school),
        "statuses": dict(DutyRoster.Status.choices),
    }
    return _page(request, "unit.html", context)


# --- holidays and rosters ------------------------------------------------------------------


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    """The holidays set by the user's bureau and those above it; officials add their own."""
    own = request.user.unit
    can_set = own is not None and own.is_bureau and request.user.has_perm(roles.REVIEW_DUTY_ROSTER)
    form = PeriodForm(request.POST or None) if can_set else None
    if request.method == "POST":
        selectors.require(can_set)
        if form.is_valid():
            period = form.save(commit=False)
            period.unit = own
            try:
                services.period_save(actor=request.user, period=period)
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The holiday was saved."))
                return redirect("guarding:periods")
    rows = selectors.periods_for(own).select_related("unit") if own else []
    status = 400 if form is not None and form.errors else 200
    return _page(request, "periods.html", {"periods": rows, "form": form}, status=status)


@login_required
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.access_period(request.user, pk, for_change=True)
    selectors.require(_own(request.user, period.unit))
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_save(actor=request.user, period=form.save(commit=False))
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The holiday was saved."))
            return redirect("guarding:periods")
    return _page(
        request,
        "form.html",
        {"form": form, "title": _("Edit the holiday"), "unit": period.unit},
        status=400 if form.errors else 200,
    )


@login_required
def rosters(request: HttpRequest, pk: int) -> HttpResponse:
    owner = access_unit(request.user, pk)
    can_manage = _own(request.user, owner) and request.user.has_perm(roles.MANAGE_GUARDING)
    form = RosterCreateForm(request.POST or None, periods=selectors.periods_for(owner))
    if request.method == "POST":
        selectors.require(can_manage)
        if form.is_valid():
            data = form.cleaned_data
            try:
                roster = services.roster_create(
                    actor=request.user,
                    unit=owner,
                    kind=data["kind"],
                    start_date=data["start_date"],
                    period=data["period"],
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                return redirect("guarding:roster", pk=roster.pk)
    context = {
        "unit": owner,
        **paginate(request, selectors.roster_list(owner)).context(),
        "form": form if can_manage else None,
    }
    return _page(request, "rosters.html", context, status=400 if form.errors else 200)


def _roster_page(request: HttpRequest, roster: DutyRoster, *, status: int = 200, **forms: Any):
    user = request.user
    can_manage = (
        _own(user, roster.unit) and user.has_perm(roles.MANAGE_GUARDING) and roster.is_editable
    )
    shifts = {shift.date: shift for shift in roster.shifts.select_related("leader")}
    context = {
        "roster": roster,
        "unit": roster.unit,
        "days": [(day, shifts.get(day)) for day in roster.days()],
        "events": roster.events.select_related("actor"),
        "can_manage": can_manage,
        "can_review": (
            roster.status == DutyRoster.Status.SUBMITTED
            and user.has_perm(roles.REVIEW_DUTY_ROSTER)
            and user.unit_id == roster.unit.parent_id
        ),
        "shift_form": forms.get("shift_form")
        or ShiftForm(unit=roster.unit, initial={"date": roster.start_date}),
        "review_form": forms.get("review_form") or ReviewForm(),
        "late": bool(
            roster.period
            and roster.submitted_at
            and timezone.localtime(roster.submitted_at).date() > roster.period.deadline
        ),
    }
    return _page(request, "roster.html", context, status=status)


@login_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    return _roster_page(request, selectors.access_roster(request.user, pk))


@login_required
@require_POST
def shift_save(request: HttpRequest, pk: int) -> HttpResponse:
    roster = selectors.access_roster(request.user, pk, for_change=True)
    selectors.require(_own(request.user, roster.unit))
    form = ShiftForm(request.POST, unit=roster.unit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.shift_save(
                actor=request.user,
                roster=roster,
                day=data["date"],
                leader=data["leader"],
                leader_phone=data["leader_phone"],
                staff_name=data["staff_name"],
                staff_phone=data["staff_phone"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The day was saved."))
            return redirect("guarding:roster", pk=roster.pk)
    return _roster_page(request, roster, status=400, shift_form=form)


@login_required
@require_POST
def roster_submit(request: HttpRequest, pk: int) -> HttpResponse:
    roster = selectors.access_roster(request.user, pk, for_change=True)
    with transaction.atomic():
        try:
            services.roster_submit(actor=request.user, roster=roster)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("guarding:roster", pk=roster.pk)
        if not confirm.is_confirmed(request):
            return confirm.ask(
                request,
                question=_(
                    "Submit this holiday roster to %(bureau)s? It cannot be changed "
                    "unless the bureau returns it."
                )
                % {"bureau": roster.unit.parent},
                button=_("Submit the roster"),
                back_url=reverse("guarding:roster", args=[roster.pk]),
            )
    messages.success(request, _("The roster was submitted."))
    return redirect("guarding:roster", pk=roster.pk)


@login_required
@require_POST
def roster_review(request: HttpRequest, pk: int) -> HttpResponse:
    roster = selectors.access_roster(request.user, pk)
    roles.require_permission(request.user, roles.REVIEW_DUTY_ROSTER)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.roster_review(
                actor=request.user,
                roster=roster,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The roster was reviewed."))
            return redirect("guarding:roster", pk=roster.pk)
    return _roster_page(request, roster, status=400, review_form=form)


# --- duty log ------------------------------------------------------------------------------


@login_required
def duty_log(request: HttpRequest, pk: int) -> HttpResponse:
    owner = access_unit(request.user, pk)
    can_write = _own(request.user, owner) and request.user.has_perm(roles.RECORD_GUARDING)
    today = timezone.localdate()
    # #23: the count of logs, today's log's id and the unread notifications in one row;
    # today's log is the newest (no log is dated later), so the first page already holds it.
    logs = selectors.duty_logs(owner)
    row = one_row(
        owner.pk,
        {
            "logs_count": count_of(logs),
            "today_log": Subquery(logs.filter(date=today).values("pk")[:1]),
            "unread_notifications": unread_column(request.user),
        },
    )
    paged = paginate(request, logs, count=row["logs_count"])
    on_page = [log for log in paged.page.object_list if log.pk == row["today_log"]]
    current = on_page[0] if on_page else None
    if current is None and row["today_log"] is not None:  # a later page: read it apart
        current = logs.filter(pk=row["today_log"]).first()
    form = DutyLogForm(request.POST or None, instance=current)
    if request.method == "POST":
        selectors.require(can_write)
        if form.is_valid():
            data = {
                k: form.cleaned_data[k] for k in ("events", "visitors", "handover", "is_normal")
            }
            try:
                services.duty_log_save(
                    actor=request.user, unit=owner, day=form.cleaned_data["date"], **data
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The duty log was saved."))
                return redirect("guarding:duty_log", pk=owner.pk)
    context = {
        "unit": owner,
        "form": form if can_write else None,
        "shift": selectors.shift_on(owner, today),
        "unread_notifications": row["unread_notifications"],
        **paged.context(),
    }
    return _page(request, "duty_log.html", context, status=400 if form.errors else 200)


# --- patrols -------------------------------------------------------------------------------


@login_required
def patrols(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk)
    page = paginate(request, selectors.round_list(school))
    now = timezone.now()
    rounds = [(item, selectors.round_state(item, now)) for item in page.page.object_list]
    context = {
        "unit": school,
        "routes": selectors.routes_of(school),
        **page.context(),
        "rounds": rounds,
        "can_manage": _own(request.user, school) and request.user.has_perm(roles.MANAGE_GUARDING),
    }
    return _page(request, "patrols.html", context)


def _route_form(request: HttpRequest, school: Any, route: Any) -> HttpResponse:
    initial = {}
    if route is not None:
        initial = {
            "name": route.name,
            "round_times": " ".join(route.round_times),
            "checkpoints": "\n".join(
                point.name for point in route.checkpoints.filter(is_active=True)
            ),
        }
    form = RouteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.route_save(actor=request.user, unit=school, route=route, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The route was saved."))
            return redirect("guarding:patrols", pk=school.pk)
    title = _("Edit the patrol route") if route else _("New patrol route")
    return _page(
        request,
        "form.html",
        {"form": form, "title": title, "unit": school},
        status=400 if form.errors else 200,
    )


@login_required
def route_new(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk, permission=roles.MANAGE_GUARDING)
    selectors.require(_own(request.user, school))
    return _route_form(request, school, None)


@login_required
def route_edit(request: HttpRequest, pk: int) -> HttpResponse:
    route = selectors.access_route(request.user, pk, for_change=True)
    selectors.require(_own(request.user, route.unit))
    return _route_form(request, route.unit, route)


def _round_page(request: HttpRequest, patrol_round: Any, *, status: int = 200, form: Any = None):
    can_record = _own(request.user, patrol_round.route.unit) and request.user.has_perm(
        roles.RECORD_GUARDING
    )
    context = {
        "round": patrol_round,
        "unit": patrol_round.route.unit,
        "state": selectors.round_state(patrol_round),
        "checkpoints": selectors.round_checkpoints(patrol_round),
        "can_record": can_record and patrol_round.completed_at is None,
        "form": form,
    }
    return _page(request, "round.html", context, status=status)


@login_required
def patrol_round(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, selectors.access_round(request.user, pk))


@login_required
@require_POST
def round_record(request: HttpRequest, pk: int) -> HttpResponse:
    current = selectors.access_round(request.user, pk, for_change=True)
    selectors.require(_own(request.user, current.route.unit))
    form = CheckpointRecordForm(request.POST, request.FILES, route=current.route)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.checkpoint_record(
                actor=request.user,
                patrol_round=current,
                checkpoint=data["checkpoint"],
                result=data["result"],
                note=data["note"],
                photo=(data["photo"] or [None])[0],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("%(point)s recorded.") % {"point": data["checkpoint"]})
            return redirect("guarding:round", pk=current.pk)
    return _round_page(request, current, status=400, form=form)


@login_required
def record_photo(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.access_checkpoint_record(request.user, pk)
    if not record.photo:
        raise Http404
    return file_response(record.photo, download_name=f"patrol-{record.pk}.jpg", as_attachment=False)


# --- the gate ------------------------------------------------------------------------------


@login_required
def gate(request: HttpRequest, pk: int) -> HttpResponse:
    """The register: today's entries (or a day and a name searched), who is on campus now,
    and the form for a new entry. The school's leaders and the gate post only."""
    school = access_unit(request.user, pk)
    selectors.require(selectors.can_read_gate(request.user, school))
    form = GateEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.gate_entry_create(
                actor=request.user, unit=school, entry=form.save(commit=False)
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The entry was registered."))
            return redirect("guarding:gate", pk=school.pk)
    search = GateSearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    day = filters.get("day") or (None if filters.get("q") else timezone.localdate())
    entries = selectors.gate_entries(school, day=day, query=filters.get("q", ""))
    context = {
        "unit": school,
        "form": form,
        "search": search,
        "day": day,
        "on_campus": selectors.on_campus(school),
        **paginate(request, entries).context(),
        "retention": selectors.shown_settings(school)[0],
    }
    return _page(request, "gate.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def gate_leave(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.access_gate_entry(request.user, pk, for_change=True)
    try:
        services.gate_entry_leave(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The time out was recorded."))
    return redirect("guarding:gate", pk=entry.unit_id)


@login_required
def gate_duty(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk)
    can_write = _own(request.user, school) and request.user.has_perm(roles.RECORD_GUARDING)
    form = GateDutyForm(request.POST or None)
    if request.method == "POST":
        selectors.require(can_write)
        if form.is_valid():
            try:
                services.gate_duty_save(
                    actor=request.user, unit=school, duty=form.save(commit=False)
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Gate duty was recorded."))
                return redirect("guarding:gate_duty", pk=school.pk)
    rows = (
        GateDuty.objects.visible_to(request.user).filter(unit=school).select_related("recorded_by")
    )
    context = {
        "unit": school,
        "form": form if can_write else None,
        **paginate(request, rows).context(),
    }
    return _page(request, "gate_duty.html", context, status=400 if form.errors else 200)


# --- dormitories and pupils ----------------------------------------------------------------


@login_required
def dormitories(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk)
    is_leader = selectors.can_export_pupils(request.user, school)
    form = DormitoryForm(request.POST or None)
    if request.method == "POST":
        selectors.require(is_leader)
        if form.is_valid():
            try:
                services.dormitory_create(actor=request.user, unit=school, **form.cleaned_data)
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The dormitory was added."))
                return redirect("guarding:dormitories", pk=school.pk)
    context = {
        "unit": school,
        "dormitories": selectors.dormitories_of(school),
        "rooms": selectors.rooms_tonight(school, timezone.localdate()),
        "form": form if is_leader else None,
        "room_form": RoomForm(),
        "can_pupils": selectors.can_read_pupils(request.user, school),
    }
    return _page(request, "dormitories.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def room_create(request: HttpRequest, pk: int) -> HttpResponse:
    dormitory = selectors.access_dormitory(request.user, pk, for_change=True)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            services.room_create(actor=request.user, dormitory=dormitory, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The room was added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("guarding:dormitories", pk=dormitory.unit_id)


@login_required
def pupils(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk)
    selectors.require(selectors.can_read_pupils(request.user, school))
    query = (request.GET.get("q") or "").strip()[:50]
    page = paginate(request, selectors.pupils_of(school, query=query))
    context = {
        **page.context(),
        "unit": school,
        "q": query,
        "can_manage": selectors.can_export_pupils(request.user, school),
    }
    services.pupils_read(
        actor=request.user, unit=school, what="pupils", count=len(page.page.object_list)
    )
    return _page(request, "pupils.html", context)


@login_required
def pupil_new(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk, permission=roles.MANAGE_GUARDING)
    selectors.require(selectors.can_export_pupils(request.user, school))
    form = PupilForm(request.POST or None, unit=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_save(actor=request.user, unit=school, pupil=form.save(commit=False))
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The pupil was added."))
            return redirect("guarding:pupils", pk=school.pk)
    return _page(
        request,
        "form.html",
        {"form": form, "title": _("Add a boarding pupil"), "unit": school},
        status=400 if form.errors else 200,
    )


@login_required
def pupil_import(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk, permission=roles.MANAGE_GUARDING)
    selectors.require(selectors.can_export_pupils(request.user, school))
    form = PupilImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = imports.read_pupils(form.cleaned_data["file"].read())
            count = services.pupils_import(actor=request.user, unit=school, rows=rows)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                ngettext("%(count)s pupil was imported.", "%(count)s pupils were imported.", count)
                % {"count": count},
            )
            return redirect("guarding:pupils", pk=school.pk)
    context = {"form": form, "unit": school, "columns": imports.COLUMNS}
    return _page(request, "pupil_import.html", context, status=400 if form.errors else 200)


@login_required
def pupil_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(imports.template_sheets(), filename="寄宿生导入模板.xlsx")


@login_required
def pupil_export(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_unit(request.user, pk, permission=roles.MANAGE_GUARDING)
    selectors.require(selectors.can_export_pupils(request.user, school))
    rows = [
        [p.name, p.class_name, p.parent_phone, p.room.dormitory.name, p.room.number, p.bed]
        for p in selectors.pupils_of(school)
    ]
    services.pupils_export(actor=request.user, unit=school, count=len(rows))
    sheet = Sheet(title="寄宿生", header=imports.COLUMNS, rows=rows)
    return xlsx_response([sheet], filename=f"寄宿生-{school.name}.xlsx")


# --- leave ---------------------------------------------------------------------------------


@login_required
def leave_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The request form on a page of its own (a class teacher on a phone): the pupil choice
    lists the school's boarding pupils, a read recorded like every list of names."""
    school = access_unit(request.user, pk)
    selectors.require(selectors.can_read_pupils(request.user, school))
    form = LeaveRequestForm(request.POST or None, unit=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_request(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The leave was requested."))
            return redirect("guarding:leaves", pk=school.pk)
    services.pupils_read(actor=request.user, unit=school, what="leave_form", count=form.pupil_count)
    context = {"unit": school, "form": form}
    return _page(request, "leave_new.html", context, status=400 if form.errors else 200)


@login_required
def leaves(request: HttpRequest, pk: int) -> HttpResponse:
    """Leave requests of the school (a status or overdue filter), each with its next step."""
    school = access_unit(request.user, pk)
    selectors.require(selectors.can_read_pupils(request.user, school))
    status = request.GET.get("status", "")
    status = status if status in {*Leave.Status.values, "overdue"} else ""
    page = paginate(request, selectors.leaves_of(school, status=status))
    now = timezone.now()
    rows = [(leave, selectors.is_overdue(leave, now)) for leave in page.page.object_list]
    context = {
        **page.context(),
        "rows": rows,
        "unit": school,
        "status": status,
        "statuses": Leave.Status.choices,
        "can_decide": selectors.can_decide_leave(request.user, school),
    }
    services.pupils_read(actor=request.user, unit=school, what="leaves", count=len(rows))
    return _page(request, "leaves.html", context)


def _leave_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    leave = selectors.access_leave(request.user, pk, for_change=True)
    form = LeaveDecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if step in {"approve", "refuse"}:
            services.leave_decide(
                actor=request.user, leave=leave, approve=step == "approve", comment=comment
            )
        elif step == "depart":
            services.leave_depart(actor=request.user, leave=leave)
        else:
            services.leave_return(actor=request.user, leave=leave)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The leave was updated."))
    return redirect("guarding:leaves", pk=leave.pupil.unit_id)


@login_required
@require_POST
def leave_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _leave_step(request, pk, "approve")


@login_required
@require_POST
def leave_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _leave_step(request, pk, "refuse")


@login_required
@require_POST
def leave_depart(request: HttpRequest, pk: int) -> HttpResponse:
    return _leave_step(request, pk, "depart")


@login_required
@require_POST
def leave_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _leave_step(request, pk, "return")


# --- roll call -----------------------------------------------------------------------------


@login_required
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    """Tonight: each room marked or not, and the absences still to follow up."""
    school = access_unit(request.user, pk)
    selectors.require(selectors.can_read_pupils(request.user, school))
    absences = list(selectors.open_absences(school))
    context = {
        "unit": school,
        "rooms": selectors.rooms_tonight(school, timezone.localdate()),
        "absences": absences,
        "follow_form": FollowUpForm(),
        "limit": selectors.shown_settings(school)[1],
    }
    services.pupils_read(actor=request.user, unit=school, what="roll_call", count=len(absences))
    return _page(request, "roll_call.html", context)


@login_required
def room_roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    room = selectors.access_room(request.user, pk)
    school = room.dormitory.unit
    selectors.require(selectors.can_mark_roll_call(request.user, school))
    room_pupils = list(room.pupils.filter(is_active=True).order_by("bed"))
    form = RollCallForm(
        request.POST or None, pupils=room_pupils, away=selectors.pupils_away_on(school)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.roll_call_mark(
                actor=request.user, room=room, day=timezone.localdate(), absences=form.absences()
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Room %(room)s was marked.") % {"room": room})
            return redirect("guarding:roll_call", pk=school.pk)
    services.pupils_read(actor=request.user, unit=school, what="room", count=len(room_pupils))
    context = {"room": room, "unit": school, "form": form}
    return _page(request, "room_roll_call.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def absence_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    absence = selectors.access_absence(request.user, pk, for_change=True)
    school = absence.roll_call.room.dormitory.unit
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.absence_follow_up(actor=request.user, absence=absence, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The follow-up was recorded."))
    else:
        messages.error(request, _("Choose the outcome."))
    return redirect("guarding:roll_call", pk=school.pk)
