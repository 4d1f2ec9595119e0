"""Pages of the responsibility system. Each view: access → form → service → redirect/render;
objects are fetched through the `access_*` helpers of .selectors (404 for outsiders, 403 for a
read-only role on a change page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safety import confirm, roles
from safety.exports import xlsx_response
from safety.exportviews import POLL_SECONDS
from safety.models import Organisation, current_school_year
from safety.paging import paginate
from safety.selectors import access_unit, active_areas
from safety.uploads import file_response

from . import imports, selectors, services
from .forms import (
    AssignmentEndForm,
    AssignmentForm,
    CertificateForm,
    CoverageFilterForm,
    HandoverForm,
    HolderForm,
    ImportUploadForm,
    LetterSignForm,
    SchoolYearForm,
)
from .models import Certificate, LetterIssueRequest

MANAGE = roles.MANAGE_RESPONSIBILITIES


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


def _form_page(
    request: HttpRequest, form: Any, *, title: str, unit: Organisation, **extra: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "unit": unit, **extra}
    return render(request, "safety/responsibility/form.html", context)


@login_required
def responsibility_home(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if unit is not None and unit.is_school:
        return redirect("responsibility:unit_coverage", pk=unit.pk)
    return redirect("responsibility:coverage_grid")


@login_required
def coverage_grid(request: HttpRequest) -> HttpResponse:
    form = CoverageFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.coverage_grid(user=request.user, filters=filters)
    context = {
        "form": form,
        **paginate(request, rows).context(),
        "areas": active_areas(),
        "total_gaps": sum(row.gap_count for row in rows),
        "units_with_gaps": sum(1 for row in rows if row.gap_count),
        "school_year": current_school_year(),
        "unit": request.user.unit,
        "can_manage": request.user.has_perm(MANAGE),
    }
    return render(request, "safety/responsibility/coverage_grid.html", context)


@login_required
def unit_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    context = {
        "unit": unit,
        "coverage": selectors.school_coverage(unit),
        "can_manage": request.user.has_perm(MANAGE),
        "year_form": SchoolYearForm(initial={"school_year": current_school_year()}),
    }
    return render(request, "safety/responsibility/unit_coverage.html", context)


@login_required
def holder_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()
    holders = selectors.holder_list(user=request.user, query=query)
    context = {**paginate(request, holders).context(), "q": query}
    return render(request, "safety/responsibility/holder_list.html", context)


@login_required
def holder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    holder = selectors.access_holder(request.user, pk)
    context = {
        "holder": holder,
        "certificates": holder.certificates.all(),
        "assignments": selectors.holder_assignments(holder),
        "today": timezone.localdate(),
        "can_manage": request.user.has_perm(MANAGE),
    }
    return render(request, "safety/responsibility/holder_detail.html", context)


@login_required
def holder_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, permission=MANAGE)
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
            return redirect("responsibility:holder_detail", pk=holder.pk)
    return _form_page(request, form, title=_("New responsibility holder"), unit=unit)


@login_required
def holder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holder = selectors.access_holder(request.user, pk, for_change=True)
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
            return redirect("responsibility:holder_detail", pk=holder.pk)
    title = _("Edit %(name)s") % {"name": holder.name}
    return _form_page(request, form, title=title, unit=holder.unit)


@login_required
def certificate_create(request: HttpRequest, pk: int) -> HttpResponse:
    holder = selectors.access_holder(request.user, pk, for_change=True)
    form = CertificateForm(request.POST or None, instance=Certificate(holder=holder))
    if request.method == "POST" and form.is_valid():
        services.certificate_save(
            actor=request.user, certificate=form.instance, changed_fields=form.changed_data
        )
        messages.success(request, _("The certificate was saved."))
        return redirect("responsibility:holder_detail", pk=holder.pk)
    title = _("New certificate of %(name)s") % {"name": holder.name}
    return _form_page(request, form, title=title, unit=holder.unit)


@login_required
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, permission=MANAGE)
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
            names = {"name": assignment.holder.name, "post": assignment.post.name}
            messages.success(request, _("%(name)s now holds %(post)s.") % names)
            return redirect("responsibility:unit_coverage", pk=unit.pk)
    return _form_page(request, form, title=_("Assign a post"), unit=unit)


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.access_assignment(request.user, pk)
    letters = selectors.assignment_letters(assignment)
    year = current_school_year()
    context = {
        "assignment": assignment,
        "areas": assignment.areas.all(),
        "letters": letters,
        "successor": getattr(assignment, "handed_over_to", None),
        "is_current": assignment.is_current(),
        "has_year_letter": any(letter.school_year == year for letter in letters),
        "school_year": year,
        "can_manage": request.user.has_perm(MANAGE),
    }
    return render(request, "safety/responsibility/assignment_detail.html", context)


@login_required
def assignment_handover(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.access_assignment(request.user, pk, for_change=True)
    initial = {"on": timezone.localdate()}
    form = HandoverForm(request.POST or None, assignment=assignment, initial=initial)
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
            return redirect("responsibility:assignment_detail", pk=successor.pk)
    names = {"post": assignment.post.name, "name": assignment.holder.name}
    title = _("Hand over %(post)s from %(name)s") % names
    return _form_page(request, form, title=title, unit=assignment.unit)


@login_required
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.access_assignment(request.user, pk, for_change=True)
    form = AssignmentEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
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
                if not confirm.is_confirmed(request):
                    return confirm.ask(
                        request,
                        question=_("End the assignment of %(name)s as %(post)s?")
                        % {"name": assignment.holder.name, "post": assignment.post.name},
                        button=_("End the assignment"),
                        back_url=reverse("responsibility:assignment_detail", args=[assignment.pk]),
                    )
                messages.success(request, _("The assignment was ended."))
                return redirect("responsibility:assignment_detail", pk=assignment.pk)
    names = {"post": assignment.post.name, "name": assignment.holder.name}
    title = _("End %(post)s of %(name)s") % names
    return _form_page(request, form, title=title, unit=assignment.unit)


@login_required
@require_POST
def letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.access_assignment(request.user, pk, for_change=True)
    try:
        services.letter_issue(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The responsibility letter was issued."))
    return redirect("responsibility:assignment_detail", pk=assignment.pk)


@login_required
@require_POST
def letters_bulk_issue(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk, permission=MANAGE)
    form = SchoolYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("school_year", [])))
    elif unit.is_school:
        count = services.letters_issue_bulk(
            actor=request.user, unit=unit, school_year=form.cleaned_data["school_year"]
        )
        messages.success(
            request,
            ngettext("%(count)s letter issued.", "%(count)s letters issued.", count)
            % {"count": count},
        )
    else:
        issue = services.letters_issue_bulk_queue(
            actor=request.user, unit=unit, school_year=form.cleaned_data["school_year"]
        )
        return redirect("responsibility:letter_issue_detail", pk=issue.pk)
    if unit.is_school:
        return redirect("responsibility:unit_coverage", pk=unit.pk)
    return redirect("responsibility:letter_list")


def _issue_context(issue: LetterIssueRequest) -> dict[str, Any]:
    return {"issue": issue, "poll_seconds": POLL_SECONDS}


@login_required
def letter_issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A bulk issue request's page (#23): its status fragment, polled while the job runs."""
    issue = selectors.access_letter_issue(request.user, pk)
    return render(request, "safety/responsibility/letter_issue.html", _issue_context(issue))


@login_required
def letter_issue_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment the page swaps in every POLL_SECONDS while the job runs; once the
    request is done or failed the fragment comes without its trigger, so polling stops."""
    issue = selectors.access_letter_issue(request.user, pk)
    return render(request, "safety/responsibility/_letter_issue_status.html", _issue_context(issue))


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year") or current_school_year()
    status = request.GET.get("status")
    query = (request.GET.get("q") or "").strip()
    letters = selectors.letter_list(
        user=request.user, school_year=year, status=status or "", query=query
    )
    context = {
        **paginate(request, letters).context(),
        "year": year,
        "status": status or "",
        "q": query,
        "statuses": letters.model.Status.choices,
        "unit": request.user.unit,
        "can_manage": request.user.has_perm(MANAGE),
        "year_form": SchoolYearForm(initial={"school_year": current_school_year()}),
        # #23: the bulk issue still under way, so an official who left finds its page again.
        "open_issue": selectors.open_letter_issue(request.user.unit)
        if request.user.has_perm(MANAGE)
        else None,
    }
    return render(request, "safety/responsibility/letter_list.html", context)


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.access_letter(request.user, pk)
    response = HttpResponse(services.letter_pdf(letter), content_type="application/pdf")
    filename = quote(f"安全责任书-{letter.school_year}-{letter.holder_name}.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def letter_sign(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.access_letter(request.user, pk, for_change=True)
    initial = {"signed_on": timezone.localdate()}
    form = LetterSignForm(request.POST or None, request.FILES or None, initial=initial)
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
            return redirect("responsibility:assignment_detail", pk=letter.assignment_id)
    title = _("Record the signed letter of %(name)s") % {"name": letter.holder_name}
    return _form_page(request, form, title=title, unit=letter.assignment.unit, multipart=True)


@login_required
def letter_scan(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.access_letter(request.user, pk)
    if not letter.signed_scan:
        raise Http404
    return file_response(
        letter.signed_scan,
        download_name=f"安全责任书-{letter.school_year}-{letter.holder_name}",
        as_attachment=False,
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(imports.template_sheets(), filename="责任分工导入模板.xlsx")


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    roles.require_permission(request.user, MANAGE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = imports.read_upload(upload)
            check = imports.import_check(
                actor=request.user, rows=imports.read_rows(data, upload.name)
            )
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            token = imports.store_upload(data, upload.name, request.user) if check.is_valid else ""
            context = {"check": check, "token": token, "filename": upload.name}
            return render(request, "safety/responsibility/import_preview.html", context)
    return render(request, "safety/responsibility/import_upload.html", {"form": form})


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    roles.require_permission(request.user, MANAGE)
    try:
        data, name = imports.load_upload(request.POST.get("token", ""), request.user)
        check = imports.import_check(actor=request.user, rows=imports.read_rows(data, name))
        if not check.is_valid:
            imports.discard_upload(name)
            context = {"check": check, "token": "", "filename": name}
            return render(request, "safety/responsibility/import_preview.html", context)
        count = imports.import_apply(actor=request.user, rows=check.rows)
    except imports.ImportFileError as error:
        messages.error(request, str(error))
        return redirect("responsibility:import")
    imports.discard_upload(name)
    messages.success(
        request,
        ngettext("%(count)s row imported.", "%(count)s rows imported.", count) % {"count": count},
    )
    return redirect("responsibility:home")
