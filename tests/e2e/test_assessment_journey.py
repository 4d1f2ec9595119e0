"""The year-end safe-campus assessment in a browser, in Chinese (issue #19): the city builds a
scheme (a bad threshold is refused and what was typed kept) and opens the year; the school
self-assesses with evidence; the county scores and submits; the city publishes and names a
model school; a vetoed school shows 不合格 with the reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from reporting.assessment import services
from reporting.assessment.models import CountyScoring, Run, SchoolAssessment
from reporting.incidents.models import Incident, SchoolVeto
from safety.models import Organisation, User
from tests.e2e.test_journey import DESKTOP, log_in
from tests.pdfs import plain_pdf

YEAR = 2027
SCHOOL = "江城区实验小学"
VETOED = "江城区第三中学"


def _city_builds_and_opens(page: Page, base: str) -> None:
    log_in(page, base, "city.official")
    page.get_by_role("navigation").get_by_role("link", name="平安校园创建考核").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("平安校园创建考核")
    page.get_by_role("link", name="新建考核方案").click()
    page.locator("#id_year").select_option(str(YEAR))
    page.locator("#id_title").fill(f"{YEAR}年度平安校园创建考核")
    page.locator("#id_good_from").fill("95")
    page.get_by_role("button", name="创建方案").click()
    expect(page.get_by_text("良好分数线须低于优秀分数线。")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value(f"{YEAR}年度平安校园创建考核")
    page.locator("#id_good_from").fill("80")
    page.get_by_role("button", name="创建方案").click()
    expect(page.get_by_text("考核方案已创建，请添加指标组和指标。")).to_be_visible()
    page.locator("#id_group-name").fill("现场检查")
    page.get_by_role("button", name="添加指标组", exact=True).click()
    page.locator("#id_group").select_option(label="现场检查")
    form = page.locator("form", has=page.locator("#id_rule"))
    form.locator("#id_name").fill("校园安全现场检查")
    form.locator("#id_weight").fill("60")
    form.locator("#id_rule").select_option("on_site")
    form.get_by_role("button", name="添加指标", exact=True).click()
    expect(page.get_by_test_id("scheme-problem")).to_contain_text("60")
    form = page.locator("form", has=page.locator("#id_rule"))
    form.locator("#id_group").select_option(label="现场检查")
    form.locator("#id_name").fill("应急演练")
    form.locator("#id_weight").fill("40")
    form.locator("#id_rule").select_option("drills_held")
    form.get_by_role("button", name="添加指标", exact=True).click()
    expect(page.get_by_text("此规则须填写目标值，且大于 0。")).to_be_visible()
    form = page.locator("form", has=page.locator("#id_rule"))
    form.locator("#id_target").fill("2")
    form.get_by_role("button", name="添加指标", exact=True).click()
    expect(page.get_by_text("指标已添加。")).to_be_visible()
    page.get_by_role("button", name="按此方案启动年度考核").click()
    expect(page.get_by_text("本年度考核已启动。")).to_be_visible()


def _school_self_assesses(page: Page, base: str, tmp_path) -> None:
    run = Run.objects.get(year=YEAR)
    log_in(page, base, "school.leader")
    page.goto(f"{base}/assessment/runs/{run.pk}/")
    page.get_by_role("link", name="本校考核").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHOOL)
    evidence = tmp_path / "现场台账.pdf"
    evidence.write_bytes(plain_pdf())
    fieldset = page.locator("fieldset", has_text="校园安全现场检查")
    fieldset.locator("input[name^=points_]").fill("70")
    fieldset.locator("textarea[name^=note_]").fill("门卫24小时值守")
    page.get_by_role("button", name="提交县区教育局").click()
    expect(page.get_by_text("0 至 60.0 分", exact=False).first).to_be_visible()
    fieldset = page.locator("fieldset", has_text="校园安全现场检查")
    expect(fieldset.locator("textarea[name^=note_]")).to_have_value("门卫24小时值守")
    fieldset.locator("input[name^=points_]").fill("55")
    fieldset.locator("input[type=file]").set_input_files(str(evidence))
    page.get_by_role("button", name="提交县区教育局").click()
    expect(page.get_by_text("自评已提交县区教育局。")).to_be_visible()
    expect(page.get_by_role("link", name="现场台账.pdf")).to_be_visible()


def _others_scored() -> None:
    """Every school but 江城区实验小学 is scored by its bureau (the system, for speed); every
    bureau but 江城区 submits."""
    run = Run.objects.get(year=YEAR)
    for item in SchoolAssessment.objects.filter(run=run).exclude(school__name=SCHOOL):
        site = item.scores.get(indicator__rule="on_site")
        services.county_score(actor=None, assessment=item, entries={site.pk: (Decimal("58"), "")})
    for scoring in CountyScoring.objects.filter(run=run).exclude(county__code="360802"):
        services.scoring_submit(actor=None, scoring=scoring)


def _county_scores(page: Page, base: str) -> None:
    run = Run.objects.get(year=YEAR)
    log_in(page, base, "jc.official")
    page.goto(f"{base}/assessment/runs/{run.pk}/")
    page.get_by_role("link", name="辖区学校评分").click()
    page.get_by_role("link", name=SCHOOL).click()
    form = page.locator("form", has_text="保存评分")
    form.locator("fieldset", has_text="应急演练").locator("input[name^=points_]").fill("40")
    page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_text("由系统数据计算得出，调整得分须填写理由", exact=False)).to_be_visible()
    form = page.locator("form", has_text="保存评分")
    drills = form.locator("fieldset", has_text="应急演练")
    drills.locator("input[name^=reason_]").fill("现场核实演练两次")
    site = form.locator("fieldset", has_text="校园安全现场检查")
    site.locator("input[name^=points_]").fill("56")
    page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_text("评分已保存。")).to_be_visible()
    page.get_by_role("button", name="将评分报送市教育局").click()
    expect(page.get_by_text("评分已报送市教育局。")).to_be_visible()


def _veto() -> None:
    school = Organisation.objects.get(name=VETOED)
    incident = Incident.objects.filter(school__name=SCHOOL).first() or Incident.objects.first()
    Incident.objects.filter(pk=incident.pk).update(summary="学生实验课烫伤")
    SchoolVeto.objects.filter(school=school, year=YEAR).delete()
    SchoolVeto.objects.create(
        school=school,
        year=YEAR,
        incident=incident,
        created_by=User.objects.get(username="jc.official"),
    )


def _city_publishes(page: Page, base: str) -> None:
    run = Run.objects.get(year=YEAR)
    log_in(page, base, "city.official")
    page.goto(f"{base}/assessment/runs/{run.pk}/")
    page.get_by_role("button", name="发布结果").click()
    expect(page.get_by_text("结果已发布。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("结果与排名")
    page.get_by_role("link", name=SCHOOL).click()
    expect(page.get_by_test_id("grade")).to_contain_text("优秀")
    page.get_by_role("button", name="命名为示范校").click()
    expect(page.get_by_text("已命名为平安校园示范校", exact=False)).to_be_visible()
    expect(page.get_by_test_id("model-school")).to_be_visible()
    page.goto(f"{base}/assessment/runs/{run.pk}/results/")
    page.get_by_role("link", name=VETOED).click()
    expect(page.get_by_test_id("grade")).to_contain_text("不合格")
    expect(page.get_by_test_id("veto-reason")).to_contain_text("学生实验课烫伤")


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_assessment_from_scheme_to_model_school(page: Page, live_server, demo_city, tmp_path):
    base = live_server.url
    _city_builds_and_opens(page, base)
    page.context.clear_cookies()
    _school_self_assesses(page, base, tmp_path)
    page.context.clear_cookies()
    _others_scored()
    _county_scores(page, base)
    page.context.clear_cookies()
    _veto()
    _city_publishes(page, base)
