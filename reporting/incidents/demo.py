"""Demo incidents for `seed_demo`: one in every state, a late one (with its written
explanation waiting for the county), a missed one, a concealed one and a liability closure
with its one-vote veto and the people dealt with (barred from honours this year). Built
through the services, then moved back in time so the timelines look real. Idempotent: an
incident is recognised by its summary.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from safety.models import Assignment, Organisation, User
from safety.preparedness.models import Plan
from safety.uploads import CleanUpload

from . import services
from .models import AccountabilityAction, Incident, IncidentEvent, IncidentReport, Severity

# A one-page PDF standing for the school's signed and stamped explanation (情况说明).
_SIGNED_PDF = b"".join(
    [
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n",
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n",
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n",
        b"trailer<</Root 1 0 R>>\n%%EOF\n",
    ]
)


def _signed_explanation() -> CleanUpload:
    content = ContentFile(_SIGNED_PDF, name="情况说明.pdf")
    return CleanUpload("情况说明.pdf", content, None, "application/pdf")


# Who is dealt with after the liability closure: (post, action) of the school's holders.
_DEALT_WITH = (
    ("safety_vice_principal", "self_criticism", "分管安全工作，楼梯照明报修后未督促维修。"),
    ("class_teacher", "admonition_talk", "当日值周，放学时未在楼梯口值守。"),
)

_FOUR_ITEMS = {
    "cause": {"text": "放学时段楼梯口照明损坏、学生集中下楼，未安排教师值守。"},
    "accountability": {
        "text": "对当日值周教师诫勉谈话，分管安全副校长作书面检查。",
        "people": "值周教师、分管安全副校长",
    },
    "rectification": {"text": "更换楼梯照明，放学分年级错峰，楼梯口每日安排两名教师值守。"},
    "education": {
        "text": "全校开展楼梯安全专题班会和疏散演练。",
        "people": "全体师生；校安全办",
    },
}


def _facts(**overrides: Any) -> dict[str, Any]:
    base = {
        "category": "crush_stampede",
        "severity": Severity.GENERAL,
        "occurred_at": timezone.now() - datetime.timedelta(minutes=30),
        "place": "教学楼东侧楼梯",
        "deaths": 0,
        "injured": 1,
        "missing": 0,
        "pupils_involved": 1,
        "staff_involved": 0,
        "summary": "",
        "what_happened": "",
        "measures_taken": "已送医，已通知家长。",
        "reporter_name": "",
        "reporter_phone": "",
    }
    base.update(overrides)
    return base


def _backdate(incident: Incident, days: int) -> None:
    """Move every time of a demo incident `days` back, keeping the intervals."""
    delta = datetime.timedelta(days=days)
    fields = [
        "occurred_at",
        "initial_deadline",
        "written_deadline",
        "school_reported_at",
        "written_reported_at",
        "acknowledged_at",
        "forwarded_at",
        "closed_at",
        "concealed_at",
    ]
    Incident.objects.filter(pk=incident.pk).update(**{f: F(f) - delta for f in fields})
    IncidentReport.objects.filter(incident=incident).update(
        occurred_at=F("occurred_at") - delta, submitted_at=F("submitted_at") - delta
    )
    IncidentEvent.objects.filter(incident=incident).update(created_at=F("created_at") - delta)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@dataclass(frozen=True)
class _Cast:
    """The demo accounts the scenarios act as, and the moment they are seeded."""

    staff: User
    staff_b: User
    official: User
    dh_official: User
    now: datetime.datetime


def _exists(summary: str) -> bool:
    return Incident.objects.filter(summary=summary).exists()


def _reporter(user: User) -> dict[str, str]:
    return {"reporter_name": user.display_name, "reporter_phone": user.phone or "0796-8231100"}


def seed() -> None:
    """Create the demo incidents that are not there yet."""
    staff, staff_b = _user("school.staff"), _user("school.b.staff")
    official, city_official, dh_official = (
        _user("jc.official"),
        _user("city.official"),
        _user("dh.official"),
    )
    if not all((staff, staff_b, official, city_official, dh_official)):
        return
    cast = _Cast(staff, staff_b, official, dh_official, timezone.now())
    for scenario in (
        _seed_just_reported,
        _seed_late,
        _seed_larger_forwarded,
        _seed_missed_and_concealed,
        _seed_liability_closure,
        _seed_disaster_closure,
    ):
        scenario(cast)


def _seed_just_reported(cast: _Cast) -> None:
    """Just reported, on time, waiting for the county."""
    staff = cast.staff
    summary = "一名学生体育课跳远时扭伤脚踝"
    if not _exists(summary):
        services.incident_report(
            actor=staff,
            facts=_facts(
                category="sports",
                place="学校田径场沙坑",
                summary=summary,
                what_happened="体育课跳远练习中，四年级一名学生落地时扭伤右脚踝。",
                measures_taken="校医现场冰敷，已送区人民医院检查，已通知家长。",
                **_reporter(staff),
            ),
        )


def _seed_late(cast: _Cast) -> None:
    """Late (迟报): reported three hours after it happened; acknowledged."""
    staff_b, official, now = cast.staff_b, cast.official, cast.now
    summary = "两名学生课间在楼梯拥挤摔倒受伤"
    if not _exists(summary):
        incident = services.incident_report(
            actor=staff_b,
            facts=_facts(
                occurred_at=now - datetime.timedelta(hours=5),
                summary=summary,
                injured=2,
                pupils_involved=2,
                what_happened="上午第二节课间，初一学生下楼时在二楼楼梯拐角拥挤，两人摔倒擦伤。",
                **_reporter(staff_b),
            ),
        )
        services.incident_acknowledge(
            actor=official, incident=incident, comment="已接报，请说明迟报原因。"
        )
        # The report was late: the school's written explanation waits for the county (#19).
        services.late_explanation_submit(
            actor=staff_b,
            incident=incident,
            text="事发时值周教师忙于处置伤情、送医，未及时电话报告；学校已明确事故报告专人。",
            document=CleanUpload(
                "情况说明.pdf",
                ContentFile(_SIGNED_PDF, name="情况说明.pdf"),
                None,
                "application/pdf",
            ),
        )
        _backdate(incident, 2)


def _seed_larger_forwarded(cast: _Cast) -> None:
    """ "Larger" (较大): the city was alerted at once; the county forwarded it; follow-up."""
    staff, official, now = cast.staff, cast.official, cast.now
    summary = "校车在乡道避让货车时侧滑，三名学生受伤"
    if not _exists(summary):
        facts = _facts(
            category="traffic",
            severity=Severity.LARGER,
            occurred_at=now - datetime.timedelta(minutes=50),
            place="江城区解放路与滨江大道交叉口",
            summary=summary,
            injured=3,
            pupils_involved=28,
            staff_involved=2,
            what_happened="下午放学校车在路口避让货车时侧滑，车上28名学生，3人受轻伤。",
            measures_taken="交警、120已到场，受伤学生送医，其余学生由教师护送回校。",
            **_reporter(staff),
        )
        incident = services.incident_report(actor=staff, facts=facts)
        services.incident_acknowledge(actor=official, incident=incident)
        services.incident_forward(actor=official, incident=incident, comment="较大事故，已报市局。")
        facts.update(
            what_happened=facts["what_happened"] + "经医院检查，3名学生均为软组织挫伤，无生命危险。"
        )
        services.incident_add_report(actor=staff, incident=incident, kind="follow_up", facts=facts)
        _backdate(incident, 1)


def _seed_missed_and_concealed(cast: _Cast) -> None:
    """Missed (漏报) and concealed (瞒报): recorded by the 东湖区 bureau from a hospital."""
    dh_official, now = cast.dh_official, cast.now
    summary = "学生食堂午餐后多名学生腹痛呕吐"
    school = Organisation.objects.filter(code="2136080301").first()
    if school is not None and not _exists(summary):
        incident = services.incident_record(
            actor=dh_official,
            school=school,
            source_note="区人民医院急诊科电话告知",
            facts=_facts(
                category="fire_electric_poisoning",
                occurred_at=now - datetime.timedelta(hours=20),
                place="学校食堂",
                summary=summary,
                injured=6,
                pupils_involved=6,
                what_happened="午餐后6名学生出现腹痛、呕吐，由家长送医，学校未报告。",
                measures_taken="区教育局已派人到校，食堂暂停供餐，留样送检。",
                reporter_name=dh_official.display_name,
                reporter_phone="0796-8265200",
            ),
        )
        services.incident_mark_concealed(
            actor=dh_official,
            incident=incident,
            reason="学校知情未报，且向家长称仅一人不适。",
        )


def _seed_liability_closure(cast: _Cast) -> None:
    """Closed as a liability incident: the one-vote veto of 江城区第三中学 this year."""
    staff_b, official, now = cast.staff_b, cast.official, cast.now
    summary = "放学时楼梯照明损坏，一名学生踩空骨折"
    if not _exists(summary):
        facts = _facts(
            occurred_at=now - datetime.timedelta(minutes=40),
            summary=summary,
            what_happened="放学时东侧楼梯照明损坏，一名初二学生踩空摔倒，右臂骨折。",
            **_reporter(staff_b),
        )
        incident = services.incident_report(actor=staff_b, facts=facts)
        services.incident_acknowledge(actor=official, incident=incident)
        services.incident_add_report(actor=staff_b, incident=incident, kind="written", facts=facts)
        for kind, fields in _FOUR_ITEMS.items():
            extra = {"held_on": timezone.localdate()} if kind == "education" else {}
            services.closure_item_record(
                actor=official, incident=incident, kind=kind, **fields, **extra
            )
        _deal_with_people(official, incident)
        services.incident_close(
            actor=official,
            incident=incident,
            is_liability=True,
            comment="照明损坏未及时维修，楼梯无人值守，认定为责任事故。",
        )


def _deal_with_people(official: User, incident: Incident) -> None:
    """The people dealt with after the liability closure (#19): the school's holders of the
    posts in `_DEALT_WITH`, each with its action; barred from honours this year."""
    current = Assignment.objects.current().filter(unit=incident.school).select_related("holder")
    holders = {a.post.key: a.holder for a in current.select_related("post")}
    for post, action, note in _DEALT_WITH:
        if post in holders:
            services.person_dealt_with_record(
                actor=official,
                incident=incident,
                holder=holders[post],
                action=AccountabilityAction.objects.get(key=action),
                dealt_on=timezone.localdate(),
                note=note,
            )


def _seed_disaster_closure(cast: _Cast) -> None:
    """Closed, not a liability incident (a natural disaster)."""
    staff, official, now = cast.staff, cast.official, cast.now
    summary = "雷雨大风吹倒围墙外广告牌，砸坏自行车棚"
    if not _exists(summary):
        facts = _facts(
            category="natural_disaster",
            occurred_at=now - datetime.timedelta(minutes=30),
            place="学校北侧自行车棚",
            summary=summary,
            injured=0,
            pupils_involved=0,
            what_happened="夜间雷雨大风，校外广告牌倒伏压坏自行车棚，无人员伤亡。",
            measures_taken="已封闭车棚区域，联系城管拆除广告牌。",
            **_reporter(staff),
        )
        incident = services.incident_report(actor=staff, facts=facts)
        services.incident_acknowledge(actor=official, incident=incident)
        services.incident_add_report(actor=staff, incident=incident, kind="written", facts=facts)
        for kind, fields in _FOUR_ITEMS.items():
            extra = {"held_on": timezone.localdate()} if kind == "education" else {}
            fields = {**fields, "text": "自然灾害，无人员伤亡；" + fields["text"]}
            services.closure_item_record(
                actor=official, incident=incident, kind=kind, **fields, **extra
            )
        services.incident_close(actor=official, incident=incident, is_liability=False)
        _backdate(incident, 30)


def flag_a_plan() -> None:
    """Emergency preparedness (issue #14): the first demo incident whose category maps to a
    scenario with a filed plan flags that plan for review (run after the preparedness demo;
    idempotent)."""
    if Plan.objects.filter(review_flag_key__startswith="incident:").exists():
        return
    for incident in Incident.objects.select_related("school").order_by("id"):
        if services.flag_plans_for_review(None, incident):
            return
