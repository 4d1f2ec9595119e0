"""A small city with one record of every kind inside county A (school A) and one inside
county B (school B), for the permission matrix. Built once per module through the services,
so scoping paths, events and audit rows are real; generated PDFs are stored directly (the
matrix checks who may fetch them, not how they are drawn)."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections import selectors as inspection_selectors
from inspections import services as inspection_services
from inspections.models import ChecklistTemplate, Photo, SpotCheckDraw
from reporting.incidents import services as incident_services
from reporting.models import IncidentAttachment, MonthlyOverview
from reporting.monthly import services as monthly_services
from safety import notifications
from safety.models import Certificate, Organisation, SafetyArea, User
from safety.responsibility import services as responsibility_services
from safety.uploads import clean_document, clean_image
from tests.factories import OrganisationFactory, UserFactory
from tests.pdfs import plain_pdf
from tests.safety.responsibility.factories import assign

Kind = Organisation.Kind
Role = User.Role
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OCTOBER = datetime.date(2026, 10, 1)
PDF = plain_pdf()

# The personas of STYLE.md (tests/conftest.py), plus the leader of school A, the role that
# manages the responsibility system inside a school.
PERSONAS = (
    "staff_a",
    "leader_a",
    "staff_a2",
    "county_official",
    "other_county_official",
    "city_official",
    "administrator",
    "county_admin",
    "anonymous",
)


def jpeg(name: str = "现场.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _facts(**overrides) -> dict:
    facts = {
        "category": "crush_stampede",
        "severity": "general",
        "occurred_at": timezone.now() - datetime.timedelta(minutes=20),
        "place": "教学楼东侧楼梯",
        "deaths": 0,
        "injured": 2,
        "missing": 0,
        "pupils_involved": 2,
        "staff_involved": 0,
        "summary": "两名学生课间在楼梯摔倒受伤",
        "what_happened": "课间操下楼时两名学生摔倒。",
        "measures_taken": "已送医，通知家长。",
        "reporter_name": "李娜",
        "reporter_phone": "13900000000",
    }
    facts.update(overrides)
    return facts


def build_city() -> SimpleNamespace:
    city = OrganisationFactory(name="测试市教育局", code="100000", kind=Kind.CITY)
    county_a = OrganisationFactory(name="甲区教育局", code="100001", kind=Kind.COUNTY, parent=city)
    county_b = OrganisationFactory(name="乙县教育局", code="100002", kind=Kind.COUNTY, parent=city)
    return SimpleNamespace(
        city=city,
        county_a=county_a,
        county_b=county_b,
        school_a=OrganisationFactory(name="甲区实验小学", parent=county_a),
        school_a2=OrganisationFactory(name="甲区第二中学", parent=county_a),
        school_b=OrganisationFactory(name="乙县中心小学", parent=county_b),
    )


def build_people(city: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(
        staff_a=UserFactory(username="alice", organisation=city.school_a),
        leader_a=UserFactory(username="henry", organisation=city.school_a, role=Role.SCHOOL_LEADER),
        staff_a2=UserFactory(username="bob", organisation=city.school_a2),
        county_official=UserFactory(
            username="carol", organisation=city.county_a, role=Role.BUREAU_OFFICIAL
        ),
        other_county_official=UserFactory(
            username="dave", organisation=city.county_b, role=Role.BUREAU_OFFICIAL
        ),
        city_official=UserFactory(
            username="erin", organisation=city.city, role=Role.BUREAU_OFFICIAL
        ),
        administrator=UserFactory(
            username="frank", organisation=city.city, role=Role.ADMINISTRATOR
        ),
        county_admin=UserFactory(
            username="grace", organisation=city.county_a, role=Role.ADMINISTRATOR
        ),
        # Not personas: the actors that create school B's and the owner of school A's records.
        staff_b=UserFactory(username="judy", organisation=city.school_b),
        owner_a=UserFactory(username="ivan", organisation=city.school_a),
    )


def _records_of(school: Organisation, county: Organisation, staff: User, official: User):
    """One record of every kind that hangs off `school` (and its county)."""
    fire = SafetyArea.objects.get(key="fire")
    hazard = inspection_services.hazard_report(
        actor=staff,
        school=school,
        area=fire,
        location="教学楼二楼",
        description="灭火器压力不足",
        photos=[clean_image(jpeg())],
    )
    inspection = inspection_services.inspection_start(
        actor=staff,
        school=school,
        kind=inspection_selectors.kinds_for(staff)[0][0],
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    draw = inspection_services.spot_check_draw(actor=official, bureau=county, count=1, filters={})
    incident = incident_services.incident_report(
        actor=staff, facts=_facts(), attachments=[clean_image(jpeg("伤情.jpg"))]
    )
    incident.file_pdf.save("incident.pdf", ContentFile(PDF))
    monthly_services.monthly_report_save_draft(
        actor=staff,
        unit=school,
        month=OCTOBER,
        work_done="检查了消防通道。",
        problems_found="",
        next_month_plans="",
    )
    version = monthly_services.monthly_report_submit(
        actor=staff,
        unit=school,
        month=OCTOBER,
        now=datetime.datetime(2026, 10, 30, 9, tzinfo=SHANGHAI),
    )
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
    people = build_people(city)
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
