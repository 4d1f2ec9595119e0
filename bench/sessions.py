"""Signed-in sessions for the load run's users, so the run measures filing and browsing and
not 50 simultaneous password hashes (PBKDF2 is slow on purpose; one login is timed here and
reported separately). Prints JSON: {"sessions": {username: session key}, "login_ms": …}."""

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

from bench.load_users import official_usernames, staff_usernames  # noqa: E402
from demo.generator import PASSWORD  # noqa: E402
from safety.models import Organisation, User  # noqa: E402


def main() -> None:
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
    print(json.dumps({"sessions": sessions, "login_ms": login_ms}))


if __name__ == "__main__":
    main()
