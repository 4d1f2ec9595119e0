"""Pages of safety education, under /education/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safety import roles
from safety.models import Organisation
from safety.paging import paginate
from safety.uploads import file_response

from . import selectors, services
from .forms import (
    CoverageFilterForm,
    LegalVicePrincipalForm,
    PlanForm,
    RecordForm,
    SettingsForm,
)
from .models import EducationRecord, EducationSettings, LegalVicePrincipal, TermPlan, term_from_key


def _term(request: HttpRequest):
    return term_from_key(request.GET.get("term", "")[:12]) or selectors.current_term()


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Coverage per school for a term: a bureau's view across its schools."""
    unit = request.user.unit
    if unit is not None and unit.is_school:
        return redirect("education:coverage_school", pk=unit.pk)
    form = CoverageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    term = _term(request)
    schools = Organisation.objects.visible_to(request.user).schools().filter(is_active=True)
    if filters.get("q"):
        schools = schools.filter(name__icontains=filters["q"])
    # #23: the cards counted and the gaps filtered by the database; the full rows (topics and
    # classes by name) built only for the page's schools
    figures = selectors.coverage_figures(schools, term)
    if filters.get("gaps"):
        figures = figures.filter(gap=True)
    counts = selectors.coverage_counts(figures)
    listed = figures.annotate(planned=selectors.planned_classes(term)).order_by(
        "name_sort_key", "id"
    )
    paged = paginate(request, listed, count=counts["total"])
    paged.page.object_list = selectors.coverage_rows(list(paged.page.object_list), term)
    context = {
        "form": form,
        "term": term,
        "terms": [term_from_key(k) for k in _term_keys(term)],
        **paged.context(),
        **counts,
        "can_set_minimum": request.user.has_perm(roles.SET_EDUCATION_MINIMUM),
    }
    return render(request, "safety/education/coverage.html", context)


def _term_keys(term) -> list[str]:
    year = int(term.key[:4])
    keys = []
    for first in (year - 1, year, year + 1):
        keys += [f"{first}-spring", f"{first}-autumn"]
    return keys


@login_required
def coverage_school(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school(request.user, pk)
    term = _term(request)
    records = list(
        EducationRecord.objects.visible_to(request.user)
        .filter(school=school)
        .in_term(term)
        .select_related("legal_vice_principal")
    )
    appointments = list(LegalVicePrincipal.objects.visible_to(request.user).filter(school=school))
    coverage = selectors.coverage_rows([school], term, records=records, appointments=appointments)[
        0
    ]
    context = {
        "school": school,
        "term": term,
        "terms": [term_from_key(k) for k in _term_keys(term)],
        "coverage": coverage,
        **paginate(request, records).context(),
        "appointments": appointments[:10],
        "can_record": request.user.has_perm(roles.RECORD_EDUCATION),
        "can_appoint": request.user.has_perm(roles.MANAGE_RESPONSIBILITIES),
    }
    return render(request, "safety/education/school.html", context)


@login_required
def record_new(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school(request.user, pk, for_change=True)
    form = RecordForm(request.POST or None, request.FILES or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        material = (data.pop("material") or [None])[0]
        try:
            record = services.record_create(
                actor=request.user, school=school, fields=data, material=material
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect("education:record_detail", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    context = {"school": school, "form": form}
    return render(request, "safety/education/record_form.html", context, status=status)


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.access_record(request.user, pk)
    return render(request, "safety/education/record_detail.html", {"record": record})


@login_required
def record_material(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.access_record(request.user, pk)
    if not record.material:
        raise Http404
    return file_response(
        record.material,
        download_name=record.material_name or "material",
        as_attachment=not record.material.name.endswith((".jpg", ".png", ".webp")),
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school(request.user, pk, for_change=True)
    term = _term(request)
    plan = TermPlan.objects.visible_to(request.user).filter(school=school, term=term.key).first()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.plan_save(
            actor=request.user, school=school, term=term.key, fields=form.cleaned_data
        )
        messages.success(request, _("The term plan was saved."))
        return redirect(f"{_school_url(school)}?term={term.key}")
    status = 400 if request.method == "POST" else 200
    context = {"school": school, "term": term, "form": form}
    return render(request, "safety/education/plan_form.html", context, status=status)


def _school_url(school: Organisation) -> str:
    return reverse("education:coverage_school", args=[school.pk])


@login_required
def legal_vp_new(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school(request.user, pk)
    if not request.user.has_perm(roles.MANAGE_RESPONSIBILITIES):
        raise PermissionDenied
    form = LegalVicePrincipalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_vp_appoint(actor=request.user, school=school, fields=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The legal vice-principal was appointed."))
            return redirect("education:coverage_school", pk=school.pk)
    status = 400 if request.method == "POST" else 200
    context = {"school": school, "form": form}
    return render(request, "safety/education/legal_vp_form.html", context, status=status)


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(roles.SET_EDUCATION_MINIMUM):
        raise PermissionDenied
    bureau = request.user.unit
    row = EducationSettings.objects.visible_to(request.user).filter(unit=bureau).first()
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.settings_save(
            actor=request.user,
            bureau=bureau,
            min_hours_per_pupil=form.cleaned_data["min_hours_per_pupil"],
        )
        messages.success(request, _("The minimum was saved."))
        return redirect("education:coverage")
    context = {
        "form": form,
        "bureau": bureau,
        "inherited": selectors.minimum_for(bureau) if row is None else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "safety/education/settings_form.html", context, status=status)
