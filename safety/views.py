from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .forms import SchoolFilterForm
from .models import Organisation
from .scoping import get_visible_object_or_404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = request.user.organisation
    if unit is None:
        return render(request, "safety/home_unassigned.html")
    if unit.is_school:
        return render(request, "safety/home_school.html", {"school": unit})
    units = selectors.bureau_units(unit)
    page = Paginator(units, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "totals": selectors.jurisdiction_totals(unit),
        "by_type": selectors.schools_by_type(unit),
        "page": page,
    }
    return render(request, "safety/home_bureau.html", context)


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
    context = {"school": school, "accounts": selectors.school_accounts(school)}
    return render(request, "safety/school_detail.html", context)
