"""Demo safety education (run by seed_demo): a term plan, lessons, a themed week, a parent
letter and a legal vice-principal at 江城区实验小学; lessons at two more schools; one school
left without a legal vice-principal so the gap shows."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from safety.models import Organisation, User

from . import services
from .models import EducationRecord, term_of

MAIN_SCHOOL = "2136080201"
OTHER_SCHOOLS = ("2136080202", "2136080301")
CLASSES = ["一年级1班", "一年级2班", "二年级1班", "二年级2班", "三年级1班", "三年级2班"]


def _day(term_start: datetime.date, offset: int) -> datetime.date:
    return min(term_start + datetime.timedelta(days=offset), timezone.localdate())


def seed() -> None:
    school = Organisation.objects.filter(code=MAIN_SCHOOL).first()
    staff = User.objects.filter(username="school.staff").first()
    leader = User.objects.filter(username="school.leader").first()
    if not (school and staff and leader) or EducationRecord.objects.filter(school=school).exists():
        return
    term = term_of(timezone.localdate())
    services.plan_save(
        actor=staff,
        school=school,
        term=term.key,
        fields={
            "classes": "\n".join(CLASSES),
            "planned_topics": ["drowning", "traffic", "fire", "bullying", "law"],
            "planned_hours": Decimal("6"),
            "activities": (
                "开学第一课；消防安全宣传月；全国中小学生安全教育日主题活动；寒假致家长的一封信。"
            ),
        },
    )
    vp = services.legal_vp_appoint(
        actor=leader,
        school=school,
        fields={
            "name": "王立新",
            "organisation_kind": "police",
            "organisation": "江城派出所",
            "position": "副所长",
            "phone": "0798-8123456",
            "starts_on": term.start,
            "ends_on": term.start.replace(year=term.start.year + 2),
        },
    )
    records = [
        {
            "topic": "traffic",
            "title": "开学第一课：上下学路上的交通安全",
            "classes": "一年级1班，一年级2班",
            "pupils": 90,
            "teacher": "李娜",
            "offset": 2,
        },
        {
            "topic": "fire",
            "title": "消防疏散与灭火器使用",
            "classes": "二年级1班，二年级2班",
            "pupils": 88,
            "teacher": "张伟",
            "offset": 20,
        },
        {
            "topic": "law",
            "title": "法治课：远离校园欺凌",
            "classes": "三年级1班，三年级2班",
            "pupils": 92,
            "teacher": "王立新",
            "offset": 35,
            "legal_vice_principal": vp,
        },
        {
            "topic": "bullying",
            "kind": "themed_week",
            "title": "防欺凌主题教育周",
            "classes": "一年级1班，二年级1班，三年级1班",
            "pupils": 135,
            "hours": Decimal("2"),
            "offset": 50,
        },
        {
            "topic": "drowning",
            "kind": "parent_letter",
            "title": "致家长的一封信：防溺水",
            "classes": "",
            "pupils": 0,
            "letters_sent": 270,
            "receipts_returned": 251,
            "offset": 55,
        },
        {
            "topic": "fire",
            "kind": "staff_training",
            "title": "教职工消防培训",
            "classes": "",
            "pupils": 0,
            "teacher": "消防救援大队宣传员",
            "offset": 60,
        },
    ]
    for values in records:
        fields = dict(values)
        fields["held_on"] = _day(term.start, fields.pop("offset"))
        services.record_create(actor=staff, school=school, fields=fields)
    for code in OTHER_SCHOOLS:
        other = Organisation.objects.filter(code=code).first()
        author = User.objects.filter(unit=other).first() or None
        if other is None or author is None:
            continue
        services.record_create(
            actor=author,
            school=other,
            fields={
                "topic": "drowning",
                "title": "防溺水专题教育",
                "held_on": _day(term.start, 10),
                "classes": "初一年级",
                "pupils": 300,
                "teacher": "周杰",
            },
        )
