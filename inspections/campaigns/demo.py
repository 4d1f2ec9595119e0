"""Demo campaigns (run by seed_demo): the city's start-of-term check, forwarded by 江城区 with
its earlier deadline and completed by 江城区第三中学 with one hazard; a drowning-prevention
campaign with a checklist written for it; supervisory inspections for the coverage view."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safety.models import Organisation, SafetyArea, User

from .. import services as inspection_services
from ..models import ChecklistTemplate, Inspection, ItemResult
from . import services
from .models import Campaign

TITLE = "2026年秋季开学校园安全大检查"


def _complete(task, staff: User) -> None:
    inspection = services.campaign_task_start(actor=staff, task=task)
    items = list(inspection.checklist.items.all())
    results = {item.pk: {"result": ItemResult.Result.PASS} for item in items}
    results[items[0].pk] = {
        "result": ItemResult.Result.HAZARD,
        "note": "实验楼二楼疏散指示灯损坏两处",
        "severity": "general",
    }
    inspection_services.inspection_save_draft(
        actor=staff, inspection=inspection, results=results, summary="按专项检查表逐项检查"
    )
    inspection_services.inspection_submit(actor=staff, inspection=inspection)
    services.campaign_task_submit(
        actor=staff,
        task=task,
        report="已按检查表完成开学安全大检查，发现疏散指示灯损坏一处隐患，已登记并安排整改。",
    )


def _supervise(official: User, school: Organisation, day: datetime.date) -> None:
    inspection = inspection_services.inspection_start(
        actor=official,
        school=school,
        kind=Inspection.Kind.COUNTY,
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    items = inspection.checklist.items.all()
    inspection_services.inspection_save_draft(
        actor=official,
        inspection=inspection,
        results={item.pk: {"result": ItemResult.Result.PASS} for item in items},
        summary="学期督导检查",
    )
    inspection_services.inspection_submit(actor=official, inspection=inspection)
    Inspection.objects.filter(pk=inspection.pk).update(inspected_on=day)


def seed() -> None:
    if Campaign.objects.filter(title=TITLE).exists():
        return
    city = Organisation.objects.filter(code="360800").first()
    county = Organisation.objects.filter(code="360802").first()
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["city.official", "jc.official", "school.b.staff"]
        )
    }
    if not (city and county and len(people) == 3):
        return
    today = timezone.localdate()
    campaign = services.campaign_launch(
        actor=people["city.official"],
        bureau=city,
        title=TITLE,
        purpose="全面排查消防、校舍、食品、交通等方面安全隐患，确保开学安全。各校完成自查后提交简要报告。",
        deadline=today + datetime.timedelta(days=20),
        filters={},
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    services.campaign_forward(
        actor=people["jc.official"],
        campaign=campaign,
        county=county,
        deadline=today + datetime.timedelta(days=10),
        note="请区属各校提前完成，区局将组织抽查。",
    )
    task = campaign.tasks.get(school=people["school.b.staff"].unit)
    _complete(task, people["school.b.staff"])
    services.campaign_launch(
        actor=people["city.official"],
        bureau=city,
        title="防溺水专项整治行动",
        purpose="排查校园周边水域风险，落实防溺水教育和家校共管。",
        deadline=today + datetime.timedelta(days=30),
        filters={"school_type": "primary"},
        area=SafetyArea.objects.get(key="surroundings"),
        items=[
            "开展防溺水专题安全教育",
            "向家长发放《致家长的一封信》并回收回执",
            "排查学校周边危险水域并设置警示标志",
            "建立放学后学生去向登记制度",
        ],
    )
    semester_day = today - datetime.timedelta(days=3)
    for school in Organisation.objects.filter(parent=county).schools().order_by("code")[:2]:
        _supervise(people["jc.official"], school, semester_day)
