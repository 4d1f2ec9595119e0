"""A small city with one record of every kind inside county A (school A) and one inside
county B (school B), for the permission matrix. Built once per module through the services,
so scoping paths, events and audit rows are real; generated PDFs are stored directly (the
matrix checks who may fetch them, not how they are drawn)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inspections import selectors as inspection_selectors
from inspections import services as inspection_services
from inspections.campaigns import services as campaign_services
from inspections.models import ChecklistTemplate, Photo, SpotCheckDraw
from inspections.risks.models import CampusPlan, RiskCheck, RiskPoint, RiskReport
from inspections.surroundings import services as surroundings_services
from reporting.assessment.models import AssessmentEvidence, Run, SchoolAssessment
from reporting.models import (
    AccountabilityAction,
    IncidentAttachment,
    LateExplanation,
    MonthlyOverview,
    MonthlyReportVersion,
    PersonDealtWith,
)
from reporting.notices import services as notice_services
from reporting.orders import services as order_services
from safety import notifications
from safety.education import services as education_services
from safety.models import Certificate, ExportJob, Organisation, SafetyArea, User
from safety.preparedness import services as preparedness_services
from safety.preparedness.models import DrillPhoto, Scenario, Team
from safety.responsibility import services as responsibility_services
from safety.responsibility.models import Holder, LetterIssueRequest, Post
from safety.uploads import clean_document
from tests.builders import OCTOBER, clean_photo, report_incident, shanghai, submit_monthly
from tests.pdfs import plain_pdf
from tests.personas import PERSONAS as CITY_PERSONAS
from tests.personas import PROVINCE_PERSONAS, build_city, build_people
from tests.reporting.activities.factories import matrix_records as activity_records
from tests.reporting.assessment import factories as assessment_factories
from tests.safety.responsibility.factories import assign

PDF = plain_pdf()

# #23: the city of the matrix belongs to a province; its official sees every record of both
# sides, the official of a second province none of them.
PERSONAS = (*(name for name in CITY_PERSONAS if name != "anonymous"), *PROVINCE_PERSONAS)
PERSONAS = (*PERSONAS, "anonymous")

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
    # Rendered, so its state never turns "stalled" ten minutes into a long run (a stalled
    # PDF may be re-rendered by anyone who sees the report: the matrix's 403s became 302s).
    MonthlyReportVersion.objects.filter(pk=version.pk).update(pdf_rendered_at=timezone.now())
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
    preparedness = _preparedness_records(school, assignment)
    extra = _education_and_surroundings(school, county, staff, official)
    return SimpleNamespace(
        **preparedness,
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
        **activity_records(school, staff),  # activities and school buses (issue #16)
    )


def _supervision_of(records, city, people, county, official, staff) -> None:
    """Bureau supervision (issue #18): a city campaign covering only the side's school (its
    county may forward it) with the school's task, a county notice to the school with a
    reply and attachments, a supervisory inspection and a rectification order with a reply."""
    today = timezone.localdate()
    school = records.school
    campaign = campaign_services.campaign_launch(
        actor=people.city_official,
        bureau=city.city,
        title="开学安全检查",
        purpose="排查",
        deadline=today + datetime.timedelta(days=30),
        filters={"county": county.pk, "school_type": "primary"},
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    records.campaign = campaign
    records.campaign_task = campaign.tasks.get(school=school)
    notice = notice_services.notice_publish(
        actor=official,
        bureau=county,
        kind="notice",
        title="防溺水专项报送",
        body="请报送",
        filters={"school_type": "primary"},
        reply_due=today + datetime.timedelta(days=5),
        attachments=[clean_document(SimpleUploadedFile("通知.pdf", PDF))],
    )
    records.notice = notice
    records.recipient = notice.recipients.get(unit=school)
    records.notice_reply = notice_services.notice_reply(
        actor=staff, recipient=records.recipient, text="已报送"
    )
    records.notice_attachment = notice.attachments.first()
    records.supervision = inspection_services.inspection_start(
        actor=official,
        school=school,
        kind="county",
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    order = order_services.order_issue(
        actor=official,
        source="hazard",
        record=records.hazard,
        problems="灭火器压力不足",
        legal_basis="消防法",
        deadline=today + datetime.timedelta(days=7),
        responder=staff,
    )
    records.order = order
    records.order_reply = order_services.order_reply(
        actor=staff,
        order=order,
        text="已更换",
        evidence=[clean_document(SimpleUploadedFile("整改.pdf", PDF))],
    )
    records.evidence = records.order_reply.evidence.first()


def _preparedness_records(school: Organisation, assignment) -> dict:
    """Emergency preparedness (issue #14): a plan waiting for the county, a planned and a
    recorded drill with a photo and a problem, the teams with one member."""
    fire = Scenario.objects.get(key="fire")
    plan = preparedness_services.plan_upload(
        actor=None,
        unit=school,
        scenario=fire,
        title="消防预案",
        document=clean_document(SimpleUploadedFile("预案.pdf", PDF)),
    )
    plan = preparedness_services.plan_submit(actor=None, plan=plan)
    today = datetime.date(2026, 10, 20)
    drill = preparedness_services.drill_plan(
        actor=None, unit=school, scenario=fire, planned_on=today
    )
    recorded = preparedness_services.drill_plan(
        actor=None, unit=school, scenario=fire, planned_on=today
    )
    recorded = preparedness_services.drill_record(
        actor=None,
        drill=recorded,
        held_on=today,
        pupils=10,
        staff=2,
        evacuation_seconds=120,
        photos=[clean_photo("演练.jpg")],
    )
    problem = preparedness_services.drill_problem_add(
        actor=None,
        drill=recorded,
        area=SafetyArea.objects.get(key="fire"),
        description="楼梯照明不亮",
    )
    preparedness_services.teams_set_up(actor=None, unit=school)
    Holder.objects.filter(pk=assignment.holder_id).update(phone="13800138000")
    team = Team.objects.filter(unit=school).order_by("order").first()
    member = preparedness_services.team_member_add(
        actor=None, team=team, holder=Holder.objects.get(pk=assignment.holder_id)
    )
    return {
        "plan": plan,
        "drill": drill,
        "recorded_drill": recorded,
        "drill_photo": DrillPhoto.objects.get(drill=recorded),
        "problem": problem,
        "team": team,
        "member": member,
    }


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
    city = build_city(province=True)
    # The owner of school A's records and the actor that creates school B's.
    people = build_people(city, "owner_a", "staff_b", *PROVINCE_PERSONAS)
    side_a = _records_of(city.school_a, city.county_a, people.staff_a, people.county_official)
    side_b = _records_of(city.school_b, city.county_b, people.staff_b, people.other_county_official)
    _supervision_of(side_a, city, people, city.county_a, people.county_official, people.staff_a)
    _supervision_of(
        side_b, city, people, city.county_b, people.other_county_official, people.staff_b
    )
    overview = MonthlyOverview.objects.create(unit=city.city, month=OCTOBER)
    overview.pdf.save("overview.pdf", ContentFile(PDF))
    MonthlyOverview.objects.filter(pk=overview.pk).update(pdf_rendered_at=timezone.now())
    # #23: the province's overview of its cities.
    province_overview = MonthlyOverview.objects.create(unit=city.province, month=OCTOBER)
    province_overview.pdf.save("province-overview.pdf", ContentFile(PDF))
    MonthlyOverview.objects.filter(pk=province_overview.pk).update(pdf_rendered_at=timezone.now())
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
    # #23: a ready background export of each persona (only its requester sees it).
    exports = {}
    for name in inbox:
        job = ExportJob.objects.create(
            requester=getattr(people, name),
            kind="inspections.exports:ledger",
            status=ExportJob.Status.READY,
            filename="隐患台账.xlsx",
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        job.file.save(f"matrix-{name}.xlsx", ContentFile(b"PK\x03\x04"))
        exports[name] = job
    _risks_of(side_a, people.staff_a)  # #20 risk grading
    _risks_of(side_b, people.staff_b)
    return SimpleNamespace(
        city=city,
        people=people,
        a=side_a,
        b=side_b,
        overview=overview,
        province_overview=province_overview,
        inbox=inbox,
        exports=exports,
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
    _assessment_records(world)  # #19 the year-end safe-campus assessment
    _accountability_records(world)  # #19 accountability
    _letter_issues(world)  # #23 a bulk letter issue under way
    return world


def _letter_issues(world: SimpleNamespace) -> None:
    """#23: each side's county bulk-issuing its letters (a job under way: its page polls)."""
    for side, county, requester in (
        (world.a, world.city.county_a, world.people.county_admin),
        (world.b, world.city.county_b, world.people.other_county_official),
    ):
        side.letter_issue = LetterIssueRequest.objects.create(
            unit=county,
            school_year="2026-2027",
            requested_by=requester,
            status=LetterIssueRequest.Status.RUNNING,
            total=40,
            progress=15,
        )


def _accountability_records(world: SimpleNamespace) -> None:
    """#19 accountability: each side's holder recorded as dealt with (a warning) after the
    side's incident, and the incident's late-report explanation submitted with its document
    (stored directly: the matrix checks access, not the rules)."""
    warning = AccountabilityAction.objects.get(key="warning")
    for side, official in (
        (world.a, world.people.county_official),
        (world.b, world.people.other_county_official),
    ):
        explanation = LateExplanation(
            incident=side.incident,
            status=LateExplanation.Status.SUBMITTED,
            text="交接班遗漏",
            original_name="情况说明.pdf",
            content_type="application/pdf",
            submitted_at=timezone.now(),
            submitted_by=side.incident.created_by,
        )
        explanation.file.save("explanation.pdf", ContentFile(PDF), save=False)
        explanation.save()
        side.person_dealt_with = PersonDealtWith.objects.create(
            incident=side.incident,
            holder=side.holder,
            action=warning,
            dealt_on=timezone.localdate(),
            recorded_by=official,
        )


def _assessment_records(world: SimpleNamespace) -> None:
    """#19: a published 2025 run (school A graded excellent, so its certificate exists), an
    open 2026 run with each side's school assessment, scoring and an evidence file, and an
    editable 2027 scheme with one indicator."""
    city, people = world.city, world.people
    past = assessment_factories.open_run(city.city, people.city_official, year=2025)
    SchoolAssessment.objects.filter(run=past).update(grade="excellent", total=95)
    Run.objects.filter(pk=past.pk).update(status="published", published_at=timezone.now())
    run = assessment_factories.open_run(city.city, people.city_official)
    draft = assessment_factories.scheme(city.city, people.city_official, year=2027)
    world.assessment = SimpleNamespace(
        published_run=past,
        published_item=SchoolAssessment.objects.get(run=past, school=city.school_a),
        run=run,
        scheme_open=run.scheme,
        scheme_draft=draft,
        indicator=draft.indicators.first(),
    )
    for side, staff in ((world.a, people.staff_a), (world.b, people.staff_b)):
        item = SchoolAssessment.objects.get(run=run, school=side.school)
        side.assessment_item = item
        side.assessment_scoring = item.scoring
        score = item.scores.get(indicator__rule="on_site")
        evidence = AssessmentEvidence(
            score=score,
            original_name="台账.pdf",
            content_type="application/pdf",
            uploaded_by=staff,
        )
        evidence.file.save("assessment.pdf", ContentFile(PDF), save=False)
        evidence.save()
        side.assessment_evidence = evidence


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
