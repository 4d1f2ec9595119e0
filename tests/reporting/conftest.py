from __future__ import annotations

import datetime
import zoneinfo

import pytest

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OCTOBER = datetime.date(2026, 10, 1)


def shanghai(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def submit_school(people):
    """Draft and submit a school's October report as a given user at a given time."""
    from reporting.monthly import services

    def submit(user, *, month=OCTOBER, when=None, text="检查了消防通道。"):
        services.monthly_report_save_draft(
            actor=user,
            unit=user.organisation,
            month=month,
            work_done=text,
            problems_found="",
            next_month_plans="",
        )
        return services.monthly_report_submit(
            actor=user, unit=user.organisation, month=month, now=when or shanghai(2026, 10, 30, 9)
        )

    return submit
