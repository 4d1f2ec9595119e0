"""Demo rows of emergency preparedness (run by seed_demo): plans in every state, a leading
group and teams per school with one gap (a member who left), a year of drills with realistic
evacuation times, some months missing, and one drill whose problem the ledger takes up
(demo/seed.py enters it there through inspections, which safety never imports)."""

from __future__ import annotations

import datetime
import importlib
from collections import Counter

from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone

from safety.models import Organisation, SafetyArea, User
from safety.responsibility import services as responsibility_services
from safety.responsibility.models import Assignment, Holder
from safety.uploads import CleanUpload

from . import services
from .models import Drill, DrillProblem, Plan, Scenario, Team, TeamMember
from .selectors import YOUNG_TYPES, add_months, semester_bounds

# The school with plans in every state (the demo leader's), and the school whose drill found a
# hazard and whose team has a member who left (away from the schools other journeys count).
SHOWCASE_SCHOOL = "2136080201"
GAP_SCHOOL = "2136080202"
DEMO_PROBLEM = "【演示】东侧楼梯转角应急照明灯不亮，疏散时学生拥堵"
# A one-page PDF: enough to stand for the plan document in the demo.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EVALUATIONS = [
    "各班按预定路线有序撤离，班主任清点人数及时准确，整体效果良好。",
    "个别班级下楼时速度偏慢，楼梯口引导老师到位后情况好转，下次加强低年级训练。",
    "警报响起后学生反应迅速，弯腰捂鼻动作规范，集合点秩序井然。",
    "与消防救援站联合开展，学生观摩灭火器使用，教职工分组实操。",
]


def _document(name: str) -> CleanUpload:
    return CleanUpload(name, ContentFile(PDF), None, "application/pdf")


def _ensure_scenarios() -> None:
    """The scenarios come from a data migration; a flushed test database gets them back."""
    if not Scenario.objects.exists():
        importlib.import_module("safety.migrations.0014_preparedness").seed(apps, None)
        importlib.import_module("safety.migrations.0020_preparedness_buses_incidents").link(
            apps, None
        )


def seed(*, school_codes: list[str]) -> DrillProblem | None:
    """Preparedness rows for every school of `school_codes` that has none yet (idempotent).
    Returns the showcase drill problem that the ledger should take up (None if seeded)."""
    _ensure_scenarios()
    today = timezone.localdate()
    schools = Organisation.objects.filter(code__in=school_codes, kind="school").order_by("code")
    seeded = set(Team.objects.values_list("unit_id", flat=True))
    problem = None
    for index, school in enumerate(schools):
        if school.pk in seeded:
            continue
        leader = User.objects.filter(unit=school, role=User.Role.SCHOOL_LEADER).first()
        official = User.objects.filter(
            unit_id=school.parent_id, role=User.Role.BUREAU_OFFICIAL
        ).first()
        _seed_plans(school, index, today, leader, official)
        _seed_teams(school, leader, gap=school.code == GAP_SCHOOL, today=today)
        found = _seed_drills(school, index, today)
        recorder = User.objects.filter(unit=school, role=User.Role.SCHOOL_STAFF).first() or leader
        Drill.objects.filter(unit=school).update(recorded_by=recorder, created_by=recorder)
        Plan.objects.filter(unit=school).exclude(status=Plan.Status.DRAFT).update(
            approved_by=leader
        )
        Plan.objects.filter(unit=school).update(created_by=leader)
        if school.code == GAP_SCHOOL:
            problem = found
    return problem


def _seed_plans(school, index, today, leader, official) -> None:
    """Overall, fire, earthquake and stampede plans filed and acknowledged a while ago; at the
    showcase school more states: one waiting, one returned, one draft, one overdue review."""
    scenarios = {s.key: s for s in Scenario.objects.all()}
    later = ("food_poisoning", "intruder", "epidemic")
    keys = [
        key
        for key, scenario in scenarios.items()
        if scenario.is_required_for(school) and key not in later
    ]
    if index % 3 == 0:
        keys.remove("stampede")  # a school missing a plan
    if index % 4 != 1:
        keys += list(later)
    for key in keys:
        plan = services.plan_upload(
            actor=None,
            unit=school,
            scenario=scenarios[key],
            title=f"{school.name}{scenarios[key].name_zh}应急预案",
            document=_document(f"{scenarios[key].name_zh}应急预案.pdf"),
            next_review_on=today + datetime.timedelta(days=200 - 40 * (index % 6)),
        )
        services.plan_submit(actor=None, plan=plan)
        services.plan_acknowledge(actor=None, plan=plan)
        Plan.objects.filter(pk=plan.pk).update(approved_by=leader, reviewed_by=official)
    if school.code != SHOWCASE_SCHOOL:
        return
    states = [("food_poisoning", "submitted"), ("intruder", "returned"), ("epidemic", "draft")]
    for key, state in states:
        plan = services.plan_upload(
            actor=None,
            unit=school,
            scenario=scenarios[key],
            title=f"{school.name}{scenarios[key].name_zh}应急预案",
            document=_document(f"{scenarios[key].name_zh}应急预案.pdf"),
        )
        if state in ("submitted", "returned"):
            services.plan_submit(actor=None, plan=plan)
        if state == "returned":
            services.plan_return(
                actor=None, plan=plan, comment="请补充夜间值班人员联系方式和报警流程图。"
            )
    Plan.objects.filter(unit=school, scenario__key="earthquake").update(
        next_review_on=today - datetime.timedelta(days=20)
    )


def _seed_teams(school, leader, *, gap: bool, today) -> None:
    services.teams_set_up(actor=None, unit=school)
    current = list(
        Assignment.objects.current(today)
        .filter(unit=school)
        .select_related("holder", "post")
        .order_by("post__order", "id")
    )
    holders = []
    for assignment in current:
        if assignment.holder not in holders and assignment.holder.phone:
            holders.append(assignment.holder)
    if not holders:
        return
    teams = list(Team.objects.filter(unit=school).order_by("order"))
    leading = teams[0]
    for position, holder in enumerate(holders[:4]):
        services.team_member_add(
            actor=None,
            team=leading,
            holder=holder,
            is_leader=position == 0,
            duty="组长" if position == 0 else "副组长" if position == 1 else "成员",
        )
    for offset, team in enumerate(teams[1:]):
        for holder in holders[2 + offset : 4 + offset]:
            services.team_member_add(
                actor=None, team=team, holder=holder, is_leader=holder == holders[2 + offset]
            )
    if gap:
        # The gap: a member of one team only leaves the school (one gap on the coverage page).
        counts = Counter(
            TeamMember.objects.filter(team__unit=school).values_list("holder_id", flat=True)
        )
        single = [holder_id for holder_id, count in counts.items() if count == 1]
        leaving = next((a for a in current if single and a.holder_id == single[-1]), None)
        if leaving is not None:
            _hand_over(school, leaving, today)


def _hand_over(school, assignment, today) -> None:
    """The holder of one post left the school: the post is handed over to a newcomer, who is
    not in the team yet (the team's gap)."""
    newcomer = responsibility_services.holder_save(
        actor=None,
        holder=Holder(unit=school, name="戴文静", phone="13900008888", job_title="新任教师"),
    )
    responsibility_services.assignment_handover(
        actor=None,
        assignment=assignment,
        new_holder=newcomer,
        on=today - datetime.timedelta(days=10),
        note="原责任人调离本校",
    )


def _held(school, scenario, day, seconds: int, variant: int) -> Drill:
    """A drill planned and recorded as held on `day` (with the plan it exercises, if filed)."""
    plan = Plan.objects.filter(unit=school, scenario=scenario, status="acknowledged").first()
    drill = services.drill_plan(
        actor=None,
        unit=school,
        scenario=scenario,
        planned_on=day,
        announced=variant % 4 != 0,
        plan=plan,
    )
    return services.drill_record(
        actor=None,
        drill=drill,
        held_on=day,
        pupils=int(school.student_count * 0.96),
        staff=int(school.staff_count * 0.9),
        evacuation_seconds=seconds,
        evaluation=EVALUATIONS[variant % len(EVALUATIONS)],
    )


def _seed_drills(school, index, today):
    """A drill a month (kindergartens: a quarter) for a year, a few months missing."""
    scenarios = {s.key: s for s in Scenario.objects.all()}
    cycle = ["fire", "earthquake", "stampede", "fire", "intruder", "flood_typhoon"]
    base = 195 if school.school_type in YOUNG_TYPES else 140
    step = 3 if school.school_type == "kindergarten" else 1
    problem = last = None
    twice = school.is_boarding or school.school_type == "special"
    for back in range(12, -1, -step):
        month = add_months(today, -back)
        if (index + month.month) % 5 == 0 or (back == 0 and index % 2):
            continue  # a missed month (and half the schools have not drilled yet this month)
        day = min(month + datetime.timedelta(days=(index % 20) + 5), today)
        key = cycle[(month.month + index) % len(cycle)]
        seconds = base + ((index * 17 + month.month * 11) % 50) - 25 - (12 - back)
        drill = _held(school, scenarios[key], day, max(seconds, 60), index + month.month)
        second = day + datetime.timedelta(days=12)
        if twice and second <= today:  # boarding and special schools drill twice a month
            night = "dormitory_fire" if school.is_boarding else "earthquake"
            _held(school, scenarios[night], second, max(seconds, 60) + 15, index + 1)
        if back >= 1:
            last = drill
    if school.has_school_buses:  # a school with buses: a bus evacuation this semester
        semester_start, _end = semester_bounds(today)
        day = min(semester_start + datetime.timedelta(days=index % 20 + 16), today)
        _held(school, scenarios["traffic_bus"], day, base + 60, index)
    if school.code == GAP_SCHOOL and last is not None:
        problem = services.drill_problem_add(
            actor=None,
            drill=last,
            area=SafetyArea.objects.get(key="fire"),
            description=DEMO_PROBLEM,
            location="教学楼东侧楼梯",
        )
        if last.plan is not None:
            services.plan_flag_for_review(
                actor=None, plan=last.plan, reason=f"演练（{last.held_on:%Y-%m-%d}）暴露的问题"
            )
        services.drill_plan(
            actor=None,
            unit=school,
            scenario=scenarios["earthquake"],
            planned_on=today + datetime.timedelta(days=7),
            announced=False,
        )
    return problem
