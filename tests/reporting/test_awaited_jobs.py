"""Jobs whose result a user waits for are never lost: each is declared (safety.jobs
.register_awaited_job), keeps a state its sweeper can find, and is queued again by the
sweeper when the broker was down or the task failed; the result then appears exactly once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from celery import current_app
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from reporting.incidents import services as incident_services
from reporting.models import MonthlyOverview, MonthlyReportVersion
from reporting.monthly import services as monthly_services
from safety import exportjobs, jobs
from safety.models import ExportJob, Notification, ResponsibilityLetter
from safety.responsibility import services as responsibility_services
from tests.safety.responsibility.factories import cover_school

from .conftest import OCTOBER

pytestmark = pytest.mark.django_db

# Tasks nobody waits for on a page, each with the reason it needs no sweeper of this kind.
NOT_AWAITED = {
    "inspections.mark_overdue_hazards": "daily beat run; the next run does what one missed",
    "reporting.monthly_report_reminders": "daily beat run; reminder keys carry the day",
    "reporting.deliver_monthly_reminders": "queued by the reminder pass; digests re-send",
    "safety.deliver_urgent_notification": "swept by safety.deliver_pending_urgent_notifications",
    "safety.deliver_pending_urgent_notifications": "itself a sweeper (beat)",
    "safety.send_notification_digests": "daily beat run over undelivered rows",
    "safety.healthcheck": "an operator's probe; nothing is stored",
    "safety.sweep_awaited_jobs": "the sweeper itself (beat)",
    # Bureau supervision (issue #18).
    "orders.escalate_overdue": "daily beat run; escalated_at makes a second run a no-op",
    # activities and school buses (issue #16)
    "reporting.activity_escalations": "daily beat run; escalated_at marks each version once",
    "reporting.bus_document_reminders": "daily beat run; reminder keys name document and date",
    # Emergency preparedness (issue #14)
    "safety.send_drill_reminders": "daily beat; the outbox's unique key keeps it to once",
    # Daily guarding (issue #15).
    "guarding.purge_gate_register": "nightly beat run; the next run deletes what one missed",
    "guarding.schedule_patrol_rounds": "daily beat run; idempotent (one round per time)",
    "guarding.escalate_absences": "beat every five minutes; escalated_at marks each once",
    "guarding.send_parent_notice": "swept by guarding.send_pending_parent_notices",
    "guarding.send_pending_parent_notices": "itself a sweeper (beat)",
    # #17 education
    "safety.legal_vp_term_end_reminders": "daily beat run; reminded_at marks each appointment",
    "risks.daily_reminders": "daily beat run; reminders are marked once (#20 risk grading)",
    # #21 delivery channels
    "channels.reach_digests": "daily beat run; the outbox's key names administrator and day",
    # #23: stale or missing gap summaries are counted live until the next run rewrites them.
    "safety.refresh_gap_summaries": "nightly beat run; readers count stale units live",
    "safety.refresh_preparedness_summaries": "nightly beat run; the view computes stale rows live",
    "inspections.refresh_risk_tally": "run in the transaction of a school's move; idempotent",
    "safety.purge_expired_exports": "hourly beat run; the next run deletes what one missed",
}


@dataclass
class Waiting:
    request: Callable[[], None]  # what the user does (queues the job after commit)
    results: Callable[[], int]  # how many times the result is there


def _monthly_version(city, people, submit_school, report):
    def request():
        submit_school(people.staff_a)

    def results():
        version = MonthlyReportVersion.objects.get(report__unit=city.school_a)
        return int(bool(version.pdf) and version.pdf_rendered_at is not None)

    return Waiting(request, results)


def _overview(city, people, submit_school, report):
    def request():
        monthly_services.monthly_overview_request(actor=people.city_official, month=OCTOBER)

    def results():
        overview = MonthlyOverview.objects.get(unit=city.city)
        return int(bool(overview.pdf) and overview.pdf_rendered_at is not None)

    return Waiting(request, results)


def _incident_file(city, people, submit_school, report):
    incident = report()

    def request():
        incident_services.incident_file_request(actor=people.county_official, incident=incident)

    def results():
        incident.refresh_from_db()
        return int(incident.file_pdf_is_current)

    return Waiting(request, results)


def _letters(city, people, submit_school, report):
    cover_school(city.school_a)

    def request():
        responsibility_services.letters_issue_bulk_queue(
            actor=people.county_admin, unit=city.county_a, school_year="2026-2027"
        )

    def results():
        # Each assignment has its letter once and the bureau was told once.
        letters = ResponsibilityLetter.objects.filter(school_year="2026-2027")
        assert letters.count() in (0, city.school_a.assignments.count())
        return Notification.objects.filter(kind="letters_issued").count()

    return Waiting(request, results)


def _export(city, people, submit_school, report):
    """#23: a background export; its requester is told once that the file is ready."""

    def request():
        exportjobs.export_request(
            actor=people.county_official, kind="inspections.exports:ledger", params={}
        )

    def results():
        job = ExportJob.objects.get()
        told = Notification.objects.filter(kind="export_ready", recipient=people.county_official)
        assert told.count() == int(job.status == ExportJob.Status.READY and bool(job.file))
        return told.count()

    return Waiting(request, results)


WAITED_FOR = {
    "reporting.render_monthly_report_pdf": _monthly_version,
    "reporting.render_monthly_overview_pdf": _overview,
    "reporting.render_incident_file": _incident_file,
    "safety.issue_letters": _letters,
    "safety.build_export": _export,
}


def test_every_task_is_declared_awaited_or_not():
    """A new task must say whether users wait for it (then it needs a sweeper and a row
    here) or why not."""
    jobs.import_task_modules()
    tasks = {name for name in current_app.tasks if not name.startswith("celery.")}
    assert set(jobs.AWAITED_JOBS) == set(WAITED_FOR)
    assert tasks == set(WAITED_FOR) | set(NOT_AWAITED)


def _broker_down(monkeypatch, task):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(task, "delay", refuse)


def _task_fails(monkeypatch, task):
    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(task, "run", fail)


@pytest.mark.parametrize("failure", [_broker_down, _task_fails], ids=["broker", "task"])
@pytest.mark.parametrize("task_name", WAITED_FOR)
def test_a_lost_or_failed_job_is_swept_and_its_result_appears_once(
    task_name,
    failure,
    city,
    people,
    submit_school,
    report,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    jobs.import_task_modules()
    waiting = WAITED_FOR[task_name](city, people, submit_school, report)
    task = current_app.tasks[task_name]
    with monkeypatch.context() as patch:
        failure(patch, task)
        with django_capture_on_commit_callbacks(execute=True):
            waiting.request()  # enqueue_on_commit swallows the error: the request succeeds
    assert waiting.results() == 0
    # Not yet stalled: nothing is queued twice while the first try may still run.
    assert jobs.sweep_awaited_jobs() == 0
    later = timezone.now() + jobs.STALLED_AFTER + datetime.timedelta(minutes=1)
    assert jobs.sweep_awaited_jobs(now=later) >= 1
    assert waiting.results() == 1
    # Swept again, or the task delivered twice: still once.
    jobs.sweep_awaited_jobs(now=later + datetime.timedelta(minutes=5))
    assert waiting.results() == 1


def test_the_sweeper_gives_up_after_a_day(city, people, report, monkeypatch):
    incident = report()
    task = current_app.tasks["reporting.render_incident_file"]
    _broker_down(monkeypatch, task)
    incident_services.incident_file_request(actor=people.county_official, incident=incident)
    much_later = timezone.now() + jobs.SWEEP_GIVES_UP_AFTER + datetime.timedelta(minutes=1)
    assert jobs.sweep_awaited_jobs(now=much_later) == 0


def test_a_stalled_pdf_is_not_called_being_prepared_and_anyone_who_sees_it_may_retry(
    city, people, submit_school, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    task = current_app.tasks["reporting.render_monthly_report_pdf"]
    with monkeypatch.context() as patch:
        _broker_down(patch, task)
        with django_capture_on_commit_callbacks(execute=True):
            version = submit_school(people.staff_a)
    url = reverse("monthly:report", args=[city.school_a.pk, "2026-10"])
    client = client_for("staff_a")
    assert 'data-testid="pdf-preparing"' in client.get(url).content.decode()
    retry = reverse("monthly:version_rerender", args=[version.pk])
    assert client.post(retry).status_code == 403  # still being prepared: no retry yet
    stalled_at = timezone.now() - jobs.STALLED_AFTER - datetime.timedelta(minutes=1)
    MonthlyReportVersion.objects.filter(pk=version.pk).update(pdf_requested_at=stalled_at)
    html = client.get(url).content.decode()
    assert 'data-testid="pdf-stalled"' in html and 'data-testid="pdf-preparing"' not in html
    assert retry in html
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302
    version.refresh_from_db()
    assert version.pdf and version.pdf_rendered_at is not None


def _polls(html: str, section: str) -> bool:
    return f'hx-select="#{section}"' in html and 'hx-trigger="every 3s"' in html


def test_a_page_waiting_for_its_pdf_updates_itself_until_it_is_there(
    city, people, submit_school, report, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    """#23: while a PDF is being prepared its part of the page polls the page (htmx) and is
    swapped in by itself; once the PDF is there the part stops polling."""
    incident = report()
    tasks = {
        name: current_app.tasks[name]
        for name in (
            "reporting.render_monthly_report_pdf",
            "reporting.render_monthly_overview_pdf",
            "reporting.render_incident_file",
        )
    }
    with monkeypatch.context() as patch:
        for task in tasks.values():
            _broker_down(patch, task)
        with django_capture_on_commit_callbacks(execute=True):
            version = submit_school(people.staff_a)
            monthly_services.monthly_overview_request(actor=people.city_official, month=OCTOBER)
            incident_services.incident_file_request(actor=people.county_official, incident=incident)
    pages = [
        (
            client_for("staff_a"),
            reverse("monthly:report", args=[city.school_a.pk, "2026-10"]),
            "pdf-versions",
            lambda: tasks["reporting.render_monthly_report_pdf"].delay(version.pk),
        ),
        (
            client_for("city_official"),
            reverse("monthly:console") + "?month=2026-10",
            "overview-pdf",
            lambda: tasks["reporting.render_monthly_overview_pdf"].delay(
                MonthlyOverview.objects.get(unit=city.city).pk
            ),
        ),
        (
            client_for("county_official"),
            reverse("incidents:incident_detail", args=[incident.pk]),
            "incident-file",
            lambda: tasks["reporting.render_incident_file"].delay(incident.pk),
        ),
    ]
    for client, url, section, render in pages:
        html = client.get(url).content.decode()
        assert 'data-testid="pdf-preparing"' in html and _polls(html, section), url
        render()
        html = client.get(url).content.decode()
        assert 'data-testid="pdf-preparing"' not in html and not _polls(html, section), url
