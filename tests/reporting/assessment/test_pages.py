"""The assessment's pages in Chinese (issue #19): the city builds a scheme and opens the year,
the school self-assesses with evidence, the county scores, the city returns and publishes;
outsiders get 404, roles that may not act 403; bad input keeps what was typed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from reporting.assessment.models import (
    AssessmentEvidence,
    CountyScoring,
    Scheme,
    SchoolAssessment,
)
from safety.models import ExportJob
from tests.pdfs import plain_pdf

from . import factories

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_city_builds_a_scheme_through_the_pages(client, city, people):
    c = _client(client, people.city_official)
    assert c.get(reverse("assessment:index")).status_code == 200
    response = c.post(
        reverse("assessment:scheme_new"),
        {
            "year": 2026,
            "title": "2026年度考核",
            "total_points": "100",
            "excellent_from": "90",
            "good_from": "95",
            "pass_from": "60",
        },
    )
    assert response.status_code == 400
    assert "良好".encode() in response.content and "2026年度考核".encode() in response.content
    response = c.post(
        reverse("assessment:scheme_new"),
        {
            "year": 2026,
            "title": "2026年度考核",
            "total_points": "100",
            "excellent_from": "90",
            "good_from": "80",
            "pass_from": "60",
        },
    )
    scheme = Scheme.objects.get()
    assert response.status_code == 302
    c.post(reverse("assessment:group_add", args=[scheme.pk]), {"group-name": "日常管理"})
    group = scheme.groups.get()
    response = c.post(
        reverse("assessment:indicator_add", args=[scheme.pk]),
        {"group": group.pk, "name": "应急演练", "weight": "100", "rule": "drills_held"},
    )
    assert response.status_code == 400
    assert "目标".encode() in response.content and "应急演练".encode() in response.content
    c.post(
        reverse("assessment:indicator_add", args=[scheme.pk]),
        {
            "group": group.pk,
            "name": "应急演练",
            "weight": "100",
            "rule": "drills_held",
            "target": "2",
        },
    )
    page = c.get(reverse("assessment:scheme_detail", args=[scheme.pk]))
    assert "应急疏散".encode() not in page.content
    assert page.status_code == 200 and "演练".encode() in page.content
    response = c.post(reverse("assessment:run_open", args=[scheme.pk]))
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.is_frozen


def test_scheme_pages_are_the_city_bureaus(client, city, people):
    scheme = factories.scheme(city.city, people.city_official)
    url = reverse("assessment:scheme_detail", args=[scheme.pk])
    assert _client(client, people.county_official).get(url).status_code == 404
    assert client.get(reverse("assessment:scheme_new")).status_code == 403


def test_school_self_assesses_with_evidence(client, city, people):
    run = factories.open_run(city.city, people.city_official)
    item = SchoolAssessment.objects.get(run=run, school=city.school_a)
    site = factories.on_site(item)
    c = _client(client, people.leader_a)
    url = reverse("assessment:assessment_detail", args=[item.pk])
    page = c.get(url)
    assert page.status_code == 200 and "自评".encode() in page.content
    response = c.post(
        reverse("assessment:self_assess", args=[item.pk]),
        {f"points_{site.pk}": "45", f"note_{site.pk}": "门卫制度落实", "submit": "1"},
    )
    assert response.status_code == 400 and "门卫制度落实".encode() in response.content
    response = c.post(
        reverse("assessment:self_assess", args=[item.pk]),
        {
            f"points_{site.pk}": "36",
            f"note_{site.pk}": "门卫制度落实",
            f"evidence_{site.pk}": SimpleUploadedFile("台账.pdf", plain_pdf()),
            "submit": "1",
        },
    )
    assert response.status_code == 302
    evidence = AssessmentEvidence.objects.get()
    assert c.get(reverse("assessment:evidence", args=[evidence.pk])).status_code == 200
    other = _client(client, people.other_county_official)
    assert other.get(url).status_code == 404
    assert other.get(reverse("assessment:evidence", args=[evidence.pk])).status_code == 404


def test_county_scores_and_submits_the_city_returns(client, city, people):
    run = factories.open_run(city.city, people.city_official)
    scoring = CountyScoring.objects.get(run=run, county=city.county_a)
    c = _client(client, people.county_official)
    page = c.get(reverse("assessment:scoring_detail", args=[scoring.pk]))
    assert page.status_code == 200 and city.school_a.name.encode() in page.content
    for item in SchoolAssessment.objects.filter(scoring=scoring):
        drills = item.scores.get(indicator__rule="drills_held")
        overdue = item.scores.get(indicator__rule="overdue_hazards")
        data = {
            f"points_{factories.on_site(item).pk}": "30",
            f"points_{drills.pk}": "10",
            f"points_{overdue.pk}": str(overdue.computed_points),
        }
        response = c.post(reverse("assessment:county_score", args=[item.pk]), data)
        assert response.status_code == 400  # drills changed without a reason
        assert "理由".encode() in response.content
        data[f"reason_{drills.pk}"] = "现场核实"
        response = c.post(reverse("assessment:county_score", args=[item.pk]), data)
        assert response.status_code == 302
    assert c.post(reverse("assessment:scoring_submit", args=[scoring.pk])).status_code == 302
    scoring.refresh_from_db()
    assert scoring.status == CountyScoring.Status.SUBMITTED
    city_client = _client(client, people.city_official)
    review = city_client.get(reverse("assessment:run_detail", args=[run.pk]))
    assert review.status_code == 200
    city_client.post(
        reverse("assessment:scoring_return", args=[scoring.pk]), {"comment": "现场分偏高"}
    )
    scoring.refresh_from_db()
    assert scoring.status == CountyScoring.Status.RETURNED


def test_published_results_pdf_excel_and_certificate(
    client, city, people, django_capture_on_commit_callbacks
):
    factories.liability_veto(people.staff_a, people.county_official)
    factories.concealed_serious(people.staff_a2, people.county_official)
    run = factories.finish_run(factories.open_run(city.city, people.city_official), city, people)
    c = _client(client, people.city_official)
    review = c.get(reverse("assessment:run_detail", args=[run.pk]))
    assert b'data-testid="concealment-flag"' in review.content
    results = _client(client, people.staff_a2).get(reverse("assessment:results", args=[run.pk]))
    assert results.status_code == 200
    assert "不合格".encode() in results.content and "学生实验课烫伤".encode() in results.content
    # #23: the results PDF is a background export (10 s at 300 schools in the request): the
    # request returns at once to the export's page, the job renders the document.
    url = reverse("assessment:results_pdf", args=[run.pk])
    c = _client(client, people.city_official)
    assert c.get(url).status_code == 200  # what will be exported, with its button
    with django_capture_on_commit_callbacks(execute=True):
        started = c.post(url)
    job = ExportJob.objects.get(requester=people.city_official)
    assert started["Location"] == reverse("export_detail", args=[job.pk])
    assert job.status == ExportJob.Status.READY and job.filename == f"assessment-{run.year}.pdf"
    page = c.get(reverse("export_status", args=[job.pk])).content.decode()
    assert "文件已生成，保留至" in page and "行" not in page.split("保留至")[0]
    download = c.get(reverse("export_download", args=[job.pk]))
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "甲区实验小学" in text
    xlsx = c.get(reverse("assessment:results_xlsx", args=[run.pk]))
    assert xlsx.status_code == 200
    vetoed = SchoolAssessment.objects.get(run=run, school=city.school_a)
    page = _client(client, people.other_county_official).get(
        reverse("assessment:assessment_detail", args=[vetoed.pk])
    )
    assert page.status_code == 200 and b'data-testid="veto-reason"' in page.content
    cert = reverse("assessment:certificate_pdf", args=[vetoed.pk])
    assert c.get(cert).status_code == 404  # no certificate for a failed school


def test_catalogue_page_shows_every_definition(client, people):
    page = _client(client, people.staff_a).get(reverse("assessment:catalogue"))
    assert page.status_code == 200
    assert "逾期".encode() in page.content
