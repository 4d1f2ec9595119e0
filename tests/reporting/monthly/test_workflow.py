"""Monthly reports: figures, freezing, due dates, review and versions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reporting.models import MonthlyReport, MonthlyReportEvent
from reporting.monthly import selectors, services
from reporting.monthly.periods import (
    UnitStatus,
    county_due_date,
    is_late,
    school_due_date,
    unit_status,
)
from safety import services as safety_services
from tests.factories import OrganisationFactory, UserFactory

from ..conftest import OCTOBER, shanghai

pytestmark = pytest.mark.django_db
Status = MonthlyReport.Status


def test_due_dates_are_last_day_for_schools_and_tenth_of_next_month_for_counties():
    assert school_due_date(datetime.date(2026, 2, 1)) == datetime.date(2026, 2, 28)
    assert school_due_date(datetime.date(2028, 2, 1)) == datetime.date(2028, 2, 29)
    assert county_due_date(datetime.date(2026, 12, 1)) == datetime.date(2027, 1, 10)


def test_school_figures_are_compiled_from_the_data(city, people, submit_school):
    version = submit_school(people.staff_a)

    assert version.figures["sections"]["headcounts"] == {
        "columns": ["students", "staff", "boarding"],
        "rows": [["", 500, 40, 0]],
    }


def test_county_rollup_adds_up_submitted_school_figures_and_lists_every_school(
    city, people, submit_school
):
    city.school_a2.student_count = 1200
    safety_services.organisation_save(actor=None, organisation=city.school_a2)
    submit_school(people.staff_a)
    submit_school(people.staff_a2, when=shanghai(2026, 11, 2, 8))
    OrganisationFactory(name="甲区第三小学", parent=city.county_a)  # submits nothing

    rollup = selectors.county_rollup(city.county_a, OCTOBER, datetime.date(2026, 11, 3))

    assert rollup["school_count"] == 3
    assert rollup["sections"]["headcounts"]["rows"] == [["", 500 + 1200, 80, 1]]
    assert rollup["status_counts"]["on_time"] == 1
    assert rollup["status_counts"]["late"] == 1
    assert rollup["status_counts"]["missing"] == 1
    statuses = {row["name"]: row["status"] for row in rollup["schools"]}
    assert statuses == {
        "甲区实验小学": "on_time",
        "甲区第二中学": "late",
        "甲区第三小学": "missing",
    }


def test_submitted_version_is_frozen_against_later_data_changes(city, people, submit_school):
    version = submit_school(people.staff_a)
    city.school_a.student_count = 9999
    safety_services.organisation_save(actor=None, organisation=city.school_a)

    version.refresh_from_db()
    assert version.figures["sections"]["headcounts"]["rows"][0][1] == 500
    assert version.work_done == "检查了消防通道。"
    services.monthly_report_return(
        actor=people.county_official, report=version.report, comment="请补充隐患整改情况。"
    )
    services.monthly_report_save_draft(
        actor=people.staff_a,
        unit=city.school_a,
        month=OCTOBER,
        work_done="改过的文字",
        problems_found="",
        next_month_plans="",
    )
    version.refresh_from_db()
    assert version.work_done == "检查了消防通道。"


def test_county_report_freezes_school_statuses_as_they_were(city, people, submit_school):
    submit_school(people.staff_a)
    services.monthly_report_save_draft(
        actor=people.county_official,
        unit=city.county_a,
        month=OCTOBER,
        work_done="全区开展安全检查。",
        problems_found="",
        next_month_plans="",
    )
    county_version = services.monthly_report_submit(
        actor=people.county_official, unit=city.county_a, month=OCTOBER, now=shanghai(2026, 11, 5)
    )
    submit_school(people.staff_a2, when=shanghai(2026, 11, 6))

    county_version.refresh_from_db()
    statuses = {row["name"]: row["status"] for row in county_version.figures["schools"]}
    assert statuses == {"甲区实验小学": "on_time", "甲区第二中学": "missing"}
    assert county_version.is_late is False


@pytest.mark.parametrize(
    ("submitted", "late"),
    [
        (shanghai(2026, 10, 31, 23, 59, 59), False),
        (shanghai(2026, 11, 1, 0, 0, 0), True),
        # 16:30 UTC on the 31st is already 1 November in Shanghai.
        (datetime.datetime(2026, 10, 31, 16, 30, tzinfo=datetime.UTC), True),
        (datetime.datetime(2026, 10, 31, 15, 59, tzinfo=datetime.UTC), False),
    ],
)
def test_school_on_time_means_by_the_end_of_the_last_day_in_shanghai(city, submitted, late):
    assert is_late(city.school_a, OCTOBER, submitted) is late


def test_county_on_time_means_by_the_end_of_the_tenth(city):
    assert is_late(city.county_a, OCTOBER, shanghai(2026, 11, 10, 23, 59)) is False
    assert is_late(city.county_a, OCTOBER, shanghai(2026, 11, 11, 0, 0)) is True


def test_missing_only_after_the_due_date(city, people):
    due = datetime.date(2026, 10, 31)
    assert unit_status(city.school_a, OCTOBER, None, due) == UnitStatus.NOT_STARTED
    assert unit_status(city.school_a, OCTOBER, None, due + datetime.timedelta(1)) == (
        UnitStatus.MISSING
    )
    services.monthly_report_save_draft(
        actor=people.staff_a,
        unit=city.school_a,
        month=OCTOBER,
        work_done="x",
        problems_found="",
        next_month_plans="",
    )
    report = MonthlyReport.objects.get()
    assert unit_status(city.school_a, OCTOBER, report, due) == UnitStatus.DRAFT
    assert unit_status(city.school_a, OCTOBER, report, due + datetime.timedelta(1)) == (
        UnitStatus.MISSING
    )
    assert unit_status(city.county_a, OCTOBER, None, datetime.date(2026, 11, 10)) == (
        UnitStatus.NOT_STARTED
    )
    assert unit_status(city.county_a, OCTOBER, None, datetime.date(2026, 11, 11)) == (
        UnitStatus.MISSING
    )


def test_return_resubmit_approve_keeps_every_version_with_its_comment(city, people, submit_school):
    first = submit_school(people.staff_a)
    report = first.report
    with pytest.raises(ValidationError):
        services.monthly_report_return(actor=people.county_official, report=report, comment=" ")

    services.monthly_report_return(
        actor=people.county_official, report=report, comment="请补充隐患整改情况。"
    )
    report.refresh_from_db()
    assert report.status == Status.RETURNED
    assert unit_status(city.school_a, OCTOBER, report, datetime.date(2026, 11, 5)) == (
        UnitStatus.RETURNED
    )

    second = submit_school(people.leader_a, when=shanghai(2026, 11, 3), text="补充了整改情况。")
    services.monthly_report_approve(actor=people.county_official, report=report)

    report.refresh_from_db()
    first.refresh_from_db()
    assert report.status == Status.APPROVED
    assert [v.number for v in report.versions.all()] == [2, 1]
    assert (first.decision, first.review_comment) == ("returned", "请补充隐患整改情况。")
    assert second.work_done == "补充了整改情况。"
    assert second.is_late is True  # this version came late ...
    assert report.first_submitted_at == shanghai(2026, 10, 30, 9)  # ... the report did not
    transitions = list(MonthlyReportEvent.objects.values_list("from_status", "to_status"))
    assert transitions == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]


def test_only_the_bureau_directly_above_reviews(city, people, submit_school):
    report = submit_school(people.staff_a).report
    for outsider in (
        people.staff_a,
        people.other_county_official,
        people.city_official,
        people.county_admin,
    ):
        with pytest.raises(PermissionDenied):
            services.monthly_report_approve(actor=outsider, report=report)


def test_wrong_state_transitions_are_refused(city, people, submit_school):
    version = submit_school(people.staff_a)
    with pytest.raises(ValidationError):
        services.monthly_report_submit(actor=people.staff_a, unit=city.school_a, month=OCTOBER)
    with pytest.raises(ValidationError):
        services.monthly_report_save_draft(
            actor=people.staff_a,
            unit=city.school_a,
            month=OCTOBER,
            work_done="x",
            problems_found="",
            next_month_plans="",
        )
    services.monthly_report_approve(actor=people.county_official, report=version.report)
    with pytest.raises(ValidationError):
        services.monthly_report_approve(actor=people.county_official, report=version.report)


def test_only_the_units_own_reporters_draft_and_submit(city, people):
    for outsider in (people.staff_a2, people.county_official, people.administrator):
        with pytest.raises(PermissionDenied):
            services.monthly_report_save_draft(
                actor=outsider,
                unit=city.school_a,
                month=OCTOBER,
                work_done="x",
                problems_found="",
                next_month_plans="",
            )
    with pytest.raises(PermissionDenied):
        services.monthly_report_submit(
            actor=people.administrator, unit=city.county_a, month=OCTOBER
        )


def test_a_month_that_has_not_begun_cannot_be_submitted(city, people):
    with pytest.raises(ValidationError):
        services.monthly_report_submit(
            actor=people.staff_a,
            unit=city.school_a,
            month=datetime.date(2026, 12, 1),
            now=shanghai(2026, 11, 30, 12),
        )


def test_an_empty_report_cannot_be_submitted(city, people):
    with pytest.raises(ValidationError):
        services.monthly_report_submit(
            actor=people.staff_a, unit=city.school_a, month=OCTOBER, now=shanghai(2026, 10, 30)
        )


def test_submission_notifies_the_reviewers_above(city, people, submit_school):
    submit_school(people.staff_a)
    assert people.county_official.notifications.count() == 1
    assert people.other_county_official.notifications.count() == 0
    inactive = UserFactory(unit=city.county_a, role="bureau_official", is_active=False)
    assert inactive.notifications.count() == 0
