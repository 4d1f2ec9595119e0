"""Monthly-report screens: scoping (outsiders get 404), the forms, the console's budget."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from reporting.models import MonthlyReport

from ..conftest import OCTOBER

pytestmark = pytest.mark.django_db


def report_url(unit, month="2026-10"):
    return reverse("monthly:report", args=[unit.pk, month])


def test_school_staff_drafts_and_submits_from_the_page(city, people, client_for):
    client = client_for("staff_a")
    assert client.get(report_url(city.school_a)).status_code == 200
    response = client.post(
        reverse("monthly:save", args=[city.school_a.pk, "2026-10"]),
        {
            "work_done": "开展消防演练。",
            "problems_found": "",
            "next_month_plans": "",
            "action": "submit",
            "confirm": "yes",
        },
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get(unit=city.school_a, month=OCTOBER)
    assert report.status == "submitted"
    page = client.get(report_url(city.school_a)).content.decode()
    assert "开展消防演练。" in page


def test_the_submit_question_checks_the_guards_without_compiling_the_figures(
    city, people, client_for, monkeypatch
):
    """#23: asking "submit?" ran the whole submission in a rolled-back savepoint, figures
    included (a third of a school's filing at the month-end rush). It now runs only the
    guards: a refused submission still says why instead of asking, and the figures are
    compiled once, when the submission is confirmed."""
    from reporting.monthly import services

    compiled = []
    real = services.compile_figures
    monkeypatch.setattr(
        services, "compile_figures", lambda *a, **k: compiled.append(1) or real(*a, **k)
    )
    client = client_for("staff_a")
    save = reverse("monthly:save", args=[city.school_a.pk, "2026-10"])
    text = {"problems_found": "", "next_month_plans": "", "action": "submit"}
    refused = client.post(save, {**text, "work_done": " "}, follow=True).content.decode()
    assert "请先填写本月主要工作再报送。" in refused
    assert 'name="confirm"' not in refused
    asked = client.post(save, {**text, "work_done": "开展消防演练。"}).content.decode()
    assert 'name="confirm"' in asked and compiled == []
    assert "2026年10月" in asked  # the month as people write it, not "2026-10-01"
    assert MonthlyReport.objects.get(unit=city.school_a, month=OCTOBER).status == "draft"
    client.post(save, {**text, "work_done": "开展消防演练。", "confirm": "yes"})
    assert MonthlyReport.objects.get(unit=city.school_a, month=OCTOBER).status == "submitted"
    assert compiled == [1]


@pytest.mark.parametrize("persona", ["staff_a2", "other_county_official", "anonymous"])
def test_outsiders_get_404_for_a_schools_report_and_its_pdf(
    city, people, client_for, submit_school, persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = submit_school(people.staff_a)
    client = client_for(persona)
    urls = [
        report_url(city.school_a),
        reverse("monthly:unit", args=[city.school_a.pk]),
        reverse("monthly:version_pdf", args=[version.pk]),
    ]
    for url in urls:
        response = client.get(url)
        expected = 302 if persona == "anonymous" else 404
        assert response.status_code == expected, url
    response = client.post(
        reverse("monthly:review", args=[city.school_a.pk, "2026-10"]), {"decision": "approve"}
    )
    assert response.status_code in (302, 404)
    version.report.refresh_from_db()
    assert version.report.status == "submitted"


def test_county_official_reviews_and_opens_the_pdf(
    city, people, client_for, submit_school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = submit_school(people.staff_a)
    client = client_for("county_official")
    page = client.get(report_url(city.school_a)).content.decode()
    assert 'value="return"' in page
    response = client.post(
        reverse("monthly:review", args=[city.school_a.pk, "2026-10"]),
        {"decision": "return", "comment": ""},
    )
    version.report.refresh_from_db()
    assert version.report.status == "submitted"  # a return needs a comment
    client.post(
        reverse("monthly:review", args=[city.school_a.pk, "2026-10"]),
        {"decision": "return", "comment": "请补充。"},
    )
    version.report.refresh_from_db()
    assert version.report.status == "returned"
    response = client.get(reverse("monthly:version_pdf", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_school_user_cannot_open_the_console_and_city_sees_counties(city, people, client_for):
    assert client_for("staff_a").get(reverse("monthly:console")).status_code == 403
    page = client_for("city_official").get(reverse("monthly:console")).content.decode()
    assert "甲区教育局" in page and "测试市第一中学" in page
    assert "甲区实验小学" not in page
    filtered = client_for("city_official").get(
        reverse("monthly:console"), {"county": city.county_a.pk, "month": "2026-10"}
    )
    assert "甲区实验小学" in filtered.content.decode()
    county_page = client_for("county_official").get(reverse("monthly:console")).content.decode()
    assert "乙县中心小学" not in county_page


def test_console_status_filter(city, people, client_for, submit_school):
    submit_school(people.staff_a)
    page = (
        client_for("county_official")
        .get(reverse("monthly:console"), {"month": "2026-10", "status": "missing"})
        .content.decode()
    )
    assert "甲区第二中学" in page
    grid = page.split('data-testid="status-grid"')[1]
    assert "甲区实验小学" not in grid


def test_console_query_budget_does_not_grow_with_units(
    city, people, client_for, django_assert_max_num_queries
):
    from tests.factories import OrganisationFactory

    for n in range(30):
        OrganisationFactory(name=f"甲区学校{n}", parent=city.county_a)
    client = client_for("county_official")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("monthly:console")).status_code == 200


def test_navigation_leads_school_users_to_their_months_and_bureaus_to_the_console(
    city, people, client_for
):
    response = client_for("staff_a").get(reverse("monthly:index"))
    assert response.url == reverse("monthly:unit", args=[city.school_a.pk])
    response = client_for("county_official").get(reverse("monthly:index"))
    assert response.url == reverse("monthly:console")
    page = client_for("staff_a").get("/").content.decode()
    assert reverse("monthly:index") in page


def test_city_official_requests_the_overview(city, people, client_for):
    client = client_for("city_official")
    response = client.post(reverse("monthly:overview_request", args=["2026-10"]))
    assert response.status_code == 302
    assert (
        client_for("county_official")
        .post(reverse("monthly:overview_request", args=["2026-10"]))
        .status_code
        == 403
    )


def test_a_report_text_over_its_limit_is_refused_by_name_and_kept(city, people, client_for):
    text = "开" * 10001
    with translation.override("zh-hans"):
        response = client_for("staff_a").post(
            reverse("monthly:save", args=[city.school_a.pk, "2026-10"]),
            {"work_done": text, "problems_found": "", "next_month_plans": ""},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert text in page  # nothing the user typed is lost
    assert "本月主要工作" in page and "10000" in page and 'maxlength="10000"' in page
    assert not MonthlyReport.objects.exists()


def test_status_rows_do_not_read_the_frozen_figures_a_rollup_does(city, people, submit_school):
    """#23: the console and a unit's months read six months of reports of every unit below
    for their statuses; decoding each version's frozen figures was a sixth of the console's
    CPU at a county of 180 schools. Status rows leave them unread; the roll-up reads them."""
    from reporting.monthly import selectors

    submit_school(people.staff_a)
    status = selectors.reports_for([city.school_a], [OCTOBER], status_only=True)
    version = status[(city.school_a.pk, OCTOBER)].latest_version
    assert {"figures", "work_done"} <= version.get_deferred_fields()
    full = selectors.reports_for([city.school_a], [OCTOBER])
    assert full[(city.school_a.pk, OCTOBER)].latest_version.get_deferred_fields() == set()
    assert full[(city.school_a.pk, OCTOBER)].latest_version.figures["kind"] == "school"
