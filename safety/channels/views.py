"""Pages of the delivery channels, under /channels/: a person's own channels, an
administrator's edit of an account's channels, and the list of what did not get through."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safety import roles
from safety.models import User
from safety.paging import paginate
from safety.selectors import unreachable_accounts

from . import selectors, services
from .forms import ChannelProfileForm


def _edit(request: HttpRequest, account: User, template_context: dict) -> HttpResponse | None:
    """Validate and save the channel form; the redirect on success, None to re-render."""
    form = template_context["form"]
    if request.method != "POST" or not form.is_valid():
        return None
    services.channel_profile_update(
        actor=request.user,
        account=account,
        phone=form.cleaned_data["phone"],
        fields=form.profile_fields(),
    )
    messages.success(request, _("The channels were saved."))
    return redirect(template_context["done_url"])


@login_required
def my_channels(request: HttpRequest) -> HttpResponse:
    """The user's own WeCom and DingTalk ids, mobile number and channel preferences."""
    account = request.user
    form = ChannelProfileForm(request.POST or None, account=account)
    context = {"form": form, "account": account, "own": True, "done_url": "channels:mine"}
    done = _edit(request, account, context)
    if done is not None:
        return done
    context["enabled"] = selectors.enabled_channels()
    status = 400 if request.method == "POST" else 200
    return render(request, "safety/channels/profile_form.html", context, status=status)


@login_required
def account_channels(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit administrator edits the channels of an account in the jurisdiction."""
    account = selectors.access_account(request.user, pk, for_change=request.method == "POST")
    form = ChannelProfileForm(request.POST or None, account=account)
    context = {"form": form, "account": account, "own": False, "done_url": "channels:reach"}
    done = _edit(request, account, context)
    if done is not None:
        return done
    context["enabled"] = selectors.enabled_channels()
    status = 400 if request.method == "POST" else 200
    return render(request, "safety/channels/profile_form.html", context, status=status)


@login_required
def reach(request: HttpRequest) -> HttpResponse:
    """Undeliverable urgent notices and the accounts that cannot be reached for urgent
    notices, in the administrator's jurisdiction."""
    if not request.user.has_perm(roles.MANAGE_ACCOUNTS):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:50]
    notices = selectors.undeliverable_notices(request.user)
    accounts = unreachable_accounts(request.user).select_related("unit")
    if query:
        notices = notices.filter(
            Q(recipient__full_name__icontains=query) | Q(recipient__username__icontains=query)
        )
        accounts = accounts.filter(Q(full_name__icontains=query) | Q(username__icontains=query))
    accounts = list(accounts.order_by("unit__path", "username")[: settings.PAGE_SIZE + 1])
    context = {
        **paginate(request, notices).context(),
        "accounts": accounts[: settings.PAGE_SIZE],
        "more_accounts": len(accounts) > settings.PAGE_SIZE,
        "q": query,
        "enabled": selectors.enabled_channels(),
    }
    return render(request, "safety/channels/reach.html", context)
