"""A generated city for performance work (issue #9): `manage.py generate_city`.

Fills an empty database with a realistic city: a city bureau, its county bureaus and their
schools of every type; accounts, holders, assignments, certificates and letters; inspections;
hazards in every state and area with a skewed spread (a few schools far worse than the rest);
incidents; a monthly report for every unit and month with realistic lateness; notifications;
photo rows. Reproducible: the same arguments and seed give the same rows.

`--cities N` (#23) generates a province instead: the provincial education department
(accounts province.official / province.admin) above N cities (the first city's accounts keep
the names city.official / city.admin, the others m02.official, m03.official, …), the counties
and schools spread over the cities, and each city's monthly roll-up to the province.

Speed: rows are built as plain tuples with ids assigned here (no model instances, no
round-trip per row), then written with PostgreSQL's COPY in batches (bulk_create on SQLite,
which the budget tests use at small sizes). Materialised paths and sort keys are computed
here exactly as safety.services computes them. Photos: one small generated JPEG is stored
once and every Photo row points at it (the bytes do not matter to any page measured).

A tool, not product (issue #12): it writes every app's tables, so it lives above them all.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone, translation
from PIL import Image, ImageDraw

from demo import features
from inspections import demo as inspections_demo
from inspections import tally
from inspections.models import ChecklistTemplate, Hazard, HazardEvent, Inspection, Photo
from reporting.models import (
    Incident,
    IncidentEvent,
    IncidentReport,
    MonthlyReport,
    MonthlyReportVersion,
)
from reporting.monthly.periods import add_months, city_due_date, county_due_date, school_due_date
from safety import demo as safety_demo
from safety.models import (
    PATH_SEGMENT_WIDTH,
    Assignment,
    Certificate,
    Holder,
    Notification,
    Organisation,
    Post,
    ResponsibilityLetter,
    SafetyArea,
    User,
    school_year_bounds,
    school_year_of,
)
from safety.preparedness import services as preparedness_services
from safety.responsibility import services as responsibility_services
from safety.services import name_sort_key, person_name_sort_key

PASSWORD = "SafeCampus@2026"  # noqa: S105 - the demo password, for generated cities only
SCHOOLS_PER_COUNTY = 175
HAZARDS_PER_SCHOOL_YEAR = 83  # 2,000 schools x 3 years ~ 500,000 hazards
INSPECTIONS_PER_SCHOOL_YEAR = 16
INCIDENTS_PER_SCHOOL_YEAR = 0.25
BATCH = 20_000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文海波宁"
# #23: the cities of a generated province (--cities N).
CITY_NAMES = [
    "南昌市", "九江市", "赣州市", "吉安市", "宜春市", "抚州市", "上饶市", "景德镇市",
    "萍乡市", "新余市", "鹰潭市",
]  # fmt: skip
COUNTY_NAMES = [
    "东湖区", "西湖区", "青云谱区", "青山湖区", "新建区", "红谷滩区", "南昌县", "进贤县",
    "安义县", "湾里区", "高新区", "经开区", "临空区", "丰城市", "樟树市", "高安市",
]  # fmt: skip
TYPE_SUFFIX = {
    "kindergarten": "幼儿园",
    "primary": "小学",
    "junior_middle": "初级中学",
    "senior_middle": "高级中学",
    "nine_year": "九年制学校",
    "twelve_year": "十二年制学校",
    "vocational": "职业技术学校",
    "special": "特殊教育学校",
}
TYPE_WEIGHTS = {
    "kindergarten": 30,
    "primary": 38,
    "junior_middle": 12,
    "senior_middle": 6,
    "nine_year": 7,
    "twelve_year": 1,
    "vocational": 4,
    "special": 2,
}
HAZARD_TEXT = {
    "buildings": ["教学楼外墙瓷砖松动", "宿舍楼电线老化裸露", "围墙出现裂缝", "楼梯扶手松动"],
    "teaching": ["校外活动未报审批", "体育课未做安全提示", "实验课未佩戴护目镜"],
    "fire": ["灭火器已过充装期", "安全出口被杂物堵塞", "应急照明灯不亮", "消防栓水压不足"],
    "food": ["食堂留样记录不全", "从业人员健康证过期", "供货商资质未存档"],
    "property": ["财务室未装报警器", "夜间留存现金超限", "贵重设备未登记"],
    "traffic": ["校门口无护导值班", "接送车辆超载", "校车安全员缺位"],
    "surroundings": ["校门口流动摊贩聚集", "周边网吧接纳未成年人", "校园周边有闲杂人员"],
    "psychological": ["心理辅导室未开放", "重点学生未落实帮扶人"],
    "internet": ["机房未安装过滤软件", "学生上网无人监管"],
}
LOCATIONS = ["教学楼", "宿舍楼", "食堂", "操场", "校门口", "实验楼", "图书馆", "行政楼", "围墙"]
AREA_WEIGHTS = {
    "fire": 26,
    "buildings": 22,
    "food": 14,
    "traffic": 10,
    "surroundings": 8,
    "property": 7,
    "teaching": 7,
    "psychological": 3,
    "internet": 3,
}


@dataclass
class Plan:
    schools: int = 200
    years: int = 1
    counties: int | None = None
    # #23: 0 generates one city (the root, as before); N > 0 a province of N cities, the
    # counties and schools spread over them.
    cities: int = 0
    seed: int = 1
    scale: float = 1.0
    today: datetime.date | None = None

    def county_count(self) -> int:
        return self.counties or max(1, round(self.schools / SCHOOLS_PER_COUNTY))


@dataclass
class _City:
    """What later steps need from earlier ones (ids, not model instances)."""

    city: dict[str, Any] = field(default_factory=dict)
    # #23: the province (empty for a single city) and every city (the first is `city`).
    province: dict[str, Any] = field(default_factory=dict)
    cities: list[dict[str, Any]] = field(default_factory=list)
    # city id -> the username prefix of its official and administrator ("city", "m02", …)
    city_prefix: dict[int, str] = field(default_factory=dict)
    counties: list[dict[str, Any]] = field(default_factory=list)
    schools: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, int] = field(default_factory=dict)
    inspections_by_school: dict[int, list[tuple[int, datetime.date]]] = field(default_factory=dict)


class Generator:
    def __init__(self, plan: Plan, log: Callable[[str], None] = lambda _m: None) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.log = log
        self.today = plan.today or timezone.localdate()
        self.now = timezone.now()
        self.start = self.today - datetime.timedelta(days=365 * plan.years)
        self.tz = timezone.get_current_timezone()
        self.next_ids: dict[type[models.Model], int] = {}
        self.counts: dict[str, int] = {}
        self.c = _City()

    # --- writing -------------------------------------------------------------------------

    def _ids(self, model: type[models.Model], count: int) -> range:
        """Reserve `count` ids above everything in the table (sequences are reset at the end)."""
        if model not in self.next_ids:
            top = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self.next_ids[model] = top + 1
        first = self.next_ids[model]
        self.next_ids[model] = first + count
        return range(first, first + count)

    def _write(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]
    ) -> int:
        """Write rows (values in `columns` order, attnames) in batches; returns the count."""
        written = 0
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                written += self._flush(model, columns, batch)
                batch = []
        if batch:
            written += self._flush(model, columns, batch)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + written
        return written

    def _flush(self, model: type[models.Model], columns: Sequence[str], rows: list) -> int:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow([_copy_value(value) for value in row])
            buffer.seek(0)
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(
                connection.ops.quote_name(model._meta.get_field(c).column) for c in columns
            )
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
        else:
            objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
            model.objects.bulk_create(objects, batch_size=500)
        return len(rows)

    def _reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_ids))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    # --- helpers -------------------------------------------------------------------------

    def _moment(self, day: datetime.date, hour_from: int = 8, hour_to: int = 18):
        seconds = self.rng.randint(hour_from * 3600, hour_to * 3600 - 1)
        naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            seconds=seconds
        )
        return timezone.make_aware(naive, self.tz)

    def _day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def _person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )

    def _weighted(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # --- steps ---------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        if Organisation.objects.exists():
            raise RuntimeError(
                "generate_city needs an empty database (a new database after migrate)."
            )
        _ensure_reference_rows()
        for step in (
            self.units,
            self.accounts,
            self.responsibilities,
            self.inspections,
            self.hazards,
            self.incidents,
            self.monthly_reports,
            self.notifications,
        ):
            started = time.perf_counter()
            step()
            self.log(f"{step.__name__}: {time.perf_counter() - started:.1f} s")
        features.run(self, self.log)  # #23: every feature's records (demo/features)
        self._reset_sequences()
        responsibility_services.gap_summaries_refresh()  # #23: the grid's summaries
        preparedness_services.preparedness_summaries_refresh()  # #23: the coverage view
        return self.counts

    def add_features(self) -> dict[str, int]:
        """`generate_city --features`: the feature steps whose tables are empty, on a city
        generated before they existed (its core steps are not repeated)."""
        if not Organisation.objects.filter(kind="school").exists():
            raise RuntimeError("generate_city --features needs a generated city.")
        features.run(self, self.log)
        self._reset_sequences()
        responsibility_services.gap_summaries_refresh()
        preparedness_services.preparedness_summaries_refresh()
        return self.counts

    def units(self) -> None:
        plan = self.plan
        county_count = plan.county_count()
        top = 1 + plan.cities if plan.cities else 1
        ids = iter(self._ids(Organisation, top + county_count + plan.schools))
        rows = []

        def unit(name, kind, parent, code, **extra):
            pk = next(ids)
            path = (parent["path"] if parent else "") + f"{pk:0{PATH_SEGMENT_WIDTH}d}/"
            row = {
                "id": pk,
                "name": name,
                "name_sort_key": name_sort_key(name),
                "kind": kind,
                "parent_id": parent["id"] if parent else None,
                "path": path,
                "code": code,
                "school_type": extra.get("school_type", ""),
                "is_boarding": extra.get("is_boarding", False),
                "has_school_buses": False,  # #14: kept by the school-bus register
                "locality": extra.get("locality", ""),
                "address": extra.get("address", ""),
                "phone": f"0791-{self.rng.randint(80000000, 89999999)}",
                "student_count": extra.get("student_count", 0),
                "staff_count": extra.get("staff_count", 0),
                "is_active": True,
                "created_at": self.now,
                "updated_at": self.now,
            }
            rows.append(row)
            return row

        self._top_units(unit)
        for index in range(county_count):
            name = COUNTY_NAMES[index % len(COUNTY_NAMES)]
            if index >= len(COUNTY_NAMES):
                name = f"{name}{index // len(COUNTY_NAMES) + 1}"
            city = self.c.cities[index % len(self.c.cities)]
            self.c.counties.append(unit(f"{name}教育局", "county", city, f"3601{index + 1:02d}"))
        numbers: dict[tuple[int, str], int] = {}
        for index in range(plan.schools):
            # About 2% are city-direct schools (市直学校).
            parent = (
                self.rng.choice(self.c.cities)
                if self.rng.random() < 0.02
                else self.rng.choice(self.c.counties)
            )
            school_type = self._weighted(TYPE_WEIGHTS)
            key = (parent["id"], school_type)
            numbers[key] = numbers.get(key, 0) + 1
            area = parent["name"].removesuffix("教育局").removesuffix("城市")
            students = {
                "kindergarten": (80, 400),
                "primary": (150, 2500),
                "senior_middle": (800, 3500),
            }.get(school_type, (300, 2000))
            count = self.rng.randint(*students)
            row = unit(
                f"{area or '市'}第{numbers[key]}{TYPE_SUFFIX[school_type]}",
                "school",
                parent,
                f"21{index + 1:08d}",
                school_type=school_type,
                is_boarding=school_type in ("senior_middle", "vocational", "special")
                or self.rng.random() < 0.12,
                locality="rural" if self.rng.random() < 0.45 else "urban",
                address=f"{area}{self.rng.randint(1, 999)}号",
                student_count=count,
                staff_count=max(8, count // 14),
            )
            # A few schools are far worse than the rest (lognormal skew).
            row["badness"] = self.rng.lognormvariate(0, 0.9)
            self.c.schools.append(row)
        columns = [name for name in rows[0] if name != "badness"]
        self._write(Organisation, columns, ([row[c] for c in columns] for row in rows))

    def _top_units(self, unit: Callable[..., dict[str, Any]]) -> None:
        """The city (a single city: the root), or the province and its cities (#23)."""
        if not self.plan.cities:
            self.c.city = unit("城市教育局", "city", None, "360100")
            self.c.cities = [self.c.city]
        else:
            self.c.province = unit("省教育厅", "province", None, "360000")
            for index in range(self.plan.cities):
                name = CITY_NAMES[index % len(CITY_NAMES)]
                if index >= len(CITY_NAMES):
                    name = f"{name}{index // len(CITY_NAMES) + 1}"
                code = f"36{index + 1:02d}00" if index else "360100"
                self.c.cities.append(unit(f"{name}教育局", "city", self.c.province, code))
            self.c.city = self.c.cities[0]
        for index, city in enumerate(self.c.cities, 1):
            self.c.city_prefix[city["id"]] = "city" if index == 1 else f"m{index:02d}"

    def accounts(self) -> None:
        password = make_password(PASSWORD)
        specs = [("bench.admin", self.c.city, "administrator", "系统管理员", True)]
        if self.c.province:
            specs += [
                ("province.official", self.c.province, "bureau_official", self._person(), False),
                ("province.admin", self.c.province, "administrator", self._person(), False),
            ]
        for city in self.c.cities:
            prefix = self.c.city_prefix[city["id"]]
            specs += [
                (f"{prefix}.official", city, "bureau_official", self._person(), False),
                (f"{prefix}.admin", city, "administrator", self._person(), False),
            ]
        for index, county in enumerate(self.c.counties, 1):
            specs += [
                (f"c{index:02d}.official", county, "bureau_official", self._person(), False),
                (f"c{index:02d}.admin", county, "administrator", self._person(), False),
            ]
        for index, school in enumerate(self.c.schools, 1):
            specs += [
                (f"s{index:05d}.leader", school, "school_leader", self._person(), False),
                (f"s{index:05d}.staff", school, "school_staff", self._person(), False),
            ]
        ids = iter(self._ids(User, len(specs)))
        columns = [
            "id", "password", "is_superuser", "username", "first_name", "last_name", "email",
            "is_staff", "is_active", "date_joined", "unit_id", "role", "full_name",
            "title", "phone",
        ]  # fmt: skip
        rows = []
        for username, unit, role, full_name, superuser in specs:
            pk = next(ids)
            self.c.users[username] = pk
            rows.append(
                (
                    pk, password, superuser, username, "", "", f"{username}@example.gov.cn",
                    superuser, True, self.now, None if superuser else unit["id"],
                    "" if superuser else role, full_name, "", "",
                )
            )  # fmt: skip
        self._write(User, columns, rows)

    def responsibilities(self) -> None:
        school_year = school_year_of(self.today)
        year_start, _year_end = school_year_bounds(school_year)
        posts = list(
            Post.objects.filter(is_active=True, unit_kind="school").prefetch_related(
                "default_areas"
            )
        )
        probe = Organisation(kind="school")
        holder_ids, assignment_ids = [], []
        holders, assignments, areas, certificates, letters = [], [], [], [], []
        for school in self.c.schools:
            probe.school_type, probe.is_boarding = school["school_type"], school["is_boarding"]
            needed = [post for post in posts if post.is_required_for(probe)]
            people = [self._person() for _ in range(min(12, 4 + len(needed) // 4))]
            school_holders = []
            for name in people:
                pk = len(holders) + 1
                holders.append([pk, school["id"], name, person_name_sort_key(name), self.now])
                school_holders.append(pk)
            for post in needed:
                if self.rng.random() < 0.02 * school["badness"]:
                    continue  # a coverage gap
                holder = self.rng.choice(school_holders)
                pk = len(assignments) + 1
                assignments.append([pk, school["id"], post.pk, holder, year_start])
                areas.extend((pk, area.pk) for area in post.default_areas.all())
                if post.certificate_kind:
                    expired = self.rng.random() < 0.05 * school["badness"]
                    certificates.append(
                        (holder, post.certificate_kind, expired, f"{post.pk}{holder:07d}")
                    )
                if self.rng.random() < 0.97:
                    signed = self.rng.random() < 0.9 / max(1.0, school["badness"] ** 0.5)
                    letters.append((pk, signed, school, post, people[school_holders.index(holder)]))
        holder_ids = self._ids(Holder, len(holders))
        assignment_ids = self._ids(Assignment, len(assignments))
        hid = lambda local: holder_ids[local - 1]  # noqa: E731
        aid = lambda local: assignment_ids[local - 1]  # noqa: E731
        self._write(
            Holder,
            ["id", "unit_id", "name", "name_sort_key", "phone", "job_title", "is_active",
             "created_at"],
            ((hid(h[0]), h[1], h[2], h[3], "", "", True, h[4]) for h in holders),
        )  # fmt: skip
        admin = self.c.users["city.admin"]
        self._write(
            Assignment,
            ["id", "unit_id", "post_id", "holder_id", "school_year", "start_date", "end_date",
             "note", "created_by_id", "created_at"],
            ((aid(a[0]), a[1], a[2], hid(a[3]), school_year, a[4], None, "", admin, self.now)
             for a in assignments),
        )  # fmt: skip
        through = Assignment.areas.through
        self._write(
            through,
            ["id", "assignment_id", "safetyarea_id"],
            (
                (pk, aid(a), area)
                for pk, (a, area) in zip(self._ids(through, len(areas)), areas, strict=True)
            ),
        )
        self._write(
            Certificate,
            ["id", "holder_id", "kind", "number", "expires_on", "created_at"],
            (
                (
                    pk, hid(holder), kind, number,
                    self.today + datetime.timedelta(days=-30 if expired else 700), self.now,
                )
                for pk, (holder, kind, expired, number) in zip(
                    self._ids(Certificate, len(certificates)), certificates, strict=True
                )
            ),
        )  # fmt: skip
        self._write(
            ResponsibilityLetter,
            ["id", "assignment_id", "school_year", "status", "unit_name", "issuer_unit_name",
             "issuer_name", "issuer_post_name", "holder_name", "post_name", "area_names",
             "duty_text", "issued_at", "issued_by_id", "signed_on", "signed_scan",
             "signed_scan_name"],
            (
                (pk, aid(a), school_year, "signed" if signed else "issued", school["name"],
                 school["name"], "", "校长", holder, post.name_zh,
                 [area.name_zh for area in post.default_areas.all()], post.duty_text,
                 self.now, admin, year_start + datetime.timedelta(days=10) if signed else None,
                 "", "")
                for pk, (a, signed, school, post, holder) in zip(
                    self._ids(ResponsibilityLetter, len(letters)), letters, strict=True
                )
            ),
        )  # fmt: skip

    def inspections(self) -> None:
        versions = dict(
            ChecklistTemplate.objects.filter(current_version__isnull=False).values_list(
                "area__key", "current_version_id"
            )
        )
        version_ids = list(versions.values())
        per_school = INSPECTIONS_PER_SCHOOL_YEAR * self.plan.years
        rows = []
        for index, school in enumerate(self.c.schools, 1):
            staff = self.c.users[f"s{index:05d}.staff"]
            county_index = next(
                (i for i, c in enumerate(self.c.counties, 1) if c["id"] == school["parent_id"]),
                None,
            )
            county_official = self.c.users[
                f"c{county_index:02d}.official"
                if county_index
                else f"{self.c.city_prefix[school['parent_id']]}.official"
            ]
            listed = []
            for _ in range(per_school):
                day = self._day(self.start, self.today)
                roll = self.rng.random()
                if roll < 0.06:
                    kind, inspector = "county", county_official
                elif roll < 0.08:
                    kind, inspector = "spot_check", self.c.users["city.official"]
                else:
                    kind = self.rng.choice(
                        ["self_monthly"] * 6 + ["self_weekly"] * 3 + ["self_term_start"]
                    )
                    inspector = staff
                draft = (self.today - day).days < 3 and self.rng.random() < 0.5
                rows.append(
                    [school["id"], kind, "draft" if draft else "submitted",
                     self.rng.choice(version_ids), inspector, day, "", None,
                     self._moment(day), None if draft else self._moment(day, 16, 20)]
                )  # fmt: skip
                listed.append((len(rows) - 1, day, draft))
            self.c.inspections_by_school[school["id"]] = listed
        ids = self._ids(Inspection, len(rows))
        for listed in self.c.inspections_by_school.values():
            listed[:] = [(ids[i], day) for i, day, draft in listed if not draft]
        self._write(
            Inspection,
            ["id", "school_id", "kind", "status", "checklist_id", "inspector_id",
             "inspected_on", "summary", "spot_check_draw_id", "created_at", "submitted_at"],
            ([pk, *row] for pk, row in zip(ids, rows, strict=True)),
        )  # fmt: skip

    def hazards(self) -> None:
        plan = self.plan
        areas = dict(SafetyArea.objects.values_list("key", "id"))
        area_weights = {key: AREA_WEIGHTS.get(key, 3) for key in areas}
        total_badness = sum(school["badness"] for school in self.c.schools)
        target = plan.schools * plan.years * HAZARDS_PER_SCHOOL_YEAR * plan.scale
        period_days = (self.today - self.start).days
        hazard_rows: list[list] = []
        events: list[tuple] = []
        photos: list[tuple] = []
        for index, school in enumerate(self.c.schools, 1):
            staff = self.c.users[f"s{index:05d}.staff"]
            leader = self.c.users[f"s{index:05d}.leader"]
            share = target * school["badness"] / total_badness
            count = int(share) + (1 if self.rng.random() < share - int(share) else 0)
            school_inspections = self.c.inspections_by_school.get(school["id"]) or []
            # Worse schools close fewer of their hazards and close them later.
            close_rate = max(0.55, 0.97 - 0.05 * school["badness"])
            for _ in range(count):
                age = int(period_days * math.sqrt(self.rng.random()))  # more recent than old
                created_on = self.today - datetime.timedelta(days=age)
                created_at = self._moment(created_on)
                area = self._weighted(area_weights)
                severity = "major" if self.rng.random() < 0.08 else "general"
                source_roll = self.rng.random()
                inspection = None
                if school_inspections and source_roll < 0.8:
                    inspection_id, day = self.rng.choice(school_inspections)
                    inspection = inspection_id
                    source = "self_inspection" if source_roll < 0.62 else "county_inspection"
                    if source_roll > 0.76:
                        source = "spot_check"
                else:
                    source = "ad_hoc"
                settled = min(1.0, age / 45)
                if self.rng.random() < close_rate * (0.35 + 0.65 * settled):
                    status = "closed"
                else:
                    status = self.rng.choice(
                        ["reported", "in_rectification", "in_rectification", "pending_verification"]
                    )
                fixed = status == "closed" and self.rng.random() < 0.25
                deadline = None
                if status != "reported" and not fixed:
                    deadline = created_on + datetime.timedelta(
                        days=30 if severity == "major" else 7
                    )
                overdue = status != "closed" and deadline is not None and deadline < self.today
                closed_at = None
                if status == "closed":
                    closed_at = created_at + datetime.timedelta(
                        days=0 if fixed else min(age, self.rng.randint(1, 25)), hours=2
                    )
                owner = staff if status != "reported" and not fixed else None
                text = self.rng.choice(HAZARD_TEXT.get(area, ["其他隐患"]))
                hazard_rows.append(
                    [school["id"], areas[area], self.rng.choice(LOCATIONS), text,
                     "managerial" if self.rng.random() < 0.3 else "tangible", severity, source,
                     status, staff, inspection, None, owner, leader if owner else None, deadline,
                     "设置警示标识，专人看守" if owner else "", False,
                     "已整改" if status in ("closed", "pending_verification") else "",
                     fixed, None, "", overdue,
                     deadline + datetime.timedelta(days=1) if overdue else None, None,
                     created_at, closed_at]
                )  # fmt: skip
                local = len(hazard_rows) - 1
                events.append((local, staff, "reported", "", "reported", created_at))
                if fixed:
                    events.append((local, staff, "fixed_on_spot", "reported", "closed", closed_at))
                elif owner:
                    events.append(
                        (local, leader, "assigned", "reported", "in_rectification",
                         created_at + datetime.timedelta(hours=3))
                    )  # fmt: skip
                    if status == "closed":
                        events.append(
                            (local, leader, "closed", "pending_verification", "closed", closed_at)
                        )
                if self.rng.random() < 0.1:
                    photos.append((local, school["id"], staff, created_at))
        hazard_ids = self._ids(Hazard, len(hazard_rows))
        # One rebuild of the tally after the load instead of a trigger call per row.
        tally.set_trigger_enabled(False)
        self._write(
            Hazard,
            ["id", "school_id", "area_id", "location", "description", "kind", "severity",
             "source", "status", "reporter_id", "inspection_id", "item_result_id", "owner_id",
             "supervisor_id", "deadline", "interim_measures", "needs_professional_assessment",
             "rectification", "fixed_on_spot", "extension_until", "extension_reason",
             "is_overdue", "overdue_since", "escalated_at", "created_at", "closed_at"],
            ([pk, *row] for pk, row in zip(hazard_ids, hazard_rows, strict=True)),
        )  # fmt: skip
        del hazard_rows
        tally.set_trigger_enabled(True)
        tally.rebuild()
        self._write(
            HazardEvent,
            ["id", "hazard_id", "actor_id", "action", "from_status", "to_status", "comment",
             "created_at"],
            (
                (pk, hazard_ids[e[0]], e[1], e[2], e[3], e[4], "", e[5])
                for pk, e in zip(self._ids(HazardEvent, len(events)), events, strict=True)
            ),
        )  # fmt: skip
        image, thumbnail = _stored_photo()
        self._write(
            Photo,
            ["id", "school_id", "item_result_id", "hazard_id", "event_id", "image", "thumbnail",
             "original_name", "content_type", "uploaded_by_id", "created_at"],
            (
                (pk, school, None, hazard_ids[local], None, image, thumbnail, "现场照片.jpg",
                 "image/jpeg", staff, created_at)
                for pk, (local, school, staff, created_at) in zip(
                    self._ids(Photo, len(photos)), photos, strict=True
                )
            ),
        )  # fmt: skip

    def incidents(self) -> None:
        with translation.override("zh-hans"):  # the summary is text people read
            names = {
                code: str(label) for code, label in Incident._meta.get_field("category").choices
            }
        categories = list(names)
        incidents, reports, events = [], [], []
        expected = INCIDENTS_PER_SCHOOL_YEAR * self.plan.years * max(self.plan.scale, 0.1)
        for index, school in enumerate(self.c.schools, 1):
            staff = self.c.users[f"s{index:05d}.staff"]
            count = _poisson(self.rng, expected * min(school["badness"], 3))
            for _ in range(count):
                occurred = self._moment(self._day(self.start, self.today), 7, 21)
                severity = "general" if self.rng.random() < 0.93 else "larger"
                delay = datetime.timedelta(minutes=self.rng.choice([20, 45, 90, 100, 200]))
                reported = occurred + delay
                old = (self.now - occurred).days > 20
                status = "closed" if old and self.rng.random() < 0.85 else "acknowledged"
                category = self.rng.choice(categories)
                summary = f"{school['name']}发生一起{names[category]}事件"[:200]
                local = len(incidents)
                incidents.append(
                    [school["id"], status, "school", "", category, severity, occurred,
                     self.rng.choice(LOCATIONS), 0, self.rng.randint(0, 3), 0, summary,
                     occurred + datetime.timedelta(minutes=120),
                     occurred + datetime.timedelta(hours=24), reported,
                     reported + datetime.timedelta(hours=6), reported + datetime.timedelta(hours=1),
                     None, None,
                     reported + datetime.timedelta(days=10) if status == "closed" else None,
                     None, False if status == "closed" else None, None, None, "", 1, "", 0,
                     staff, reported]
                )  # fmt: skip
                reports.append(
                    (local, 1, "initial", category, severity, occurred, summary, staff, reported)
                )
                events.append((local, "reported", staff, "", "reported", reported))
        ids = self._ids(Incident, len(incidents))
        self._write(
            Incident,
            ["id", "school_id", "status", "source", "source_note", "category", "severity",
             "occurred_at", "place", "deaths", "injured", "missing", "summary",
             "initial_deadline", "written_deadline", "school_reported_at",
             "written_reported_at", "acknowledged_at", "acknowledged_by_id", "forwarded_at",
             "closed_at", "closed_by_id", "is_liability", "concealed_at", "concealed_by_id",
             "concealed_reason", "revision", "file_pdf", "file_pdf_revision", "created_by_id",
             "created_at"],
            ([pk, *row] for pk, row in zip(ids, incidents, strict=True)),
        )  # fmt: skip
        self._write(
            IncidentReport,
            ["id", "incident_id", "number", "kind", "category", "severity", "occurred_at",
             "place", "deaths", "injured", "missing", "pupils_involved", "staff_involved",
             "summary", "what_happened", "measures_taken", "reporter_name", "reporter_phone",
             "submitted_by_id", "submitted_at"],
            (
                (pk, ids[r[0]], r[1], r[2], r[3], r[4], r[5], "教学楼", 0, 0, 0, 1, 0, r[6],
                 "经过详见书面报告。", "已送医并通知家长。", "值班老师", "13800000000", r[7], r[8])
                for pk, r in zip(self._ids(IncidentReport, len(reports)), reports, strict=True)
            ),
        )  # fmt: skip
        self._write(
            IncidentEvent,
            ["id", "incident_id", "action", "actor_id", "from_status", "to_status", "comment",
             "created_at"],
            (
                (pk, ids[e[0]], e[1], e[2], e[3], e[4], "", e[5])
                for pk, e in zip(self._ids(IncidentEvent, len(events)), events, strict=True)
            ),
        )  # fmt: skip

    def monthly_reports(self) -> None:
        """Every school and county, every month of the period; the current month is open."""
        current = self.today.replace(day=1)
        months = []
        month = add_months(current, -(12 * self.plan.years - 1))
        while month <= current:
            months.append(month)
            month = add_months(month, 1)
        reviewer_of = {
            city["id"]: self.c.users[f"{self.c.city_prefix[city['id']]}.official"]
            for city in self.c.cities
        }
        for index, county in enumerate(self.c.counties, 1):
            reviewer_of[county["id"]] = self.c.users[f"c{index:02d}.official"]
        units = [(school, f"s{i:05d}.leader") for i, school in enumerate(self.c.schools, 1)]
        units += [(county, f"c{i:02d}.admin") for i, county in enumerate(self.c.counties, 1)]
        if self.c.province:  # #23: each city's roll-up to the province
            reviewer_of[self.c.province["id"]] = self.c.users["province.official"]
            units += [(city, f"{self.c.city_prefix[city['id']]}.admin") for city in self.c.cities]
        due_of = {"school": school_due_date, "county": county_due_date, "city": city_due_date}
        reports, versions = [], []
        for unit, submitter_name in units:
            submitter = self.c.users[submitter_name]
            reviewer = reviewer_of[unit["parent_id"]]
            badness = unit.get("badness", 1.0)
            for month in months:
                due = due_of[unit["kind"]](month)
                if due >= self.today and self.rng.random() < 0.6:
                    continue  # not started yet
                late_days = 0
                if self.rng.random() < 0.08 * badness:
                    late_days = self.rng.randint(1, 12)
                submit_day = due + datetime.timedelta(days=late_days or -self.rng.randint(0, 6))
                if submit_day > self.today or (due < self.today and self.rng.random() < 0.01):
                    status = "draft"
                elif (self.today - submit_day).days < 5 and self.rng.random() < 0.6:
                    status = "submitted"
                elif self.rng.random() < 0.03:
                    status = "returned"
                else:
                    status = "approved"
                submitted_at = self._moment(submit_day, 9, 23)
                report = len(reports)
                reports.append(
                    [unit["id"], month, status, "开展安全检查，落实隐患整改。", "", "",
                     None if status == "draft" else report,
                     None if status == "draft" else submitted_at, submitted_at, submitted_at]
                )  # fmt: skip
                if status == "draft":
                    continue
                reviewed = status in ("approved", "returned")
                figures = {
                    "kind": unit["kind"],
                    "month": month.isoformat(),
                    "compiled_at": submitted_at.isoformat(),
                    "sections": {
                        "headcounts": {
                            "columns": ["students", "staff", "boarding"],
                            "rows": [
                                ["", unit["student_count"], unit["staff_count"],
                                 int(unit["is_boarding"])]
                            ],
                        }
                    },
                }  # fmt: skip
                versions.append(
                    [report, 1, figures, "开展安全检查，落实隐患整改。", "", "", submitter,
                     submitted_at, late_days > 0, status if reviewed else "",
                     "请补充隐患整改情况" if status == "returned" else "",
                     reviewer if reviewed else None,
                     submitted_at + datetime.timedelta(days=2) if reviewed else None, "", None]
                )  # fmt: skip
        report_ids = self._ids(MonthlyReport, len(reports))
        version_ids = self._ids(MonthlyReportVersion, len(versions))
        version_of = {row[0]: pk for pk, row in zip(version_ids, versions, strict=True)}
        report_columns = [
            "id", "unit_id", "month", "status", "work_done", "problems_found",
            "next_month_plans", "latest_version_id", "first_submitted_at", "created_at",
            "updated_at",
        ]  # fmt: skip
        # Reports first with no latest version (the versions point at them), then link.
        self._write(
            MonthlyReport,
            report_columns,
            ([pk, *row[:6], None, *row[7:]] for pk, row in zip(report_ids, reports, strict=True)),
        )
        self._write(
            MonthlyReportVersion,
            ["id", "report_id", "number", "figures", "work_done", "problems_found",
             "next_month_plans", "submitted_by_id", "submitted_at", "is_late", "decision",
             "review_comment", "reviewed_by_id", "reviewed_at", "pdf", "pdf_rendered_at"],
            ([pk, report_ids[row[0]], *row[1:]] for pk, row in zip(version_ids, versions,
                                                                   strict=True)),
        )  # fmt: skip
        links = [(report_ids[local], pk) for local, pk in version_of.items()]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for start in range(0, len(links), BATCH):
                    chunk = links[start : start + BATCH]
                    cursor.execute(
                        "UPDATE reporting_monthlyreport AS r SET latest_version_id = v.version "
                        "FROM (SELECT unnest(%s::bigint[]) AS report, "
                        "unnest(%s::bigint[]) AS version) AS v WHERE r.id = v.report",
                        [[a for a, _b in chunk], [b for _a, b in chunk]],
                    )
        else:
            for report_id, version_id in links:
                MonthlyReport.objects.filter(pk=report_id).update(latest_version_id=version_id)

    def notifications(self) -> None:
        rows = []
        per_official = int(40 * self.plan.scale * self.plan.years) + 5
        for username, user_id in self.c.users.items():
            if username == "bench.admin":
                continue
            bureau = username.startswith(("c", "city", "m", "province"))
            count = per_official if bureau else 3 * self.plan.years
            for number in range(count):
                created = self._moment(self._day(self.start, self.today))
                rows.append(
                    (user_id, None, "hazard_overdue", f"bench:{user_id}:{number}",
                     "有隐患已超过整改期限", "请查看隐患台账。", "/hazards/?overdue=on",
                     number % 17 == 0, created,
                     None if number % 3 == 0 else created + datetime.timedelta(days=1),
                     created, {}, "delivered", created, {"email": "sent"})
                )  # fmt: skip
        self._write(
            Notification,
            ["id", "recipient_id", "unit_id", "kind", "dedup_key", "title", "body",
             "url", "urgent", "created_at", "read_at", "emailed_at", "message",
             "delivery_status", "delivered_at", "delivery_log"],
            ((pk, *row) for pk, row in zip(self._ids(Notification, len(rows)), rows,
                                           strict=True)),
        )  # fmt: skip


def generate(plan: Plan, log: Callable[[str], None] = lambda _m: None) -> dict[str, int]:
    """Generate the city described by `plan`; returns the number of rows written per model."""
    return Generator(plan, log).run()


def vacuum_analyze() -> None:
    """A freshly bulk-loaded table counts several times slower until it is vacuumed (the
    visibility map lets counts use index-only scans). Must run outside a transaction."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _ensure_reference_rows() -> None:
    safety_demo._ensure_catalogues()
    inspections_demo._ensure_reference_rows()


def _stored_photo() -> tuple[str, str]:
    """One small generated JPEG (and its thumbnail), stored once."""
    names = ("bench/hazard-photo.jpg", "bench/hazard-photo-thumb.jpg")
    for name, size in zip(names, ((640, 480), (160, 120)), strict=True):
        if default_storage.exists(name):
            continue
        image = Image.new("RGB", size, (200, 180, 150))
        ImageDraw.Draw(image).rectangle(
            (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(180, 40, 40)
        )
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=70)
        default_storage.save(name, ContentFile(buffer.getvalue()))
    return names


def _poisson(rng: random.Random, mean: float) -> int:
    threshold, count, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _copy_value(value: Any) -> Any:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value
