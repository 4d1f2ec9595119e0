"""Exports as background jobs (issue #23): the request returns at once and redirects to the
export's page, which updates itself (htmx) until the file is there; only the requester sees
the page and the file; a notice says it is ready; the file goes after a day; a job run twice
writes once; a failure says so in Chinese on the page and administrators see the error."""

from __future__ import annotations

import datetime
import io

import pytest
from celery import current_app
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.core.files.storage import default_storage
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from inspections import exports as ledger_exports
from inspections.campaigns import services as campaign_services
from inspections.models import ChecklistTemplate
from safety import exportjobs, jobs
from safety.models import ExportJob, JobFailure, Notification
from safety.tasks import build_export

from .test_celery import _require_redis_and_postgres, worker_process
from .test_exports import _ledger

pytestmark = pytest.mark.django_db

LEDGER = "inspections.exports:ledger"
PAGE_BUDGET = 8


def _start(client, capture, url=None, *, execute=True):
    url = url or reverse("inspections:ledger_export")
    with capture(execute=execute):
        response = client.post(url)
    assert response.status_code == 302
    return response, ExportJob.objects.order_by("-pk").first()


def test_asking_returns_at_once_and_the_page_polls_until_the_file_is_there(
    city, people, client_for, django_capture_on_commit_callbacks
):
    client = client_for("county_official")
    # The job is queued after commit and has not run yet: what the user sees meanwhile.
    response, job = _start(client, django_capture_on_commit_callbacks, execute=False)
    assert response["Location"] == reverse("export_detail", args=[job.pk])
    assert job.status == ExportJob.Status.QUEUED and job.requester == people.county_official
    with translation.override("zh-hans"):
        page = client.get(response["Location"]).content.decode()
    status_url = reverse("export_status", args=[job.pk])
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 2s"' in page
    assert "等待" in page and reverse("export_download", args=[job.pk]) not in page
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 404

    assert current_app.tasks[exportjobs.TASK].delay(job.pk).get() is True
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.progress == job.total
    with translation.override("zh-hans"):
        fragment = client.get(status_url).content.decode()
    assert "hx-trigger" not in fragment  # done: the page stops asking
    assert reverse("export_download", args=[job.pk]) in fragment and "已生成" in fragment
    download = client.get(reverse("export_download", args=[job.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.active.max_row == job.total + 1
    (notice,) = Notification.objects.filter(kind="export_ready", recipient=people.county_official)
    assert notice.url == reverse("export_detail", args=[job.pk])


def test_the_file_follows_the_page_filters_and_language(
    city, people, client_for, django_capture_on_commit_callbacks
):
    client, _url, _hostile = _ledger(city, people, client_for)
    client.get("/")  # the session's language
    url = reverse("inspections:ledger_export") + "?severity=major"
    _response, job = _start(client, django_capture_on_commit_callbacks, url)
    assert job.params["get"] == {"severity": ["major"]}
    assert job.total == 0  # every hazard of the recipe is "general"
    _response, job = _start(client, django_capture_on_commit_callbacks)
    assert job.total == 4


@pytest.mark.parametrize("persona", ["county_official", "other_county_official", "city_official"])
def test_only_the_requester_sees_the_export(
    persona, city, people, client_for, django_capture_on_commit_callbacks
):
    _response, job = _start(client_for("county_official"), django_capture_on_commit_callbacks)
    client = client_for(persona)
    expected = 200 if persona == "county_official" else 404
    for name in ("export_detail", "export_status", "export_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == expected, name
    listed = client.get(reverse("export_list")).content.decode()
    assert (reverse("export_detail", args=[job.pk]) in listed) is (expected == 200)


def test_a_job_run_twice_writes_once_and_tells_once(
    city, people, client_for, django_capture_on_commit_callbacks
):
    _response, job = _start(client_for("county_official"), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    name = job.file.name
    assert exportjobs.export_build(job_id=job.pk) is False
    # A worker that died mid-way leaves a "running" row; the sweeper queues it again.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    later = timezone.now() + jobs.STALLED_AFTER + datetime.timedelta(minutes=1)
    assert exportjobs.stalled_exports(later - jobs.STALLED_AFTER, later - jobs.SWEEP_GIVES_UP_AFTER)
    assert exportjobs.export_build(job_id=job.pk) is False  # still "live": left alone
    job.refresh_from_db()
    assert job.file.name == name
    assert Notification.objects.filter(kind="export_ready").count() == 1


def test_a_failure_says_so_in_chinese_and_administrators_see_the_error(
    city, people, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(rows):
        raise ValueError("a bug in the sheet")

    monkeypatch.setattr(ledger_exports, "hazard_sheet", broken)
    client = client_for("county_official")
    response, job = _start(client, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "a bug in the sheet" in job.error
    with translation.override("zh-hans"):
        page = client.get(response["Location"]).content.decode()
    assert 'data-testid="export-error"' in page and "导出失败" in page
    assert "a bug in the sheet" not in page and "hx-trigger" not in page
    assert Notification.objects.filter(kind="export_failed", recipient=job.requester).exists()
    admin = client_for("administrator")
    listing = admin.get(reverse("admin:safety_exportjob_changelist") + "?status=failed")
    assert listing.status_code == 200 and f"{LEDGER}" in listing.content.decode()
    detail = admin.get(reverse("admin:safety_exportjob_change", args=[job.pk]))
    assert "a bug in the sheet" in detail.content.decode()
    assert client_for("county_admin").get(
        reverse("admin:safety_exportjob_changelist")
    ).status_code in (302, 403)


def test_a_lost_right_fails_the_job_with_its_own_message(
    city, people, client_for, django_capture_on_commit_callbacks
):
    url = reverse("campaigns:export", args=[_campaign_pk(city, people)])
    client = client_for("city_official")
    response, job = _start(client, django_capture_on_commit_callbacks, url, execute=False)
    job.refresh_from_db()
    people.city_official.unit = city.school_a  # moved to a school: no board for them
    people.city_official.save(update_fields=["unit"])
    assert exportjobs.export_build(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.failure == ExportJob.Failure.DENIED
    with translation.override("zh-hans"):
        assert "无权" in client.get(response["Location"]).content.decode()


def _campaign_pk(city, people):
    campaign = campaign_services.campaign_launch(
        actor=people.city_official,
        bureau=city.city,
        title="消防专项检查",
        purpose="检查",
        deadline=timezone.localdate() + datetime.timedelta(days=5),
        filters={},
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    return campaign.pk


def test_a_failed_task_is_recorded_for_administrators(city, people, client_for, monkeypatch):
    task = current_app.tasks[exportjobs.TASK]

    def fail(*args, **kwargs):
        raise RuntimeError("worker exploded")

    monkeypatch.setattr(task, "run", fail)
    # As a worker runs it (the error is not thrown into the caller).
    assert task.apply(args=(12345,), throw=False).failed()
    (failure,) = JobFailure.objects.all()
    assert failure.task == exportjobs.TASK and failure.args == [12345]
    assert "worker exploded" in failure.error
    page = client_for("administrator").get(reverse("admin:safety_jobfailure_changelist"))
    assert page.status_code == 200 and "worker exploded" in page.content.decode()


def test_the_file_is_deleted_after_a_day(
    city, people, client_for, django_capture_on_commit_callbacks
):
    client = client_for("county_official")
    _response, job = _start(client, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert default_storage.exists(job.file.name)
    assert exportjobs.exports_purge() == 0  # not yet
    tomorrow = timezone.now() + exportjobs.EXPORT_KEPT_FOR + datetime.timedelta(minutes=1)
    assert exportjobs.exports_purge(now=tomorrow) == 1
    assert not default_storage.exists(job.file.name)
    assert exportjobs.exports_purge(now=tomorrow) == 0  # a second run finds nothing
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 404
    with translation.override("zh-hans"):
        assert "已删除" in client.get(reverse("export_detail", args=[job.pk])).content.decode()
    month = timezone.now() + exportjobs.EXPORT_ROWS_KEPT_FOR + datetime.timedelta(days=1)
    exportjobs.exports_purge(now=month)
    assert not ExportJob.objects.exists()


def test_the_cleanup_is_scheduled_hourly():
    task = PeriodicTask.objects.get(task="safety.purge_expired_exports")
    assert task.enabled and task.crontab.hour == "*"


def test_asking_by_get_shows_a_button_and_starts_nothing(city, people, client_for):
    client = client_for("county_official")
    with translation.override("zh-hans"):
        page = client.get(reverse("inspections:ledger_export")).content.decode()
    assert 'data-testid="export-start"' in page and "开始导出" in page
    assert not ExportJob.objects.exists()


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_export_pages_stay_within_budget_flat_in_the_exports(
    city, people, client_for, django_capture_on_commit_callbacks
):
    client = client_for("county_official")
    _response, job = _start(client, django_capture_on_commit_callbacks)
    urls = [
        reverse("export_list"),
        reverse("export_detail", args=[job.pk]),
        reverse("export_status", args=[job.pk]),
        reverse("inspections:ledger_export"),
    ]
    before = [_count(client, url) for url in urls]
    for _ in range(5):
        _start(client, django_capture_on_commit_callbacks)
    after = [_count(client, url) for url in urls]
    assert before == after, (before, after)
    assert max(after) <= PAGE_BUDGET, after


@pytest.mark.real_broker
def test_a_real_worker_writes_the_export(
    transactional_db, tmp_path, settings, city, people, client_for
):
    """With Redis and PostgreSQL, a worker process writes the file through the broker."""
    _require_redis_and_postgres()
    client, _url, _hostile = _ledger(city, people, client_for)
    job = ExportJob.objects.create(
        requester=people.county_official,
        kind=LEDGER,
        params=exportjobs.request_params(QueryDict(), None),
        expires_at=timezone.now() + exportjobs.EXPORT_KEPT_FOR,
    )
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    with worker_process(tmp_path / "worker.log", MEDIA_ROOT=str(media)) as (queue, log_path):
        try:
            written = build_export.apply_async((job.pk,), queue=queue, ignore_result=False).get(
                timeout=90
            )
        except CeleryTimeoutError:
            pytest.fail(f"the worker did not answer in time; its log:\n{log_path.read_text()}")
    assert written is True
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.progress == job.total == 4
    assert (media / job.file.name).read_bytes().startswith(b"PK")
    assert Notification.objects.filter(kind="export_ready", recipient=job.requester).exists()
    download = client.get(reverse("export_download", args=[job.pk]))
    assert download.status_code == 200


def test_a_storage_hiccup_is_retried_and_the_file_is_written_once(
    city, people, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    """A transient error (the bucket away for a moment) goes back to the queue, and the
    task's retry writes the file."""
    calls = []
    write = exportjobs._write

    def flaky(job, built):
        calls.append(job.pk)
        if len(calls) == 1:
            raise OSError("object storage unavailable")
        return write(job, built)

    monkeypatch.setattr(exportjobs, "_write", flaky)
    _response, job = _start(client_for("county_official"), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert calls == [job.pk] and job.status == ExportJob.Status.QUEUED  # back in the queue
    current_app.tasks[exportjobs.TASK].delay(job.pk)  # the task's retry (a worker's backoff)
    job.refresh_from_db()
    assert len(calls) == 2 and job.status == ExportJob.Status.READY and job.attempts == 2
    assert Notification.objects.filter(kind="export_ready").count() == 1
