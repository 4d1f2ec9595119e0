"""The rules of emergency preparedness: drill frequency per school type, the filing workflow
of plans, teams and their gaps on the coverage page, bad input and reminders once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safety.models import Notification, Organisation
from safety.preparedness import selectors, services
from safety.preparedness.models import Drill, DrillSettings, Plan, PlanEvent, Team
from safety.responsibility import services as responsibility_services
from safety.responsibility.models import Assignment, Holder
from safety.responsibility.selectors import coverage_rows, school_coverage
from tests.factories import OrganisationFactory

from .builders import (
    coverage_checked,
    filed_plan,
    recorded_drill,
    scenario,
    team_holder,
    upload_plan,
)

SchoolType = Organisation.SchoolType
pytestmark = pytest.mark.django_db


# --- Frequency rules per school type --------------------------------------------------------


def probe(school_type: str, *, boarding: bool = False) -> Organisation:
    return Organisation(kind="school", school_type=school_type, is_boarding=boarding)


@pytest.mark.parametrize(
    ("school_type", "boarding", "period", "count", "target"),
    [
        (SchoolType.PRIMARY, False, "month", 1, 180),
        (SchoolType.JUNIOR_MIDDLE, False, "month", 1, 120),
        (SchoolType.SENIOR_MIDDLE, False, "month", 1, 120),
        (SchoolType.KINDERGARTEN, False, "quarter", 1, 180),
        (SchoolType.SPECIAL, False, "month", 2, 180),
        (SchoolType.JUNIOR_MIDDLE, True, "month", 2, 120),
        (SchoolType.KINDERGARTEN, True, "month", 2, 180),
    ],
)
def test_national_defaults_per_school_type(school_type, boarding, period, count, target):
    need = selectors.requirement(probe(school_type, boarding=boarding), None)
    assert (need.period, need.count, need.target_seconds) == (period, count, target)


def test_a_bureau_setting_overrides_the_default_for_its_schools_only(city):
    DrillSettings.objects.create(unit=city.county_a, school_per_month=2, boarding_per_month=3)
    assert selectors.school_requirement(city.school_a).count == 2
    assert selectors.school_requirement(city.school_a2).count == 3  # boarding
    assert selectors.school_requirement(city.school_b).count == 1  # county B: the default


def test_the_city_setting_applies_where_a_county_has_none(city):
    DrillSettings.objects.create(unit=city.city, kindergarten_per_quarter=2)
    kindergarten = OrganisationFactory(
        name="乙县幼儿园", parent=city.county_b, school_type=SchoolType.KINDERGARTEN
    )
    need = selectors.school_requirement(kindergarten)
    assert (need.period, need.count) == ("quarter", 2)


def test_period_bounds():
    day = datetime.date(2026, 11, 30)
    assert selectors.period_bounds("month", day) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
    )
    assert selectors.period_bounds("quarter", day) == (
        datetime.date(2026, 10, 1),
        datetime.date(2027, 1, 1),
    )
    assert selectors.period_key("quarter", day) == "2026Q4"


# --- The filing workflow --------------------------------------------------------------------


def test_a_plan_is_filed_acknowledged_and_frozen(city, people):
    plan = upload_plan(people.leader_a, city.school_a)
    assert (plan.status, plan.version) == (Plan.Status.DRAFT, 1)
    assert plan.next_review_on == timezone.localdate() + datetime.timedelta(days=365)
    plan = services.plan_submit(actor=people.leader_a, plan=plan)
    assert plan.status == Plan.Status.SUBMITTED
    assert plan.approved_by == people.leader_a
    assert Notification.objects.filter(
        recipient=people.county_official, kind="plan_filing"
    ).exists()
    plan = services.plan_acknowledge(actor=people.county_official, plan=plan)
    assert plan.status == Plan.Status.ACKNOWLEDGED and plan.is_frozen
    with pytest.raises(ValidationError):
        services.plan_submit(actor=people.leader_a, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_return(actor=people.county_official, plan=plan, comment="再改")
    steps = list(PlanEvent.objects.filter(plan=plan).values_list("from_status", "to_status"))
    assert steps == [("draft", "submitted"), ("submitted", "acknowledged")]


def test_a_new_version_starts_a_new_filing_and_keeps_the_acknowledged_one(city, people):
    first = filed_plan(people.leader_a, people.county_official, city.school_a)
    second = upload_plan(people.leader_a, city.school_a, title="消防安全应急预案（修订）")
    assert second.version == 2 and second.status == Plan.Status.DRAFT
    first.refresh_from_db()
    assert first.status == Plan.Status.ACKNOWLEDGED and first.title == "消防安全应急预案"
    rows = {row.scenario.key: row for row in selectors.plan_rows(city.school_a)}
    assert rows["fire"].current == first and rows["fire"].latest == second


def test_a_returned_plan_needs_a_comment_and_can_be_filed_again(city, people):
    plan = services.plan_submit(
        actor=people.leader_a, plan=upload_plan(people.leader_a, city.school_a)
    )
    with pytest.raises(ValidationError):
        services.plan_return(actor=people.county_official, plan=plan, comment="  ")
    plan = services.plan_return(actor=people.county_official, plan=plan, comment="补充报警流程")
    assert plan.status == Plan.Status.RETURNED and plan.review_comment == "补充报警流程"
    assert Notification.objects.filter(recipient=people.leader_a, kind="plan_filing").exists()
    plan = services.plan_submit(actor=people.leader_a, plan=plan)
    assert plan.status == Plan.Status.SUBMITTED


def test_no_new_version_while_one_waits(city, people):
    services.plan_submit(actor=people.leader_a, plan=upload_plan(people.leader_a, city.school_a))
    with pytest.raises(ValidationError):
        upload_plan(people.leader_a, city.school_a)


def test_only_the_bureau_directly_above_reviews_and_only_the_leader_files(city, people):
    plan = upload_plan(people.leader_a, city.school_a)
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=people.staff_a, plan=plan)
    with pytest.raises(PermissionDenied):
        upload_plan(people.staff_a, city.school_a)
    plan = services.plan_submit(actor=people.leader_a, plan=plan)
    for outsider in (people.other_county_official, people.city_official, people.county_admin):
        with pytest.raises(PermissionDenied):
            services.plan_acknowledge(actor=outsider, plan=plan)


def test_dormitory_fire_plans_are_for_boarding_schools_only(city, people):
    with pytest.raises(ValidationError):
        upload_plan(people.leader_a, city.school_a, key="dormitory_fire")
    rows = {row.scenario.key for row in selectors.plan_rows(city.school_a2)}
    assert "dormitory_fire" in rows
    assert "dormitory_fire" not in {row.scenario.key for row in selectors.plan_rows(city.school_a)}


def test_a_drill_can_flag_its_plan_for_review(city, people):
    plan = filed_plan(people.leader_a, people.county_official, city.school_a)
    recorded_drill(people.staff_a, city.school_a, seconds=200, plan=plan, plan_needs_review=True)
    plan.refresh_from_db()
    assert plan.review_flagged_at is not None and plan.is_review_due(timezone.localdate())
    result = coverage_checked(people.county_official, {})
    row = next(r for r in result.rows if r.school_id == city.school_a.pk)
    assert row.overdue_reviews == 1


# --- Drills: bad input ----------------------------------------------------------------------


def _planned(people, city) -> Drill:
    return services.drill_plan(
        actor=people.staff_a,
        unit=city.school_a,
        scenario=scenario("earthquake"),
        planned_on=timezone.localdate(),
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": timezone.localdate() + datetime.timedelta(days=1)}, "held_on"),
        ({"evacuation_seconds": 0}, "evacuation_seconds"),
        ({"evacuation_seconds": 3600}, "evacuation_seconds"),
        ({"pupils": 501}, "pupils"),
        ({"staff": 41}, "staff"),
    ],
)
def test_drill_records_that_break_the_rules_are_refused(city, people, changes, field):
    drill = _planned(people, city)
    values = {
        "held_on": timezone.localdate(),
        "pupils": 500,
        "staff": 40,
        "evacuation_seconds": 150,
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        services.drill_record(actor=people.staff_a, drill=drill, **values)
    assert field in refused.value.error_dict
    drill.refresh_from_db()
    assert drill.status == Drill.Status.PLANNED and drill.pupils is None


def test_a_drill_is_recorded_once_and_only_by_its_school(city, people):
    drill = _planned(people, city)
    with pytest.raises(PermissionDenied):
        services.drill_record(
            actor=people.county_official,
            drill=drill,
            held_on=timezone.localdate(),
            pupils=1,
            staff=1,
            evacuation_seconds=100,
        )
    services.drill_record(
        actor=people.staff_a,
        drill=drill,
        held_on=timezone.localdate(),
        pupils=1,
        staff=1,
        evacuation_seconds=100,
    )
    with pytest.raises(ValidationError):
        services.drill_record(
            actor=people.staff_a,
            drill=drill,
            held_on=timezone.localdate(),
            pupils=1,
            staff=1,
            evacuation_seconds=100,
        )


# --- Teams and their gaps -------------------------------------------------------------------


def test_team_members_are_holders_with_a_phone(city, people):
    services.teams_set_up(actor=people.leader_a, unit=city.school_a)
    assert services.teams_set_up(actor=people.leader_a, unit=city.school_a) == []
    team = Team.objects.get(unit=city.school_a, kind=Team.Kind.LEADING)
    holder = team_holder(city.school_a)
    services.team_member_add(actor=people.leader_a, team=team, holder=holder, is_leader=True)
    with pytest.raises(ValidationError):
        services.team_member_add(actor=people.leader_a, team=team, holder=holder)
    no_phone = responsibility_services.holder_save(
        actor=None, holder=Holder(unit=city.school_a, name="赵老师")
    )
    with pytest.raises(ValidationError):
        services.team_member_add(actor=people.leader_a, team=team, holder=no_phone)
    elsewhere = team_holder(city.school_b, name="钱老师")
    with pytest.raises(ValidationError):
        services.team_member_add(actor=people.leader_a, team=team, holder=elsewhere)
    with pytest.raises(PermissionDenied):
        services.team_member_add(actor=people.staff_a, team=team, holder=holder)


def test_a_member_who_left_is_a_gap_on_the_coverage_page_and_grid(city, people):
    services.teams_set_up(actor=people.leader_a, unit=city.school_a)
    team = Team.objects.get(unit=city.school_a, kind=Team.Kind.EVACUATION)
    holder = team_holder(city.school_a)
    services.team_member_add(actor=people.leader_a, team=team, holder=holder)
    assert not [gap for gap in school_coverage(city.school_a).gaps if gap.kind == "team"]
    grid_before = coverage_rows(Organisation.objects.filter(pk=city.school_a.pk))[0]
    assert grid_before.team_gaps == 0
    newcomer = responsibility_services.holder_save(
        actor=None, holder=Holder(unit=city.school_a, name="孙老师", phone="13900001111")
    )
    responsibility_services.assignment_handover(
        actor=None,
        assignment=Assignment.objects.get(holder=holder),
        new_holder=newcomer,
        on=timezone.localdate() - datetime.timedelta(days=1),
    )
    coverage = school_coverage(city.school_a)
    team_gaps = [gap for gap in coverage.gaps if gap.kind == "team"]
    assert len(team_gaps) == 1 and "王老师" in team_gaps[0].label
    grid = coverage_rows(Organisation.objects.filter(pk=city.school_a.pk))[0]
    assert grid.team_gaps == 1 and grid.gap_count == coverage.gap_count  # one rule, both pages
    member = team.members.get()
    services.team_member_remove(actor=people.leader_a, member=member)
    after = school_coverage(city.school_a)
    assert after.gap_count == coverage.gap_count - 1
    assert not [gap for gap in after.gaps if gap.kind == "team"]


# --- Coverage view and reminders ------------------------------------------------------------


def test_coverage_shows_done_and_missing_drills_and_missing_plans(city, people):
    recorded_drill(people.staff_a, city.school_a)
    filed_plan(people.leader_a, people.county_official, city.school_a, "overall")
    result = coverage_checked(people.county_official, {})
    rows = {row.school_id: row for row in result.rows}
    assert set(rows) == {city.school_a.pk, city.school_a2.pk}
    assert rows[city.school_a.pk].drills_ok and not rows[city.school_a2.pk].drills_ok
    assert "总体应急预案" not in rows[city.school_a.pk].missing_scenarios
    assert "宿舍夜间火灾" in rows[city.school_a2.pk].missing_scenarios
    assert "宿舍夜间火灾" not in rows[city.school_a.pk].missing_scenarios
    assert rows[city.school_a.pk].latest_seconds == 150
    assert result.county_trend[0][0] == city.county_a.name
    only_missing = coverage_checked(people.county_official, {"show": "drills"})
    assert [row.school_id for row in only_missing.rows] == [city.school_a2.pk]


def test_reminders_go_once_to_schools_behind(city, people):
    day = datetime.date(2026, 10, 28)
    recorded_drill(people.staff_a, city.school_a, day=day.replace(day=2))
    sent = services.send_drill_reminders(today=day)
    reminded = set(
        Notification.objects.filter(kind="drill_reminder").values_list(
            "recipient__unit_id", flat=True
        )
    )
    assert sent >= 1
    assert city.school_a.pk not in reminded  # it drilled this month
    assert city.school_a2.pk in reminded  # school B has no account to remind
    assert services.send_drill_reminders(today=day) == 0  # once, no floods
    early = services.send_drill_reminders(today=day.replace(day=5))
    assert early == 0  # too early in the month to remind


def test_kindergartens_are_reminded_by_quarter(city, people):
    kindergarten = OrganisationFactory(
        name="甲区幼儿园", parent=city.county_a, school_type=SchoolType.KINDERGARTEN
    )
    behind = dict(services.schools_behind(datetime.date(2026, 11, 25), 10))
    assert kindergarten.pk not in behind  # 36 days of the quarter left
    behind = dict(services.schools_behind(datetime.date(2026, 12, 25), 10))
    assert behind[kindergarten.pk] == "2026Q4"


def test_a_county_files_its_own_plan_with_the_city(city, people):
    plan = upload_plan(
        people.county_admin, city.county_a, key="overall", title="甲区教育局总体预案"
    )
    plan = services.plan_submit(actor=people.county_admin, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_acknowledge(actor=people.county_official, plan=plan)  # not above it
    plan = services.plan_acknowledge(actor=people.city_official, plan=plan)
    assert plan.status == Plan.Status.ACKNOWLEDGED
    with pytest.raises(PermissionDenied):
        upload_plan(people.county_admin, city.school_a)  # a school's plans are its own
    with pytest.raises(ValidationError):
        services.plan_submit(
            actor=people.administrator,
            plan=upload_plan(people.administrator, city.city, key="overall"),
        )  # the city has nobody above it
