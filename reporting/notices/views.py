"""Pages of the notices and bulletins (issue #18)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safety import roles, workdays
from safety.paging import paginate
from safety.uploads import file_response

from . import forms, selectors, services


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _is_bureau(user) -> bool:
    return bool(user.unit_id and user.unit.is_bureau)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Everyone: the inbox of the own unit. Bureaus: also the notices they published."""
    user = request.user
    state = request.GET.get("state", "")
    if _is_bureau(user) and request.GET.get("box") != "inbox":
        state = state if state == "to_decide" else ""
        paged = paginate(request, selectors.sent(user, state))
        context = {"box": "sent", **paged.context()}
    else:
        state = state if state in selectors.INBOX_STATES else ""
        paged = paginate(request, selectors.inbox(user, state))
        context = {"box": "inbox", **paged.context()}
    context["state"] = state
    context["is_bureau"] = _is_bureau(user)
    return render(request, "reporting/notices/index.html", context)


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm(roles.SUPERVISE) or not _is_bureau(user):
        raise PermissionDenied
    form = forms.NoticeForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_publish(
                actor=user,
                bureau=user.unit,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                filters=form.targets(),
                include_counties=data.get("include_counties") or False,
                urgent=data["urgent"],
                reply_due=data["reply_due"],
                reply_instructions=data["reply_instructions"],
                attachments=data["attachments"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Notice published."))
            return redirect("notices:detail", pk=notice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/notices/notice_new.html", {"form": form}, status=status)


def _recipient_context(request: HttpRequest, recipient, reply_form=None) -> dict:
    may_reply = (
        recipient.notice.reply_required
        and request.user.unit_id == recipient.unit_id
        and request.user.has_perm(roles.ANSWER_SUPERVISION)
        and recipient.reply_status in ("", "returned")
    )
    return {
        "recipient": recipient,
        "replies": recipient.replies.select_related("submitted_by", "decided_by"),
        "may_reply": may_reply,
        "reply_form": reply_form or forms.ReplyForm(),
    }


def _with_files(context: dict, notice) -> dict:
    """The notice's and the replies' attachments, in one query."""
    files = list(notice.attachments.all())
    context["attachments"] = [f for f in files if f.reply_id is None]
    replies = list(context.get("replies", []))
    for item in replies:
        item.files = [f for f in files if f.reply_id == item.pk]
    context["replies"] = replies
    return context


def _status_context(request: HttpRequest, notice) -> dict:
    user = request.user
    form = forms.StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    counts = selectors.status_counts(user, notice)
    paged = paginate(
        request,
        selectors.recipients_of(user, notice, status),
        count=counts.get(status or "total", 0),
    )
    return {
        "status_form": form,
        "counts": counts,
        "may_remind": user.has_perm(roles.SUPERVISE),
        **paged.context(),
    }


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice; opening it records the reader's receipt (once). The publishing bureau
    and those above it see read / not read / replied per unit."""
    user = request.user
    notice = selectors.access_notice(user, pk)
    recipient = services.recipient_for(user, notice)
    services.notice_open(user=user, recipient=recipient)
    context = {"notice": notice}
    if recipient is not None:
        context |= _recipient_context(request, recipient)
    if _is_bureau(user) and notice.bureau.is_within(user.unit):
        context |= _status_context(request, notice)
    return render(request, "reporting/notices/notice_detail.html", _with_files(context, notice))


@login_required
@require_POST
def notice_remind(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.access_notice(request.user, pk, for_change=True)
    count = services.notice_remind(actor=request.user, notice=notice, unit=request.user.unit)
    if count:
        messages.success(
            request,
            ngettext("%(count)s unit reminded.", "%(count)s units reminded.", count)
            % {"count": count},
        )
    elif not workdays.should_remind(timezone.localdate()):
        messages.info(
            request,
            _(
                "Today is not a working day: only reminders due today or overdue go out. "
                "Remind the others on the next working day."
            ),
        )
    else:
        messages.info(request, _("Nobody to remind: each unit is reminded at most once a day."))
    return redirect("notices:detail", pk=notice.pk)


@login_required
def recipient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's replies, with the bureau's accept / return forms."""
    recipient = selectors.access_recipient(request.user, pk)
    context = _recipient_context(request, recipient)
    context |= {
        "notice": recipient.notice,
        "may_decide": request.user.has_perm(roles.SUPERVISE)
        and _is_bureau(request.user)
        and recipient.notice.bureau.is_within(request.user.unit),
        "decision_form": forms.DecisionForm(),
    }
    return render(
        request, "reporting/notices/recipient_detail.html", _with_files(context, recipient.notice)
    )


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = selectors.access_recipient(request.user, pk, for_change=True)
    form = forms.ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.notice_reply(
                actor=request.user,
                recipient=recipient,
                text=form.cleaned_data["text"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Reply submitted."))
            return redirect("notices:detail", pk=recipient.notice_id)
    context = {"notice": recipient.notice, **_recipient_context(request, recipient, form)}
    context = _with_files(context, recipient.notice)
    return render(request, "reporting/notices/notice_detail.html", context, status=400)


def _decide(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    reply_obj = selectors.access_reply(request.user, pk, for_change=True)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            if accept:
                services.notice_reply_accept(
                    actor=request.user, reply=reply_obj, comment=form.cleaned_data["comment"]
                )
            else:
                services.notice_reply_return(
                    actor=request.user, reply=reply_obj, comment=form.cleaned_data["comment"]
                )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Reply accepted.") if accept else _("Reply returned."))
            return redirect("notices:recipient", pk=reply_obj.recipient_id)
    recipient = reply_obj.recipient
    context = _recipient_context(request, recipient) | {
        "notice": recipient.notice,
        "may_decide": True,
        "decision_form": form,
    }
    context = _with_files(context, recipient.notice)
    return render(request, "reporting/notices/recipient_detail.html", context, status=400)


@login_required
@require_POST
def reply_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=True)


@login_required
@require_POST
def reply_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=False)


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_attachment(request.user, pk)
    return file_response(item.file, download_name=item.original_name, as_attachment=True)
