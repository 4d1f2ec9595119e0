"""PDF summaries: school report, county roll-up and city overview, with the CJK font."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from reporting.models import MonthlyOverview, MonthlyReportVersion
from reporting.monthly import services
from safety.models import Organisation, User
from tests.conftest import services_required
from tests.safety.test_pdf import pdffonts

from ..conftest import OCTOBER, shanghai

pytestmark = pytest.mark.django_db


def pdftext(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        if services_required():
            pytest.fail("pdftotext (poppler-utils) is missing")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _submit_county(people, city, budget=None) -> MonthlyReportVersion:
    services.monthly_report_save_draft(
        actor=people.county_official,
        unit=city.county_a,
        month=OCTOBER,
        work_done="全区开展秋季安全大检查。",
        problems_found="",
        next_month_plans="",
    )
    if budget is None:
        return services.monthly_report_submit(
            actor=people.county_official,
            unit=city.county_a,
            month=OCTOBER,
            now=shanghai(2026, 11, 9),
        )
    with budget:
        return services.monthly_report_submit(
            actor=people.county_official,
            unit=city.county_a,
            month=OCTOBER,
            now=shanghai(2026, 11, 9),
        )


def test_submission_renders_the_school_pdf_with_cjk_font_and_unit_name(
    city, people, submit_school, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = submit_school(people.staff_a)
    version.refresh_from_db()

    assert version.pdf_rendered_at is not None
    pdf = version.pdf.read()
    assert pdf.startswith(b"%PDF")
    fonts = pdffonts(pdf, tmp_path)
    embedded = [line for line in fonts.splitlines() if "SafeCampus-CJK" in line]
    assert embedded and all(" yes " in line for line in embedded)
    text = pdftext(pdf, tmp_path)
    assert "甲区实验小学" in text
    assert "检查了消防通道" in text
    assert "2026-10" in text


def test_county_pdf_has_every_school_and_an_svg_chart(
    city, people, submit_school, tmp_path, django_capture_on_commit_callbacks
):
    submit_school(people.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        version = _submit_county(people, city)
    version.refresh_from_db()
    context = services.pdf_context(version)
    assert str(context["chart"]).startswith("<svg")
    text = pdftext(version.pdf.read(), tmp_path)
    assert "甲区教育局" in text
    assert "甲区实验小学" in text and "甲区第二中学" in text
    assert "按时报送" in text and "未报" in text


def test_administrator_rerenders_a_pdf(
    city, people, submit_school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = submit_school(people.staff_a)
    version.refresh_from_db()
    first_name = version.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        services.monthly_report_rerender(actor=people.county_admin, version=version)
    version.refresh_from_db()
    assert version.pdf.name != first_name
    assert version.pdf_rendered_at is not None
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.monthly_report_rerender(actor=people.staff_a, version=version)


def test_city_overview_pdf_lists_every_county(
    city, people, submit_school, tmp_path, django_capture_on_commit_callbacks
):
    submit_school(people.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        overview = services.monthly_overview_request(actor=people.city_official, month=OCTOBER)
    overview = MonthlyOverview.objects.get(pk=overview.pk)
    text = pdftext(overview.pdf.read(), tmp_path)
    assert "甲区教育局" in text and "乙县教育局" in text and "市直学校" in text


def test_county_rollup_of_175_schools_stays_within_a_query_budget(
    city, people, django_assert_max_num_queries
):
    """The 5-second target is measured by `manage.py bench_rollup`; here the number of
    queries must not grow with the schools."""
    schools = Organisation.objects.bulk_create(
        Organisation(
            name=f"规模测试学校{n:03d}",
            code=f"77{n:08d}",
            kind=Organisation.Kind.SCHOOL,
            school_type="primary",
            parent=city.county_a,
            path=f"{city.county_a.path}c{n:07d}/",
            student_count=100 + n,
        )
        for n in range(175)
    )
    leaders = User.objects.bulk_create(
        User(username=f"lead{school.code}", unit=school, role="school_leader")
        for school in schools[:150]
    )
    for leader in leaders:
        leader.unit = next(s for s in schools if s.pk == leader.unit_id)
    from reporting.models import MonthlyReport

    reports = MonthlyReport.objects.bulk_create(
        MonthlyReport(unit_id=leader.unit_id, month=OCTOBER) for leader in leaders
    )
    versions = MonthlyReportVersion.objects.bulk_create(
        MonthlyReportVersion(
            report=report,
            number=1,
            figures={"sections": {"headcounts": {"columns": ["students"], "rows": [["", 1]]}}},
            submitted_by=leader,
            submitted_at=shanghai(2026, 10, 30),
        )
        for report, leader in zip(reports, leaders, strict=True)
    )
    for report, version in zip(reports, versions, strict=True):
        report.status, report.latest_version = "submitted", version
        report.first_submitted_at = shanghai(2026, 10, 30)
    MonthlyReport.objects.bulk_update(reports, ["status", "latest_version", "first_submitted_at"])

    # 18, plus the audit trail of the submission (old values read, rows written): constant.
    version = _submit_county(people, city, budget=django_assert_max_num_queries(21))
    started = time.perf_counter()
    services.monthly_report_render_pdf(version_id=version.pk)
    elapsed = time.perf_counter() - started
    print(f"175-school county PDF rendered in {elapsed:.2f} s")
    assert version.figures["school_count"] == 175 + 2  # and the two fixture schools
    assert version.figures["sections"]["headcounts"]["rows"] == [["", 150]]
    assert version.figures["status_counts"]["on_time"] == 150
