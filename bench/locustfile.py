"""Load runs (bench.run starts them headless against gunicorn on 127.0.0.1).

- SchoolStaff + Official (the day's load and the stress run): school staff file inspections
  (start, fill every check, submit: hazards logged) while officials browse the ledger with
  filters and pages and open hazards.
- RushSchool + RushOfficial (#23, the month-end rush): staff of 200 schools each file their
  school's monthly report (open the list and the report, save a draft, submit, confirm) while
  20 officials watch the review console, open submitted reports and approve them."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

from bench.load_users import official_usernames, staff_usernames

SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", "200"))
COUNTIES = int(os.environ.get("BENCH_COUNTIES", "1"))
_SESSIONS = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())
SESSIONS = _SESSIONS["sessions"]
STAFF = itertools.cycle(staff_usernames(SCHOOLS, 50))
OFFICIALS = itertools.cycle(official_usernames(COUNTIES, 50))
# Think time between a user's actions. "realistic": staff fill a checklist on a phone
# (5-15 s between inspections), officials read a ledger page before the next (2-8 s).
# "fast": 1-3 s for everyone, a stress pace to find the machine's capacity.
FAST = os.environ.get("BENCH_PACE") == "fast"
FIELD = re.compile(r'name="result_(\d+)"')
TEMPLATE = re.compile(r'<option value="(\d+)"')


class _LoggedIn(HttpUser):
    """Starts with a signed-in session made by bench.sessions (see there why)."""

    abstract = True
    username = ""

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", SESSIONS[self.username])

    def post(self, path: str, data: dict, name: str):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        headers = {"Referer": self.client.base_url + path}
        return self.client.post(path, data, headers=headers, name=name)


class SchoolStaff(_LoggedIn):
    weight = 1
    wait_time = between(1, 3) if FAST else between(5, 15)

    def on_start(self) -> None:
        self.username = next(STAFF)
        super().on_start()

    @task
    def file_inspection(self) -> None:
        form = self.client.get("/inspections/new/", name="inspection form")
        templates = TEMPLATE.findall(form.text)
        response = self.post(
            "/inspections/new/",
            {"template": random.choice(templates), "kind": "self_weekly"},
            name="inspection start",
        )
        match = re.search(r"/inspections/(\d+)/", response.url or "")
        if not match:
            return  # the start itself failed; locust has counted its status
        pk = match.group(1)
        items = FIELD.findall(response.text)
        data = {"summary": "周检", "submit": "1"}
        for index, item in enumerate(items):
            hazard = index == 0 and random.random() < 0.5
            data[f"result_{item}"] = "hazard" if hazard else "pass"
            data[f"note_{item}"] = "消防通道堆放杂物" if hazard else ""
            data[f"severity_{item}"] = "general"
        self.post(f"/inspections/{pk}/save/", data, name="inspection submit")

    @task(2)
    def browse_own_ledger(self) -> None:
        self.client.get("/hazards/", name="ledger")


class Official(_LoggedIn):
    weight = 1
    wait_time = between(1, 3) if FAST else between(2, 8)

    def on_start(self) -> None:
        self.username = next(OFFICIALS)
        super().on_start()

    @task(3)
    def ledger(self) -> None:
        query = random.choice(
            [
                "",
                "status=reported",
                "severity=major",
                "overdue=on",
                "status=closed&severity=general",
            ]
        )
        page = random.randint(1, 20)
        response = self.client.get(f"/hazards/?{query}&page={page}", name="ledger")
        ids = re.findall(r'href="/hazards/(\d+)/"', response.text)
        if ids:
            self.client.get(f"/hazards/{random.choice(ids)}/", name="hazard detail")

    @task(1)
    def incidents(self) -> None:
        self.client.get("/incidents/", name="incident list")


# --- the month-end rush (#23) -------------------------------------------------------------
# bench.sessions --rush chose schools whose report of the open month is not yet submitted and
# gives each staff account's school; the officials are the city's and the counties'.
RUSH = _SESSIONS.get("rush", {})
RUSH_STAFF = iter(RUSH.get("schools", {}).items())
RUSH_OFFICIALS = itertools.cycle(RUSH.get("officials", ["city.official"]))
REPORT_LINK = re.compile(r'href="(/monthly/unit/\d+/\d{4}-\d{2}/)"')
WORK_DONE = "本月开展安全大检查3次，排查隐患5处，已整改4处；组织消防疏散演练1次。"


class RushSchool(_LoggedIn):
    """A school's staff member files the month's report, one step per look at the screen:
    opens the list, the report (reads its figures), saves the narrative as a draft, submits,
    confirms on the question page; then, like a person who has finished, only looks at the
    report now and then. The class's think time falls between every two steps, as a person
    reads and types between two clicks (the first rush fired the five in a row, so that 200
    schools arriving in 20 s asked for a thousand pages at once: a burst no office makes)."""

    weight = 10
    wait_time = between(5, 15)
    TEXT = {"work_done": WORK_DONE, "problems_found": "食堂排烟管道待清洗。",
            "next_month_plans": "开展冬季防火专项检查。"}  # fmt: skip

    def on_start(self) -> None:
        self.username, school = next(RUSH_STAFF)
        self.report = f"/monthly/unit/{school}/{RUSH['month']}/"
        self.step = 0
        super().on_start()

    @task
    def file_monthly_report(self) -> None:
        step, self.step = self.step, self.step + 1
        save = f"{self.report}save/"
        if step == 0:
            self.client.get("/monthly/", name="monthly list")
        elif step == 1 or step >= 5:
            self.client.get(self.report, name="monthly report")
        elif step == 2:
            self.post(save, {**self.TEXT, "action": "save"}, name="monthly save draft")
        elif step == 3:
            asked = self.post(save, {**self.TEXT, "action": "submit"}, name="monthly submit")
            if 'name="confirm"' not in asked.text:
                self.step = 5  # refused or already submitted: nothing to confirm
        else:
            self.post(save, {**self.TEXT, "action": "submit", "confirm": "yes"},
                      name="monthly submit confirmed")  # fmt: skip


class RushOfficial(_LoggedIn):
    """A county or city official on the review console: opens a submitted report of the
    console and approves it, between looks at the console."""

    weight = 1
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.username = next(RUSH_OFFICIALS)
        super().on_start()

    @task
    def review(self) -> None:
        console = self.client.get("/monthly/console/", name="review console")
        links = REPORT_LINK.findall(console.text)
        if not links:
            return
        report = random.choice(links[:20])
        page = self.client.get(report, name="monthly report (official)")
        if 'name="decision"' in page.text:
            self.post(f"{report}review/", {"decision": "approve", "comment": ""},
                      name="monthly approve")  # fmt: skip
