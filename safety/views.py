from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import imports, notifications, roles, security, selectors, services
from .forms import (
    AssignmentEndForm,
    AssignmentForm,
    CertificateForm,
    CoverageFilterForm,
    HandoverForm,
    HolderForm,
    ImportUploadForm,
    LetterSignForm,
    SchoolFilterForm,
    SchoolYearForm,
)
from .models import (
    Assignment,
    Certificate,
    Holder,
    Notification,
    Organisation,
    ResponsibilityLetter,
    User,
    current_school_year,
)
from .scoping import get_visible_object_or_404
from .uploads import file_response


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    form = SchoolFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    schools = selectors.school_list(user=request.user, filters=filters)
    page = Paginator(schools, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)}
    return render(request, "safety/school_list.html", context)


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_visible_object_or_404(
        Organisation, request.user, pk=pk, kind=Organisation.Kind.SCHOOL
    )
    context = {
        "school": school,
        "accounts": selectors.school_accounts(school),
        "gap_count": selectors.school_gap_count(school),
    }
    return render(request, "safety/school_detail.html", context)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.visible_to(request.user)
    if request.GET.get("unread"):
        notifications = notifications.unread()
    page = Paginator(notifications, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = "unread=1" if request.GET.get("unread") else ""
    context = {"page": page, "query": query, "unread_only": bool(request.GET.get("unread"))}
    return render(request, "safety/notification_list.html", context)


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_visible_object_or_404(Notification, request.user, pk=pk)
    notifications.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notification_list")
    return redirect(target)


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications.notification_mark_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notification_list")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = services.user_password_change(
            account=request.user,
            new_password=form.cleaned_data["new_password1"],
            session=request.session,
        )
        security.logger.info(
            "password changed user=%s ip=%s other_sessions_ended=%s",
            request.user.username,
            security.client_address(request),
            ended,
        )
        messages.success(
            request,
            _("Your password was changed. You stay signed in here; other devices were signed out."),
        )
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form})


# --- The responsibility system (安全责任制) ----------------------------------------------------


def _require_manager(user: User) -> None:
    """Read-only roles see the pages but not the forms (403 inside the jurisdiction)."""
    roles.require_permission(user, roles.MANAGE_RESPONSIBILITIES)


def _form_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _new_holder_fields(data: dict[str, Any]) -> dict[str, str]:
    return {
        "name": data.get("new_holder_name") or "",
        "phone": data.get("new_holder_phone") or "",
        "job_title": data.get("new_holder_title") or "",
    }


def _form_page(request: HttpRequest, form: Any, *, title: str, unit: Organisation, **extra: Any):
    context = {"form": form, "title": title, "unit": unit, **extra}
    return render(request, "safety/responsibility_form.html", context)


@login_required
def responsibility_home(request: HttpRequest) -> HttpResponse:
    unit = request.user.organisation
    if unit is not None and unit.is_school:
        return redirect("unit_coverage", pk=unit.pk)
    return redirect("coverage_grid")


@login_required
def coverage_grid(request: HttpRequest) -> HttpResponse:
    form = CoverageFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.coverage_grid(user=request.user, filters=filters)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "areas": selectors.active_areas(),
        "total_gaps": sum(row.gap_count for row in rows),
        "schools_with_gaps": sum(1 for row in rows if row.gap_count),
        "school_year": current_school_year(),
        "unit": request.user.organisation,
        "can_manage": request.user.has_perm(roles.MANAGE_RESPONSIBILITIES),
    }
    return render(request, "safety/coverage_grid.html", context)


@login_required
def unit_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_object_or_404(Organisation, request.user, pk=pk)
    context = {
        "unit": unit,
        "coverage": selectors.school_coverage(unit),
        "can_manage": request.user.has_perm(roles.MANAGE_RESPONSIBILITIES),
        "year_form": SchoolYearForm(initial={"school_year": current_school_year()}),
    }
    return render(request, "safety/unit_coverage.html", context)


@login_required
def holder_list(request: HttpRequest) -> HttpResponse:
    holders = Holder.objects.visible_to(request.user).select_related("unit", "user")
    query = (request.GET.get("q") or "").strip()
    if query:
        holders = holders.filter(
            Q(name__icontains=query) | Q(phone__startswith=query) | Q(unit__name__icontains=query)
        )
    holders = holders.annotate(
        current_posts=Count("assignments", filter=Q(assignments__end_date__isnull=True))
    ).order_by("name_sort_key", "id")  # Meta.ordering does not survive the aggregate
    page = Paginator(holders, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": query, "query": f"q={query}" if query else ""}
    return render(request, "safety/holder_list.html", context)


@login_required
def holder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_visible_object_or_404(
        Holder.objects.visible_to(request.user).select_related("unit", "user"), request.user, pk=pk
    )
    context = {
        "holder": holder,
        "certificates": holder.certificates.all(),
        "assignments": holder.assignments.select_related("post").order_by("-start_date"),
        "today": timezone.localdate(),
        "can_manage": request.user.has_perm(roles.MANAGE_RESPONSIBILITIES),
    }
    return render(request, "safety/holder_detail.html", context)


@login_required
def holder_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_object_or_404(Organisation, request.user, pk=pk)
    _require_manager(request.user)
    form = HolderForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            holder = services.holder_save(
                actor=request.user, holder=form.instance, changed_fields=form.changed_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The holder was saved."))
            return redirect("holder_detail", pk=holder.pk)
    return _form_page(request, form, title=_("New responsibility holder"), unit=unit)


@login_required
def holder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_visible_object_or_404(
        Holder.objects.visible_to(request.user).select_related("unit"), request.user, pk=pk
    )
    _require_manager(request.user)
    form = HolderForm(request.POST or None, instance=holder, unit=holder.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.holder_save(
                actor=request.user, holder=form.instance, changed_fields=form.changed_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The holder was saved."))
            return redirect("holder_detail", pk=holder.pk)
    return _form_page(
        request, form, title=_("Edit %(name)s") % {"name": holder.name}, unit=holder.unit
    )


@login_required
def certificate_create(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_visible_object_or_404(
        Holder.objects.visible_to(request.user).select_related("unit"), request.user, pk=pk
    )
    _require_manager(request.user)
    form = CertificateForm(request.POST or None, instance=Certificate(holder=holder))
    if request.method == "POST" and form.is_valid():
        services.certificate_save(
            actor=request.user, certificate=form.instance, changed_fields=form.changed_data
        )
        messages.success(request, _("The certificate was saved."))
        return redirect("holder_detail", pk=holder.pk)
    title = _("New certificate of %(name)s") % {"name": holder.name}
    return _form_page(request, form, title=title, unit=holder.unit)


@login_required
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_object_or_404(Organisation, request.user, pk=pk)
    _require_manager(request.user)
    initial = {
        "start_date": timezone.localdate(),
        "post": request.GET.get("post"),
        "areas": request.GET.getlist("area"),
    }
    form = AssignmentForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create_with_holder(
                actor=request.user,
                unit=unit,
                holder=data["holder"],
                new_holder=_new_holder_fields(data),
                post=data["post"],
                start_date=data["start_date"],
                areas=data["areas"] or None,
                note=data["note"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now holds %(post)s.")
                % {"name": assignment.holder.name, "post": assignment.post.name},
            )
            return redirect("unit_coverage", pk=unit.pk)
    return _form_page(request, form, title=_("Assign a post"), unit=unit)


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_visible_object_or_404(
        Assignment.objects.visible_to(request.user).select_related(
            "unit", "post", "holder", "handed_over_from__holder"
        ),
        request.user,
        pk=pk,
    )
    letters = assignment.letters.prefetch_related("events__actor").order_by("-school_year")
    year = current_school_year()
    context = {
        "assignment": assignment,
        "areas": assignment.areas.all(),
        "letters": letters,
        "successor": getattr(assignment, "handed_over_to", None),
        "is_current": assignment.is_current(),
        "has_year_letter": any(letter.school_year == year for letter in letters),
        "school_year": year,
        "can_manage": request.user.has_perm(roles.MANAGE_RESPONSIBILITIES),
    }
    return render(request, "safety/assignment_detail.html", context)


@login_required
def assignment_handover(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_visible_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("unit", "post", "holder"),
        request.user,
        pk=pk,
    )
    _require_manager(request.user)
    form = HandoverForm(
        request.POST or None, assignment=assignment, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            successor = services.assignment_handover_with_holder(
                actor=request.user,
                assignment=assignment,
                new_holder=data["new_holder"],
                new_holder_fields=_new_holder_fields(data),
                on=data["on"],
                note=data["note"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The post was handed over."))
            return redirect("assignment_detail", pk=successor.pk)
    title = _("Hand over %(post)s from %(name)s") % {
        "post": assignment.post.name,
        "name": assignment.holder.name,
    }
    return _form_page(request, form, title=title, unit=assignment.unit)


@login_required
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_visible_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("unit", "post", "holder"),
        request.user,
        pk=pk,
    )
    _require_manager(request.user)
    form = AssignmentEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_end(
                actor=request.user,
                assignment=assignment,
                end_date=form.cleaned_data["end_date"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The assignment was ended."))
            return redirect("assignment_detail", pk=assignment.pk)
    title = _("End %(post)s of %(name)s") % {
        "post": assignment.post.name,
        "name": assignment.holder.name,
    }
    return _form_page(request, form, title=title, unit=assignment.unit)


@login_required
@require_POST
def letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_visible_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("unit"), request.user, pk=pk
    )
    try:
        services.letter_issue(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The responsibility letter was issued."))
    return redirect("assignment_detail", pk=assignment.pk)


@login_required
@require_POST
def letters_bulk_issue(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_object_or_404(Organisation, request.user, pk=pk)
    _require_manager(request.user)
    form = SchoolYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("school_year", [])))
    elif unit.is_school:
        count = services.letters_issue_bulk(
            actor=request.user, unit=unit, school_year=form.cleaned_data["school_year"]
        )
        messages.success(request, _("%(count)s letters issued.") % {"count": count})
    else:
        services.letters_issue_bulk_queue(
            actor=request.user, unit=unit, school_year=form.cleaned_data["school_year"]
        )
        messages.success(
            request, _("The letters are being issued; you will be notified when it is done.")
        )
    target = "unit_coverage" if unit.is_school else "letter_list"
    return redirect(target, pk=unit.pk) if unit.is_school else redirect(target)


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    letters = ResponsibilityLetter.objects.visible_to(request.user).select_related(
        "assignment__unit"
    )
    year = request.GET.get("year") or current_school_year()
    letters = letters.filter(school_year=year)
    status = request.GET.get("status")
    if status in ResponsibilityLetter.Status.values:
        letters = letters.filter(status=status)
    query = (request.GET.get("q") or "").strip()
    if query:
        letters = letters.filter(Q(holder_name__icontains=query) | Q(unit_name__icontains=query))
    page = Paginator(letters, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    unit = request.user.organisation
    context = {
        "page": page,
        "year": year,
        "status": status or "",
        "q": query,
        "query": params.urlencode(),
        "statuses": ResponsibilityLetter.Status.choices,
        "unit": unit,
        "can_manage": request.user.has_perm(roles.MANAGE_RESPONSIBILITIES),
        "year_form": SchoolYearForm(initial={"school_year": current_school_year()}),
    }
    return render(request, "safety/letter_list.html", context)


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_object_or_404(ResponsibilityLetter, request.user, pk=pk)
    response = HttpResponse(services.letter_pdf(letter), content_type="application/pdf")
    filename = quote(f"安全责任书-{letter.school_year}-{letter.holder_name}.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def letter_sign(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_object_or_404(
        ResponsibilityLetter.objects.visible_to(request.user).select_related("assignment__unit"),
        request.user,
        pk=pk,
    )
    _require_manager(request.user)
    form = LetterSignForm(
        request.POST or None, request.FILES or None, initial={"signed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_sign(
                actor=request.user,
                letter=letter,
                signed_on=form.cleaned_data["signed_on"],
                scan=form.cleaned_data["scan"][0],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The signed letter was recorded."))
            return redirect("assignment_detail", pk=letter.assignment_id)
    title = _("Record the signed letter of %(name)s") % {"name": letter.holder_name}
    return _form_page(request, form, title=title, unit=letter.assignment.unit, multipart=True)


@login_required
def letter_scan(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_object_or_404(ResponsibilityLetter, request.user, pk=pk)
    if not letter.signed_scan:
        raise Http404
    return file_response(
        letter.signed_scan,
        download_name=f"安全责任书-{letter.school_year}-{letter.holder_name}",
        as_attachment=False,
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        imports.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = quote("责任分工导入模板.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.UPLOAD_MAX_BYTES + 1)
        try:
            if len(data) > settings.UPLOAD_MAX_BYTES:
                raise imports.ImportFileError(_("The file is larger than 10 MB."))
            check = imports.import_check(
                actor=request.user, rows=imports.read_rows(data, upload.name)
            )
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            token = imports.store_upload(data, upload.name, request.user) if check.is_valid else ""
            context = {"check": check, "token": token, "filename": upload.name}
            return render(request, "safety/import_preview.html", context)
    return render(request, "safety/import_upload.html", {"form": form})


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    try:
        data, name = imports.load_upload(request.POST.get("token", ""), request.user)
        filename = name
        check = imports.import_check(actor=request.user, rows=imports.read_rows(data, filename))
        if not check.is_valid:
            imports.discard_upload(name)
            context = {"check": check, "token": "", "filename": filename}
            return render(request, "safety/import_preview.html", context)
        count = imports.import_apply(actor=request.user, rows=check.rows)
    except imports.ImportFileError as error:
        messages.error(request, str(error))
        return redirect("responsibility_import")
    imports.discard_upload(name)
    messages.success(request, _("%(count)s rows imported.") % {"count": count})
    return redirect("responsibility_home")


# --- History (audit trail) -------------------------------------------------------------------

HISTORY_ACTIONS = {
    "create": gettext_lazy("Created"),
    "change": gettext_lazy("Changed"),
    "bulk_change": gettext_lazy("Changed (bulk update)"),
    "delete": gettext_lazy("Deleted"),
}


@login_required
def record_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Who changed a record, when and what: read-only, for officials and administrators."""
    if kind not in selectors.HISTORY_MODELS:
        raise Http404
    model = apps.get_model(selectors.HISTORY_MODELS[kind])
    record = get_visible_object_or_404(model, request.user, pk=pk)
    roles.require_permission(request.user, roles.VIEW_HISTORY)
    page = Paginator(selectors.record_history(record), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    events = list(page.object_list)
    rows = [
        {"event": event, "action": HISTORY_ACTIONS.get(event.action, event.action), "changes": c}
        for event, c in zip(events, selectors.history_rows(model, events), strict=True)
    ]
    context = {"record": record, "model_name": model._meta.verbose_name, "page": page, "rows": rows}
    return render(request, "safety/record_history.html", context)
