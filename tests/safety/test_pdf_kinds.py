"""Every kind of PDF the product prints (safety.pdf.PDF_KINDS), rendered through its real
service or context with every user text field at its longest:

- the render's work is linear in the text (the maximal document makes at most 4× the Python
  calls of the document whose texts are a quarter as long; an automatic table layout made it
  quadratic, 20 minutes for one incident account of 10,000 characters), and it finishes at all
  within a deadline;
- a long unbroken string (a pasted URL) wraps: no text lies beyond the right margin and the
  whole string is printed;
- only the bundled fonts are embedded (CJK, Latin, digits, emoji, chart labels), the emoji
  drawn from the bundled emoji font.

A new PDF kind registers in PDF_KINDS and adds its builder to BUILDERS below; a template in a
`pdf/` folder that no kind covers fails here.
"""

from __future__ import annotations

import contextlib
import cProfile
import datetime
import pstats
import re
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone

from inspections import services as inspection_services
from inspections.campaigns import selectors as campaign_selectors
from inspections.campaigns import services as campaign_services
from inspections.models import Campaign, CampaignTask, ChecklistTemplate
from inspections.risks import selectors as risk_selectors
from inspections.risks.models import CampusPlan, RiskPoint
from inspections.surroundings.selectors import poster_pdf
from reporting.activities import services as activity_services
from reporting.activities.models import Activity, ActivityApproval, ActivityVehicle
from reporting.activities.views import PDF_TEMPLATE as ACTIVITY_PDF_TEMPLATE
from reporting.activities.views import pdf_context as activity_pdf_context
from reporting.assessment import selectors as assessment_selectors
from reporting.assessment.models import Run, Scheme
from reporting.charts import bar_chart_svg, column_chart_svg, stacked_bar_chart_svg
from reporting.incidents import selectors as incident_selectors
from reporting.incidents import services as incident_services
from reporting.incidents.models import (
    ClosureItem,
    Incident,
    IncidentEvent,
    IncidentReport,
    SchoolVeto,
)
from reporting.models import MonthlyOverview, MonthlyReportVersion
from reporting.monthly import services as monthly_services
from reporting.orders import services as order_services
from reporting.orders.models import RectificationOrder
from safety import services as safety_services
from safety.models import Organisation, SafetyArea, User
from safety.pdf import BUNDLED_FONT_FAMILIES, PDF_KINDS, html_to_pdf, render_pdf
from safety.responsibility.models import Post, ResponsibilityLetter
from safety.responsibility.services import letter_pdf
from tests.builders import jpeg_bytes, report_incident
from tests.reporting.activities.factories import draft as activity_draft
from tests.reporting.assessment import factories as assessment_factories
from tests.reporting.conftest import OCTOBER, facts
from tests.safety.test_pdf import pdffonts, require_poppler

# The limit forms put on unbounded text fields (a TextField's account of events).
LONG_TEXT_LIMIT = 10_000
# A pasted URL: 300 characters without a break opportunity.
UNBROKEN = "https://example.com/" + "x" * 280
# What a phone keyboard types: CJK, Latin, digits and emoji.
MIXED = "整改 OK 123 😀👍 "
DEADLINE_SECONDS = 180
# A4 is 595.3 pt wide; pdf/base.html's right margin is 18 mm.
RIGHT_EDGE_PT = 595.3 - 18 * 72 / 25.4


def fill(length: int) -> str:
    """`length` characters: mixed text, the unbroken URL, then Chinese prose, which has no
    spaces (the quadratic layout's cost grew with the square of a run without spaces)."""
    prose = "检查了消防通道并整改，楼梯照明不足，学生拥挤。😀👍123OK"
    text = MIXED + UNBROKEN + " " + prose * (length // len(prose) + 1)
    return text[:length]


class Texts:
    """Every field's text at `scale` (1 = its maximum length) of its limit; the monthly
    reports are for `month` (two documents in one test are two months)."""

    def __init__(self, scale: float, month: datetime.date = OCTOBER) -> None:
        self.scale, self.month = scale, month

    def __call__(self, model: type[Model], name: str) -> str:
        field = model._meta.get_field(name)
        return fill(max(1, int((field.max_length or LONG_TEXT_LIMIT) * self.scale)))


def _long_names(world: SimpleNamespace, t: Texts) -> None:
    """Units and people named at the longest (unit names also label the city chart)."""
    for unit in (world.city.city, world.city.county_a, world.city.school_a, world.city.school_a2):
        unit.name = t(Organisation, "name")
        unit.save(update_fields=["name"])
    for user in vars(world.people).values():
        user.full_name = t(User, "full_name")
        user.save(update_fields=["full_name"])


def build_letter(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    def text(name: str) -> str:
        return t(ResponsibilityLetter, name)

    letter = ResponsibilityLetter(
        pk=1,
        school_year="2025-2026",
        **{
            name: text(name)
            for name in (
                "unit_name",
                "issuer_unit_name",
                "issuer_name",
                "issuer_post_name",
                "holder_name",
                "post_name",
                "duty_text",
            )
        },
        area_names=[fill(50), fill(50)],
        issued_at=timezone.now(),
    )
    return lambda: letter_pdf(letter)


def build_incident_file(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    staff, official = world.people.staff_a, world.people.county_official
    long_facts = {
        name: t(IncidentReport, name)
        for name in (
            "place",
            "summary",
            "what_happened",
            "measures_taken",
            "reporter_name",
            "reporter_phone",
        )
    }
    incident = incident_services.incident_report(actor=staff, facts=facts(**long_facts))
    incident_services.incident_acknowledge(
        actor=official, incident=incident, comment=t(IncidentEvent, "comment")
    )
    incident_services.incident_mark_concealed(
        actor=official, incident=incident, reason=t(Incident, "concealed_reason")
    )
    for kind in ClosureItem.Kind.values:
        incident_services.closure_item_record(
            actor=official,
            incident=incident,
            kind=kind,
            text=t(ClosureItem, "text"),
            people=t(ClosureItem, "people"),
            held_on=datetime.date(2026, 3, 2),
        )
    template = "reporting/incidents/pdf/incident_file.html"
    return lambda: render_pdf(template, incident_selectors.incident_file_context(incident))


def _monthly_texts(t: Texts) -> dict[str, str]:
    return {
        name: t(MonthlyReportVersion, name)
        for name in ("work_done", "problems_found", "next_month_plans")
    }


def _submit(user: User, unit: Organisation, t: Texts) -> MonthlyReportVersion:
    """Schools submit on the month's 28th, bureaus on the next month's 9th."""
    if unit.is_school:
        day = t.month.replace(day=28)
    else:
        day = (t.month + datetime.timedelta(days=40)).replace(day=9)
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    monthly_services.monthly_report_save_draft(
        actor=user, unit=unit, month=t.month, **_monthly_texts(t)
    )
    return monthly_services.monthly_report_submit(actor=user, unit=unit, month=t.month, now=when)


def _version_pdf(version: MonthlyReportVersion) -> Callable[[], bytes]:
    kind = "county" if version.figures.get("kind") == "county" else "school"
    template = f"reporting/monthly/pdf/monthly_{kind}.html"
    return lambda: render_pdf(template, monthly_services.pdf_context(version))


def build_monthly_school(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    people, city = world.people, world.city
    version = _submit(people.staff_a, city.school_a, t)
    monthly_services.monthly_report_return(
        actor=people.county_official,
        report=version.report,
        comment=t(MonthlyReportVersion, "review_comment"),
    )
    version.refresh_from_db()
    return _version_pdf(version)


def build_monthly_county(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    people, city = world.people, world.city
    _submit(people.staff_a, city.school_a, t)
    _submit(people.staff_a2, city.school_a2, t)
    version = _submit(people.county_official, city.county_a, t)
    return _version_pdf(version)


def build_monthly_city(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    people, city = world.people, world.city
    _submit(people.staff_a, city.school_a, t)
    _submit(people.county_official, city.county_a, t)
    overview = MonthlyOverview.objects.create(unit=city.city, month=t.month)

    def render() -> bytes:
        monthly_services.monthly_overview_render_pdf(overview_id=overview.pk)
        return MonthlyOverview.objects.get(pk=overview.pk).pdf.read()

    return render


def build_monthly_province(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    """#23: a province (named at the longest) above the city, whose roll-up it received."""
    people, city = world.people, world.city
    province = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE).first()
    if province is None:  # the test builds twice in one world (a quarter, then full length)
        province = safety_services.organisation_create(
            actor=None, name="省", code="900", kind=Organisation.Kind.PROVINCE
        )
        city.city.parent = province
        safety_services.organisation_save(actor=None, organisation=city.city)  # paths move
    province.name = t(Organisation, "name")
    province.save(update_fields=["name"])
    fresh = {unit.pk: unit for unit in Organisation.objects.all()}
    for user in (people.staff_a, people.county_official, people.city_official):
        user.unit = fresh[user.unit_id]
    _submit(people.staff_a, fresh[city.school_a.pk], t)
    _submit(people.county_official, fresh[city.county_a.pk], t)
    _submit(people.city_official, fresh[city.city.pk], t)
    overview = MonthlyOverview.objects.create(unit=province, month=t.month)

    def render() -> bytes:
        monthly_services.monthly_overview_render_pdf(overview_id=overview.pk)
        return MonthlyOverview.objects.get(pk=overview.pk).pdf.read()

    return render


def build_campaign_summary(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    """Issue #18: a campaign of the city with every school late."""
    official = world.people.city_official
    campaign = campaign_services.campaign_launch(
        actor=official,
        bureau=world.city.city,
        title=t(Campaign, "title"),
        purpose=t(Campaign, "purpose"),
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        filters={},
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    CampaignTask.objects.filter(campaign=campaign).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    template = "inspections/campaigns/pdf/campaign_summary.html"
    return lambda: render_pdf(template, campaign_selectors.summary_context(official, campaign))


def build_rectification_order(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    """Issue #18: an order with its problems, legal basis and requirements at their longest."""
    hazard = inspection_services.hazard_report(
        actor=world.people.staff_a,
        school=world.city.school_a,
        area=SafetyArea.objects.get(key="fire"),
        description="消防通道堵塞",
    )
    order = order_services.order_issue(
        actor=world.people.county_official,
        source="hazard",
        record=hazard,
        problems=t(RectificationOrder, "problems"),
        legal_basis=t(RectificationOrder, "legal_basis"),
        requirements=t(RectificationOrder, "requirements"),
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        responder=world.people.staff_a,
    )
    return lambda: render_pdf("reporting/orders/pdf/order.html", {"order": order})


def build_activity_application(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    """Issue #16: an application with every text at its limit, returned with a long comment."""
    staff, leader = world.people.staff_a, world.people.leader_a
    long = {
        name: t(Activity, name)
        for name in ("title", "place", "insurance", "operator_name", "operator_licence")
    }
    vehicle = {
        "bus": None,
        "driver": None,
        "plate": t(ActivityVehicle, "plate"),
        "seats": 45,
        "driver_name": t(ActivityVehicle, "driver_name"),
        "licence_class": t(ActivityVehicle, "licence_class"),
        "passengers": 45,
    }
    activity = activity_draft(
        staff,
        world.city.school_a,
        [vehicle],
        transport=Activity.Transport.HIRED,
        safety_plan=fill(int(2000 * t.scale) or 1),
        emergency_measures=fill(int(2000 * t.scale) or 1),
        **long,
    )
    activity_services.activity_submit(actor=staff, activity=activity)
    activity_services.activity_decide(
        actor=leader,
        activity=activity,
        decision=ActivityApproval.Decision.RETURNED,
        comment=fill(int(2000 * t.scale) or 1),
    )

    def render() -> bytes:
        fresh = Activity.objects.select_related("school", "latest_version").get(pk=activity.pk)
        return render_pdf(ACTIVITY_PDF_TEMPLATE, activity_pdf_context(fresh))

    return render


def build_campus_plan(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    """#20: the campus plan with points at every level, named at their longest."""
    school, leader = world.city.school_a, world.people.leader_a
    RiskPoint.objects.filter(school=school).delete()  # a test may build twice
    CampusPlan.objects.update_or_create(
        school=school,
        defaults={"image": _plan_file(), "width": 640, "height": 480, "uploaded_by": leader},
    )
    post = Post.objects.get(key="grade_leader")
    area = SafetyArea.objects.get(key="buildings")
    for n, (level, score) in enumerate((("red", 20), ("orange", 15), ("yellow", 9), ("blue", 4))):
        RiskPoint.objects.create(
            school=school,
            name=t(RiskPoint, "name"),
            area=area,
            danger=t(RiskPoint, "danger"),
            method="ls",
            likelihood=1,
            severity=score,
            score=score,
            level=level,
            control_measures=t(RiskPoint, "control_measures"),
            post=post,
            check_interval_days=1,
            next_check_due=datetime.date(2026, 11, 2),
            plan_x=0.2 * (n + 1),
            plan_y=0.5,
            created_by=leader,
        )
    template = "inspections/risks/pdf/campus_plan.html"
    return lambda: render_pdf(template, risk_selectors.plan_pdf_context(school))


def _published_run(world: SimpleNamespace, t: Texts):
    """Issue #19: a published run whose title, school names and veto reason are at their
    longest (a liability incident's summary names the veto)."""
    year = 2026 - Run.objects.count()  # the linearity test builds twice in one database
    incident = report_incident(world.people.staff_a, summary=t(Incident, "summary"))
    SchoolVeto.objects.create(
        school=world.city.school_a,
        year=year,
        incident=incident,
        created_by=world.people.county_official,
    )
    run = assessment_factories.open_run(
        world.city.city, world.people.city_official, year=year, title=t(Scheme, "title")
    )
    return assessment_factories.finish_run(run, world.city, world.people)


def build_assessment_results(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    run = _published_run(world, t)
    # #19: a county flagged for concealment, in the shape frozen at publication, at its longest
    flagged = [
        (
            world.city.county_a,
            [{"school": world.city.school_a.name, "summary": t(Incident, "summary")}] * 3,
        )
    ]
    context = {
        "run": run,
        "rows": list(assessment_selectors.results(run)),
        "grade_rows": [],
        "flagged_counties": flagged,
    }
    return lambda: render_pdf("reporting/assessment/pdf/results.html", context)


def build_assessment_certificate(world: SimpleNamespace, t: Texts) -> Callable[[], bytes]:
    run = _published_run(world, t)
    item = assessment_selectors.results(run).get(school=world.city.school_a)
    return lambda: render_pdf("reporting/assessment/pdf/certificate.html", {"item": item})


def _plan_file() -> str:
    return default_storage.save("plans/plan.jpg", ContentFile(jpeg_bytes(size=(640, 480))))


BUILDERS: dict[str, Callable[[SimpleNamespace, Texts], Callable[[], bytes]]] = {
    "responsibility_letter": build_letter,
    "incident_file": build_incident_file,
    "monthly_school": build_monthly_school,
    "monthly_county": build_monthly_county,
    "monthly_city": build_monthly_city,
    "monthly_province": build_monthly_province,  # #23
    # Bureau supervision (issue #18).
    "campaign_summary": build_campaign_summary,
    "rectification_order": build_rectification_order,
    "activity_application": build_activity_application,  # issue #16
    # #17 surroundings
    "public_report_poster": lambda world, t: lambda: poster_pdf(world.city.school_a),
    "campus_plan": build_campus_plan,  # #20 risk grading
    # #19 the year-end safe-campus assessment
    "assessment_results": build_assessment_results,
    "assessment_certificate": build_assessment_certificate,
}
KIND_NAMES = [kind.name for kind in PDF_KINDS]


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging when a render does not finish in time."""

    def expire(_signum, _frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TimeoutError:
        pytest.fail(f"the render did not finish within {seconds} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def counted(render: Callable[[], bytes]) -> tuple[int, bytes]:
    """The Python function calls the render makes (cProfile's count) and the PDF. The layout
    is Python work, so a quadratic layout shows in the count; and the count is the same on a
    loaded machine, where time is not (CPU seconds failed the linear test in a full run at
    4.4 s against 0.94 s for 3.1× the calls). The deadline is wall time: a hang still fails."""
    profile = cProfile.Profile()
    with deadline(DEADLINE_SECONDS):
        profile.enable()
        try:
            pdf = render()
        finally:
            profile.disable()
    return pstats.Stats(profile).total_calls, pdf


def _world(city, people, t: Texts) -> SimpleNamespace:
    world = SimpleNamespace(city=city, people=people)
    _long_names(world, t)
    return world


# Maximal PDFs by kind, kept for the module: each costs seconds to render.
_MAXIMAL: dict[str, bytes] = {}


@pytest.fixture
def maximal_pdf(city, people) -> Callable[[str], bytes]:
    def render(kind: str) -> bytes:
        if kind not in _MAXIMAL:
            t = Texts(1)
            with deadline(DEADLINE_SECONDS):
                _MAXIMAL[kind] = BUILDERS[kind](_world(city, people, t), t)()
        return _MAXIMAL[kind]

    return render


# --- the registry covers every PDF template ------------------------------------------------


def test_every_pdf_template_is_a_registered_kind_with_a_builder():
    root = Path(settings.BASE_DIR) / "templates"
    templates = {
        str(path.relative_to(root))
        for path in root.rglob("pdf/*.html")
        if not path.name.startswith("_") and path.relative_to(root) != Path("pdf/base.html")
    }
    registered = {kind.template for kind in PDF_KINDS}
    assert templates - registered == set(), "register these in safety.pdf.PDF_KINDS"
    assert registered - templates == set()
    assert set(BUILDERS) == set(KIND_NAMES), "give each kind a builder in this file"


# #23: a PDF that lists every school (or county) of a jurisdiction grows with the data and is
# rendered by a job (Celery), never in a request; a PDF of one record (a letter, an incident,
# an order, one school's plan or poster, a campaign's summary with its late tasks capped at
# 200) is bounded and may be rendered in the request that asks for it.
GROWS_WITH_THE_DATA = {
    "monthly_school",  # rendered by the job at submission (reporting.monthly.tasks)
    "monthly_county",
    "monthly_city",
    "monthly_province",
    "assessment_results",  # a background export (reporting.assessment.exports)
}
ONE_RECORD = {
    "responsibility_letter",
    "incident_file",
    "campaign_summary",
    "rectification_order",
    "activity_application",
    "public_report_poster",
    "campus_plan",
    "assessment_certificate",
}


def test_no_view_renders_a_pdf_that_grows_with_the_data():
    assert set(KIND_NAMES) == GROWS_WITH_THE_DATA | ONE_RECORD, "classify the new kind here"
    assert not GROWS_WITH_THE_DATA & ONE_RECORD
    root = Path(settings.BASE_DIR)
    templates = {kind.template: kind.name for kind in PDF_KINDS}
    rendered_in_views = [
        (path.relative_to(root).as_posix(), name)
        for package in ("safety", "inspections", "reporting", "api")
        for path in (root / package).rglob("*.py")
        if path.name == "views.py" or path.parent.name == "views"
        for template, name in templates.items()
        if name in GROWS_WITH_THE_DATA and template in path.read_text(encoding="utf-8")
    ]
    assert rendered_in_views == [], "render these by a job (safety.exportjobs' documents)"


def test_an_unregistered_template_is_refused():
    with pytest.raises(ImproperlyConfigured):
        render_pdf("pdf/base.html", {})


# --- work linear in the text ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_render_work_is_linear_in_the_text(kind, city, people):
    quarter = Texts(0.25, month=datetime.date(2026, 9, 1))
    quarter_calls, _pdf = counted(BUILDERS[kind](_world(city, people, quarter), quarter))
    # The same world again, every text at its full length: 4× the text. (Rendered second, it
    # finds the fonts loaded: the ratio errs low, never high.)
    full = Texts(1)
    full_calls, pdf = counted(BUILDERS[kind](_world(city, people, full), full))
    assert pdf.startswith(b"%PDF")
    _MAXIMAL[kind] = pdf
    assert full_calls <= 4 * quarter_calls, (kind, quarter_calls, full_calls)


# --- long unbroken text wraps -----------------------------------------------------------


def _pdf_path(pdf: bytes, tmp_path: Path) -> Path:
    require_poppler("pdftotext")
    path = tmp_path / "kind.pdf"
    path.write_bytes(pdf)
    return path


def words_beyond_the_margin(pdf: bytes, tmp_path: Path) -> list[str]:
    html = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox", str(_pdf_path(pdf, tmp_path)), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")  # pdftotext may cut the title mid-character
    words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', html)
    return [word for x_max, word in words if float(x_max) > RIGHT_EDGE_PT + 1]


def printed_text(pdf: bytes, tmp_path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-raw", str(_pdf_path(pdf, tmp_path)), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")
    return "".join(text.split())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_long_unbroken_text_stays_on_the_page(kind, maximal_pdf, tmp_path):
    pdf = maximal_pdf(kind)
    assert words_beyond_the_margin(pdf, tmp_path) == []
    text = printed_text(pdf, tmp_path)
    # Every kind prints unit names (100 characters, the URL's first part) whole; the ones
    # with long texts print the whole 300-character URL.
    assert "".join(fill(100).split()) in text
    # The overviews and the poster print no free text; the assessment's PDFs print names and
    # titles (100 characters) and the veto's incident summary (200), none long enough for the
    # whole URL.
    short_texts = ("monthly_city", "monthly_province", "public_report_poster", "assessment_results")
    if kind not in (*short_texts, "assessment_certificate"):
        assert UNBROKEN in text


# --- bundled fonts only -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_only_bundled_fonts_are_embedded(kind, maximal_pdf, tmp_path):
    fonts = pdffonts(maximal_pdf(kind), tmp_path).splitlines()[2:]
    allowed = tuple(family.replace(" ", "-") for family in BUNDLED_FONT_FAMILIES)
    names = [line.split()[0].split("+", 1)[-1] for line in fonts]
    assert names and all(name.startswith(allowed) for name in names), names
    assert all(" yes " in line for line in fonts), fonts
    assert any(name.startswith("SafeCampus-Emoji") for name in names), "emoji not drawn"


# --- charts in the bundled font ---------------------------------------------------------

# The kinds whose PDF draws a server-side SVG chart (reporting.charts), by the chart's title:
# printed, so the font walk above covers the chart's labels too.
CHART_TITLES = {
    "monthly_county": "学校月报报送情况",
    "monthly_city": "各县区未报学校数",
    "monthly_province": "各市缺报情况",
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(CHART_TITLES))
def test_the_kinds_with_a_chart_print_it_in_the_font_walk(kind, maximal_pdf, tmp_path):
    assert CHART_TITLES[kind] in printed_text(maximal_pdf(kind), tmp_path)


def test_chart_labels_name_the_bundled_fonts_themselves(tmp_path):
    """WeasyPrint's SVG text does not inherit the document's font: each chart names the
    bundled families on its root, so its labels (CJK, Latin, digits, emoji) are drawn in
    them even in a document whose own text uses a system font."""
    label = "江城区 OK 123 😀"
    svgs = [
        bar_chart_svg([(label, 3, "#dc3545")], title=label),
        column_chart_svg([label], [(label, "#0d6efd", [2])], title=label),
        stacked_bar_chart_svg(
            [(label, [1, 2])], [(label, "#fd7e14"), ("重大", "#dc3545")], title=label
        ),
    ]
    faces = render_to_string("pdf/base.html").split("<style>", 1)[1].split("@page", 1)[0]
    html = (
        f"<!doctype html><html><head><style>{faces} body {{ font-family: serif; }}</style>"
        f"</head><body>{''.join(svgs)}</body></html>"
    )
    pdf = html_to_pdf(html)
    names = [line.split()[0].split("+", 1)[-1] for line in pdffonts(pdf, tmp_path).splitlines()[2:]]
    allowed = tuple(family.replace(" ", "-") for family in BUNDLED_FONT_FAMILIES)
    assert names and all(name.startswith(allowed) for name in names), names
    assert any(name.startswith("SafeCampus-Emoji") for name in names), names
