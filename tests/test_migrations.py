"""A database migrated before the feature layout (issue #12) works after it.

The move changed no table but for three migrations that only alter the columns of the
workflow timelines (safety 0008, inspections 0005, reporting 0006: the event models now extend
`safety.models.TransitionEvent`). This test migrates the test database back to the state
before them, writes one record of each timeline through the historical models, migrates
forward and reads every value back through the current models and selectors.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from inspections import selectors as inspection_selectors
from reporting.incidents import selectors as incident_selectors
from reporting.monthly import selectors as monthly_selectors
from reporting.monthly.periods import reports_monthly
from safety import services as safety_services
from safety.models import Organisation, User
from safety.responsibility import selectors as responsibility_selectors

BEFORE_THE_MOVE = [
    ("safety", "0007_merge_0005_user_sessions_0006_standard_posts"),
    ("inspections", "0004_hazard_tally"),
    ("reporting", "0005_closure_item_hazards"),
]
UTC = datetime.UTC


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, 30, tzinfo=UTC)


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # what is applied now
    return executor


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _units(apps) -> SimpleNamespace:
    """City → county → school, with the materialised paths the services would write."""
    Organisation = apps.get_model("safety", "Organisation")

    def unit(name, code, kind, parent=None, **fields):
        made = Organisation.objects.create(
            name=name, code=code, kind=kind, parent=parent, path=code, **fields
        )
        made.path = (parent.path if parent else "") + f"{made.pk:08d}/"
        made.save(update_fields=["path"])
        return made

    city = unit("迁移市教育局", "M00000", "city")
    county = unit("迁移区教育局", "M00001", "county", city)
    school = unit(
        "迁移区实验小学", "M00002", "school", county, school_type="primary", locality="urban"
    )
    return SimpleNamespace(city=city, county=county, school=school)


def event_values(event, record_pk: int, **extra) -> dict:
    """What a timeline row says, old model or new."""
    return {
        "record": record_pk,
        "actor": event.actor_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "comment": event.comment,
        "created_at": event.created_at,
        **extra,
    }


def write_before_the_move(apps) -> dict:
    """One record of each timeline, each with one event, through the historical models.
    Returns what each event must still say afterwards, by kind."""
    units = _units(apps)
    User_ = apps.get_model("safety", "User")
    staff = User_.objects.create(
        username="mig.staff", password="!", role="school_staff", organisation=units.school
    )
    official = User_.objects.create(
        username="mig.official", password="!", role="bureau_official", organisation=units.county
    )
    area = apps.get_model("safety", "SafetyArea").objects.create(
        key="migration-area", name_zh="迁移", name_en="Migration", description=""
    )
    hazard = apps.get_model("inspections", "Hazard").objects.create(
        school=units.school,
        area=area,
        reporter=staff,
        description="灭火器压力不足",
        source="self_inspection",
        status="in_rectification",
        owner=staff,
    )
    hazard_event = apps.get_model("inspections", "HazardEvent").objects.create(
        hazard=hazard,
        action="assigned",
        from_status="reported",
        to_status="in_rectification",
        comment="请在七日内整改",
        actor=official,
        created_at=at(3, 9),
    )
    occurred = at(5, 8)
    incident = apps.get_model("reporting", "Incident").objects.create(
        school=units.school,
        source="school",
        category="crush_stampede",
        severity="general",
        occurred_at=occurred,
        place="教学楼东侧楼梯",
        summary="两名学生摔倒受伤",
        initial_deadline=occurred + datetime.timedelta(hours=2),
        written_deadline=occurred + datetime.timedelta(hours=24),
        created_by=staff,
        status="acknowledged",
    )
    incident_event = apps.get_model("reporting", "IncidentEvent").objects.create(
        incident=incident,
        action="acknowledged",
        from_status="reported",
        to_status="acknowledged",
        comment="已收到，请跟进",
        actor=official,
        created_at=at(5, 10),
    )
    report = apps.get_model("reporting", "MonthlyReport").objects.create(
        unit=units.school, month=datetime.date(2026, 10, 1), status="returned"
    )
    report_event = apps.get_model("reporting", "MonthlyReportEvent").objects.create(
        report=report,
        from_status="submitted",
        to_status="returned",
        comment="请补充隐患整改情况",
        actor=official,
        created_at=at(31, 9),
    )
    post = apps.get_model("safety", "Post").objects.create(
        key="migration-post",
        name_zh="迁移岗",
        name_en="Migration post",
        unit_kind="school",
        duty_text="负责迁移",
    )
    holder = apps.get_model("safety", "Holder").objects.create(unit=units.school, name="王老师")
    assignment = apps.get_model("safety", "Assignment").objects.create(
        unit=units.school,
        holder=holder,
        post=post,
        school_year="2026-2027",
        start_date=datetime.date(2026, 9, 1),
    )
    letter = apps.get_model("safety", "ResponsibilityLetter").objects.create(
        assignment=assignment,
        school_year="2026-2027",
        unit_name=units.school.name,
        issuer_unit_name=units.school.name,
        holder_name="王老师",
        post_name="迁移岗",
        duty_text="负责迁移",
        status="signed",
        signed_on=datetime.date(2026, 9, 10),
    )
    letter_event = apps.get_model("safety", "LetterEvent").objects.create(
        letter=letter,
        from_status="issued",
        to_status="signed",
        comment="签字页已上传",
        actor=staff,
        created_at=at(1, 9),
    )

    return {
        "official": official.pk,
        "school": units.school.pk,
        "hazard": event_values(hazard_event, hazard.pk, action="assigned"),
        "incident": event_values(incident_event, incident.pk, action="acknowledged"),
        "report": event_values(report_event, report.pk),
        "letter": event_values(letter_event, letter.pk, assignment=assignment.pk),
    }


def read_after_the_move(written: dict) -> dict:
    """The same events as the current selectors show them."""
    official = User.objects.get(pk=written["official"])

    hazard = inspection_selectors.access_hazard(official, written["hazard"]["record"])
    (hazard_event,) = hazard.events.all()
    incident = incident_selectors.incident_with_timeline(
        incident_selectors.access_incident(official, written["incident"]["record"])
    )
    (incident_event,) = incident.events.all()
    report = monthly_selectors.access_monthly_report(
        official, written["school"], datetime.date(2026, 10, 1)
    )
    (report_event,) = report.events.all()
    letter = responsibility_selectors.access_letter(official, written["letter"]["record"])
    (letter,) = responsibility_selectors.assignment_letters(letter.assignment)
    (letter_event,) = letter.events.all()
    return {
        "official": official.pk,
        "school": written["school"],
        "hazard": event_values(hazard_event, hazard.pk, action=hazard_event.action),
        "incident": event_values(incident_event, incident.pk, action=incident_event.action),
        "report": event_values(report_event, report.pk),
        "letter": event_values(letter_event, letter.pk, assignment=letter.assignment_id),
    }


@pytest.mark.django_db(transaction=True)
def test_timelines_written_before_the_feature_layout_read_the_same_after_it():
    newest = latest()
    try:
        executor = migrate(BEFORE_THE_MOVE)
        written = write_before_the_move(executor.loader.project_state(BEFORE_THE_MOVE).apps)
        migrate(newest)
        assert read_after_the_move(written) == written
    finally:
        # Whatever happened, the tests after this one find the newest schema.
        migrate(newest)


# --- #23 the province level ----------------------------------------------------------------
BEFORE_THE_PROVINCE = [("safety", "0023_user_role_api_client")]


@pytest.mark.django_db(transaction=True)
def test_a_city_installation_keeps_working_after_the_province_level():
    """A city installed before #23 stays the root (its parent empty), its units keep their
    paths, it still only receives monthly reports, and a province can be put above it."""
    newest = latest()
    try:
        executor = migrate(BEFORE_THE_PROVINCE)
        units = _units(executor.loader.project_state(BEFORE_THE_PROVINCE).apps)
        paths = {"city": units.city.path, "school": units.school.path}
        migrate(newest)
        city = Organisation.objects.get(pk=units.city.pk)
        school = Organisation.objects.get(pk=units.school.pk)
        assert city.parent_id is None and city.kind == "city"
        assert {"city": city.path, "school": school.path} == paths
        assert not reports_monthly(city)
        province = safety_services.organisation_create(
            actor=None, name="迁移省教育厅", code="M0", kind=Organisation.Kind.PROVINCE
        )
        city.parent = province
        city.full_clean(exclude=["path"])
        safety_services.organisation_save(actor=None, organisation=city)
        school.refresh_from_db()
        assert school.path.startswith(province.path) and school.is_within(province)
        assert reports_monthly(Organisation.objects.get(pk=city.pk))
    finally:
        migrate(newest)
