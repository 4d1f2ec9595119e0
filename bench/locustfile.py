"""Load run (bench.run starts it headless against gunicorn on 127.0.0.1): school staff
file inspections (start, fill every check, submit: hazards logged) while officials browse
the ledger with filters and pages and open hazards. Users log in through the login form."""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = "SafeCampus@2026"
SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", "200"))
COUNTIES = int(os.environ.get("BENCH_COUNTIES", "1"))
_staff_numbers = itertools.count(1)
_official_numbers = itertools.count(0)
FIELD = re.compile(r'name="result_(\d+)"')
TEMPLATE = re.compile(r'<option value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _LoggedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.client.base_url + "/accounts/login/"},
            name="login",
        )

    def post(self, path: str, data: dict, name: str):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        headers = {"Referer": self.client.base_url + path}
        return self.client.post(path, data, headers=headers, name=name)


class SchoolStaff(_LoggedIn):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        number = (next(_staff_numbers) * 37) % SCHOOLS + 1
        self.username = f"s{number:05d}.staff"
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
    wait_time = between(1, 3)

    def on_start(self) -> None:
        number = next(_official_numbers) % (COUNTIES + 1)
        self.username = "city.official" if number == 0 else f"c{number:02d}.official"
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
