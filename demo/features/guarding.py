"""Daily guarding of the generated city (#23, safety/guarding): what a school's duty office
keeps over the weeks before today, bounded so that the step stays in seconds for a city of
2,000 schools (bench/notes.md, "Feature steps").

Every school: a weekly duty roster for each of the last WEEKS weeks and this one, the roster of
each holiday its city set around today (filed with the bureau above the school: acknowledged,
returned, late or not filed), the duty log of each of the last LOG_DAYS days (a few missing),
arrival and dismissal gate duty on the school days of the last GATE_DUTY_DAYS days and the gate
register of the last GATE_DAYS days. Boarding schools also: a night patrol route with its
rounds of the last PATROL_NIGHTS nights (a few missed or incomplete, problems with a photo),
dormitories, rooms and their boarding pupils (at most MAX_BOARDERS a school), leave of the last
LEAVE_DAYS days in every state (with its timeline and the parent's SMS) and the bedtime roll
call of the last ROLL_CALL_NIGHTS evenings, whose absences match the leave.

The first boarding school also gets the account `boarding.leader` (its second leader, as the
demo city has one), the persona of the benchmark's pupil pages (bench/feature_pages/guarding.py):
the generated school accounts are numbered in creation order, so no fixed sNNNNN name is sure to
be a boarding school's. Nothing here is kept as a counter by the services: a round's
`expected_count` and a roll call's `expected`/`present` are written as the services write them.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from demo import features
from demo.generator import _poisson, _stored_photo
from safety.guarding.models import (
    Absence,
    BoardingPupil,
    Checkpoint,
    CheckpointRecord,
    Dormitory,
    DutyLog,
    DutyRoster,
    DutyRosterEvent,
    DutyShift,
    GateDuty,
    GateEntry,
    HolidayPeriod,
    Leave,
    LeaveEvent,
    ParentNotice,
    PatrolRound,
    PatrolRoute,
    RollCall,
    Room,
)
from safety.models import Organisation, User

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = DutyRoster

WEEKS = 0  # weekly rosters before this week's
LOG_DAYS = 14
GATE_DUTY_DAYS = 7
GATE_DAYS = 5
GATE_PER_DAY = 3.0  # visitors, pickups and deliveries a school day
PATROL_NIGHTS = 7
ROLL_CALL_NIGHTS = 7
LEAVE_DAYS = 30
MAX_BOARDERS = 120
BOARDING_LEADER = "boarding.leader"

# (holiday, month, day, days): the holidays a city sets every year.
HOLIDAYS = [
    ("winter", 1, 20, 30),
    ("other", 5, 1, 5),
    ("summer", 7, 10, 53),
    ("national_day", 10, 1, 7),
]
LOG_EVENTS = [
    "早7:10开校门，护学岗到位；午间巡查教学楼、食堂正常；晚间清校完毕。",
    "全天巡查校园三次，消防通道畅通；放学后清点教室门窗，已锁闭。",
    "上午配合食堂验收食材；下午巡查围墙及监控，运行正常。",
]
LOG_ODD = [
    "南门道闸故障，已报总务处维修，临时人工值守。",
    "实验楼一楼应急灯不亮，已登记报修。",
    "校外有人在校门口逗留，已劝离并告知社区民警。",
]
HANDOVERS = ["无异常，钥匙已交接。", "监控室硬盘告警，请下一班跟进。", "值班电话已转接。"]
VISITORS = [
    ("visitor", "resident_id", "送教学设备", "总务处"),
    ("visitor", "resident_id", "家长来访", "班主任"),
    ("pickup", "resident_id", "接孩子看病", "班主任"),
    ("delivery", "none", "送快递", ""),
    ("delivery", "driver", "送食材", "食堂"),
    ("visitor", "resident_id", "维修电梯", "总务处"),
]
CHECKPOINTS = [("男生宿舍楼", "dormitory"), ("女生宿舍楼", "dormitory"), ("食堂后厨", "canteen"),
               ("锅炉房", "boiler"), ("南校门", "gate"), ("教学楼", "other")]  # fmt: skip
ROUND_TIMES = ["22:00", "01:30"]
LEAVE_REASONS = ["周末回家，家长来接", "发烧就医", "参加亲属婚礼", "牙科复诊", "家中有事"]
PROBLEM = "锅炉房压力表读数偏高，已告知锅炉工"


def generate(gen: Generator) -> None:
    """Write every school's guarding records (see the module's docstring)."""
    schools = features.schools()
    sizes = dict(Organisation.objects.filter(kind="school").values_list("id", "student_count"))
    people = _school_accounts()
    officials = _officials()
    _Guarding(gen, schools, sizes, people, officials).run()


def _school_accounts() -> dict[int, dict[str, int]]:
    """unit id -> {"school_leader": id, "school_staff": id}: the first account of each role."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        User.objects.filter(role__in=["school_leader", "school_staff"], is_active=True)
        .order_by("id")
        .values_list("unit_id", "role", "id")
    )
    for unit_id, role, pk in rows:
        found[unit_id].setdefault(role, pk)
    return found


def _officials() -> dict[int, int]:
    """bureau id -> its first official's account id."""
    found: dict[int, int] = {}
    for unit_id, pk in (
        User.objects.filter(role="bureau_official", is_active=True)
        .order_by("id")
        .values_list("unit_id", "id")
    ):
        found.setdefault(unit_id, pk)
    return found


class _Guarding:
    def __init__(self, gen, schools, sizes, people, officials) -> None:
        self.gen, self.rng = gen, gen.rng
        self.schools = [s for s in schools if s["id"] in people]
        self.sizes, self.people, self.officials = sizes, people, officials
        self.today, self.now = gen.today, gen.now
        self.scale = max(gen.plan.scale, 0.1)

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(hour, minute)), self.gen.tz
        )

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randint(0, 999999999):09d}"

    def run(self) -> None:
        self.rosters()
        self.duty_logs()
        self.gate()
        boarding = [s for s in self.schools if s["is_boarding"]]
        if boarding:
            self.boarding_leader(boarding[0])
            self.patrols(boarding)
            self.boarders(boarding)

    # --- rosters ----------------------------------------------------------------------------

    def holidays(self) -> list[tuple[str, datetime.date, datetime.date, datetime.date]]:
        """(holiday, first, last, deadline) of the holidays around today: the last one begun
        (if the period reaches back) and those starting in the next 60 days."""
        found = []
        for year in (self.today.year - 1, self.today.year, self.today.year + 1):
            for holiday, month, day, days in HOLIDAYS:
                first = datetime.date(year, month, day)
                last = first + datetime.timedelta(days=days - 1)
                found.append((holiday, first, last, first - datetime.timedelta(days=5)))
        past = [h for h in found if self.gen.start <= h[1] <= self.today][-1:]
        coming = [h for h in found if self.today < h[1] <= self.today + datetime.timedelta(60)]
        return past + coming

    def rosters(self) -> None:
        cities = set(Organisation.objects.filter(kind="city").values_list("id", flat=True))
        holidays = self.holidays()
        period_ids = iter(self.gen._ids(HolidayPeriod, len(cities) * len(holidays)))
        periods = {}  # (city id, index) -> (id, holiday row)
        rows = []
        for city in sorted(cities):
            for index, (holiday, first, last, deadline) in enumerate(holidays):
                pk = next(period_ids)
                periods[(city, index)] = (pk, first, last, deadline)
                rows.append((pk, city, holiday, first, last, deadline))
        self.gen._write(
            HolidayPeriod, ["id", "unit_id", "holiday", "start_date", "end_date", "deadline"], rows
        )
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        weeks = [monday - datetime.timedelta(weeks=n) for n in range(WEEKS, -1, -1)]
        rosters, shifts, events = [], [], []
        for school in self.schools:
            leader = self.people[school["id"]].get("school_leader")
            staff = self.people[school["id"]].get("school_staff", leader)
            if leader is None:
                continue
            city = next(int(s) for s in school["path"].split("/") if s and int(s) in cities)
            reviewer = self.officials.get(school["parent_id"])
            team = [self.gen._person() for _ in range(4)]
            leader_phone = self.phone()
            first_local = len(rosters)
            for start in weeks:
                created = self.at(start - datetime.timedelta(days=3), 16)
                rosters.append(
                    [school["id"], "week", None, start, start + datetime.timedelta(days=6),
                     "draft", None, "", leader, created]
                )  # fmt: skip
            for index in range(len(holidays)):
                period, first, last, deadline = periods[(city, index)]
                filed = self.rng.random()
                if deadline >= self.today and filed < 0.3:
                    continue  # not started yet
                if deadline < self.today and filed < 0.04:
                    continue  # never filed: the bureau's gap
                created = self.at(deadline - datetime.timedelta(days=self.rng.randint(3, 12)), 10)
                status, submitted = "draft", None
                late = self.rng.random() < 0.06
                sent_day = deadline + datetime.timedelta(days=self.rng.randint(1, 3) if late
                                                         else -self.rng.randint(0, 4))  # fmt: skip
                if sent_day < self.today and (deadline < self.today or filed < 0.7):
                    submitted = self.at(sent_day, self.rng.randint(9, 17), self.rng.randint(0, 59))
                    status = "submitted"
                    if reviewer and (self.today - sent_day).days > 1 and self.rng.random() < 0.9:
                        status = "returned" if self.rng.random() < 0.04 else "acknowledged"
                local = len(rosters)
                rosters.append(
                    [school["id"], "holiday", period, first, last, status, submitted,
                     "请补全每日带班领导电话。" if status == "returned" else "", leader, created]
                )  # fmt: skip
                if submitted is not None:
                    events.append((local, staff, "draft", "submitted", "", submitted))
                if status in ("acknowledged", "returned"):
                    reviewed = submitted + datetime.timedelta(days=1)
                    events.append((local, reviewer, "submitted", status, rosters[local][7],
                                   reviewed))  # fmt: skip
            for local in range(first_local, len(rosters)):
                first, last = rosters[local][3], rosters[local][4]
                for offset in range((last - first).days + 1):
                    shifts.append(
                        (local, first + datetime.timedelta(days=offset), leader, leader_phone,
                         team[offset % len(team)], f"0791-{8650_0000 + offset:08d}")
                    )  # fmt: skip
        ids = self.gen._ids(DutyRoster, len(rosters))
        self.gen._write(
            DutyRoster,
            ["id", "unit_id", "kind", "period_id", "start_date", "end_date", "status",
             "submitted_at", "review_comment", "created_by_id", "created_at"],
            ([pk, *row] for pk, row in zip(ids, rosters, strict=True)),
        )  # fmt: skip
        self.gen._write(
            DutyShift,
            ["id", "roster_id", "date", "leader_id", "leader_phone", "staff_name", "staff_phone"],
            ((pk, ids[s[0]], *s[1:]) for pk, s in zip(self.gen._ids(DutyShift, len(shifts)),
                                                       shifts, strict=True)),
        )  # fmt: skip
        self.gen._write(
            DutyRosterEvent,
            ["id", "roster_id", "actor_id", "from_status", "to_status", "comment", "created_at"],
            ((pk, ids[e[0]], *e[1:]) for pk, e in zip(self.gen._ids(DutyRosterEvent, len(events)),
                                                       events, strict=True)),
        )  # fmt: skip

    # --- duty logs, gate duty and the gate register -----------------------------------------

    def duty_logs(self) -> None:
        rows = []
        for school in self.schools:
            staff = self.people[school["id"]].get("school_staff")
            if staff is None:
                continue
            for back in range(LOG_DAYS):
                if self.rng.random() < (0.5 if back == 0 else 0.03):
                    continue  # not written (yet)
                day = self.today - datetime.timedelta(days=back)
                normal = self.rng.random() < 0.93
                rows.append(
                    (school["id"], day, staff,
                     self.rng.choice(LOG_EVENTS) + ("" if normal else self.rng.choice(LOG_ODD)),
                     "区教育局安全股检查组一行3人" if self.rng.random() < 0.02 else "",
                     self.rng.choice(HANDOVERS), normal,
                     self.at(day, 21, self.rng.randint(0, 59)))
                )  # fmt: skip
        self.gen._write(
            DutyLog,
            ["id", "unit_id", "date", "author_id", "events", "visitors", "handover", "is_normal",
             "written_at"],
            ((pk, *row) for pk, row in zip(self.gen._ids(DutyLog, len(rows)), rows, strict=True)),
        )  # fmt: skip

    def gate(self) -> None:
        duties, entries = [], []
        per_day = GATE_PER_DAY * self.scale
        for school in self.schools:
            staff = self.people[school["id"]].get("school_staff")
            if staff is None:
                continue
            names = "、".join(self.gen._person() for _ in range(2))
            for back in range(GATE_DUTY_DAYS):
                day = self.today - datetime.timedelta(days=back)
                if day.weekday() >= 5 or (back == 0 and self.now.hour < 17):
                    continue
                for period, start, end in (("arrival", (7, 10), (7, 50)),
                                           ("dismissal", (16, 30), (17, 20))):  # fmt: skip
                    if self.rng.random() < 0.02:
                        continue
                    duties.append(
                        (school["id"], day, period, datetime.time(*start), datetime.time(*end),
                         names, period == "dismissal" and self.rng.random() < 0.3, "", staff)
                    )  # fmt: skip
            for back in range(GATE_DAYS):
                day = self.today - datetime.timedelta(days=back)
                if day.weekday() >= 5:
                    continue
                for _ in range(_poisson(self.rng, per_day)):
                    kind, id_type, purpose, visited = self.rng.choice(VISITORS)
                    time_in = self.gen._moment(day, 8, 17)
                    if time_in > self.now:
                        continue
                    stay = datetime.timedelta(minutes=self.rng.randint(10, 120))
                    left = time_in + stay if time_in + stay < self.now else None
                    entries.append(
                        (school["id"], kind, self.gen._person(), id_type,
                         "" if id_type == "none" else f"{self.rng.randint(0, 9999):04d}",
                         self.phone(), purpose, visited, time_in, left, staff)
                    )  # fmt: skip
        self.gen._write(
            GateDuty,
            ["id", "unit_id", "date", "period", "start_time", "end_time", "staff_names",
             "with_police", "note", "recorded_by_id"],
            ((pk, *row) for pk, row in zip(self.gen._ids(GateDuty, len(duties)), duties,
                                           strict=True)),
        )  # fmt: skip
        self.gen._write(
            GateEntry,
            ["id", "unit_id", "kind", "name", "id_type", "id_last4", "phone", "purpose",
             "person_visited", "time_in", "time_out", "recorded_by_id"],
            ((pk, *row) for pk, row in zip(self.gen._ids(GateEntry, len(entries)), entries,
                                           strict=True)),
        )  # fmt: skip

    # --- boarding schools -------------------------------------------------------------------

    def boarding_leader(self, school: dict[str, Any]) -> None:
        """The benchmark's persona for the pupil pages: a leader of the first boarding school."""
        if User.objects.filter(username=BOARDING_LEADER).exists():
            return
        template = User.objects.get(pk=self.people[school["id"]]["school_leader"])
        self.gen._write(
            User,
            ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
             "is_staff", "is_active", "date_joined", "unit_id", "role", "full_name", "title",
             "phone"],
            [(self.gen._ids(User, 1)[0], template.password, False, BOARDING_LEADER, "", "",
              f"{BOARDING_LEADER}@example.gov.cn", False, True, self.now, school["id"],
              "school_leader", self.gen._person(), "分管寄宿的副校长", "")],
        )  # fmt: skip

    def patrols(self, boarding: list[dict[str, Any]]) -> None:
        image, _thumbnail = _stored_photo()
        route_ids = self.gen._ids(PatrolRoute, len(boarding))
        routes, points, rounds, records = [], [], [], []
        for route_id, school in zip(route_ids, boarding, strict=True):
            staff = self.people[school["id"]].get("school_staff")
            routes.append((route_id, school["id"], "宿舍区夜间巡查", ROUND_TIMES, True))
            chosen = CHECKPOINTS[: self.rng.randint(4, len(CHECKPOINTS))]
            first_point = len(points)
            for order, (name, kind) in enumerate(chosen, 1):
                points.append((route_id, name, kind, order, True))
            forced = False
            for back in range(PATROL_NIGHTS, -1, -1):
                night = self.today - datetime.timedelta(days=back)
                for text in ROUND_TIMES:
                    moment = datetime.time.fromisoformat(text)
                    day = night + datetime.timedelta(days=1) if moment.hour < 12 else night
                    scheduled = self.at(day, moment.hour, moment.minute)
                    local = len(rounds)
                    done = scheduled + datetime.timedelta(minutes=25)
                    state = self.rng.random()
                    if done > self.now or state < 0.03:  # to come, or missed
                        rounds.append([route_id, scheduled, len(chosen), None, None])
                        continue
                    # A checkpoint skipped leaves the round open: "incomplete" once past
                    # its grace (the service completes a round at its last checkpoint).
                    passed = chosen[:-1] if state < 0.05 else chosen
                    rounds.append([route_id, scheduled, len(chosen), staff,
                                   done if passed is chosen else None])  # fmt: skip
                    for order, (_name, kind) in enumerate(passed):
                        problem = kind == "boiler" and (not forced or self.rng.random() < 0.02)
                        forced = forced or problem
                        records.append(
                            (local, first_point + order, scheduled + datetime.timedelta(
                                minutes=4 * order), "problem" if problem else "normal",
                             PROBLEM if problem else "", image if problem else "", staff)
                        )  # fmt: skip
        self.gen._write(PatrolRoute, ["id", "unit_id", "name", "round_times", "is_active"], routes)
        point_ids = self.gen._ids(Checkpoint, len(points))
        self.gen._write(
            Checkpoint,
            ["id", "route_id", "name", "kind", "order", "is_active"],
            ((pk, *row) for pk, row in zip(point_ids, points, strict=True)),
        )
        round_ids = self.gen._ids(PatrolRound, len(rounds))
        self.gen._write(
            PatrolRound,
            ["id", "route_id", "scheduled_at", "expected_count", "patroller_id", "completed_at"],
            ((pk, *row) for pk, row in zip(round_ids, rounds, strict=True)),
        )
        self.gen._write(
            CheckpointRecord,
            ["id", "round_id", "checkpoint_id", "passed_at", "result", "note", "photo",
             "recorded_by_id"],
            ((pk, round_ids[r[0]], point_ids[r[1]], *r[2:])
             for pk, r in zip(self.gen._ids(CheckpointRecord, len(records)), records,
                              strict=True)),
        )  # fmt: skip

    def boarders(self, boarding: list[dict[str, Any]]) -> None:
        dorms, rooms, pupils = [], [], []
        room_pupils: dict[int, list[int]] = defaultdict(list)  # local room -> local pupils
        pupil_school: list[dict[str, Any]] = []
        for school in boarding:
            share = (
                0.6 if school["school_type"] in ("senior_middle", "vocational", "special") else 0.25
            )
            count = max(24, min(MAX_BOARDERS, int(self.sizes[school["id"]] * share * self.scale)))
            beds = 6 if school["school_type"] in ("primary", "kindergarten") else 8
            grades = ["高一", "高二", "高三"] if school["school_type"] == "senior_middle" else [
                "七年级", "八年级", "九年级"]  # fmt: skip
            placed = 0
            for dorm_index, dorm_name in enumerate(("男生宿舍楼", "女生宿舍楼")):
                dorm = len(dorms)
                dorms.append((school["id"], dorm_name))
                half = count // 2 + (count % 2 if dorm_index == 0 else 0)
                for room_index in range(math.ceil(half / beds)):
                    room = len(rooms)
                    floor, number = divmod(room_index, 12)
                    rooms.append((dorm, f"{dorm_index + 1}{floor + 1}{number + 1:02d}", beds))
                    for bed in range(1, min(beds, half - room_index * beds) + 1):
                        grade = grades[placed % len(grades)]
                        room_pupils[room].append(len(pupils))
                        pupil_school.append(school)
                        pupils.append(
                            [school["id"], self.gen._person(),
                             f"{grade}（{placed // 40 % 8 + 1}）班", self.phone(), room, bed, True]
                        )  # fmt: skip
                        placed += 1
        dorm_ids = self.gen._ids(Dormitory, len(dorms))
        self.gen._write(
            Dormitory,
            ["id", "unit_id", "name"],
            ((pk, *row) for pk, row in zip(dorm_ids, dorms, strict=True)),
        )
        room_ids = self.gen._ids(Room, len(rooms))
        self.gen._write(
            Room,
            ["id", "dormitory_id", "number", "beds"],
            ((pk, dorm_ids[r[0]], *r[1:]) for pk, r in zip(room_ids, rooms, strict=True)),
        )
        pupil_ids = self.gen._ids(BoardingPupil, len(pupils))
        self.gen._write(
            BoardingPupil,
            ["id", "unit_id", "name", "class_name", "parent_phone", "room_id", "bed", "is_active"],
            ((pk, *p[:4], room_ids[p[4]], *p[5:]) for pk, p in zip(pupil_ids, pupils,
                                                                  strict=True)),
        )  # fmt: skip
        away = self.leaves(pupils, pupil_ids, pupil_school)
        self.roll_calls(rooms, room_ids, room_pupils, pupil_ids, pupil_school, away)

    def leaves(self, pupils, pupil_ids, pupil_school) -> dict[int, list[tuple]]:
        """Leave of the last LEAVE_DAYS days and the coming days; returns local pupil ->
        [(departed, returned or None)] of the leave taken, for the roll calls."""
        leaves, events, notices = [], [], []
        away: dict[int, list[tuple]] = defaultdict(list)
        chance = 0.08 * self.scale
        for local, pupil in enumerate(pupils):
            if self.rng.random() >= chance:
                continue
            school = pupil_school[local]
            leader = self.people[school["id"]]["school_leader"]
            staff = self.people[school["id"]].get("school_staff", leader)
            day = self.today + datetime.timedelta(days=self.rng.randint(-LEAVE_DAYS, 3))
            leaves_at = self.at(day, self.rng.choice((7, 12, 16, 17)), 30)
            returns_by = leaves_at + datetime.timedelta(hours=self.rng.choice((6, 28, 52)))
            asked = leaves_at - datetime.timedelta(hours=self.rng.randint(2, 30))
            if asked > self.now:
                continue
            refused = self.rng.random() < 0.03
            decided = asked + datetime.timedelta(minutes=self.rng.randint(10, 240))
            status, decider, departed, returned = "requested", None, None, None
            if decided <= self.now:
                status, decider = ("refused" if refused else "approved"), leader
            if status == "approved" and leaves_at <= self.now:
                status, departed = "away", leaves_at + datetime.timedelta(minutes=10)
                back = returns_by - datetime.timedelta(minutes=self.rng.randint(-90, 240))
                if back <= self.now:
                    status, returned = "returned", back
            index = len(leaves)
            leaves.append(
                [pupil_ids[local], self.rng.choice(LEAVE_REASONS), leaves_at, returns_by, status,
                 staff, decider, departed, returned, asked]
            )  # fmt: skip
            events.append((index, staff, "", "requested", "", asked))
            if decider is not None:
                events.append((index, leader, "requested", "refused" if refused else "approved",
                               "考试周不宜离校" if refused else "", decided))  # fmt: skip
            if departed is not None:
                events.append((index, staff, "approved", "away", "", departed))
                away[local].append((departed, returned))
            if returned is not None:
                events.append((index, staff, "away", "returned", "", returned))
            if decider is not None and not refused:
                text = (f"【{school['name']}】{pupil[1]}的请假已批准：{leaves_at:%m-%d %H:%M}离校，"
                        f"{returns_by:%m-%d %H:%M}前返校。")  # fmt: skip
                notices.append((school["id"], index, pupil[3], text[:300], decided,
                                decided + datetime.timedelta(seconds=20)))  # fmt: skip
        ids = self.gen._ids(Leave, len(leaves))
        self.gen._write(
            Leave,
            ["id", "pupil_id", "reason", "leaves_at", "returns_by", "status", "requested_by_id",
             "decided_by_id", "departed_at", "returned_at", "created_at"],
            ([pk, *row] for pk, row in zip(ids, leaves, strict=True)),
        )  # fmt: skip
        self.gen._write(
            LeaveEvent,
            ["id", "leave_id", "actor_id", "from_status", "to_status", "comment", "created_at"],
            ((pk, ids[e[0]], *e[1:]) for pk, e in zip(self.gen._ids(LeaveEvent, len(events)),
                                                      events, strict=True)),
        )  # fmt: skip
        self.gen._write(
            ParentNotice,
            ["id", "unit_id", "leave_id", "phone", "text", "created_at", "sent_at"],
            ((pk, n[0], ids[n[1]], *n[2:]) for pk, n in zip(
                self.gen._ids(ParentNotice, len(notices)), notices, strict=True)),
        )  # fmt: skip
        return away

    def roll_calls(self, rooms, room_ids, room_pupils, pupil_ids, pupil_school, away) -> None:
        calls, absences = [], []
        for room, members in room_pupils.items():
            if not members:
                continue
            school = pupil_school[members[0]]
            marker = self.people[school["id"]].get("school_staff")
            for back in range(ROLL_CALL_NIGHTS, 0, -1):
                day = self.today - datetime.timedelta(days=back)
                marked = self.at(day, 21, 30 + self.rng.randint(0, 25))
                if self.rng.random() < 0.01:
                    continue  # a room not marked that evening
                absent = []
                for local in members:
                    if any(out <= marked and (back_at is None or back_at > marked)
                           for out, back_at in away.get(local, ())):  # fmt: skip
                        absent.append((local, "leave"))
                    elif self.rng.random() < 0.002:
                        absent.append((local, "sick" if self.rng.random() < 0.6 else "unexplained"))
                call = len(calls)
                calls.append((room_ids[room], day, len(members), len(members) - len(absent),
                              marker, marked))  # fmt: skip
                for local, reason in absent:
                    followed = reason == "unexplained"
                    absences.append(
                        (call, pupil_ids[local], reason, followed,
                         self.rng.choice(("found", "home")) if followed else "",
                         "在教室自习未回宿舍，已带回" if followed else "",
                         marked + datetime.timedelta(minutes=12) if followed else None,
                         marker if followed else None, None)
                    )  # fmt: skip
        ids = self.gen._ids(RollCall, len(calls))
        self.gen._write(
            RollCall,
            ["id", "room_id", "date", "expected", "present", "marked_by_id", "marked_at"],
            ((pk, *row) for pk, row in zip(ids, calls, strict=True)),
        )
        self.gen._write(
            Absence,
            ["id", "roll_call_id", "pupil_id", "reason", "parent_contacted", "outcome",
             "follow_up_note", "followed_up_at", "followed_up_by_id", "escalated_at"],
            ((pk, ids[a[0]], *a[1:]) for pk, a in zip(self.gen._ids(Absence, len(absences)),
                                                       absences, strict=True)),
        )  # fmt: skip
