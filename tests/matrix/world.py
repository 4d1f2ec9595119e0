"""A small city with one record of every kind inside county A (school A) and one inside
county B (school B), for the permission matrix. Built once per module through the services,
so scoping paths, events and audit rows are real; generated PDFs are stored directly (the
matrix checks who may fetch them, not how they are drawn)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import selectors as inspection_selectors
from inspections import services as inspection_services
from inspections.models import ChecklistTemplate, Photo, SpotCheckDraw
from reporting.models import IncidentAttachment, MonthlyOverview
from safety import notifications
from safety.models import Certificate, Organisation, SafetyArea, User
from safety.responsibility import services as responsibility_services
from safety.uploads import clean_document
from tests.builders import OCTOBER, clean_photo, report_incident, shanghai, submit_monthly
from tests.pdfs import plain_pdf
from tests.personas import PERSONAS, build_city, build_people
from tests.safety.responsibility.factories import assign

PDF = plain_pdf()

__all__ = ["PERSONAS", "build_world"]


def _records_of(school: Organisation, county: Organisation, staff: User, official: User):
    """One record of every kind that hangs off `school` (and its county)."""
    fire = SafetyArea.objects.get(key="fire")
    hazard = inspection_services.hazard_report(
        actor=staff,
        school=school,
        area=fire,
        location="教学楼二楼",
        description="灭火器压力不足",
        photos=[clean_photo()],
    )
    inspection = inspection_services.inspection_start(
        actor=staff,
        school=school,
        kind=inspection_selectors.kinds_for(staff)[0][0],
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    draw = inspection_services.spot_check_draw(actor=official, bureau=county, count=1, filters={})
    incident = report_incident(staff, attachments=[clean_photo("伤情.jpg")])
    incident.file_pdf.save("incident.pdf", ContentFile(PDF))
    version = submit_monthly(staff, when=shanghai(2026, 10, 30, 9))
    report = version.report
    version.pdf.save("monthly.pdf", ContentFile(PDF))
    assignment = assign(school, "class_teacher", "李老师")
    Certificate.objects.create(
        holder=assignment.holder,
        kind="electrician",
        number="Z1",
        expires_on=datetime.date(2030, 1, 1),
    )
    letter = responsibility_services.letter_issue(actor=None, assignment=assignment)
    letter = responsibility_services.letter_sign(
        actor=None,
        letter=letter,
        signed_on=datetime.date(2026, 9, 10),
        scan=clean_document(SimpleUploadedFile("签字页.pdf", PDF)),
    )
    return SimpleNamespace(
        school=school,
        hazard=hazard,
        photo=Photo.objects.get(hazard=hazard),
        inspection=inspection,
        draw=SpotCheckDraw.objects.get(pk=draw.pk),
        incident=incident,
        attachment=IncidentAttachment.objects.get(incident=incident),
        report=report,
        version=version,
        holder=assignment.holder,
        assignment=assignment,
        letter=letter,
    )


def build_world() -> SimpleNamespace:
    city = build_city()
    # The owner of school A's records and the actor that creates school B's.
    people = build_people(city, "owner_a", "staff_b")
    side_a = _records_of(city.school_a, city.county_a, people.staff_a, people.county_official)
    side_b = _records_of(city.school_b, city.county_b, people.staff_b, people.other_county_official)
    overview = MonthlyOverview.objects.create(unit=city.city, month=OCTOBER)
    overview.pdf.save("overview.pdf", ContentFile(PDF))
    inbox = {}
    for name in PERSONAS:
        if name == "anonymous":
            continue
        inbox[name] = notifications.notify(
            recipient=getattr(people, name),
            kind="matrix",
            key=f"matrix:{name}",
            title="通知",
            url="/",
        )
    return SimpleNamespace(
        city=city, people=people, a=side_a, b=side_b, overview=overview, inbox=inbox
    )


# --- daily guarding (issue #15): one record of each kind per side, made directly ------------

_build_world_before_guarding = build_world


def _guarding_records(side: SimpleNamespace, county: Organisation, staff: User) -> None:
    from django.utils import timezone

    from safety.guarding import models as guarding

    now = timezone.now()
    school = side.school
    side.period = guarding.HolidayPeriod.objects.create(
        unit=county,
        holiday="national_day",
        start_date=datetime.date(2030, 10, 1),
        end_date=datetime.date(2030, 10, 2),
        deadline=datetime.date(2030, 9, 25),
    )
    side.roster = guarding.DutyRoster.objects.create(
        unit=school,
        kind="holiday",
        period=side.period,
        start_date=side.period.start_date,
        end_date=side.period.end_date,
        status="submitted",
        submitted_at=now,
        created_by=staff,
    )
    side.route = guarding.PatrolRoute.objects.create(
        unit=school, name="夜巡", round_times=["22:00"]
    )
    point = guarding.Checkpoint.objects.create(route=side.route, name="锅炉房", kind="boiler")
    side.patrol_round = guarding.PatrolRound.objects.create(
        route=side.route, scheduled_at=now, expected_count=2
    )
    side.checkpoint_record = guarding.CheckpointRecord.objects.create(
        round=side.patrol_round,
        checkpoint=point,
        passed_at=now,
        result="problem",
        note="压力表偏高",
        recorded_by=staff,
    )
    side.checkpoint_record.photo.save("patrol.jpg", ContentFile(b"\xff\xd8\xff\xd9"))
    side.gate_entry = guarding.GateEntry.objects.create(
        unit=school,
        kind="visitor",
        name="赵访客",
        id_type="resident_id",
        id_last4="123X",
        purpose="送教材",
        person_visited="王老师",
        time_in=now,
        recorded_by=staff,
    )
    side.dormitory = guarding.Dormitory.objects.create(unit=school, name="男生宿舍")
    side.room = guarding.Room.objects.create(dormitory=side.dormitory, number="101", beds=4)
    pupil = guarding.BoardingPupil.objects.create(
        unit=school,
        name="张小明",
        class_name="七年级（1）班",
        parent_phone="13800001111",
        room=side.room,
        bed=1,
    )
    side.leave = guarding.Leave.objects.create(
        pupil=pupil,
        reason="回家",
        leaves_at=now,
        returns_by=now + datetime.timedelta(days=1),
        requested_by=staff,
    )
    call = guarding.RollCall.objects.create(
        room=side.room,
        date=datetime.date(2026, 11, 1),
        expected=1,
        present=0,
        marked_by=staff,
        marked_at=now,
    )
    side.absence = guarding.Absence.objects.create(
        roll_call=call, pupil=pupil, reason="unexplained"
    )


def build_world() -> SimpleNamespace:  # noqa: F811
    world = _build_world_before_guarding()
    _guarding_records(world.a, world.city.county_a, world.people.staff_a)
    _guarding_records(world.b, world.city.county_b, world.people.staff_b)
    return world
