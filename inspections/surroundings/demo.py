"""Demo surroundings (run by seed_demo): spots near 江城区实验小学 and 江城区第三中学 in every
state, one referred to the police for the liaison account 'jc.police' to answer, a joint
meeting with decisions, and two public reports waiting for the school."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safety.models import Organisation, User

from . import services
from .models import SurroundingsSpot

SPOTS = [
    # (school code, kind, place, description, referral: (department, request) or None)
    (
        "2136080201",
        "vendor",
        "校门口东侧人行道",
        "放学时段有三四个流动摊贩售卖辣条、烤肠等无标识食品，学生围聚，占用人行道。",
        ("police", "请派出所会同市场监管所在放学时段加强巡查，依法取缔无证摊贩。"),
    ),
    (
        "2136080201",
        "traffic",
        "校门口滨江路",
        "上下学高峰校门口无减速带和斑马线，家长车辆随意停放，学生横穿马路。",
        None,
    ),
    (
        "2136080202",
        "internet_cafe",
        "学校西侧约150米“极速网咖”",
        "网吧距学校不足200米，周末有疑似未成年学生出入。",
        ("culture", "请文化和旅游部门核查该网吧的经营许可和未成年人入场登记。"),
    ),
]


def seed() -> None:
    official = User.objects.filter(username="jc.official").first()
    staff = User.objects.filter(username="school.staff").first()
    county = Organisation.objects.filter(code="360802").first()
    if not (official and staff and county) or SurroundingsSpot.objects.exists():
        return
    spots = []
    for code, kind, place, description, referral in SPOTS:
        school = Organisation.objects.filter(code=code).first()
        if school is None:
            continue
        actor = staff if school == staff.unit else official
        spot = services.spot_record(
            actor=actor,
            school=school,
            fields={"kind": kind, "place": place, "description": description},
        )
        if referral:
            spot = services.spot_refer(
                actor=official, spot=spot, department=referral[0], request_text=referral[1]
            )
        spots.append(spot)
    today = timezone.localdate()
    services.meeting_record(
        actor=official,
        bureau=county,
        fields={
            "title": "江城区校园周边环境综合治理联席会议",
            "held_on": today - datetime.timedelta(days=7),
            "departments": ["police", "market", "culture", "traffic"],
            "attendees": (
                "区教育局刘洋；江城派出所王立新；区市场监管局李强；区文旅局陈静；交警大队赵刚"
            ),
        },
        spots=spots,
        decisions=[
            {
                "text": "放学时段在实验小学东门设置固定巡逻点，取缔流动摊贩",
                "owner": "江城派出所",
                "due_on": today + datetime.timedelta(days=14),
            },
            {
                "text": "在滨江路校门口施划斑马线、设置减速带和警示标志",
                "owner": "交警大队",
                "due_on": today + datetime.timedelta(days=30),
            },
        ],
    )
    school = staff.unit
    for category, text, phone in (
        ("surroundings", "学校北门对面小卖部向学生出售香烟，好几次看到了。", "13979812345"),
        ("hazard", "操场东边的篮球架底座松动，孩子们还在上面玩。", ""),
    ):
        services.public_report_submit(
            school=school, fields={"category": category, "text": text, "phone": phone}
        )
