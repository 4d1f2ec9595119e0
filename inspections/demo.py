"""Demo inspections and hazards in every state, some overdue (run by seed_demo)."""

from __future__ import annotations

import datetime
import importlib

from django.apps import apps
from django.utils import timezone

from safety import exportjobs
from safety.models import ExportJob, Organisation, SafetyArea, User

from . import exports, services
from .models import ChecklistTemplate, Hazard, Inspection, ItemResult

DEMO_MARKER = "【演示】"


def _ensure_reference_rows() -> None:
    """The checklists come from a data migration; a test database that was flushed
    (transactional tests) has lost them, so load them again the same way."""
    if not ChecklistTemplate.objects.exists():
        importlib.import_module("inspections.migrations.0002_checklists").seed(apps, None)


def seed() -> None:
    if Hazard.objects.filter(description__startswith=DEMO_MARKER).exists():
        return
    _ensure_reference_rows()
    school = Organisation.objects.filter(code="2136080201").first()
    staff = User.objects.filter(username="school.staff").first()
    leader = User.objects.filter(username="school.leader").first()
    official = User.objects.filter(username="jc.official").first()
    if not (school and staff and leader and official):
        return
    fire = ChecklistTemplate.objects.get(area__key="fire")
    inspection = services.inspection_start(
        actor=staff, school=school, kind=Inspection.Kind.SELF_WEEKLY, template=fire
    )
    items = list(inspection.checklist.items.all())
    results = {
        item.pk: {"result": ItemResult.Result.PASS, "note": "", "severity": Hazard.Severity.GENERAL}
        for item in items
    }
    results[items[2].pk] = {
        "result": ItemResult.Result.HAZARD,
        "note": f"{DEMO_MARKER}教学楼三楼东侧灭火器已过充装期",
        "severity": Hazard.Severity.GENERAL,
    }
    services.inspection_save_draft(
        actor=staff, inspection=inspection, results=results, summary="本周消防自查"
    )
    services.inspection_submit(actor=staff, inspection=inspection)
    services.inspection_start(
        actor=staff,
        school=school,
        kind=Inspection.Kind.SELF_DAILY,
        template=ChecklistTemplate.objects.get(area__key="buildings"),
    )

    areas = {area.key: area for area in SafetyArea.objects.all()}

    def report(
        text: str,
        area: str,
        severity: str = Hazard.Severity.GENERAL,
        kind: str = Hazard.Kind.TANGIBLE,
    ):
        return services.hazard_report(
            actor=staff,
            school=school,
            area=areas[area],
            description=DEMO_MARKER + text,
            location="校园",
            severity=severity,
            kind=kind,
        )

    report("操场东侧围墙有裂缝", "buildings")
    report("食堂留样记录不全", "food", kind=Hazard.Kind.MANAGERIAL)
    assigned = report("实验室电线老化裸露", "buildings", severity=Hazard.Severity.MAJOR)
    services.hazard_assign(
        actor=leader,
        hazard=assigned,
        owner=staff,
        supervisor=leader,
        interim_measures="实验室暂停使用，张贴警示标志",
        needs_professional_assessment=True,
    )
    submitted = report("疏散通道堆放杂物", "fire")
    services.hazard_assign(actor=leader, hazard=submitted, owner=staff, supervisor=leader)
    services.hazard_submit_rectification(actor=staff, hazard=submitted, evidence="杂物已清理")
    closed = report("校门口减速带缺失", "traffic")
    services.hazard_assign(actor=leader, hazard=closed, owner=staff, supervisor=leader)
    services.hazard_submit_rectification(actor=staff, hazard=closed, evidence="已安装减速带")
    services.hazard_verify(actor=official, hazard=closed, accept=True)
    overdue = report("锅炉房应急照明灯不亮", "fire")
    past = timezone.localdate() - datetime.timedelta(days=20)
    services.hazard_assign(
        actor=leader,
        hazard=overdue,
        owner=staff,
        supervisor=leader,
        today=past,
    )
    Hazard.objects.filter(pk=overdue.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=20)
    )
    services.mark_overdue()


def seed_export() -> None:
    """#23: an Excel export of 江城区's open hazards asked for by its official (jc.official),
    queued after the seed commits (the worker, or the in-process tasks, write it): *我的导出*
    shows it. Once per database: a demo that already has one keeps it."""
    official = User.objects.filter(username="jc.official").first()
    if official is None or ExportJob.objects.filter(requester=official).exists():
        return
    params = {"get": {"status": [Hazard.Status.REPORTED]}, "pk": None, "lang": "zh-hans"}
    exportjobs.export_request(actor=official, kind=exports.LEDGER.name, params=params)
