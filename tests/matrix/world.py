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
from inspections.surroundings import services as surroundings_services
from reporting.models import IncidentAttachment, MonthlyOverview
from safety import notifications
from safety.education import services as education_services
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
    extra = _education_and_surroundings(school, county, staff, official)
    return SimpleNamespace(
        **extra,
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


def _education_and_surroundings(school, county, staff, official) -> dict:
    """#17: an education record with a photo, a spot referred to the police with a photo, a
    joint meeting of the county with a decision and minutes, and a public report with a
    photo."""
    record = education_services.record_create(
        actor=staff,
        school=school,
        fields={
            "topic": "drowning",
            "held_on": datetime.date(2026, 10, 12),
            "classes": "三年级1班",
            "pupils": 40,
        },
        material=clean_photo("课堂.jpg"),
    )
    spot = surroundings_services.spot_record(
        actor=staff,
        school=school,
        fields={"kind": "vendor", "place": "校门口东侧", "description": "流动摊贩售卖三无食品"},
        photo=clean_photo("摊贩.jpg"),
    )
    spot = surroundings_services.spot_refer(
        actor=official, spot=spot, department="police", request_text="请依法取缔"
    )
    meeting = surroundings_services.meeting_record(
        actor=official,
        bureau=county,
        fields={
            "title": "校园周边环境综合治理联席会议",
            "held_on": datetime.date(2026, 10, 20),
            "departments": ["police", "market"],
            "attendees": "派出所张警官、市场监管所李所长",
        },
        spots=[spot],
        decisions=[
            {"text": "取缔流动摊贩", "owner": "城关派出所", "due_on": datetime.date(2026, 12, 31)}
        ],
        minutes=clean_document(SimpleUploadedFile("纪要.pdf", PDF)),
    )
    public_report = surroundings_services.public_report_submit(
        school=school,
        fields={"category": "surroundings", "text": "校门口有人兜售香烟", "phone": ""},
        photo=clean_photo("举报.jpg"),
    )
    return {
        "education_record": record,
        "spot": spot,
        "meeting": meeting,
        "decision": meeting.decisions.get(),
        "public_report": public_report,
    }


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
