"""Pages of the surroundings ledger, joint meetings and public reports, under /surroundings/.

Views marked `liaison_allowed` are the only pages a department liaison account opens
(safety.middleware.LiaisonConfinementMiddleware answers 404 for every other)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from inspections import services as inspection_services
from safety import confirm, roles
from safety.middleware import liaison_allowed
from safety.models import Organisation
from safety.paging import paginate
from safety.uploads import file_response

from . import selectors, services
from .forms import (
    AcceptForm,
    AnswerForm,
    CloseForm,
    DismissForm,
    MeetingForm,
    PublicReportForm,
    ReferForm,
    SpotFilterForm,
    SpotForm,
)
from .models import JointMeeting, PublicReport, SurroundingsSpot, new_reference


@liaison_allowed
@login_required
def spot_list(request: HttpRequest) -> HttpResponse:
    form = SpotFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.spots(request.user, filters)
    context = {
        "form": form,
        **paginate(request, rows).context(),
        "by_kind": selectors.open_spots_by_kind(request.user),
        "can_record": request.user.has_perm(roles.RECORD_SPOT),
    }
    return render(request, "inspections/surroundings/spot_list.html", context)


@login_required
def spot_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(roles.RECORD_SPOT):
        raise PermissionDenied
    form = SpotForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        school, photo = data.pop("school"), (data.pop("photos") or [None])[0]
        spot = services.spot_record(actor=request.user, school=school, fields=data, photo=photo)
        messages.success(request, _("The spot was recorded."))
        return redirect("surroundings:spot_detail", pk=spot.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "inspections/surroundings/spot_form.html", {"form": form}, status=status)


def _spot_page(request: HttpRequest, spot: SurroundingsSpot, status: int = 200, **forms):
    user = request.user
    context = {
        "spot": spot,
        "events": spot.events.select_related("actor"),
        "refer_form": forms.get("refer_form") or ReferForm(initial={"department": spot.department}),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "can_refer": user.has_perm(roles.REFER_SPOT) and spot.is_open,
        "can_answer": user.has_perm(roles.ANSWER_SPOT)
        and spot.status == SurroundingsSpot.Status.REFERRED,
    }
    return render(request, "inspections/surroundings/spot_detail.html", context, status=status)


@liaison_allowed
@login_required
def spot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _spot_page(request, selectors.access_spot(request.user, pk))


@login_required
@require_POST
def spot_refer(request: HttpRequest, pk: int) -> HttpResponse:
    spot = selectors.access_spot(request.user, pk, permission=roles.REFER_SPOT)
    form = ReferForm(request.POST)
    if form.is_valid():
        try:
            services.spot_refer(actor=request.user, spot=spot, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The spot was referred to the department."))
            return redirect("surroundings:spot_detail", pk=spot.pk)
    return _spot_page(request, spot, 400, refer_form=form)


@liaison_allowed
@login_required
@require_POST
def spot_answer(request: HttpRequest, pk: int) -> HttpResponse:
    spot = selectors.access_spot(request.user, pk, permission=roles.ANSWER_SPOT)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.spot_answer(actor=request.user, spot=spot, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer was recorded."))
            return redirect("surroundings:spot_detail", pk=spot.pk)
    return _spot_page(request, spot, 400, answer_form=form)


@login_required
@require_POST
def spot_close(request: HttpRequest, pk: int) -> HttpResponse:
    spot = selectors.access_spot(request.user, pk, permission=roles.REFER_SPOT)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.spot_close(
                    actor=request.user,
                    spot=spot,
                    resolved=form.cleaned_data["outcome"] == "resolved",
                    comment=form.cleaned_data["comment"],
                )
                if not confirm.is_confirmed(request):
                    return confirm.ask(
                        request,
                        question=_("Close this spot? It cannot be reopened."),
                        button=_("Close the spot"),
                        back_url=reverse("surroundings:spot_detail", args=[spot.pk]),
                    )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The spot was closed."))
            return redirect("surroundings:spot_detail", pk=spot.pk)
    return _spot_page(request, spot, 400, close_form=form)


@liaison_allowed
@login_required
def spot_photo(request: HttpRequest, pk: int) -> HttpResponse:
    spot = selectors.access_spot(request.user, pk)
    if not spot.photo:
        raise Http404
    return file_response(spot.photo, download_name="photo", as_attachment=False)


# --- joint meetings ----------------------------------------------------------------------------


@liaison_allowed
@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    rows = JointMeeting.objects.visible_to(request.user).select_related("bureau")
    context = {
        **paginate(request, rows).context(),
        "can_record": request.user.has_perm(roles.RECORD_MEETING),
    }
    return render(request, "inspections/surroundings/meeting_list.html", context)


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if not request.user.has_perm(roles.RECORD_MEETING) or unit is None or not unit.is_bureau:
        raise PermissionDenied
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        spots, decisions = data.pop("spots"), data.pop("decisions")
        minutes = (data.pop("minutes_file") or [None])[0]
        try:
            meeting = services.meeting_record(
                actor=request.user,
                bureau=unit,
                fields=data,
                spots=list(spots),
                decisions=decisions,
                minutes=minutes,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The joint meeting was recorded."))
            return redirect("surroundings:meeting_detail", pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "inspections/surroundings/meeting_form.html", {"form": form}, status=status
    )


@liaison_allowed
@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.user, pk)
    context = {
        "meeting": meeting,
        "spots": meeting.spots.select_related("school"),
        "decisions": meeting.decisions.select_related("done_by"),
        "can_complete": request.user.has_perm(roles.COMPLETE_DECISION),
    }
    return render(request, "inspections/surroundings/meeting_detail.html", context)


@liaison_allowed
@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.user, pk)
    if not meeting.minutes:
        raise Http404
    return file_response(
        meeting.minutes, download_name=meeting.minutes_name or "minutes", as_attachment=True
    )


@liaison_allowed
@login_required
@require_POST
def decision_done(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.access_decision(request.user, pk, for_change=True)
    try:
        services.decision_done(actor=request.user, decision=decision)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surroundings:meeting_detail", pk=decision.meeting_id)
    messages.success(request, _("The decision was marked done."))
    return redirect("surroundings:meeting_detail", pk=decision.meeting_id)


# --- public reports (school side) --------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", PublicReport.Status.UNVERIFIED)
    if status not in PublicReport.Status.values and status != "all":
        status = PublicReport.Status.UNVERIFIED
    rows = PublicReport.objects.visible_to(request.user).select_related("school")
    if status != "all":
        rows = rows.filter(status=status)
    unit = request.user.unit
    context = {
        **paginate(request, rows).context(),
        "status": status,
        "statuses": PublicReport.Status.choices,
        "school": unit if unit is not None and unit.is_school else None,
    }
    return render(request, "inspections/surroundings/report_list.html", context)


def _report_page(request, report, status=200, **forms):
    context = {
        "report": report,
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "can_handle": request.user.has_perm(roles.HANDLE_PUBLIC_REPORT)
        and report.status == PublicReport.Status.UNVERIFIED,
    }
    return render(request, "inspections/surroundings/report_detail.html", context, status=status)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, selectors.access_report(request.user, pk))


@login_required
def report_photo(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.access_report(request.user, pk)
    if not report.photo:
        raise Http404
    return file_response(report.photo, download_name="photo", as_attachment=False)


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.access_report(request.user, pk, for_change=True)
    form = AcceptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["as_kind"] == "hazard":
                hazard = inspection_services.hazard_from_public_report(
                    actor=request.user,
                    report=report,
                    area=data["area"],
                    severity=data["severity"] or "general",
                    location=data["place"],
                )
                target = reverse("inspections:hazard_detail", args=[hazard.pk])
            else:
                spot = services.public_report_accept_as_spot(
                    actor=request.user,
                    report=report,
                    fields={"kind": data["spot_kind"], "place": data["place"]},
                )
                target = reverse("surroundings:spot_detail", args=[spot.pk])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report was accepted."))
            return redirect(target)
    return _report_page(request, report, 400, accept_form=form)


@login_required
@require_POST
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.access_report(request.user, pk, for_change=True)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.public_report_dismiss(
                    actor=request.user, report=report, reason=form.cleaned_data["reason"]
                )
                if not confirm.is_confirmed(request):
                    return confirm.ask(
                        request,
                        question=_("Dismiss this public report? It cannot be undone."),
                        button=_("Dismiss the report"),
                        back_url=reverse("surroundings:report_detail", args=[report.pk]),
                    )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report was dismissed."))
            return redirect("surroundings:report_list")
    return _report_page(request, report, 400, dismiss_form=form)


@login_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The school's printable poster: its name and the QR code of its public form."""
    school = selectors.access_school(request.user, pk)
    if not request.user.has_perm(roles.HANDLE_PUBLIC_REPORT) and not (
        request.user.unit is not None and request.user.unit.is_bureau
    ):
        raise PermissionDenied
    return _poster_response(school)


def _poster_response(school: Organisation) -> HttpResponse:
    response = HttpResponse(selectors.poster_pdf(school), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="poster.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the public form (no login) --------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64] or "unknown"


@liaison_allowed
@never_cache
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    """The public form behind a school's QR code: no login, nothing about the school beyond
    its name. Abuse controls: a rate limit per address and per school, the photo checks of
    safety.uploads, a honeypot field, plain text only (nothing is echoed as HTML)."""
    school = selectors.school_for_token(token)
    form = PublicReportForm(request.POST or None, request.FILES or None)
    context = {"school_name": school.name, "form": form}
    if request.method != "POST":
        return render(request, "inspections/surroundings/public_form.html", context)
    if form.is_robot:
        # A robot filled the hidden field: it gets a thank-you page and nothing is stored.
        context["reference"] = new_reference()
        return render(request, "inspections/surroundings/public_done.html", context)
    if not form.is_valid():
        return render(request, "inspections/surroundings/public_form.html", context, status=400)
    if services.rate_limited(address=_client_address(request), school=school):
        context["limited"] = True
        return render(request, "inspections/surroundings/public_form.html", context, status=429)
    data = dict(form.cleaned_data)
    photo = (data.pop("photo") or [None])[0]
    data.pop("website", None)
    report = services.public_report_submit(school=school, fields=data, photo=photo)
    context["reference"] = report.reference
    return render(request, "inspections/surroundings/public_done.html", context)
