"""#23 "Long jobs show their progress": a bureau's bulk issue of its jurisdiction's letters
is a request with a page of its own. The job counts the letters batch by batch (committed as
it goes, so the page sees them), marks the request done or failed and tells the requester;
the page polls its status fragment while the job runs and stops when it is done; a second
run, a redelivered message or a run after a crash never issues a letter twice."""

from __future__ import annotations

import datetime

import pytest
from django.db import OperationalError, connections
from django.urls import reverse
from django.utils import timezone

from safety.jobs import STALLED_AFTER
from safety.models import JobFailure, LetterIssueRequest, Notification, ResponsibilityLetter
from safety.responsibility import services
from safety.responsibility.tasks import issue_letters
from tests.safety.responsibility.factories import cover_school

pytestmark = pytest.mark.django_db
YEAR = "2026-2027"
STATUS = LetterIssueRequest.Status


def _county_letters_missing(city) -> int:
    cover_school(city.school_a)
    cover_school(city.school_a2)
    cover_school(city.school_b)  # another county: not part of county A's request
    return city.school_a.assignments.count() + city.school_a2.assignments.count()


def _request(city, people, **fields) -> LetterIssueRequest:
    return LetterIssueRequest.objects.create(
        unit=city.county_a, school_year=YEAR, requested_by=people.county_admin, **fields
    )


def _pages(issue: LetterIssueRequest) -> tuple[str, str]:
    return (
        reverse("responsibility:letter_issue_detail", args=[issue.pk]),
        reverse("responsibility:letter_issue_status", args=[issue.pk]),
    )


# --- the pages ----------------------------------------------------------------------------


def test_the_official_follows_the_issue_on_its_page_until_it_is_done(
    city, people, client_for, django_capture_on_commit_callbacks
):
    missing = _county_letters_missing(city)
    client = client_for("county_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("responsibility:letters_bulk_issue", args=[city.county_a.pk]),
            {"school_year": YEAR},
        )
    issue = LetterIssueRequest.objects.get()
    detail, status = _pages(issue)
    assert response.status_code == 302 and response.url == detail
    assert (issue.status, issue.total, issue.progress) == (STATUS.DONE, missing, missing)
    assert issue.done_at is not None
    assert ResponsibilityLetter.objects.filter(school_year=YEAR).count() == missing
    for url in (detail, status):
        page = client.get(url).content.decode()
        assert f"下发完成：{city.county_a.name} {YEAR}学年共下发 {missing} 份安全责任书" in page
        assert "hx-trigger" not in page  # the polling stops
        assert f"{reverse('responsibility:letter_list')}?year={YEAR}" in page
    notice = Notification.objects.get(recipient=people.county_admin, kind="letters_issued")
    assert notice.url == detail
    assert str(missing) in notice.title


def test_a_running_issue_counts_and_polls_and_the_letter_list_links_to_it(city, people, client_for):
    issue = _request(city, people, status=STATUS.RUNNING, total=40, progress=15)
    detail, status = _pages(issue)
    client = client_for("county_admin")
    for url in (detail, status):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "已下发 15 / 共 40 份" in page
        assert 'aria-valuenow="37"' in page  # 15 of 40
        assert f'hx-get="{status}"' in page and 'hx-trigger="every 2s"' in page
        assert "正在下发责任书" in page
    assert 'class="progress' in client.get(detail).content.decode()
    letters = client.get(reverse("responsibility:letter_list")).content.decode()
    assert f'href="{detail}"' in letters and "已下发 15 / 共 40 份" in letters
    # A reader of the letters who may not issue them is not sent to a page it may not open.
    reader = client_for("county_official").get(reverse("responsibility:letter_list"))
    assert detail not in reader.content.decode()


def test_a_queued_issue_waits_and_a_stalled_one_may_be_started_again(
    city, people, client_for, django_capture_on_commit_callbacks
):
    missing = _county_letters_missing(city)
    issue = _request(city, people)
    client = client_for("county_admin")
    page = client.get(_pages(issue)[0]).content.decode()
    assert "等待后台处理" in page and "hx-trigger" in page and "已下发" not in page
    assert "letter-issue-again" not in page  # a fresh request: just wait
    long_ago = timezone.now() - STALLED_AFTER - datetime.timedelta(minutes=1)
    LetterIssueRequest.objects.filter(pk=issue.pk).update(
        status=STATUS.RUNNING, attempt="dead-worker", updated_at=long_ago
    )
    page = client.get(_pages(issue)[1]).content.decode()
    assert "系统会自动重新开始" in page and "hx-trigger" in page
    assert "letter-issue-again" in page
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("responsibility:letters_bulk_issue", args=[city.county_a.pk]),
            {"school_year": YEAR},
        )
    assert again.url == _pages(issue)[0]  # the same request, taken over from the dead worker
    issue.refresh_from_db()
    assert (issue.status, issue.progress) == (STATUS.DONE, missing)
    assert LetterIssueRequest.objects.count() == 1


def test_only_who_may_issue_in_the_jurisdiction_sees_the_issue(city, people, client_for):
    issue = _request(city, people, status=STATUS.RUNNING, total=4)
    elsewhere = LetterIssueRequest.objects.create(
        unit=city.county_b, school_year=YEAR, requested_by=people.other_county_official
    )
    admin = client_for("county_admin")
    for url in _pages(elsewhere):
        assert admin.get(url).status_code == 404  # another county's
    for url in _pages(issue):
        assert admin.get(url).status_code == 200
        assert client_for("leader_a").get(url).status_code == 404  # a school below
        assert client_for("county_official").get(url).status_code == 403  # reads, may not issue
        assert client_for("anonymous").get(url).status_code == 302


def test_a_second_request_while_one_runs_leads_to_the_same_page(
    city, people, django_capture_on_commit_callbacks
):
    _county_letters_missing(city)
    with django_capture_on_commit_callbacks() as queued:
        first = services.letters_issue_bulk_queue(
            actor=people.county_admin, unit=city.county_a, school_year=YEAR
        )
        again = services.letters_issue_bulk_queue(
            actor=people.county_admin, unit=city.county_a, school_year=YEAR
        )
    assert first.pk == again.pk and LetterIssueRequest.objects.count() == 1
    assert len(queued) == 2  # queued twice: the job takes the request once
    for callback in queued:
        callback()
    assert Notification.objects.filter(kind="letters_issued").count() == 1


# --- the job ------------------------------------------------------------------------------


def test_the_job_counts_batch_by_batch_and_the_page_sees_each_batch_committed(
    transactional_db, city, people, monkeypatch
):
    """The progress commits with its batch of letters: another connection (the page's)
    sees it grow while the job runs."""
    missing = _county_letters_missing(city)
    monkeypatch.setattr(services, "LETTERS_PER_BATCH", 3)
    issue = _request(city, people)
    seen = []
    issue_batch = services._issue_letters
    page_connection = connections.create_connection("default")

    def watched(*, actor, assignments, school_year):
        with page_connection.cursor() as cursor:
            cursor.execute(
                "SELECT status, total, progress FROM safety_letterissuerequest WHERE id = %s",
                [issue.pk],
            )
            seen.append(cursor.fetchone())
        return issue_batch(actor=actor, assignments=assignments, school_year=school_year)

    monkeypatch.setattr(services, "_issue_letters", watched)
    try:
        assert issue_letters(issue.pk) == missing
    finally:
        page_connection.close()
    batches = -(-missing // 3)
    assert seen == [("running", missing, min(3 * n, missing)) for n in range(batches)]
    issue.refresh_from_db()
    assert (issue.status, issue.total, issue.progress) == (STATUS.DONE, missing, missing)


def test_a_second_run_issues_and_announces_nothing_twice(city, people):
    missing = _county_letters_missing(city)
    issue = _request(city, people)
    assert issue_letters(issue.pk) == missing
    assert issue_letters(issue.pk) == 0  # the sweeper or a redelivery: the request is done
    issue.refresh_from_db()
    assert (issue.status, issue.progress) == (STATUS.DONE, missing)
    assert ResponsibilityLetter.objects.filter(school_year=YEAR).count() == missing
    assert Notification.objects.filter(kind="letters_issued").count() == 1
    now = timezone.now() + STALLED_AFTER + datetime.timedelta(minutes=1)
    assert services.stalled_letter_issues(now, now - datetime.timedelta(days=1)) == []


def test_a_run_that_stops_half_way_is_continued_by_the_next_and_counts_on(
    city, people, monkeypatch
):
    missing = _county_letters_missing(city)
    monkeypatch.setattr(services, "LETTERS_PER_BATCH", 4)
    issue_batch = services._issue_letters
    calls = []

    def database_hiccup(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("the database restarted")
        return issue_batch(**kwargs)

    monkeypatch.setattr(services, "_issue_letters", database_hiccup)
    issue = _request(city, people)
    with pytest.raises(OperationalError):  # the task retries with backoff
        services.letter_issue_request_run(request_id=issue.pk)
    issue.refresh_from_db()
    assert (issue.status, issue.total, issue.progress) == (STATUS.QUEUED, missing, 4)
    assert ResponsibilityLetter.objects.filter(school_year=YEAR).count() == 4
    now = timezone.now() + STALLED_AFTER + datetime.timedelta(minutes=1)
    assert services.stalled_letter_issues(now, now - datetime.timedelta(days=1)) == [(issue.pk,)]

    assert issue_letters(issue.pk) == missing - 4  # the retry (or the sweeper)
    issue.refresh_from_db()
    assert (issue.status, issue.total, issue.progress) == (STATUS.DONE, missing, missing)
    assert ResponsibilityLetter.objects.filter(school_year=YEAR).count() == missing
    notice = Notification.objects.get(kind="letters_issued")
    assert str(missing) in notice.title  # the request's letters, not only the last run's


def test_a_live_job_keeps_its_request_but_its_own_redelivered_message_takes_it_over(city, people):
    missing = _county_letters_missing(city)
    issue = _request(city, people, status=STATUS.RUNNING, attempt="message-1", total=missing)
    assert services.letter_issue_request_run(request_id=issue.pk, attempt="message-2") == 0
    assert not ResponsibilityLetter.objects.exists()
    # acks_late: the worker that took message-1 died; the broker hands message-1 out again.
    assert services.letter_issue_request_run(request_id=issue.pk, attempt="message-1") == missing
    issue.refresh_from_db()
    assert issue.status == STATUS.DONE


def test_a_failed_job_says_so_in_chinese_and_administrators_see_the_error(
    city, people, client_for, monkeypatch
):
    _county_letters_missing(city)

    def broken(**kwargs):
        raise RuntimeError("letter template exploded")

    monkeypatch.setattr(services, "_issue_letters", broken)
    issue = _request(city, people)
    assert issue_letters(issue.pk) == 0
    issue.refresh_from_db()
    assert (issue.status, issue.failure) == (STATUS.FAILED, "error")
    assert "letter template exploded" in issue.error
    failure = JobFailure.objects.get(task="safety.issue_letters")
    assert failure.args == [issue.pk] and "letter template exploded" in failure.error
    admin_page = client_for("administrator").get(reverse("admin:safety_jobfailure_changelist"))
    assert "letter template exploded" in admin_page.content.decode()
    notice = Notification.objects.get(recipient=people.county_admin, kind="letters_issue_failed")
    assert notice.url == _pages(issue)[0]
    page = client_for("county_admin").get(_pages(issue)[0]).content.decode()
    assert "下发已中止：处理过程中出错" in page and "没有下发任何责任书" in page
    assert "hx-trigger" not in page and "exploded" not in page
    assert reverse("responsibility:letters_bulk_issue", args=[city.county_a.pk]) in page
    # Failed is final: the sweeper leaves it, a late message does nothing.
    now = timezone.now() + STALLED_AFTER + datetime.timedelta(minutes=1)
    assert services.stalled_letter_issues(now, now - datetime.timedelta(days=1)) == []
    monkeypatch.undo()
    assert issue_letters(issue.pk) == 0
    assert not ResponsibilityLetter.objects.exists()


def test_a_requester_who_lost_the_right_fails_the_request_without_issuing(city, people, client_for):
    _county_letters_missing(city)
    issue = LetterIssueRequest.objects.create(
        unit=city.county_a, school_year=YEAR, requested_by=people.county_official
    )
    assert issue_letters(issue.pk) == 0
    issue.refresh_from_db()
    assert (issue.status, issue.failure) == (STATUS.FAILED, "denied")
    assert not ResponsibilityLetter.objects.exists()
    assert not JobFailure.objects.exists()  # a right, not a fault of the system
    page = client_for("county_admin").get(_pages(issue)[1]).content.decode()
    assert "发起下发的账号已无权管理本单位的安全责任制" in page


def test_a_message_queued_before_the_progress_page_runs_the_request_it_meant(city, people):
    """Messages queued by an older version carry (actor, unit, year)."""
    missing = _county_letters_missing(city)
    issue = _request(city, people)
    assert issue_letters(people.county_admin.pk, city.county_a.pk, YEAR) == missing
    assert issue_letters(people.county_admin.pk, city.county_a.pk, YEAR) == 0
    issue.refresh_from_db()
    assert issue.status == STATUS.DONE
    assert LetterIssueRequest.objects.count() == 1
    assert Notification.objects.filter(kind="letters_issued").count() == 1
