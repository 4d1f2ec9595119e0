"""Every state change of monthly reports: drafting, submission (freezing a version),
review, PDF rendering and the reminder pass."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from reporting import charts
from safety import audit, workdays
from safety.access import check_unit_permission, check_within
from safety.jobs import enqueue_on_commit, requested_between
from safety.messages import Message, MessageDate
from safety.models import Notification, Organisation, User
from safety.notifications import UNIT, notify, notify_many, record_email_delivery
from safety.pdf import render_pdf
from safety.roles import REVIEW_MONTHLY_REPORT, SUBMIT_MONTHLY_REPORT, VIEW_JURISDICTION
from safety.services import audit_record

from . import figures, selectors
from .models import (
    MonthlyOverview,
    MonthlyReport,
    MonthlyReportEvent,
    MonthlyReportVersion,
)
from .periods import (
    UnitStatus,
    add_months,
    city_due_date,
    county_due_date,
    due_date,
    is_late,
    reports_monthly,
    school_due_date,
)

logger = logging.getLogger(__name__)

Status = MonthlyReport.Status
REMINDER_KIND = "monthly_report_reminder"
REVIEW_KIND = "monthly_report_review"


def report_url(unit: Organisation, month: datetime.date) -> str:
    """The page of `unit`'s report for `month`."""
    return reverse("monthly:report", args=[unit.pk, f"{month:%Y-%m}"])


def _check_own_unit(actor: User, unit: Organisation) -> None:
    """Only the unit itself drafts and submits its report (not a bureau above it)."""
    check_unit_permission(actor, SUBMIT_MONTHLY_REPORT, unit)
    if actor.unit_id != unit.pk or not reports_monthly(unit):
        raise PermissionDenied


def _check_receiving_bureau(actor: User, report: MonthlyReport) -> None:
    """Only the bureau directly above a unit reviews its report (not the city for a county's
    school)."""
    check_unit_permission(actor, REVIEW_MONTHLY_REPORT, report.unit)
    if actor.unit_id is None or report.unit.parent_id != actor.unit_id:
        raise PermissionDenied


def _locked_report(unit: Organisation, month: datetime.date) -> MonthlyReport:
    report, _created = MonthlyReport.objects.get_or_create(unit=unit, month=month)
    return MonthlyReport.objects.select_for_update().select_related("unit").get(pk=report.pk)


@audit.atomic
def monthly_report_save_draft(
    *,
    actor: User,
    unit: Organisation,
    month: datetime.date,
    work_done: str,
    problems_found: str,
    next_month_plans: str,
) -> MonthlyReport:
    """Save the narrative of the unit's report; allowed while it is a draft or returned.

    Raises `PermissionDenied` unless the actor belongs to the unit and may submit,
    `ValidationError` once the report is submitted or approved. Returns the report.
    """
    _check_own_unit(actor, unit)
    report = _locked_report(unit, month)
    if not report.is_editable:
        raise ValidationError(_("This report has been submitted and can no longer be edited."))
    report.work_done, report.problems_found = work_done, problems_found
    report.next_month_plans = next_month_plans
    report.save(update_fields=["work_done", "problems_found", "next_month_plans", "updated_at"])
    audit_record(
        actor=actor,
        action="monthly_report.save_draft",
        target=report,
        unit=unit,
        changes={"month": f"{month:%Y-%m}"},
    )
    return report


def compile_figures(unit: Organisation, month: datetime.date, now: datetime.datetime) -> dict:
    if unit.kind == Organisation.Kind.SCHOOL:
        return figures.compile_school_figures(unit, month, now)
    return selectors.county_rollup(unit, month, timezone.localdate(now))


@audit.atomic
def monthly_report_check_submit(
    *, actor: User, unit: Organisation, month: datetime.date, now: datetime.datetime | None = None
) -> MonthlyReport:
    """The guards of `monthly_report_submit` alone, without freezing the figures: the step's
    confirmation question asks only when they pass (#23: the question's dry run compiled the
    month's figures, a third of a school's filing at the month-end rush).

    Locks and returns the unit's report of `month` (created as an empty draft when there is
    none). Raises `PermissionDenied` unless the actor belongs to the unit and may submit;
    `ValidationError` when the month has not begun, the report is already submitted or
    approved, or the work done is empty."""
    _check_own_unit(actor, unit)
    today = timezone.localdate(now or timezone.now())
    if month > today.replace(day=1):
        raise ValidationError(_("A month can be reported once it has begun."))
    report = _locked_report(unit, month)
    if not report.is_editable:
        raise ValidationError(_("This report has already been submitted."))
    if not report.work_done.strip():
        raise ValidationError(_("Describe the work done this month before submitting."))
    return report


@audit.atomic
def monthly_report_submit(
    *,
    actor: User,
    unit: Organisation,
    month: datetime.date,
    now: datetime.datetime | None = None,
    queue_pdf: bool = True,
) -> MonthlyReportVersion:
    """Freeze the figures and text as a new version and send it to the bureau above.

    Preconditions: the actor belongs to the unit and may submit; the report is a draft or
    was returned; the month has begun. The PDF is rendered after commit by a task (the demo
    seeding passes queue_pdf=False to stay fast; such a PDF can be re-rendered later).
    Raises `PermissionDenied` or `ValidationError` when a precondition fails. Returns the
    new frozen version.
    """
    now = now or timezone.now()
    report = monthly_report_check_submit(actor=actor, unit=unit, month=month, now=now)
    previous = report.status
    number = report.versions.count() + 1
    version = MonthlyReportVersion.objects.create(
        report=report,
        number=number,
        figures=compile_figures(unit, month, now),
        work_done=report.work_done,
        problems_found=report.problems_found,
        next_month_plans=report.next_month_plans,
        submitted_by=actor,
        submitted_at=now,
        is_late=is_late(unit, month, now),
        pdf_requested_at=timezone.now() if queue_pdf else None,
    )
    report.status = Status.SUBMITTED
    report.latest_version = version
    report.first_submitted_at = report.first_submitted_at or now
    report.save(update_fields=["status", "latest_version", "first_submitted_at", "updated_at"])
    MonthlyReportEvent.objects.create(
        report=report,
        version=version,
        actor=actor,
        from_status=previous,
        to_status=Status.SUBMITTED,
    )
    audit_record(actor=actor, action="monthly_report.submit", target=report, unit=unit)
    _notify_reviewers(version)
    if queue_pdf:
        _queue_version_pdf(version.pk)
    return version


def _notify_reviewers(version: MonthlyReportVersion) -> None:
    report, unit = version.report, version.report.unit
    for reviewer in selectors.reviewers([unit.parent_id]):
        notify(
            recipient=reviewer,
            kind=REVIEW_KIND,
            key=f"{report.pk}:v{version.number}",
            title=Message(
                gettext_lazy("%(unit)s submitted its monthly report for %(month)s"),
                unit=unit.name,
                month=MessageDate(report.month, "YEAR_MONTH_FORMAT"),
            ),
            url=report_url(unit, report.month),
            unit=unit,
        )


def _queue_version_pdf(version_id: int) -> None:
    """Queue the task of a version whose `pdf_requested_at` is set (the sweeper's mark)."""
    enqueue_on_commit("reporting.render_monthly_report_pdf", version_id)


def stalled_version_pdfs(
    requested_before: datetime.datetime, requested_after: datetime.datetime
) -> list[tuple[int]]:
    """The versions whose PDF was requested in that window and never rendered: the
    arguments for "reporting.render_monthly_report_pdf" (safety.jobs sweeps them)."""
    pending = MonthlyReportVersion.objects.filter(pdf_rendered_at__isnull=True)
    return requested_between(pending, "pdf_requested_at", requested_before, requested_after)


def _review(
    *, actor: User, report: MonthlyReport, decision: str, comment: str
) -> MonthlyReportVersion:
    _check_receiving_bureau(actor, report)
    locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != Status.SUBMITTED or locked.latest_version_id is None:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    version = locked.latest_version
    version.decision, version.review_comment = decision, comment
    version.reviewed_by, version.reviewed_at = actor, timezone.now()
    version.save(update_fields=["decision", "review_comment", "reviewed_by", "reviewed_at"])
    locked.status = decision
    locked.save(update_fields=["status", "updated_at"])
    MonthlyReportEvent.objects.create(
        report=locked,
        version=version,
        actor=actor,
        from_status=Status.SUBMITTED,
        to_status=decision,
        comment=comment,
    )
    audit_record(
        actor=actor,
        action=f"monthly_report.{'return' if decision == Status.RETURNED else 'approve'}",
        target=locked,
        unit=report.unit,
        changes={"version": version.number},
    )
    if decision == Status.RETURNED:
        title = gettext_lazy("Your monthly report for %(month)s was returned: %(comment)s")
    else:
        title = gettext_lazy("Your monthly report for %(month)s was approved")
    for reporter in selectors.reporters([report.unit_id]):
        notify(
            recipient=reporter,
            kind=REVIEW_KIND,
            key=f"{report.pk}:v{version.number}:{decision}",
            title=Message(
                title, month=MessageDate(report.month, "YEAR_MONTH_FORMAT"), comment=comment[:80]
            ),
            body=comment,
            url=report_url(report.unit, report.month),
            unit=report.unit,
        )
    return version


@audit.atomic
def monthly_report_approve(
    *, actor: User, report: MonthlyReport, comment: str = ""
) -> MonthlyReportVersion:
    """Approve the submitted report. Only the bureau directly above the unit reviews it:
    `PermissionDenied` otherwise, `ValidationError` unless submitted. Returns the version."""
    return _review(actor=actor, report=report, decision=Status.APPROVED, comment=comment)


@audit.atomic
def monthly_report_return(
    *, actor: User, report: MonthlyReport, comment: str
) -> MonthlyReportVersion:
    """Return the report for changes; the comment says what to change and is required.

    Raises as `monthly_report_approve`, and `ValidationError` without a comment.
    """
    if not comment.strip():
        raise ValidationError(_("Say what the unit should change."))
    return _review(actor=actor, report=report, decision=Status.RETURNED, comment=comment)


# --- PDFs ---------------------------------------------------------------------------


def pdf_context(version: MonthlyReportVersion) -> dict[str, Any]:
    report = version.report
    frozen = version.figures
    context: dict[str, Any] = {
        "report": report,
        "unit": report.unit,
        "version": version,
        "due_date": due_date(report.unit, report.month),
        "tables": figures.section_tables(frozen),
        "events": list(report.events.select_related("actor").filter(version=version)),
    }
    if frozen.get("kind") in ("county", "city"):
        labels = dict(UnitStatus.choices)
        context["schools"] = [
            {**row, "status_label": labels.get(row["status"], row["status"])}
            for row in frozen["schools"]
        ]
        counts = frozen["status_counts"]
        context["status_counts"] = [(labels[key], value) for key, value in counts.items()]
        context["chart"] = charts.bar_chart_svg(
            [(labels[key], value, charts.STATUS_COLOURS[key]) for key, value in counts.items()],
            title=_("Schools by report status"),
        )
    return context


@audit.atomic
def monthly_report_render_pdf(*, version_id: int) -> bool:
    """Render and store the PDF of one version if it is requested and not rendered yet
    (a task calls this, and the sweeper again when it stalled: a duplicate does nothing).
    Returns whether it rendered."""
    version = (
        MonthlyReportVersion.objects.select_for_update(of=("self",))
        .select_related("report__unit", "submitted_by", "reviewed_by")
        .filter(pk=version_id)
        .first()
    )
    if version is None or (version.pdf and version.pdf_rendered_at is not None):
        return False
    # A city's roll-up (#23) is drawn like a county's: the same template, its own words.
    kind = "county" if version.figures.get("kind") in ("county", "city") else "school"
    pdf = render_pdf(f"reporting/monthly/pdf/monthly_{kind}.html", pdf_context(version))
    if version.pdf:
        version.pdf.delete(save=False)
    version.pdf.save("report.pdf", ContentFile(pdf), save=False)
    version.pdf_rendered_at = timezone.now()
    version.save(update_fields=["pdf", "pdf_rendered_at"])
    return True


@audit.atomic
def monthly_report_rerender(*, actor: User, version: MonthlyReportVersion) -> None:
    """Ask for a version's PDF to be rendered again: an administrator at any time (to
    refresh it), anyone who sees the report when its rendering stalled (`pdf_state`).

    Raises `PermissionDenied` unless the actor is a superuser or an administrator whose unit
    holds the report's unit, or sees the report and its PDF is stalled or was never
    requested. The task is queued by name after commit.
    """
    if actor.is_superuser or actor.role == User.Role.ADMINISTRATOR:
        check_within(actor, version.report.unit)
    elif version.pdf_state in ("stalled", "none"):
        check_unit_permission(actor, VIEW_JURISDICTION, version.report.unit)
    else:
        raise PermissionDenied
    MonthlyReportVersion.objects.filter(pk=version.pk).update(
        pdf_requested_at=timezone.now(), pdf_rendered_at=None
    )
    audit_record(
        actor=actor,
        action="monthly_report.rerender_pdf",
        target=version,
        unit=version.report.unit,
    )
    _queue_version_pdf(version.pk)


OVERVIEW_KINDS = (Organisation.Kind.CITY, Organisation.Kind.PROVINCE)


@audit.atomic
def monthly_overview_request(*, actor: User, month: datetime.date) -> MonthlyOverview:
    """A city or province official asks for the overview PDF of a month (the city's of its
    counties, the province's of its cities, #23); a task renders it.

    Raises `PermissionDenied` unless the actor is a reviewer of a city bureau or a
    provincial education department. Returns the overview row (its PDF cleared until the
    task has rendered it again).
    """
    city = actor.unit
    if city is None or city.kind not in OVERVIEW_KINDS:
        raise PermissionDenied
    check_unit_permission(actor, REVIEW_MONTHLY_REPORT, city)
    overview, _created = MonthlyOverview.objects.get_or_create(unit=city, month=month)
    overview.pdf_rendered_at = None
    overview.save(update_fields=["pdf_rendered_at", "requested_at"])
    enqueue_on_commit("reporting.render_monthly_overview_pdf", overview.pk)
    return overview


def stalled_overview_pdfs(
    requested_before: datetime.datetime, requested_after: datetime.datetime
) -> list[tuple[int]]:
    """The overviews requested in that window and never rendered: the arguments for
    "reporting.render_monthly_overview_pdf" (safety.jobs sweeps them)."""
    pending = MonthlyOverview.objects.filter(pdf_rendered_at__isnull=True)
    return requested_between(pending, "requested_at", requested_before, requested_after)


@audit.atomic
def monthly_overview_render_pdf(*, overview_id: int) -> bool:
    """Render and store the overview's PDF if it is requested and not rendered yet (a
    duplicate run does nothing). Returns whether it rendered."""
    overview = (
        MonthlyOverview.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=overview_id)
    ).first()
    if overview is None or (overview.pdf and overview.pdf_rendered_at is not None):
        return False
    if overview.unit.kind == Organisation.Kind.PROVINCE:
        pdf = province_overview_pdf(overview.unit, overview.month)
    else:
        pdf = city_overview_pdf(overview.unit, overview.month)
    if overview.pdf:
        overview.pdf.delete(save=False)
    overview.pdf.save("overview.pdf", ContentFile(pdf), save=False)
    overview.pdf_rendered_at = timezone.now()
    overview.save(update_fields=["pdf", "pdf_rendered_at"])
    return True


def province_overview_pdf(province: Organisation, month: datetime.date) -> bytes:
    """The province's overview of its cities for `month` (#23), as PDF bytes: each city's
    own roll-up status, the statuses of the units reporting to it, the summed figures."""
    data = selectors.province_overview(province, month, timezone.localdate())
    chart_rows = [
        (line["unit"].name.replace("教育局", ""), line["counts"].get("missing", 0), "#dc3545")
        for line in data["cities"]
    ]
    context = {
        "unit": province,
        "month": month,
        "city_due": city_due_date(month),
        "statuses": list(UnitStatus),
        "generated_at": timezone.now(),
        "chart": charts.bar_chart_svg(chart_rows, title=_("Missing reports by city")),
        "tables": figures.section_tables({"sections": data["sections"]}),
        **data,
    }
    return render_pdf("reporting/monthly/pdf/monthly_province.html", context)


def city_overview_pdf(city: Organisation, month: datetime.date) -> bytes:
    """The city's overview of its counties for `month`, as PDF bytes."""
    data = selectors.city_overview(city, month, timezone.localdate())
    chart_rows = [
        (line["unit"].name.replace("教育局", ""), line["counts"].get("missing", 0), "#dc3545")
        for line in data["counties"]
    ]
    context = {
        "unit": city,
        "month": month,
        "county_due": county_due_date(month),
        "school_due": school_due_date(month),
        "statuses": list(UnitStatus),
        "generated_at": timezone.now(),
        "chart": charts.bar_chart_svg(chart_rows, title=_("Missing school reports by county")),
        "tables": figures.section_tables({"sections": data["sections"]}),
        **data,
    }
    return render_pdf("reporting/monthly/pdf/monthly_city.html", context)


# --- Reminders ------------------------------------------------------------------------

DEFAULT_DAYS_BEFORE = 3
DEFAULT_DAYS_AFTER = 7


def _reminder_kind(day: datetime.date, due: datetime.date, days_before: int, days_after: int):
    if day == due - datetime.timedelta(days=days_before):
        return "due_soon"
    if day == due:
        return "due_today"
    if due < day <= due + datetime.timedelta(days=days_after):
        return "overdue"
    return None


def reminder_targets(
    day: datetime.date,
    days_before: int = DEFAULT_DAYS_BEFORE,
    days_after: int = DEFAULT_DAYS_AFTER,
) -> list[tuple[str, datetime.date, str]]:
    """(unit kind, month, reminder kind) pairs that have a reminder on `day`."""
    targets = []
    for months_back in (0, 1, 2):
        month = add_months(day.replace(day=1), -months_back)
        for kind, due in (
            (Organisation.Kind.SCHOOL, school_due_date(month)),
            (Organisation.Kind.COUNTY, county_due_date(month)),
            (Organisation.Kind.CITY, city_due_date(month)),  # #23: only cities under a province
        ):
            reminder = _reminder_kind(day, due, days_before, days_after)
            if reminder:
                targets.append((kind, month, reminder))
    return targets


def _pending_units(kind: str, month: datetime.date):
    done = MonthlyReport.objects.filter(
        month=month, status__in=[Status.SUBMITTED, Status.APPROVED]
    ).values("unit_id")
    pending = Organisation.objects.filter(kind=kind, is_active=True).exclude(pk__in=done)
    # A city reports only when a province is above it (periods.reports_monthly).
    return pending.filter(parent__isnull=False) if kind == Organisation.Kind.CITY else pending


def _reporter_reminder_url(month: datetime.date) -> str:
    """The monthly report page of `month`, with notifications.UNIT standing for the unit."""
    sentinel = 987654321  # any unit id: reverse() needs an int where the placeholder goes
    url = reverse("monthly:report", args=[sentinel, f"{month:%Y-%m}"])
    return url.replace(str(sentinel), UNIT)


def _insert_reporter_reminders(
    kind: str, month: datetime.date, reminder: str, day: datetime.date
) -> int:
    """Remind every reporter of every pending unit in one INSERT … SELECT (notify_many): the
    query count does not grow with the number of units; a second pass records nothing."""
    due = {
        Organisation.Kind.SCHOOL: school_due_date,
        Organisation.Kind.COUNTY: county_due_date,
        Organisation.Kind.CITY: city_due_date,
    }[kind](month)
    titles = {
        "due_soon": gettext_lazy("Reminder: the monthly report for %(month)s is due on %(due)s"),
        "due_today": gettext_lazy("Today is the due date of the monthly report for %(month)s"),
        "overdue": gettext_lazy("Overdue: the monthly report for %(month)s was due on %(due)s"),
    }
    title = Message(
        titles[reminder],
        month=MessageDate(month, "YEAR_MONTH_FORMAT"),
        due=MessageDate(due, "MONTH_DAY_FORMAT"),
    )
    body = Message(gettext_lazy("Please complete and submit it in SafeCampus."))
    return notify_many(
        recipients=selectors.reporters(_pending_units(kind, month)),
        kind=REMINDER_KIND,
        key=f"{UNIT}:{month.isoformat()}:{reminder}:{day.isoformat()}",
        title=title,
        body=body,
        url=_reporter_reminder_url(month),
    )


def _notify_bureaus_of_missing(kind: str, month: datetime.date, day: datetime.date) -> int:
    """Tell each receiving bureau which of its units have not submitted (after the due date)."""
    missing = list(
        _pending_units(kind, month).values_list("parent_id", "name").order_by("name_sort_key")
    )
    by_bureau: dict[int, list[str]] = defaultdict(list)
    for parent_id, name in missing:
        by_bureau[parent_id].append(name)
    if not by_bureau:
        return 0
    titles = {
        bureau_id: Message(
            ngettext_lazy(
                "%(count)s unit has not submitted the monthly report for %(month)s",
                "%(count)s units have not submitted the monthly report for %(month)s",
                "count",
            ),
            count=len(names),
            month=MessageDate(month, "YEAR_MONTH_FORMAT"),
        )
        for bureau_id, names in by_bureau.items()
    }
    return notify_many(
        recipients=selectors.reviewers(list(by_bureau)),
        kind=REMINDER_KIND,
        key=f"{UNIT}:{month.isoformat()}:missing_{kind}:{day.isoformat()}",
        title=titles,
        body={bureau_id: "、".join(names) for bureau_id, names in by_bureau.items()},
        url=reverse("monthly:console") + f"?month={month:%Y-%m}&status=missing",
    )


@audit.atomic
def reminder_pass(
    *,
    day: datetime.date,
    days_before: int = DEFAULT_DAYS_BEFORE,
    days_after: int = DEFAULT_DAYS_AFTER,
) -> int:
    """Record the reminders due on `day` as notification rows and queue their delivery.

    The daily "overdue" reminders (and the bureaus' lists of missing units) are not sent on
    holidays and weekends (safety.workdays.should_remind).

    Idempotent: the rows' keys are (unit, month, kind, day), so running the pass twice for
    the same day records nothing new. Units whose report is submitted or approved get
    nothing; a returned report counts as not submitted.
    """
    written = 0
    for kind, month, reminder in reminder_targets(day, days_before, days_after):
        # #20 working days: the daily "overdue" reminders wait for a working day; the
        # one-off "due soon" and "due today" reminders are urgent and always go out.
        if reminder == "overdue" and not workdays.should_remind(day):
            continue
        written += _insert_reporter_reminders(kind, month, reminder, day)
        if reminder == "overdue":
            written += _notify_bureaus_of_missing(kind, month, day)
    enqueue_on_commit("reporting.deliver_monthly_reminders")
    return written


def deliver_reminders(limit: int = 500) -> int:
    """E-mail the reminder rows not yet e-mailed (Chinese template); in-app they are
    already in the inbox. Only sends what the database holds; each row is marked in the
    transaction that sends it, so a retry sends nothing twice."""
    sent = 0
    while True:
        with audit.atomic():
            batch = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(kind=REMINDER_KIND, emailed_at__isnull=True)
                .order_by("pk")[:limit]
            )
            if not batch:
                return sent
            emailed: list[int] = []
            with translation.override(settings.LANGUAGE_CODE):
                for notification in batch:
                    recipient = notification.recipient
                    if recipient.email and recipient.is_active:
                        text = render_to_string(
                            "emails/monthly_report_reminder.txt",
                            {
                                "notification": notification,
                                "link": settings.SITE_URL.rstrip("/") + notification.url,
                            },
                        )
                        send_mail(
                            f"【平安校园】{notification.display_title}",
                            text,
                            None,
                            [recipient.email],
                        )
                        emailed.append(notification.pk)
                        sent += 1
            record_email_delivery(
                emailed=emailed, unreachable=[n.pk for n in batch if n.pk not in emailed]
            )
