from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import notifications, selectors
from .forms import SchoolFilterForm
from .models import Notification, Organisation
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
