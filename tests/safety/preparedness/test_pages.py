"""The pages of emergency preparedness: recording a drill with photos on a phone, bad input
kept with Chinese errors, a drill problem entered in the hazard ledger (linked both ways),
the county official acknowledging a plan, the coverage view and its Excel export, and the
drill figures of the monthly report."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections.models import Hazard
from reporting.monthly import figures
from safety.models import SafetyArea
from safety.preparedness import services
from safety.preparedness.models import Drill, DrillPhoto, DrillProblem, Plan
from tests.builders import exported_file, jpeg_upload

from .builders import pdf_upload, recorded_drill, scenario, upload_plan

pytestmark = pytest.mark.django_db


def _planned(people, city) -> Drill:
    return services.drill_plan(
        actor=people.staff_a,
        unit=city.school_a,
        scenario=scenario("fire"),
        planned_on=timezone.localdate(),
    )


def test_staff_record_a_drill_with_photos(city, people, client_for):
    drill = _planned(people, city)
    response = client_for("staff_a").post(
        reverse("preparedness:drill_record", args=[drill.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "pupils": "480",
            "staff": "36",
            "evacuation_seconds": "165",
            "evaluation": "各班有序撤离",
            "photos": [jpeg_upload("集合.jpg"), jpeg_upload("疏散.jpg")],
        },
    )
    assert response.status_code == 302
    drill.refresh_from_db()
    assert (drill.status, drill.pupils, drill.evacuation_seconds) == ("recorded", 480, 165)
    assert DrillPhoto.objects.filter(drill=drill).count() == 2
    page = client_for("staff_a").get(reverse("preparedness:drill_detail", args=[drill.pk]))
    assert "（目标 180 秒）" in page.content.decode()
    photo = DrillPhoto.objects.filter(drill=drill).first()
    shown = client_for("county_official").get(
        reverse("preparedness:drill_photo", args=[photo.pk, "thumb"])
    )
    assert shown.status_code == 200
    assert (
        client_for("other_county_official")
        .get(reverse("preparedness:drill_photo", args=[photo.pk, "thumb"]))
        .status_code
        == 404
    )


def test_bad_drill_input_keeps_what_was_typed(city, people, client_for):
    drill = _planned(people, city)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for("staff_a").post(
        reverse("preparedness:drill_record", args=[drill.pk]),
        {
            "held_on": tomorrow.isoformat(),
            "pupils": "9999",
            "staff": "10",
            "evacuation_seconds": "4000",
            "evaluation": "楼梯口拥堵",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "未来的演练还不能登记" in text
    assert "超过本校学生数 500" in text
    assert "疏散用时必须大于0且小于3600秒" in text
    assert 'value="9999"' in text and "楼梯口拥堵" in text
    drill.refresh_from_db()
    assert drill.status == Drill.Status.PLANNED


def test_a_drill_problem_becomes_a_hazard_in_one_step(city, people, client_for):
    drill = recorded_drill(people.staff_a, city.school_a)
    client = client_for("staff_a")
    response = client.post(
        reverse("preparedness:drill_problem_add", args=[drill.pk]),
        {
            "description": "东侧楼梯应急照明不亮",
            "area": SafetyArea.objects.get(key="fire").pk,
            "location": "教学楼东侧",
        },
    )
    assert response.status_code == 302
    problem = DrillProblem.objects.get(drill=drill)
    page = client.get(reverse("preparedness:drill_detail", args=[drill.pk])).content.decode()
    assert "登记为隐患" in page
    response = client.post(
        reverse("inspections:drill_problem_hazard", args=[problem.pk]), {"severity": "general"}
    )
    hazard = Hazard.objects.get(drill_problem=problem)
    assert response.status_code == 302 and response.url == f"/hazards/{hazard.pk}/"
    assert (hazard.source, hazard.school, hazard.area.key) == ("drill", city.school_a, "fire")
    assert hazard.description == "东侧楼梯应急照明不亮" and hazard.reporter == people.staff_a
    page = client.get(reverse("preparedness:drill_detail", args=[drill.pk])).content.decode()
    assert f"隐患 #{hazard.pk}" in page
    hazard_page = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content
    assert reverse("preparedness:drill_detail", args=[drill.pk]).encode() in hazard_page
    again = client.post(
        reverse("inspections:drill_problem_hazard", args=[problem.pk]), {"severity": "general"}
    )
    assert again.status_code == 302
    assert Hazard.objects.filter(drill_problem=problem).count() == 1


def test_problems_cannot_be_entered_by_outsiders_or_read_only_roles(city, people, client_for):
    drill = recorded_drill(people.staff_a, city.school_a)
    problem = services.drill_problem_add(
        actor=people.staff_a, drill=drill, area=SafetyArea.objects.get(key="fire"), description="x"
    )
    url = reverse("inspections:drill_problem_hazard", args=[problem.pk])
    assert client_for("other_county_official").post(url).status_code == 404
    assert client_for("county_admin").post(url).status_code == 403
    assert not Hazard.objects.filter(drill_problem=problem).exists()


def test_leader_uploads_and_files_and_the_county_acknowledges(city, people, client_for):
    leader = client_for("leader_a")
    response = leader.post(
        reverse("preparedness:plan_new", args=[city.school_a.pk]),
        {"scenario": scenario("fire").pk, "title": "消防预案", "document": pdf_upload()},
    )
    plan = Plan.objects.get(unit=city.school_a)
    assert response.status_code == 302
    submit = reverse("preparedness:plan_submit", args=[plan.pk])
    asked = leader.post(submit)
    assert asked.status_code == 200 and "确认" in asked.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT  # asked first, nothing changed
    leader.post(submit, {"confirm": "yes"})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
    official = client_for("county_official")
    coverage = official.get(reverse("preparedness:coverage")).content.decode()
    assert reverse("preparedness:plan_detail", args=[plan.pk]) in coverage
    official.post(
        reverse("preparedness:plan_acknowledge", args=[plan.pk]), {"comment": "", "confirm": "yes"}
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACKNOWLEDGED and plan.reviewed_by == people.county_official
    assert (
        client_for("other_county_official")
        .get(reverse("preparedness:plan_detail", args=[plan.pk]))
        .status_code
        == 404
    )


def test_a_plan_upload_that_is_not_a_pdf_is_refused_with_the_title_kept(city, people, client_for):
    response = client_for("leader_a").post(
        reverse("preparedness:plan_new", args=[city.school_a.pk]),
        {
            "scenario": scenario("fire").pk,
            "title": "消防预案草稿",
            "document": SimpleUploadedFile(
                "预案.exe", b"MZ\x90\x00", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "文件“预案.exe”未能上传" in text and "消防预案草稿" in text
    assert not Plan.objects.exists()


def test_returning_without_a_comment_shows_the_error(city, people, client_for):
    plan = services.plan_submit(
        actor=people.leader_a, plan=upload_plan(people.leader_a, city.school_a)
    )
    response = client_for("county_official").post(
        reverse("preparedness:plan_return", args=[plan.pk]), {"comment": ""}
    )
    assert response.status_code == 400
    assert "请说明学校需要修改的内容" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED


def test_coverage_export_is_a_workbook(
    city, people, client_for, django_capture_on_commit_callbacks
):
    recorded_drill(people.staff_a, city.school_a)
    url = reverse("preparedness:coverage_export")
    response = exported_file(client_for("county_official"), url, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "学校"
    assert {row[0] for row in rows[1:]} == {city.school_a.name, city.school_a2.name}


def test_school_users_do_not_get_the_bureau_view(client_for):
    assert client_for("staff_a").get(reverse("preparedness:coverage")).status_code == 403
    home = client_for("staff_a").get(reverse("preparedness:home"))
    assert home.status_code == 302


def test_monthly_figures_count_drills_pupils_and_evacuation_time(city, people):
    day = datetime.date(2026, 10, 12)
    recorded_drill(people.staff_a, city.school_a, day=day, seconds=150, pupils=400)
    recorded_drill(people.staff_a, city.school_a, day=day.replace(day=20), seconds=130, pupils=420)
    recorded_drill(people.staff_a, city.school_a, day=day.replace(day=25), seconds=None, pupils=10)
    recorded_drill(people.staff_a, city.school_a, day=datetime.date(2026, 9, 30), seconds=99)
    services.drill_plan(
        actor=people.staff_a, unit=city.school_a, scenario=scenario("fire"), planned_on=day
    )
    month = datetime.date(2026, 10, 1)
    section = figures.compile_school_figures(city.school_a, month)["sections"]["drills"]
    assert section["columns"] == ["held", "pupils", "staff", "timed", "seconds"]
    assert section["rows"] == [["", 3, 830, 90, 2, 280]]
    other = figures.compile_school_figures(city.school_a2, month)["sections"]["drills"]
    assert other["rows"] == [["", 0, 0, 0, 0, 0]]
    rolled = figures.rollup_sections(
        [
            figures.compile_school_figures(city.school_a, month),
            figures.compile_school_figures(city.school_a2, month),
        ]
    )
    assert rolled["drills"]["rows"] == [["", 3, 830, 90, 2, 280]]


def test_an_old_report_without_the_drill_section_still_reads(city):
    tables = figures.section_tables(
        {"sections": {"headcounts": {"columns": ["students"], "rows": [["", 1]]}}}
    )
    assert [table["key"] for table in tables] == ["headcounts"]
