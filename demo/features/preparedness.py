"""The generated city's emergency preparedness (safety/preparedness): for every school its
required plans filed with the bureau above (most acknowledged, some waiting, returned or in
draft, a few missing, a second version here and there), the leading group and the five
working teams with members from its responsibility holders, and its drills over the period
(a month, a quarter for kindergartens, twice a month for boarding and special schools; a few
months missed) with participants, evacuation times, evaluations, photos and now and then a
problem seen, plus the next drill planned.

Volume at 2,000 schools and one year: ~15,000 plans, ~12,000 teams, ~40,000 members, ~30,000
drills, ~45,000 photos (bench/notes.md has the timings)."""

from __future__ import annotations

import datetime

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad

from demo.features._kit import (
    EVENT_COLUMNS,
    moment,
    school_rows,
    stored_pdf,
    unit_accounts,
    write_numbered,
)
from safety.models import Organisation, SafetyArea
from safety.preparedness import demo as preparedness_demo
from safety.preparedness.models import (
    Drill,
    DrillPhoto,
    DrillProblem,
    Plan,
    PlanEvent,
    Scenario,
    Team,
    TeamMember,
)
from safety.preparedness.selectors import YOUNG_TYPES, add_months
from safety.preparedness.services import DEFAULT_TEAMS
from safety.responsibility.models import Holder

MODEL = Drill

EVALUATIONS = preparedness_demo.EVALUATIONS
CYCLE = ["fire", "earthquake", "stampede", "fire", "intruder", "flood_typhoon"]
PROBLEMS = [
    ("fire", "东侧楼梯转角应急照明灯不亮，疏散时学生拥堵", "教学楼东侧楼梯"),
    ("buildings", "二楼走廊疏散指示标志脱落", "教学楼二楼"),
    ("fire", "部分班级未按指定路线撤离，与相邻班级交叉", "实验楼"),
    ("teaching", "低年级学生集合后清点人数用时过长", "操场集合点"),
    ("buildings", "宿舍楼后门安全出口上锁，未能及时打开", "宿舍楼"),
]
DUTIES = {"leading": ["组长", "副组长", "成员", "成员"]}
HELD_ROWS = 50_000  # drills held in memory before they are written
RETURN_COMMENT = "请补充夜间值班人员联系方式和报警流程图。"


def generate(gen) -> None:
    preparedness_demo._ensure_scenarios()
    schools = school_rows()
    accounts = unit_accounts()
    scenarios = list(Scenario.objects.filter(is_active=True))
    by_key = {scenario.key: scenario for scenario in scenarios}
    holders: dict[int, list[int]] = {}
    for unit_id, pk in (
        Holder.objects.filter(unit__kind="school", is_active=True)
        .order_by("id")
        .values_list("unit_id", "id")
    ):
        holders.setdefault(unit_id, []).append(pk)
    _give_holders_phones()
    document = stored_pdf()
    plans = _plans(gen, schools, accounts, scenarios, document)
    _teams(gen, schools, holders)
    _drills(gen, schools, accounts, by_key, plans)


def _give_holders_phones() -> None:
    """A team member needs a phone (services.team_member_add): the generated holders have
    none, so each gets a mobile number made from its id."""
    Holder.objects.filter(phone="", unit__kind="school").update(
        phone=Concat(Value("139"), LPad(Cast("id", CharField()), 8, Value("0")))
    )


def _plans(gen, schools, accounts, scenarios, document) -> dict[tuple[int, int], int]:
    """Every school's required plans; returns the acknowledged plan's id by (school, scenario)."""
    probe = Organisation(kind="school")
    rows, events, filed = [], [], {}
    ids = iter(gen._ids(Plan, sum(len(scenarios) * 2 for _ in schools)))
    for school in schools:
        probe.school_type, probe.is_boarding = school["school_type"], school["is_boarding"]
        own = accounts.get(school["id"])
        bureau = accounts.get(school["parent_id"])
        leader = own.leader if own else None
        official = bureau.official if bureau else None
        for scenario in scenarios:
            if not scenario.is_required_for(probe) or gen.rng.random() < 0.04:
                continue  # a missing plan now and then
            versions = 2 if gen.rng.random() < 0.25 else 1
            uploaded = gen._day(gen.start, gen.start + datetime.timedelta(days=60))
            for version in range(1, versions + 1):
                last = version == versions
                status = "acknowledged"
                if last and version > 1:
                    status = gen.rng.choice(
                        ["acknowledged"] * 5 + ["submitted", "returned", "draft"]
                    )
                    uploaded = gen._day(gen.today - datetime.timedelta(days=90), gen.today)
                pk = next(ids)
                created = moment(gen, uploaded)
                submitted = created + datetime.timedelta(hours=2) if status != "draft" else None
                reviewed = (
                    submitted + datetime.timedelta(days=gen.rng.randint(1, 10))
                    if status in ("acknowledged", "returned")
                    else None
                )
                if reviewed and reviewed.date() > gen.today:
                    reviewed = submitted
                title = f"{school['name']}{scenario.name_zh}应急预案"
                rows.append(
                    (pk, school["id"], scenario.pk, version, title, document,
                     f"{scenario.name_zh}应急预案.pdf", status,
                     leader if submitted else None, uploaded if submitted else None, submitted,
                     official if reviewed else None, reviewed,
                     RETURN_COMMENT if status == "returned" else "",
                     _next_review(gen, uploaded, last),
                     None, "", "", "", leader, created)
                )  # fmt: skip
                if submitted:
                    events.append((pk, leader, "draft", "submitted", "", submitted))
                if reviewed:
                    comment = RETURN_COMMENT if status == "returned" else ""
                    events.append((pk, official, "submitted", status, comment, reviewed))
                if status == "acknowledged":
                    filed[(school["id"], scenario.pk)] = pk
    gen._write(
        Plan,
        ["id", "unit_id", "scenario_id", "version", "title", "document", "document_name",
         "status", "approved_by_id", "approved_on", "submitted_at", "reviewed_by_id",
         "reviewed_at", "review_comment", "next_review_on", "review_flagged_at",
         "review_flag_reason", "review_flag_key", "review_flag_url", "created_by_id",
         "created_at"],
        rows,
    )  # fmt: skip
    write_numbered(gen, PlanEvent, ["plan_id", *EVENT_COLUMNS], events)
    return filed


def _next_review(gen, uploaded: datetime.date, last: bool) -> datetime.date:
    """A plan is reviewed at least once a year: the current version's review falls within
    the coming year, about one in ten already overdue; an older version's a year after it."""
    if not last:
        return uploaded + datetime.timedelta(days=365)
    return gen.today + datetime.timedelta(days=gen.rng.randint(-30, 330))


def _teams(gen, schools, holders) -> None:
    """The leading group and the working teams of every school, members from its holders."""
    teams, members = [], []
    team_ids = iter(gen._ids(Team, len(schools) * len(DEFAULT_TEAMS)))
    for school in schools:
        people = holders.get(school["id"], [])
        for order, (kind, name, duties) in enumerate(DEFAULT_TEAMS):
            pk = next(team_ids)
            teams.append((pk, school["id"], kind, name, duties, order))
            if not people:
                continue
            if kind == "leading":
                chosen = people[:4]
            else:
                chosen = gen.rng.sample(people, min(len(people), gen.rng.randint(2, 4)))
            for position, holder in enumerate(chosen):
                duty = DUTIES.get(kind, [])[position] if kind in DUTIES else ""
                members.append((pk, holder, position == 0, duty))
    gen._write(Team, ["id", "unit_id", "kind", "name", "duties", "order"], teams)
    write_numbered(
        gen,
        TeamMember,
        ["team_id", "holder_id", "is_leader", "duty"],
        members,
    )


def _drills(gen, schools, accounts, scenarios, filed) -> None:
    """Each school's drills over the period, the next one planned, photos and problems."""
    files = _photo()
    areas = dict(SafetyArea.objects.values_list("key", "id"))
    staff_of = {school["id"]: school["staff_count"] for school in schools}
    drills = []
    months = max(1, round((gen.today - gen.start).days / 30.4))
    for index, school in enumerate(schools):
        if len(drills) >= HELD_ROWS:
            _write_drills(gen, drills, staff_of, schools[0]["id"], files, areas)
        own = accounts.get(school["id"])
        recorder = (own.staff or own.leader) if own else None
        young = school["school_type"] in YOUNG_TYPES
        base = 195 if young else 140
        step = 3 if school["school_type"] == "kindergarten" else 1
        twice = school["is_boarding"] or school["school_type"] == "special"
        students = school["student_count"] or 300
        for back in range(months, 0, -step):
            month = add_months(gen.today, -back)
            if gen.rng.random() < 0.08:
                continue  # a missed month
            days = [month.replace(day=gen.rng.randint(5, 25))]
            if twice:
                days.append(days[0] + datetime.timedelta(days=12))
            for number, day in enumerate(days):
                if day > gen.today:
                    continue
                key = (
                    "dormitory_fire"
                    if number and school["is_boarding"]
                    else (CYCLE[(month.month + index) % len(CYCLE)])
                )
                scenario = scenarios.get(key) or scenarios["fire"]
                seconds = max(60, int(gen.rng.gauss(base, 25)))
                recorded = moment(gen, day, 15, 18)
                drills.append(
                    (school["id"], scenario.pk, filed.get((school["id"], scenario.pk)), day,
                     gen.rng.random() > 0.2, "recorded", day, int(students * 0.96),
                     None, seconds, EVALUATIONS[gen.rng.randrange(len(EVALUATIONS))],
                     recorder, recorded, recorder, recorded - datetime.timedelta(days=7))
                )  # fmt: skip
        upcoming = gen.today + datetime.timedelta(days=gen.rng.randint(3, 20))
        scenario = scenarios[CYCLE[(upcoming.month + index) % len(CYCLE)]]
        drills.append(
            (school["id"], scenario.pk, filed.get((school["id"], scenario.pk)), upcoming,
             True, "planned", None, None, None, None, "", None, None, recorder,
             moment(gen, gen.today))
        )  # fmt: skip
    _write_drills(gen, drills, staff_of, schools[0]["id"], files, areas)


def _write_drills(gen, drills: list, staff_of, first: int, files, areas) -> None:
    """Write the drills held so far with their photos and problems, and empty the list (the
    step writes as it goes: a province's drills are never all in memory)."""
    image, thumb = files
    ids = gen._ids(Drill, len(drills))
    rows, photos, problems = [], [], []
    for pk, row in zip(ids, drills, strict=True):
        row = list(row)
        if row[5] == "recorded":
            row[8] = int(staff_of[row[0]] * 0.9)
            # The first school (the benchmark's s00001) has a photo of every drill.
            count = gen.rng.choice((0, 1, 1, 2)) or int(row[0] == first)
            for _ in range(count):
                photos.append((pk, image, thumb, "演练现场.jpg", row[11], row[12]))
            if gen.rng.random() < 0.1:
                area, text, place = PROBLEMS[gen.rng.randrange(len(PROBLEMS))]
                problems.append((pk, areas[area], place, text, row[11], row[12]))
        rows.append((pk, *row))
    drills.clear()
    gen._write(
        Drill,
        ["id", "unit_id", "scenario_id", "plan_id", "planned_on", "announced", "status",
         "held_on", "pupils", "staff", "evacuation_seconds", "evaluation", "recorded_by_id",
         "recorded_at", "created_by_id", "created_at"],
        rows,
    )  # fmt: skip
    write_numbered(
        gen,
        DrillPhoto,
        ["drill_id", "image", "thumbnail", "original_name", "uploaded_by_id", "created_at"],
        photos,
    )
    write_numbered(
        gen,
        DrillProblem,
        ["drill_id", "area_id", "location", "description", "created_by_id", "created_at"],
        problems,
    )


def _photo() -> tuple[str, str]:
    from demo.generator import _stored_photo

    return _stored_photo()
