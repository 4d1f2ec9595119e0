"""Signed-in sessions for the load run's users, so the run measures filing and browsing and
not 50 simultaneous password hashes (PBKDF2 is slow on purpose; one login is timed here and
reported separately). Prints JSON: {"sessions": {username: session key}, "login_ms": …}.

`--rush N` (#23, the month-end rush): instead, the staff of N schools whose report of the
open month is not yet submitted (none, a draft or returned) and up to 20 bureau officials,
with {"rush": {"month": "YYYY-MM", "schools": {staff username: school id}, "officials": […]}}."""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import authenticate  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.load_users import official_usernames, staff_usernames  # noqa: E402
from demo.generator import PASSWORD  # noqa: E402
from reporting.models import MonthlyReport  # noqa: E402
from safety.models import Organisation, User  # noqa: E402


def rush(count: int) -> tuple[set[str], dict]:
    """The month-end rush's users: staff of `count` schools still to file the open month."""
    month = timezone.localdate().replace(day=1)
    filed = MonthlyReport.objects.filter(month=month).exclude(
        status__in=[MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED]
    )
    staff = (
        User.objects.filter(unit__kind="school", username__endswith=".staff")
        .exclude(unit__in=filed.values("unit"))
        .order_by("username")
        .values_list("username", "unit_id")[:count]
    )
    schools = dict(staff)
    if len(schools) < count:
        raise SystemExit(f"only {len(schools)} schools are still to file {month:%Y-%m}")
    officials = list(
        User.objects.filter(unit__kind__in=["city", "county"], username__endswith=".official")
        .order_by("username")
        .values_list("username", flat=True)[:20]
    )
    return set(schools) | set(officials), {
        "month": f"{month:%Y-%m}",
        "schools": schools,
        "officials": officials,
    }


def main() -> None:
    extra = {}
    if sys.argv[1] == "--rush":
        names, extra["rush"] = rush(int(sys.argv[2]))
    else:
        users = int(sys.argv[1])
        schools = Organisation.objects.filter(kind="school").count()
        counties = Organisation.objects.filter(kind="county").count()
        names = set(staff_usernames(schools, users)) | set(official_usernames(counties, users))
    sessions = {}
    for user in User.objects.filter(username__in=names):
        client = Client()
        client.force_login(user)
        sessions[user.username] = client.cookies["sessionid"].value
    started = time.perf_counter()
    assert authenticate(username="city.official", password=PASSWORD) is not None
    login_ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"sessions": sessions, "login_ms": login_ms, **extra}))


if __name__ == "__main__":
    main()
