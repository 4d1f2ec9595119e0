"""Demo rows of daily guarding for the demo city (safety.demo composes them): a day school
(江城区实验小学) and a boarding school (江城区外国语学校) of 江城区, with a holiday set by the
county, rosters, duty logs, the gate register, gate duty, patrols, dormitories, pupils,
leave and roll calls. Deterministic; safe to run again (a school that has rows is skipped)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safety.models import Assignment, Holder, Organisation, Post, User
from safety.responsibility import services as responsibility_services

from . import services
from .models import (
    Absence,
    BoardingPupil,
    CheckpointRecord,
    DutyLog,
    DutyRoster,
    DutyShift,
    GateDuty,
    GateEntry,
    HolidayPeriod,
    Leave,
    PatrolRound,
    RollCall,
)

DAY_SCHOOL = "2136080201"
BOARDING_SCHOOL = "2136080204"
COUNTY = "360802"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊熙", "诗涵", "一诺", "雨桐", "博文", "可馨",
         "思远", "佳怡", "明轩", "语嫣", "天佑"]  # fmt: skip
VISITORS = [
    ("visitor", "钱国栋", "resident_id", "512X", "13907910001", "送教学设备", "总务处孙主任"),
    ("visitor", "冯丽", "resident_id", "0426", "13807910002", "家长会前沟通", "三（2）班李老师"),
    ("delivery", "顺丰快递员", "none", "", "13607910003", "送快递", ""),
    ("pickup", "陈爱华", "resident_id", "3318", "13507910004", "接孩子看病", "一（4）班王老师"),
    ("visitor", "区疾控中心 马医生", "resident_id", "7760", "0791-86541234", "晨检抽查", "校医室"),
]
CHECKPOINTS = [("男生宿舍楼", "dormitory"), ("女生宿舍楼", "dormitory"), ("食堂后厨", "canteen"),
               ("锅炉房", "boiler"), ("南校门", "gate")]  # fmt: skip


def _pupil_name(index: int) -> str:
    return SURNAMES[(index * 5) % len(SURNAMES)] + GIVEN[index % len(GIVEN)]


def _link_post(user: User, post_key: str) -> None:
    """Let `user` hold `post_key` at their unit: link the post's current holder (without an
    account) to the user, or add the user as a holder of the post."""
    post = Post.objects.get(key=post_key)
    assignment = (
        Assignment.objects.current()
        .filter(unit=user.unit, post=post, holder__user__isnull=True)
        .select_related("holder")
        .first()
    )
    if assignment is not None:
        holder = assignment.holder
        holder.user = user
        responsibility_services.holder_save(actor=None, holder=holder)
        return
    if Holder.objects.filter(unit=user.unit, user=user).exists():
        return
    holder = responsibility_services.holder_save(
        actor=None, holder=Holder(unit=user.unit, name=user.display_name, user=user)
    )
    responsibility_services.assignment_create(
        actor=None,
        unit=user.unit,
        post=post,
        holder=holder,
        start_date=timezone.localdate() - datetime.timedelta(days=60),
    )


def seed() -> None:
    units = {
        u.code: u
        for u in Organisation.objects.filter(code__in=[DAY_SCHOOL, BOARDING_SCHOOL, COUNTY])
    }
    if len(units) < 3 or DutyRoster.objects.filter(unit__in=units.values()).exists():
        return
    accounts = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "school.leader",
                "school.staff",
                "gate.keeper",
                "dorm.manager",
                "boarding.leader",
            ]
        )
    }
    _link_post(accounts["gate.keeper"], "gate_security")
    _link_post(accounts["dorm.manager"], "dormitory_manager")
    today = timezone.localdate()
    period = _holiday(units[COUNTY], today)
    day, boarding = units[DAY_SCHOOL], units[BOARDING_SCHOOL]
    _rosters(day, accounts["school.leader"], accounts["school.staff"], today, period)
    _rosters(boarding, accounts["boarding.leader"], accounts["dorm.manager"], today, None)
    _duty_logs(day, accounts["school.staff"], today, skip={2, 5})
    _duty_logs(boarding, accounts["dorm.manager"], today, skip={1})
    _gate(day, accounts["gate.keeper"], today)
    _gate_duty(day, accounts["school.staff"], today)
    _patrols(boarding, accounts["boarding.leader"], accounts["dorm.manager"], today)
    pupils = _boarding(boarding, accounts["boarding.leader"])
    _leaves(pupils, accounts["dorm.manager"], accounts["boarding.leader"])
    _roll_calls(boarding, pupils, accounts["dorm.manager"], today)


def _holiday(county: Organisation, today: datetime.date) -> HolidayPeriod:
    start = today + datetime.timedelta(days=40)
    return services.period_save(
        actor=None,
        period=HolidayPeriod(
            unit=county,
            holiday=HolidayPeriod.Holiday.WINTER,
            start_date=start,
            end_date=start + datetime.timedelta(days=6),
            deadline=start - datetime.timedelta(days=7),
        ),
    )


def _plan(roster: DutyRoster, leader: User, staff: User) -> None:
    for index, day in enumerate(roster.days()):
        DutyShift.objects.create(
            roster=roster,
            date=day,
            leader=leader,
            leader_phone=f"139079100{index % 20 + 10:02d}",
            staff_name=staff.display_name if index % 2 == 0 else "值班教师 赵立新",
            staff_phone=f"0791-8654{1200 + index:04d}",
        )


def _rosters(unit, leader, staff, today, period) -> None:
    monday = today - datetime.timedelta(days=today.weekday())
    week = services.roster_create(actor=None, unit=unit, kind="week", start_date=monday)
    _plan(week, leader, staff)
    if period is not None:
        holiday = services.roster_create(actor=None, unit=unit, kind="holiday", period=period)
        _plan(holiday, leader, staff)
        services.roster_submit(actor=None, roster=holiday)


def _duty_logs(unit, author, today, *, skip: set[int]) -> None:
    for back in range(0, 8):
        if back in skip:
            continue
        DutyLog.objects.create(
            unit=unit,
            date=today - datetime.timedelta(days=back),
            author=author,
            events="早7:10开校门，护学岗到位；午间巡查教学楼、食堂正常；晚间清校完毕。",
            visitors="区教育局安全股检查组一行3人（上午10点）" if back == 3 else "",
            handover="南门道闸遥控器电池电量低，已报总务处更换。"
            if back == 0
            else "无异常，钥匙已交接。",
            is_normal=back != 4,
        )


def _gate(unit, keeper, today) -> None:
    now = timezone.now()
    for index, (kind, name, id_type, last4, phone, purpose, visited) in enumerate(VISITORS):
        time_in = now - datetime.timedelta(hours=5 - index)
        GateEntry.objects.create(
            unit=unit,
            kind=kind,
            name=name,
            id_type=id_type,
            id_last4=last4,
            phone=phone,
            purpose=purpose,
            person_visited=visited,
            time_in=time_in,
            recorded_by=keeper,
            time_out=time_in + datetime.timedelta(minutes=40) if index in {0, 2, 3} else None,
        )
    for back in range(1, 6):
        GateEntry.objects.create(
            unit=unit,
            kind="visitor",
            name=f"{SURNAMES[back]}先生",
            id_type="resident_id",
            id_last4=f"{1000 + back * 37}",
            phone=f"1390791{back:04d}",
            purpose="家长来访",
            person_visited="班主任",
            time_in=now - datetime.timedelta(days=back, hours=2),
            time_out=now - datetime.timedelta(days=back, hours=1),
            recorded_by=keeper,
        )


def _gate_duty(unit, staff, today) -> None:
    for back in range(0, 5):
        for period, start, end in (("arrival", "07:10", "07:50"), ("dismissal", "16:30", "17:20")):
            GateDuty.objects.create(
                unit=unit,
                date=today - datetime.timedelta(days=back),
                period=period,
                start_time=datetime.time.fromisoformat(start),
                end_time=datetime.time.fromisoformat(end),
                staff_names="李娜、赵立新",
                with_police=period == "dismissal",
                recorded_by=staff,
            )


def _patrols(unit, leader, patroller, today) -> None:
    route = services.route_save(
        actor=None,
        unit=unit,
        route=None,
        name="宿舍区夜间巡查",
        round_times=["22:00", "00:30", "03:00"],
        checkpoints=CHECKPOINTS,
    )
    for back in range(6, 0, -1):
        services.schedule_rounds(day=today - datetime.timedelta(days=back))
    services.schedule_rounds(day=today)
    points = list(route.checkpoints.all())
    rounds = PatrolRound.objects.filter(route=route, scheduled_at__lt=timezone.now())
    for index, patrol in enumerate(rounds.order_by("scheduled_at")):
        if index == 4:
            continue  # a missed round
        passed = points[:-1] if index == 7 else points  # the gate skipped once
        for order, point in enumerate(passed):
            problem = index == 10 and point.kind == "boiler"
            CheckpointRecord.objects.create(
                round=patrol,
                checkpoint=point,
                passed_at=patrol.scheduled_at + datetime.timedelta(minutes=4 * order),
                result="problem" if problem else "normal",
                note="锅炉房压力表读数偏高，已告知锅炉工" if problem else "",
                recorded_by=patroller,
            )
        patrol.patroller = patroller
        patrol.completed_at = patrol.scheduled_at + datetime.timedelta(minutes=25)
        patrol.save(update_fields=["patroller", "completed_at"])


def _boarding(unit, leader) -> list[BoardingPupil]:
    pupils = []
    for dorm_index, (dorm_name, grade) in enumerate(
        (("男生宿舍", "七年级"), ("女生宿舍", "八年级"))
    ):
        dormitory = services.dormitory_create(actor=None, unit=unit, name=dorm_name)
        for room_index in range(1, 4):
            room = services.room_create(
                actor=None, dormitory=dormitory, number=f"{dorm_index + 1}0{room_index}", beds=6
            )
            for bed in range(1, 6):
                index = len(pupils)
                pupils.append(
                    BoardingPupil.objects.create(
                        unit=unit,
                        name=_pupil_name(index),
                        class_name=f"{grade}（{room_index}）班",
                        parent_phone=f"1370791{index:04d}",
                        room=room,
                        bed=bed,
                    )
                )
    return pupils


def _leaves(pupils, manager, leader) -> None:
    now = timezone.now()
    Leave.objects.create(
        pupil=pupils[2],
        reason="周末回家，家长来接",
        leaves_at=now + datetime.timedelta(hours=2),
        returns_by=now + datetime.timedelta(days=2),
        requested_by=manager,
    )
    Leave.objects.create(
        pupil=pupils[7],
        reason="发烧就医",
        leaves_at=now - datetime.timedelta(days=1),
        returns_by=now - datetime.timedelta(hours=3),
        requested_by=manager,
        status=Leave.Status.AWAY,
        decided_by=leader,
        departed_at=now - datetime.timedelta(days=1),
    )
    Leave.objects.create(
        pupil=pupils[16],
        reason="参加亲属婚礼",
        leaves_at=now - datetime.timedelta(days=4),
        returns_by=now - datetime.timedelta(days=2),
        requested_by=manager,
        status=Leave.Status.RETURNED,
        decided_by=leader,
        departed_at=now - datetime.timedelta(days=4),
        returned_at=now - datetime.timedelta(days=2, hours=1),
    )


def _roll_calls(unit, pupils, manager, today) -> None:
    rooms = {pupil.room for pupil in pupils}
    for back in range(1, 4):
        day = today - datetime.timedelta(days=back)
        marked = timezone.make_aware(datetime.datetime.combine(day, datetime.time(21, 40)))
        for room in sorted(rooms, key=lambda r: r.pk):
            members = [p for p in pupils if p.room_id == room.pk]
            absent = [members[0]] if (back == 1 and room == min(rooms, key=lambda r: r.pk)) else []
            call = RollCall.objects.create(
                room=room,
                date=day,
                expected=len(members),
                present=len(members) - len(absent),
                marked_by=manager,
                marked_at=marked,
            )
            for pupil in absent:
                Absence.objects.create(
                    roll_call=call,
                    pupil=pupil,
                    reason="unexplained",
                    parent_contacted=True,
                    outcome="found",
                    follow_up_note="在教室自习未回宿舍，已带回",
                    followed_up_at=marked + datetime.timedelta(minutes=12),
                    followed_up_by=manager,
                )
