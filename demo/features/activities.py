"""Activities and school buses of the generated city (#23, reporting/activities).

Every school: about ACTIVITIES_PER_YEAR applications a year over the period and the next
AHEAD_DAYS days (outings, study tours, sports meets, performances, social practice), at least
one held with its summary and one being drafted. Each submitted application has its frozen
version(s), its approval chain (computed as the services compute it: the school, the bureau
above it for an off-campus, overnight, out-of-city or large one, the top of the tree for one
outside the city) decided step by step by the accounts of those units, and its timeline.
An application ahead is a draft, waiting at a step, approved, returned or rejected; one
behind was held (its summary filed) or rejected. Off-campus trips go by the school's own buses
or a hired operator (vehicles listed).

Schools with buses (mostly rural schools, and always the school of the benchmark's persona
s00001.staff, whose register pages bench/feature_pages/activities.py measures) keep their
register: buses with their documents (a few expiring or expired: the register's gaps), drivers,
escorts and routes; `Organisation.has_school_buses`, which the register's service keeps for
emergency preparedness, is set for them. A few study tours carry a stored plan document.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from demo import features
from demo.generator import _poisson
from reporting.activities.models import (
    Activity,
    ActivityApproval,
    ActivityEvent,
    ActivitySettings,
    ActivityVehicle,
    ActivityVersion,
    BusEscort,
    BusRoute,
    Level,
    SchoolBus,
    SchoolBusDriver,
)
from reporting.activities.selectors import approval_levels, approving_unit_ids
from safety.models import Holder, Organisation, User

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = Activity

ACTIVITIES_PER_YEAR = 4
AHEAD_DAYS = 60
BUS_SHARE = {"rural": 0.3, "urban": 0.05}  # schools keeping buses, by locality
PLAN_DOCUMENT = "bench/activity-plan.pdf"
KINDS = {  # kind: (weight, titles, places, off campus, pupils range)
    "outing": (30, ["秋游", "春游", "湿地公园远足"], ["湿地公园", "森林公园", "植物园"], True,
               (40, 160)),
    "study_tour": (20, ["研学旅行", "红色研学", "科技馆研学"], ["滕王阁景区", "科技馆",
                                                       "八一起义纪念馆"], True, (40, 180)),
    "sports_meet": (15, ["田径运动会", "冬季长跑比赛"], ["学校田径场"], False, (300, 1500)),
    "performance": (15, ["元旦文艺汇演", "六一文艺演出", "合唱比赛"], ["学校报告厅"], False,
                    (100, 600)),
    "social_practice": (15, ["社会实践", "志愿服务"], ["社区服务中心", "敬老院", "农业基地"],
                        True, (30, 120)),
    "other": (5, ["消防安全体验"], ["消防救援站"], True, (40, 100)),
}  # fmt: skip
PLAN = "分班编组，每班两名教师随队；出发前清点人数，集合点名；全程不得单独行动。"
MEASURES = "随队校医一名，携带急救箱；走失按预案报警；恶劣天气取消活动。"
SUMMARIES = [
    ("as_planned", "按计划完成，学生全部安全返校。"),
    ("as_planned", "活动顺利，返校后逐班清点人数无误。"),
    ("changed", "因降雨调整为室内活动，全部学生安全返校。"),
]
RETURNED = "过夜住宿安排不明确，请补充住宿地点和夜间值守教师名单。"
REJECTED = "该时段为汛期，不宜组织外出活动。"


def generate(gen: Generator) -> None:
    """Write every school's register and applications (see the module's docstring)."""
    _Activities(gen).run()


class _Activities:
    def __init__(self, gen: Generator) -> None:
        self.gen, self.rng = gen, gen.rng
        self.now, self.today = gen.now, gen.today
        self.threshold = ActivitySettings().large_threshold
        # The timeline's comment names the level and the decision as the service does.
        self.labels = {
            key: str(label) for key, label in [*Level.choices, *ActivityApproval.Decision.choices]
        }
        self.schools = features.schools()
        self.locality = dict(
            Organisation.objects.filter(kind="school").values_list("id", "locality")
        )
        self.accounts: dict[int, dict[str, int]] = defaultdict(dict)
        for unit_id, role, pk in (
            User.objects.filter(is_active=True, unit__isnull=False)
            .order_by("id")
            .values_list("unit_id", "role", "id")
        ):
            self.accounts[unit_id].setdefault(role, pk)
        self.holders: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for unit_id, pk, name, phone in Holder.objects.order_by("id").values_list(
            "unit_id", "id", "name", "phone"
        ):
            self.holders[unit_id].append((pk, name, phone))
        persona = User.objects.filter(username="s00001.staff").values_list("unit_id", flat=True)
        self.persona_school = persona.first()

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), self.gen.tz)

    def run(self) -> None:
        fleets = self.register()
        self.applications(fleets)

    # --- the register -----------------------------------------------------------------------

    def register(self) -> dict[int, list[tuple[int, int, int]]]:
        """Buses, drivers, escorts and routes; returns school id -> [(bus, driver, seats)]."""
        chosen = [
            s for s in self.schools
            if s["id"] == self.persona_school
            or self.rng.random() < BUS_SHARE.get(self.locality.get(s["id"]), 0.05)
        ]  # fmt: skip
        buses, drivers, escorts, routes = [], [], [], []
        for school in chosen:
            count = self.rng.choice((1, 1, 2, 2, 3))
            for number in range(count):
                roll = self.rng.random()
                far = self.today + datetime.timedelta(days=self.rng.randint(60, 400))
                soon = self.today + datetime.timedelta(days=self.rng.randint(1, 29))
                past = self.today - datetime.timedelta(days=self.rng.randint(1, 40))
                seats = self.rng.choice((19, 35, 45))
                buses.append(
                    [school["id"], f"赣{'ABCGKM'[school['id'] % 6]}·C{self.rng.randint(1000, 9999)}"
                     f"{number}", seats, f"XC-{self.today.year}-{school['id'] % 10000:04d}{number}",
                     past if roll < 0.04 else far, far, soon if roll > 0.9 else far, True,
                     self.now]
                )  # fmt: skip
                drivers.append(
                    [school["id"], self.gen._person(), f"139{self.rng.randint(0, 99999999):08d}",
                     self.rng.choice(("A1", "A3", "B1")),
                     f"3604{self.rng.randint(10**13, 10**14 - 1)}",
                     past if self.rng.random() < 0.03 else far,
                     self.today - datetime.timedelta(days=self.rng.randint(10, 300)),
                     "无犯罪记录、无酒驾记录；年度体检合格。", True, self.now]
                )  # fmt: skip
                escorts.append(
                    [school["id"], self.gen._person(), f"137{self.rng.randint(0, 99999999):08d}",
                     True]
                )  # fmt: skip
                stops = "\n".join(f"{self.gen._person()[:1]}家村路口" for _ in range(4))
                routes.append(
                    [school["id"], f"{'东南西北'[number]}线", len(buses) - 1, len(drivers) - 1,
                     len(escorts) - 1, stops, min(seats - 2, self.rng.randint(12, 40)), True]
                )  # fmt: skip
        bus_ids = self.gen._ids(SchoolBus, len(buses))
        self.gen._write(
            SchoolBus,
            ["id", "school_id", "plate", "seats", "permit_number", "permit_expires",
             "inspection_expires", "insurance_expires", "is_active", "created_at"],
            ([pk, *row] for pk, row in zip(bus_ids, buses, strict=True)),
        )  # fmt: skip
        driver_ids = self.gen._ids(SchoolBusDriver, len(drivers))
        self.gen._write(
            SchoolBusDriver,
            ["id", "school_id", "name", "phone", "licence_class", "licence_number",
             "licence_expires", "checked_on", "check_record", "is_active", "created_at"],
            ([pk, *row] for pk, row in zip(driver_ids, drivers, strict=True)),
        )  # fmt: skip
        escort_ids = self.gen._ids(BusEscort, len(escorts))
        self.gen._write(
            BusEscort,
            ["id", "school_id", "name", "phone", "is_active"],
            ([pk, *row] for pk, row in zip(escort_ids, escorts, strict=True)),
        )
        self.gen._write(
            BusRoute,
            ["id", "school_id", "name", "bus_id", "driver_id", "escort_id", "stops", "pupils",
             "is_active"],
            ([pk, r[0], r[1], bus_ids[r[2]], driver_ids[r[3]], escort_ids[r[4]], *r[5:]]
             for pk, r in zip(self.gen._ids(BusRoute, len(routes)), routes, strict=True)),
        )  # fmt: skip
        # What the register's service keeps for emergency preparedness (sync_school_buses).
        Organisation.objects.filter(pk__in=[s["id"] for s in chosen]).update(has_school_buses=True)
        fleets: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for local, row in enumerate(buses):
            if row[4] >= self.today and drivers[local][5] >= self.today:
                fleets[row[0]].append((local, bus_ids[local], driver_ids[local], row[2],
                                       drivers[local][1], drivers[local][3], row[1]))  # fmt: skip
        return fleets

    # --- applications -----------------------------------------------------------------------

    def applications(self, fleets) -> None:
        first, last = self.gen.start, self.today + datetime.timedelta(days=AHEAD_DAYS)
        expected = ACTIVITIES_PER_YEAR * (last - first).days / 365 * max(self.gen.plan.scale, 0.1)
        kinds = {kind: spec[0] for kind, spec in KINDS.items()}
        document = _plan_document()
        self.activities, self.versions, self.approvals, self.events, self.vehicles = (
            [],
            [],
            [],
            [],
            [],
        )
        for school in self.schools:
            accounts = self.accounts.get(school["id"], {})
            staff, leader = accounts.get("school_staff"), accounts.get("school_leader")
            people = self.holders.get(school["id"])
            if staff is None or leader is None or not people:
                continue
            days = [
                self.today - datetime.timedelta(days=self.rng.randint(10, 60)),
                self.today + datetime.timedelta(days=self.rng.randint(20, AHEAD_DAYS)),
            ]
            days += [self.gen._day(first, last) for _ in range(_poisson(self.rng, expected))]
            for index, day in enumerate(days):
                kind = "outing" if index < 2 else self.gen._weighted(kinds)
                forced = ("held", "draft", None)[min(index, 2)]
                self.application(school, staff, leader, people, fleets.get(school["id"], []),
                                 kind, day, document, forced=forced)  # fmt: skip
        activity_ids = self.gen._ids(Activity, len(self.activities))
        version_ids = self.gen._ids(ActivityVersion, len(self.versions))
        columns = [
            "id", "school_id", "kind", "title", "starts_at", "ends_at", "place", "is_off_campus",
            "is_overnight", "is_outside_city", "pupils", "staff", "person_in_charge_id",
            "safety_officer_id", "safety_plan", "emergency_measures", "plan_document",
            "insurance", "consent_count", "transport", "operator_name", "operator_licence",
            "status", "latest_version_id", "awaiting_level", "created_by_id", "held_at",
            "summary_outcome", "summary_text", "summary_incident_id", "summary_filed_at",
            "summary_by_id", "created_at", "updated_at",
        ]  # fmt: skip
        latest = columns.index("latest_version_id") - 1
        # The versions point at the activities and the activities at their latest version:
        # the activities go first without it, then a second pass links them.
        self.gen._write(
            Activity,
            columns,
            ([pk, *row[:latest], None, *row[latest + 1 :]]
             for pk, row in zip(activity_ids, self.activities, strict=True)),
        )  # fmt: skip
        self.gen._write(
            ActivityVersion,
            ["id", "activity_id", "number", "data", "levels", "submitted_by_id", "submitted_at",
             "escalated_at"],
            ([pk, activity_ids[v[0]], *v[1:]] for pk, v in zip(version_ids, self.versions,
                                                                strict=True)),
        )  # fmt: skip
        links = [
            (activity_ids[local], version_ids[row[latest]])
            for local, row in enumerate(self.activities)
            if row[latest] is not None
        ]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Activity._meta.db_table} AS a SET latest_version_id = v.version "  # noqa: S608 - a model's table name
                    "FROM (SELECT unnest(%s::bigint[]) AS activity, "
                    "unnest(%s::bigint[]) AS version) AS v WHERE a.id = v.activity",
                    [[a for a, _v in links], [v for _a, v in links]],
                )
        else:
            for activity_id, version_id in links:
                Activity.objects.filter(pk=activity_id).update(latest_version_id=version_id)
        self.gen._write(
            ActivityApproval,
            ["id", "version_id", "order", "level", "unit_id", "decision", "comment",
             "decided_by_id", "decided_at"],
            ([pk, version_ids[a[0]], *a[1:]] for pk, a in zip(
                self.gen._ids(ActivityApproval, len(self.approvals)), self.approvals,
                strict=True)),
        )  # fmt: skip
        self.gen._write(
            ActivityVehicle,
            ["id", "activity_id", "bus_id", "driver_id", "plate", "seats", "driver_name",
             "licence_class", "passengers"],
            ([pk, activity_ids[v[0]], *v[1:]] for pk, v in zip(
                self.gen._ids(ActivityVehicle, len(self.vehicles)), self.vehicles, strict=True)),
        )  # fmt: skip
        self.gen._write(
            ActivityEvent,
            ["id", "activity_id", "version_id", "actor_id", "from_status", "to_status",
             "comment", "created_at"],
            ([pk, activity_ids[e[0]], None if e[1] is None else version_ids[e[1]], *e[2:]]
             for pk, e in zip(self.gen._ids(ActivityEvent, len(self.events)), self.events,
                              strict=True)),
        )  # fmt: skip

    def application(self, school, staff, leader, people, fleet, kind, day, document, forced):
        weight, titles, places, off_campus, (low, high) = KINDS[kind]
        starts = self.at(day, self.rng.choice((8, 9, 14)))
        overnight = off_campus and kind in ("study_tour", "social_practice") and (
            self.rng.random() < 0.2)  # fmt: skip
        outside = overnight and self.rng.random() < 0.3
        ends = starts + datetime.timedelta(hours=self.rng.choice((3, 6, 8)), days=int(overnight))
        pupils = self.rng.randint(low, high)
        staff_count = pupils // 12 + 2
        charge, officer = people[0], people[min(1, len(people) - 1)]
        transport, vehicles, operator = "none", [], ("", "")
        if off_campus:
            if fleet and self.rng.random() < 0.6:
                transport = "own_buses"
                riders = pupils + staff_count
                for _local, bus, driver, seats, driver_name, licence, plate in fleet:
                    if riders <= 0:
                        break
                    carried = min(seats, riders)
                    vehicles.append((bus, driver, plate, seats, driver_name, licence, carried))
                    riders -= carried
                pupils = min(pupils, sum(v[6] for v in vehicles) - staff_count)
                if pupils < 1:
                    transport, vehicles, pupils = "none", [], low
            elif self.rng.random() < 0.7:
                transport = "hired"
                operator = ("顺达旅游客运有限公司", "赣交运管许可字360100001号")
                riders = pupils + staff_count
                for number in range((riders + 54) // 55):
                    carried = min(55, riders - 55 * number)
                    vehicles.append((None, None, f"赣A·B{5500 + number}", 55, self.gen._person(),
                                     "A1", carried))  # fmt: skip
        # Filed at least four days ago, so that every decision made is in the past.
        created = min(
            starts - datetime.timedelta(days=self.rng.randint(8, 25)),
            self.now - datetime.timedelta(days=4, hours=self.rng.randint(0, 48)),
        )
        status = self.status(starts, ends, forced)
        local = len(self.activities)
        levels = approval_levels(
            participants=pupils + staff_count, is_off_campus=off_campus, is_overnight=overnight,
            is_outside_city=outside, threshold=self.threshold,
        )  # fmt: skip
        steps = approving_unit_ids(_Unit(school["id"], school["path"]), levels)
        title = f"{self.rng.choice(titles)}"
        place = self.rng.choice(places)
        row = {
            "kind": kind, "title": title, "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(), "place": place, "is_off_campus": off_campus,
            "is_overnight": overnight, "is_outside_city": outside, "pupils": pupils,
            "staff": staff_count, "person_in_charge": charge[1],
            "person_in_charge_phone": charge[2], "safety_officer": officer[1],
            "safety_officer_phone": officer[2], "safety_plan": PLAN,
            "emergency_measures": MEASURES, "has_plan_document": False,
            "insurance": "学生团体意外险" if off_campus else "",
            "consent_count": pupils if off_campus else 0, "transport": transport,
            "operator_name": operator[0], "operator_licence": operator[1],
            "vehicles": [
                {"plate": v[2], "seats": v[3], "driver_name": v[4], "licence_class": v[5],
                 "passengers": v[6], "own_bus": v[0] is not None}
                for v in vehicles
            ],
        }  # fmt: skip
        if kind == "study_tour" and document and self.rng.random() < 0.5:
            row["has_plan_document"] = True
        awaiting, latest, held_at, summary = "", None, None, ("", "", None, None)
        submitted = created + datetime.timedelta(hours=self.rng.randint(2, 20))
        if status != "draft":
            # A returned-then-resubmitted application keeps its first version (5%).
            rounds = 2 if status in ("approved", "held") and self.rng.random() < 0.05 else 1
            for number in range(1, rounds + 1):
                version = len(self.versions)
                self.versions.append(
                    [local, number, row, levels, staff, submitted, None]
                )  # fmt: skip
                self.events.append((local, version, staff, "returned" if number > 1 else "draft",
                                    "pending", "", submitted))  # fmt: skip
                final = status if number == rounds else "returned"
                awaiting = self.decide(local, version, steps, school, leader, final, submitted)
                latest = version
                submitted += datetime.timedelta(hours=self.rng.randint(2, 20))
            if status == "held":
                held_at = ends + datetime.timedelta(hours=2)
                self.events.append((local, None, staff, "approved", "held", "", held_at))
                outcome, text = self.rng.choice(SUMMARIES)
                summary = (outcome, text, held_at + datetime.timedelta(hours=20), staff)
        for bus, driver, plate, seats, driver_name, licence, carried in vehicles:
            self.vehicles.append((local, bus, driver, plate, seats, driver_name, licence, carried))
        self.activities.append(
            [school["id"], kind, title, starts, ends, place, off_campus, overnight, outside,
             pupils, staff_count, charge[0], officer[0], PLAN, MEASURES,
             document if row["has_plan_document"] else "", row["insurance"],
             row["consent_count"], transport, operator[0], operator[1], status, latest,
             awaiting, staff, held_at, summary[0], summary[1], None, summary[2],
             summary[3], created, summary[2] or held_at or submitted]
        )  # fmt: skip

    def status(self, starts, ends, forced) -> str:
        if forced == "held":
            return "held"
        if forced == "draft":
            return "draft"
        roll = self.rng.random()
        if ends <= self.now:
            return "rejected" if roll < 0.03 else ("approved" if roll < 0.1 else "held")
        if starts <= self.now:
            return "approved"
        shares = ((0.15, "draft"), (0.5, "pending"), (0.9, "approved"), (0.97, "returned"))
        return next((status for limit, status in shares if roll < limit), "rejected")

    def decide(self, local, version, steps, school, leader, final, submitted) -> str:
        """Write the version's steps up to the decision `final`; returns the level awaited."""
        stop = len(steps)  # the step that decides (approved: the last one)
        if final in ("returned", "rejected"):
            stop = self.rng.randint(1, len(steps))
        elif final == "pending":
            stop = self.rng.randint(0, len(steps) - 1)
        moment = submitted
        awaiting = ""
        for order, (level, unit_id) in enumerate(steps, 1):
            decider = leader if level == "school" else self.accounts.get(unit_id, {}).get(
                "bureau_official")  # fmt: skip
            moment = moment + datetime.timedelta(hours=self.rng.randint(2, 20))
            if order > stop or decider is None:
                self.approvals.append((version, order, level, unit_id, "", "", None, None))
                awaiting = awaiting or level
                continue
            decision = "approved"
            if order == stop and final in ("returned", "rejected"):
                decision = final
            comment = {"returned": RETURNED, "rejected": REJECTED}.get(decision, "")
            self.approvals.append(
                (version, order, level, unit_id, decision, comment, decider, moment)
            )  # fmt: skip
            last = order == len(steps) or decision != "approved"
            self.events.append(
                (local, version, decider, "pending", decision if last else "pending",
                 f"{self.labels[level]}：{self.labels[decision]}"
                 + (f"（{comment}）" if comment else ""), moment)
            )  # fmt: skip
            if decision != "approved":
                break
        return awaiting if final == "pending" else ""


class _Unit:
    """What approving_unit_ids reads of a school (its id and the ids above it)."""

    def __init__(self, pk: int, path: str) -> None:
        self.pk = pk
        self.ancestor_ids = [int(segment) for segment in path.split("/") if segment]


def _plan_document() -> str:
    """One small PDF stored once; the study tours that attach a plan point at it."""
    if not default_storage.exists(PLAN_DOCUMENT):
        default_storage.save(PLAN_DOCUMENT, ContentFile(_MINIMAL_PDF))
    return PLAN_DOCUMENT


_MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
