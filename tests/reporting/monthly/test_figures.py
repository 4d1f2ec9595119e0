"""Monthly report figures: inspections, hazards as of month end, incidents, responsibility."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import services as inspection_services
from inspections.models import ChecklistTemplate, Hazard, HazardEvent, Inspection
from reporting.incidents import services as incident_services
from reporting.models import Incident
from reporting.monthly import figures, selectors
from safety.models import Organisation, SafetyArea
from safety.responsibility.selectors import coverage_rows
from tests.factories import OrganisationFactory, UserFactory
from tests.safety.responsibility.factories import assign

from ..conftest import OCTOBER, facts, shanghai

pytestmark = pytest.mark.django_db

# Compiled "now": after October, whenever the suite runs (the data is dated in October).
AFTER = shanghai(2026, 11, 20, 12)


def october(day: int, hour: int = 9) -> datetime.datetime:
    return shanghai(2026, 10, day, hour)


def retime(hazard: Hazard, *moments: datetime.datetime) -> None:
    """Date the hazard and its events (in the order they happened) at `moments`."""
    Hazard.objects.filter(pk=hazard.pk).update(created_at=moments[0])
    events = list(HazardEvent.objects.filter(hazard=hazard).order_by("id"))
    assert len(events) == len(moments), [event.action for event in events]
    for event, moment in zip(events, moments, strict=True):
        HazardEvent.objects.filter(pk=event.pk).update(created_at=moment)


@pytest.fixture
def hazards(city, people, owner_a):
    """Walk hazards through the services of the inspections app."""
    owner = owner_a

    def make(state="reported", *, area="fire", severity="general", school=None, reporter=None):
        reporter = reporter or people.staff_a
        leader = people.leader_a if reporter.unit == city.school_a else None
        hazard = inspection_services.hazard_report(
            actor=reporter,
            school=school or reporter.unit,
            area=SafetyArea.objects.get(key=area),
            description="灭火器压力不足",
            severity=severity,
        )
        if state == "reported":
            return hazard
        hazard = inspection_services.hazard_assign(
            actor=leader,
            hazard=hazard,
            owner=owner,
            supervisor=leader,
            interim_measures="设置警示标志",
        )
        if state == "in_rectification":
            return hazard
        hazard = inspection_services.hazard_submit_rectification(
            actor=owner, hazard=hazard, evidence="已整改"
        )
        return inspection_services.hazard_verify(actor=leader, hazard=hazard, accept=True)

    return make


def rows(section: dict) -> dict[str, list]:
    return {label: values for label, *values in section["rows"]}


def test_hazard_figures_count_the_state_at_month_end(city, people, hazards, staff_b):
    other_area = SafetyArea.objects.filter(is_active=True).exclude(key="fire").first()
    # Found in October, still reported at month end.
    retime(hazards(), october(5))
    # Found in September, overdue since October 3, still open.
    overdue = hazards("in_rectification")
    inspection_services.mark_overdue(today=overdue.deadline + datetime.timedelta(days=1))
    retime(overdue, shanghai(2026, 9, 10), shanghai(2026, 9, 10, 10), october(3))
    # Found and closed in October.
    retime(hazards("closed", area=other_area.key), *(october(day) for day in (2, 3, 10, 20)))
    # Found in September, closed only in November: open at the end of October.
    closed_late = hazards("closed")
    retime(closed_late, *(shanghai(2026, 9, 1 + day) for day in range(3)), shanghai(2026, 11, 5))
    # Major, closed in September and re-opened in October.
    reopened = hazards("closed", severity="major")
    inspection_services.hazard_reopen(actor=people.county_official, hazard=reopened, reason="复查")
    retime(reopened, *(shanghai(2026, 9, 1 + day) for day in range(4)), october(10))
    # Not counted: reported in November, or at another school.
    retime(hazards(), shanghai(2026, 11, 3))
    retime(hazards(reporter=staff_b), october(5))

    sections = figures.compile_school_figures(city.school_a, OCTOBER, AFTER)["sections"]

    by_severity = sections["hazards_by_severity"]
    assert by_severity["columns"] == ["found", "rectified", "open", "overdue"]
    assert by_severity["rows"] == [["一般", 2, 1, 3, 1], ["重大", 0, 0, 1, 0]]
    by_area = rows(sections["hazards_by_area"])
    fire = SafetyArea.objects.get(key="fire").name_zh
    assert by_area[fire] == [1, 0, 4, 1]
    assert by_area[other_area.name_zh] == [1, 1, 0, 0]
    assert len(by_area) == SafetyArea.objects.filter(is_active=True).count()


def test_inspections_are_counted_by_kind_when_submitted_in_the_month(city, people, hazards):
    version = ChecklistTemplate.objects.get(area__key="fire").current_version

    def inspection(kind, day, status=Inspection.Status.SUBMITTED):
        return Inspection.objects.create(
            school=city.school_a,
            kind=kind,
            status=status,
            checklist=version,
            inspector=people.staff_a,
            inspected_on=day,
        )

    daily = inspection("self_daily", datetime.date(2026, 10, 3))
    inspection("self_daily", datetime.date(2026, 10, 31))
    inspection("county", datetime.date(2026, 10, 15))
    inspection("self_daily", datetime.date(2026, 10, 16), status=Inspection.Status.DRAFT)
    inspection("self_daily", datetime.date(2026, 9, 30))
    inspection("self_weekly", datetime.date(2026, 11, 1))
    Hazard.objects.filter(pk__in=[hazards().pk, hazards().pk]).update(inspection=daily)

    section = figures.compile_school_figures(city.school_a, OCTOBER, AFTER)["sections"][
        "inspections"
    ]

    counts = rows(section)
    assert counts["自查（每日）"] == [2, 2]
    assert counts["县区督查"] == [1, 0]
    assert sum(values[0] for values in counts.values()) == 3
    assert len(counts) == len(Inspection.Kind.choices)


def test_incident_figures_count_late_missed_and_concealed_by_category(city, people, staff_b):
    def report(category, when, user=people.staff_a):
        return incident_services.incident_report(
            actor=user, facts=facts(category=category, occurred_at=when)
        )

    on_time = report("crush_stampede", october(5))
    Incident.objects.filter(pk=on_time.pk).update(
        school_reported_at=october(5, 10), written_reported_at=october(5, 11)
    )
    report("crush_stampede", october(6))  # reported weeks later: late
    incident_services.incident_record(
        actor=people.county_official,
        school=city.school_a,
        source_note="医院通报",
        facts=facts(category="traffic", occurred_at=october(7)),
    )
    concealed = report("traffic", october(8))
    incident_services.incident_mark_concealed(
        actor=people.county_official, incident=concealed, reason="隐瞒受伤人数"
    )
    report("traffic", shanghai(2026, 9, 30, 23))  # September
    report("traffic", october(9), user=staff_b)

    section = figures.compile_school_figures(city.school_a, OCTOBER, AFTER)["sections"]["incidents"]

    assert section["columns"] == ["incidents", "late", "missed", "concealed"]
    counts = rows(section)
    assert counts["楼道拥挤踩踏"] == [2, 1, 0, 0]
    assert counts["交通事故"] == [2, 2, 1, 1]
    assert sum(values[0] for values in counts.values()) == 4


def test_responsibility_figures_follow_the_coverage_page_rules(city):
    assign(city.school_a, "principal", "校长", areas=["fire"])
    as_of = datetime.date(2026, 10, 31)

    section = figures.compile_school_figures(city.school_a, OCTOBER, AFTER)["sections"][
        "responsibility"
    ]

    grid = coverage_rows(Organisation.objects.filter(pk=city.school_a.pk), today=as_of)[0]
    assert [label for label, _count in section["rows"]] == [
        "必设岗位空缺",
        "无人负责的安全领域",
        "无有效证书的岗位人员",
        "逾期未签责任书",
        "责任空缺合计",
        "已下发未签责任书",
    ]
    posts, areas, certificates, letters_overdue, gaps, unsigned = (
        count for _label, count in section["rows"]
    )
    assert (posts, areas, certificates, letters_overdue, gaps) == (
        grid.missing_posts,
        grid.missing_areas,
        grid.certificate_gaps,
        grid.letter_gaps,
        grid.gap_count,
    )
    assert areas == SafetyArea.objects.filter(is_active=True).count() - 1
    # The principal's letter was never issued: overdue after the grace period, not "issued".
    assert letters_overdue == 1
    assert unsigned == 0


def test_submitted_figures_do_not_change_with_later_data(city, people, hazards, submit_school):
    retime(hazards(), october(5))
    version = submit_school(people.staff_a, when=timezone.now())
    frozen = version.figures["sections"]["hazards_by_severity"]["rows"]
    assert frozen[0] == ["一般", 1, 0, 1, 0]

    retime(hazards(), october(6))
    Hazard.objects.update(severity="major")

    version.refresh_from_db()
    assert version.figures["sections"]["hazards_by_severity"]["rows"] == frozen
    live = figures.compile_school_figures(city.school_a, OCTOBER)["sections"]
    assert live["hazards_by_severity"]["rows"][1] == ["重大", 2, 0, 2, 0]


def test_county_rollup_sums_the_school_sections(city, people, hazards, submit_school):
    retime(hazards(), october(5))
    retime(hazards(reporter=people.staff_a2), october(6))
    retime(hazards(reporter=people.staff_a2, severity="major"), october(7))
    submit_school(people.staff_a, when=timezone.now())
    submit_school(people.staff_a2, when=timezone.now())

    rollup = selectors.county_rollup(city.county_a, OCTOBER, timezone.localdate())

    by_severity = rollup["sections"]["hazards_by_severity"]["rows"]
    assert by_severity == [["一般", 2, 0, 2, 0], ["重大", 1, 0, 1, 0]]
    one, two = (
        version.figures["sections"]["responsibility"]["rows"]
        for version in (
            city.school_a.monthly_reports.get().latest_version,
            city.school_a2.monthly_reports.get().latest_version,
        )
    )
    summed = rollup["sections"]["responsibility"]["rows"]
    assert summed == [[a[0], a[1] + b[1]] for a, b in zip(one, two, strict=True)]
    assert summed[1][1] == 2 * SafetyArea.objects.filter(is_active=True).count()
    overview = selectors.city_overview(city.city, OCTOBER, timezone.localdate())
    assert overview["sections"]["hazards_by_severity"]["rows"] == by_severity


def _compile_queries(school) -> int:
    with CaptureQueriesContext(connection) as context:
        figures.compile_school_figures(school, OCTOBER, AFTER)
    return len(context.captured_queries)


def test_compiling_a_school_takes_a_fixed_number_of_queries(city, people, hazards):
    retime(hazards(), october(5))
    few = _compile_queries(city.school_a)
    for day in range(1, 9):
        retime(hazards("closed", severity="major" if day % 2 else "general"), *[october(day)] * 4)
    assert _compile_queries(city.school_a) == few
    assert few <= 26  # one or two queries per section; 14 sections since the features of #14–#18


def test_county_rollup_query_count_does_not_grow_with_schools(city, people, submit_school):
    submit_school(people.staff_a, when=timezone.now())

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            selectors.county_rollup(city.county_a, OCTOBER, timezone.localdate())
        return len(context.captured_queries)

    few = count()
    for index in range(5):
        school = OrganisationFactory(name=f"甲区第{index + 3}小学", parent=city.county_a)
        submit_school(UserFactory(unit=school), when=timezone.now())
    assert count() == few


def _subplan_loops(plan: dict) -> int:
    """The most times any per-hazard subquery ran in an EXPLAIN ANALYZE (JSON) plan."""
    loops = plan.get("Actual Loops", 0) if plan.get("Subplan Name") else 0
    return max([loops, *(_subplan_loops(child) for child in plan.get("Plans", []))])


def test_hazards_closed_before_the_month_cost_nothing_and_count_nothing(city, hazards):
    """#23: the figures stay flat in the school's history: the per-hazard subqueries run
    only for the hazards not closed before the month (same figures either way)."""
    retime(hazards(), october(5))
    before = figures.compile_school_figures(city.school_a, OCTOBER, AFTER)["sections"]
    for day in range(1, 7):  # six hazards found and closed in September, long settled
        old = hazards("closed")
        retime(old, *(shanghai(2026, 9, day, hour) for hour in (8, 9, 10, 11)))
        Hazard.objects.filter(pk=old.pk).update(closed_at=shanghai(2026, 9, day, 11))
    after = figures.compile_school_figures(city.school_a, OCTOBER, AFTER)["sections"]
    assert after["hazards_by_severity"] == before["hazards_by_severity"]
    assert after["hazards_by_area"] == before["hazards_by_area"]
    if connection.vendor != "postgresql":
        return
    with CaptureQueriesContext(connection) as captured:
        figures.section_by_key("hazards_by_severity").compute(city.school_a, OCTOBER, AFTER)
    (query,) = [q["sql"] for q in captured.captured_queries if "inspections_hazard" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}")
        plan = cursor.fetchone()[0][0]["Plan"]
    assert _subplan_loops(plan) <= 1  # the one October hazard, not the six settled ones
