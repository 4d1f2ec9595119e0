"""The generated city's risk grading (inspections/risks): every school's risk points (places
and activities graded on the L × S matrix of the default rules: mostly blue and yellow, some
orange, a red one at a few schools, two in three placed on the school's campus plan), their
checks at each level's interval over the last quarter (times the plan's scale; a few points
overdue), the campus
plans, and the yellow-and-above lists reported to the county (acknowledged; a new version
waiting at some schools).

Every generated check found the point under control: a check that does not creates a hazard
in the ledger (inspections.services.hazard_from_risk_check), and the ledger is the core
steps' (demo/generator.py). Checks cover the last 90 days (x scale) only, so that the step
stays within its time at 20,000 schools (an orange point is checked weekly, a red one daily).

Volume at 2,000 schools: ~24,000 points, ~110,000 checks, ~1,600 plans, ~2,400 lists
(bench/notes.md has the timings)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from demo.features._kit import UnitAccounts, moment, school_rows, unit_accounts, write_numbered
from inspections.risks import services as risk_services
from inspections.risks.models import (
    DEFAULT_INTERVALS,
    DEFAULT_THRESHOLDS,
    REPORTED_LEVELS,
    CampusPlan,
    Method,
    RiskCheck,
    RiskPoint,
    RiskReport,
)
from inspections.risks.selectors import level_of
from safety.models import SafetyArea
from safety.responsibility.models import Post

MODEL = RiskPoint
NOBODY = UnitAccounts()
CHECK_DAYS = 90  # x the plan's scale
HELD_ROWS = 50_000  # checks held in memory before they are written

# (place or activity, area key, what can go wrong, likely L, S, measures, post key)
POINTS = [
    ("放学时段教学楼楼梯间", "buildings", "放学时学生集中下楼，拥挤推搡可能发生踩踏。", 3, 5,
     "分年级错峰放学；每个楼梯口安排教师值守；楼梯设靠右行走标识和应急照明。", "grade_leader"),
    ("食堂操作间", "food", "食材储存或加工不当可能引起食物中毒；燃气泄漏可能引起火灾。", 3, 4,
     "食材索证索票、留样48小时；燃气报警器每月检测；操作间专人上锁。", "canteen_manager"),
    ("学校大门（上下学时段）", "traffic", "接送车辆与学生混行，可能发生交通事故。", 3, 4,
     "上下学时段门卫与护学岗到岗；校门口设隔离护栏和减速带。", "gate_security"),
    ("配电房", "fire", "线路老化或违规操作可能引起触电、电气火灾。", 2, 5,
     "配电房上锁，电工持证上岗；每月检查线路并记录。", "electrician"),
    ("大课间及体育课活动", "teaching", "器材松动或运动强度不当可能造成学生受伤。", 3, 3,
     "课前检查器材；体育教师现场看护；特异体质学生名单到班。", "teaching_head"),
    ("科学实验室", "teaching", "实验器材使用不当可能造成割伤、烫伤。", 2, 3,
     "实验前安全讲解；危险器材专柜存放。", "teaching_head"),
    ("学生宿舍（夜间）", "fire", "违规使用电器可能引起火灾，夜间疏散困难。", 2, 5,
     "每晚查寝；宿舍楼配备应急照明和灭火器；每学期夜间疏散演练。", "dormitory_manager"),
    ("校园围墙", "buildings", "围墙开裂或过低，外来人员可能翻越进入。", 2, 3,
     "每月巡查围墙；重点部位加装监控。", "gate_security"),
    ("图书馆书架", "buildings", "高大书架固定不牢可能倾倒砸伤学生。", 1, 4,
     "书架与墙体固定；每学期检查一次。", "general_affairs_head"),
    ("校园网络机房", "internet", "学生上网无人监管，可能接触不良信息。", 2, 2,
     "安装过滤软件；机房专人管理。", "teaching_head"),
    ("心理辅导室", "psychological", "重点学生心理危机未及时发现。", 2, 4,
     "建立重点学生台账；每月谈心谈话。", "psychological_counsellor"),
    ("学校周边水域", "surroundings", "学生私自下水游泳可能溺水。", 2, 5,
     "放假前防溺水教育；周边水域设警示牌；联合村委会巡查。", "grade_leader"),
    ("财务室", "property", "夜间留存现金可能被盗。", 1, 3, "安装报警器；现金当日存行。",
     "general_affairs_head"),
    ("校车接送", "traffic", "超员或驾驶员疲劳驾驶可能发生交通事故。", 2, 5,
     "随车照管员到岗；每日出车前检查；驾驶员定期体检。", "gate_security"),
]  # fmt: skip
NOTES = ["", "", "各项措施落实到位。", "现场检查正常，已记录。", "值守人员到岗，秩序正常。"]


def generate(gen) -> None:
    schools = school_rows()
    accounts = unit_accounts()
    from demo.generator import _stored_photo

    photo = _stored_photo()[0]
    areas = {area.key: area for area in SafetyArea.objects.all()}
    posts = {post.key: post for post in Post.objects.filter(unit_kind="school")}
    fallback = next(iter(posts.values()))
    thresholds = {Method.LS: DEFAULT_THRESHOLDS[Method.LS]}
    plans, points, checks, reports = [], [], [], []
    point_ids = iter(gen._ids(RiskPoint, len(schools) * len(POINTS)))
    for school in schools:
        if len(checks) >= HELD_ROWS:
            _write_points(gen, points, checks)
        own = accounts.get(school["id"], NOBODY)
        official = accounts.get(school["parent_id"], NOBODY).official
        leader, staff = own.leader or own.staff, own.staff or own.leader
        if leader is None:
            continue
        first = school is schools[0]  # the benchmark's s00001: a plan, photos of checks
        has_plan = first or gen.rng.random() < 0.8
        if has_plan:
            plans.append((school["id"], photo, 640, 480, leader, moment(gen, gen.start)))
        chosen = [
            point for point in POINTS
            if gen.rng.random() < 0.8 and (point[0] != "学生宿舍（夜间）" or school["is_boarding"])
        ]  # fmt: skip
        reported = []
        for name, area, danger, likely, severity, measures, post in chosen:
            # A school judges the likelihood a step either side of the usual (never up for a
            # major consequence); a red point at one school in a hundred.
            step = gen.rng.choice((-1, 0, 0, 0, 1 if severity < 5 else 0))
            likelihood = max(1, min(4, likely + step))
            if gen.rng.random() < 0.01:
                likelihood = 4 if severity == 5 else likelihood
            score = Decimal(likelihood * severity)
            level = level_of(Method.LS, score, thresholds)
            interval = DEFAULT_INTERVALS[level]
            pk = next(point_ids)
            last = _checks(gen, checks, pk, interval, staff, photo, first)
            due = (last or gen.today) + datetime.timedelta(days=interval)
            created = moment(gen, gen.start)
            placed = has_plan and gen.rng.random() < 0.8
            post_row = posts.get(post, fallback)
            points.append(
                (pk, school["id"], name, areas[area].pk, danger, Method.LS, Decimal(likelihood),
                 None, Decimal(severity), score, level, measures, post_row.pk, interval, due,
                 last, None, round(gen.rng.uniform(0.05, 0.95), 3) if placed else None,
                 round(gen.rng.uniform(0.05, 0.95), 3) if placed else None, True, None, leader,
                 created, created)
            )  # fmt: skip
            if level in REPORTED_LEVELS:
                reported.append({
                    "id": pk, "name": name, "area": areas[area].name_zh, "danger": danger,
                    "level": level, "score": str(score), "control_measures": measures,
                    "post": post_row.name_zh,
                })  # fmt: skip
        if reported:
            reports.extend(_reports(gen, school["id"], reported, leader, official))
    write_numbered(
        gen,
        CampusPlan,
        ["school_id", "image", "width", "height", "uploaded_by_id", "uploaded_at"],
        plans,
    )
    _write_points(gen, points, checks)
    risk_services.risk_tally_refresh()  # #23: the register's level figures
    write_numbered(
        gen,
        RiskReport,
        ["school_id", "version", "status", "rows", "red", "orange", "yellow",
         "submitted_by_id", "submitted_at", "acknowledged_by_id", "acknowledged_at", "comment"],
        reports,
    )  # fmt: skip


def _write_points(gen, points: list, checks: list) -> None:
    """Write the points and checks held so far and empty the lists (the step writes as it
    goes: a province's checks are never all in memory)."""
    gen._write(
        RiskPoint,
        ["id", "school_id", "name", "area_id", "danger", "method", "likelihood", "exposure",
         "severity", "score", "level", "control_measures", "post_id", "check_interval_days",
         "next_check_due", "last_checked_on", "reviewed_on", "plan_x", "plan_y", "is_active",
         "reminded_due", "created_by_id", "created_at", "updated_at"],
        points,
    )  # fmt: skip
    write_numbered(
        gen,
        RiskCheck,
        ["point_id", "checked_by_id", "checked_on", "controlled", "note", "photo",
         "created_at"],
        checks,
    )  # fmt: skip
    points.clear()
    checks.clear()


def _checks(gen, checks, point, interval, staff, photo, first) -> datetime.date | None:
    """The point's checks every `interval` days over the last CHECK_DAYS (one point in
    twelve has missed its latest), with a photo now and then (`first`: always); returns the
    last check's day."""
    days = int(CHECK_DAYS * gen.plan.scale)
    day = gen.today - datetime.timedelta(days=min(days, (gen.today - gen.start).days))
    day += datetime.timedelta(days=gen.rng.randint(0, interval - 1))
    last = None
    overdue = gen.rng.random() < 1 / 12
    while day <= gen.today:
        if overdue and day + datetime.timedelta(days=interval) > gen.today:
            break
        note = NOTES[gen.rng.randrange(len(NOTES))]
        checks.append(
            (
                point,
                staff,
                day,
                True,
                note,
                photo if first or gen.rng.random() < 0.2 else "",
                moment(gen, day),
            )
        )
        last = day
        day += datetime.timedelta(days=interval)
    return last


def _reports(gen, school, rows, leader, official) -> list[tuple]:
    """The yellow-and-above list reported at the start and acknowledged; at a third of the
    schools a second version reported lately, waiting for the county."""
    counts = [sum(row["level"] == level for row in rows) for level in REPORTED_LEVELS]
    first = moment(gen, gen.start + datetime.timedelta(days=gen.rng.randint(5, 30)))
    acknowledged = first + datetime.timedelta(days=gen.rng.randint(1, 10))
    found = [(school, 1, "acknowledged", rows, *counts, leader, first, official, acknowledged, "")]
    if gen.rng.random() < 1 / 3:
        again = moment(gen, gen.today - datetime.timedelta(days=gen.rng.randint(0, 20)))
        found.append((school, 2, "submitted", rows, *counts, leader, again, None, None, ""))
    return found
