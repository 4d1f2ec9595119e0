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
from inspections.risks.models import CampusPlan, RiskCheck, RiskPoint, RiskReport
from reporting.models import IncidentAttachment, MonthlyOverview
from safety import notifications
from safety.models import Certificate, Organisation, SafetyArea, User
from safety.responsibility import services as responsibility_services
from safety.responsibility.models import Post
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
    _risks_of(side_a, people.staff_a)  # #20 risk grading
    _risks_of(side_b, people.staff_b)
    return SimpleNamespace(
        city=city, people=people, a=side_a, b=side_b, overview=overview, inbox=inbox
    )


def _risks_of(side: SimpleNamespace, staff: User) -> None:
    """#20 risk grading: a red point of the side's school, a check with its photo, the
    campus plan and the reported yellow-and-above list (stored directly: the matrix checks
    who may reach them)."""
    point = RiskPoint.objects.create(
        school=side.school,
        name="放学时段楼梯间",
        area=SafetyArea.objects.get(key="buildings"),
        danger="拥挤踩踏",
        method="ls",
        likelihood=4,
        severity=5,
        score=20,
        level="red",
        control_measures="错峰放学",
        post=Post.objects.get(key="grade_leader"),
        check_interval_days=1,
        next_check_due=datetime.date(2026, 11, 2),
        created_by=staff,
    )
    check = RiskCheck.objects.create(
        point=point, checked_by=staff, checked_on=datetime.date(2026, 11, 1), controlled=True
    )
    check.photo.save("check.jpg", clean_photo().content)
    plan = CampusPlan(school=side.school, width=64, height=48, uploaded_by=staff)
    plan.image.save("plan.jpg", clean_photo().content)
    side.risk_point = point
    side.risk_check = check
    side.risk_report = RiskReport.objects.create(
        school=side.school,
        version=1,
        rows=[],
        submitted_by=staff,
        submitted_at=shanghai(2026, 11, 2, 9),
    )
