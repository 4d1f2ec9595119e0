from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import notifications, roles, security, selectors, services
from .access import access_object
from .forms import SchoolFilterForm
from .middleware import liaison_allowed
from .models import Notification
from .paging import paginate
from .responsibility.selectors import school_gap_count
from .scoping import get_visible_object_or_404
from .tables import SchoolTable, sorted_page


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    form = SchoolFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    schools = selectors.school_list(user=request.user, filters=filters)
    table = None
    if request.user.is_bureau_user:  # #20: a sortable table at desktop width
        table, paged = sorted_page(request, SchoolTable, schools)
    else:
        paged = paginate(request, schools)
    context = {"form": form, **paged.context(), "filtered": bool(filters), "table": table}
    return render(request, "safety/school_list.html", context)


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.access_school(request.user, pk)
    context = {
        "school": school,
        "accounts": selectors.school_accounts(school),
        "gap_count": school_gap_count(school),
    }
    return render(request, "safety/school_detail.html", context)


@liaison_allowed  # #17
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.visible_to(request.user)
    if request.GET.get("unread"):
        notifications = notifications.unread()
    paged = paginate(request, notifications)
    context = {**paged.context(), "unread_only": bool(request.GET.get("unread"))}
    return render(request, "safety/notification_list.html", context)


@liaison_allowed  # #17
@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_visible_object_or_404(Notification, request.user, pk=pk)
    notifications.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notification_list")
    return redirect(target)


@liaison_allowed  # #17
@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications.notification_mark_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s notification marked as read.",
            "%(count)s notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("notification_list")


@liaison_allowed  # #17
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
        return redirect("dashboards:home")
    return render(request, "registration/password_change.html", {"form": form})


# --- History (audit trail) -------------------------------------------------------------------


@login_required
def record_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Who changed a record, when and what: read-only, for officials and administrators."""
    if kind not in selectors.HISTORY_MODELS:
        raise Http404
    model = apps.get_model(selectors.HISTORY_MODELS[kind])
    records = selectors.with_name_joins(model)
    record = access_object(records, request.user, permission=roles.VIEW_HISTORY, pk=pk)
    page = paginate(request, selectors.record_history(record)).page
    events = list(page.object_list)
    rows = [
        {"event": event, "action": event.action_label(), "changes": c}
        for event, c in zip(events, selectors.history_rows(model, events), strict=True)
    ]
    context = {"record": record, "model_name": model._meta.verbose_name, "page": page, "rows": rows}
    return render(request, "safety/record_history.html", context)
