"""Builders of the preparedness tests: plans, drills and teams made through the services."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safety.preparedness import services
from safety.preparedness.models import Drill, Plan, Scenario
from safety.responsibility.models import Holder
from safety.uploads import clean_document
from tests.pdfs import plain_pdf
from tests.safety.responsibility.factories import assign


def scenario(key: str) -> Scenario:
    return Scenario.objects.get(key=key)


def pdf_upload(name: str = "消防预案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, plain_pdf(), content_type="application/pdf")


def upload_plan(leader, unit, key: str = "fire", title: str = "消防安全应急预案") -> Plan:
    return services.plan_upload(
        actor=leader,
        unit=unit,
        scenario=scenario(key),
        title=title,
        document=clean_document(pdf_upload()),
    )


def filed_plan(leader, official, unit, key: str = "fire") -> Plan:
    plan = services.plan_submit(actor=leader, plan=upload_plan(leader, unit, key))
    return services.plan_acknowledge(actor=official, plan=plan)


def recorded_drill(
    actor, unit, *, day: datetime.date | None = None, seconds: int | None = 150, pupils: int = 400
) -> Drill:
    day = day or timezone.localdate()
    drill = services.drill_plan(actor=actor, unit=unit, scenario=scenario("fire"), planned_on=day)
    return services.drill_record(
        actor=actor,
        drill=drill,
        held_on=day,
        pupils=pupils,
        staff=30,
        evacuation_seconds=seconds,
        evaluation="秩序良好",
    )


def team_holder(unit, post_key: str = "class_teacher", name: str = "王老师") -> Holder:
    assignment = assign(unit, post_key, name)
    Holder.objects.filter(pk=assignment.holder_id).update(phone="13800138000")
    return Holder.objects.get(pk=assignment.holder_id)
