"""The coverage gap summaries (models.GapSummary, issue #23) equal the live count after every
responsibility change made through the services, go stale (and are counted live) after a
change that reaches many units, and are rewritten for the new day by the nightly task."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safety.models import (
    Certificate,
    GapSummary,
    Organisation,
    ResponsibilitySettings,
    SafetyArea,
)
from safety.preparedness import services as preparedness_services
from safety.preparedness.models import Team
from safety.responsibility import gaps, selectors, services, tasks
from safety.responsibility.models import Assignment, Holder
from safety.services import organisation_save, safety_area_save
from safety.uploads import clean_document
from tests.builders import jpeg_upload
from tests.factories import OrganisationFactory
from tests.safety.preparedness.builders import team_holder
from tests.safety.responsibility.factories import assign, cover_school, holder

pytestmark = pytest.mark.django_db

FIELDS = ("missing_posts", "missing_areas", "certificate_gaps", "letter_gaps", "team_gaps")


def live(unit: Organisation) -> dict[str, int]:
    row = selectors.coverage_rows(Organisation.objects.filter(pk=unit.pk))[0]
    return {name: getattr(row, name) for name in FIELDS}


def kept(unit: Organisation) -> dict[str, int]:
    summary = GapSummary.objects.get(unit=unit)
    assert summary.on == timezone.localdate()
    assert summary.gap_count == sum(getattr(summary, name) for name in FIELDS)
    return {name: getattr(summary, name) for name in FIELDS}


def test_the_summary_follows_assignments_certificates_and_holders(city):
    school = city.school_a
    first = assign(school, "principal", "张校长")
    assert kept(school) == live(school)
    before = kept(school)["missing_posts"]

    cover_school(school)
    assert kept(school) == live(school)
    assert kept(school)["missing_posts"] < before

    # A certificate the post needs expires: a certificate gap, once saved through the service.
    certificate = Certificate.objects.filter(holder__unit=school).first()
    certificate.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    services.certificate_save(actor=None, certificate=certificate, changed_fields=["expires_on"])
    assert kept(school)["certificate_gaps"] >= 1
    assert kept(school) == live(school)

    services.assignment_end(actor=None, assignment=first, end_date=timezone.localdate())
    assert kept(school) == live(school)

    successor = holder(school, "李校长")
    current = school.assignments.filter(end_date__isnull=True).first()
    services.assignment_handover(
        actor=None, assignment=current, new_holder=successor, on=timezone.localdate()
    )
    assert kept(school) == live(school)


def test_the_summary_keeps_the_emergency_team_gaps(city, people):
    """A team member who left is a gap kept in the unit's summary (the home's figure, the grid
    and the monthly report read it from there): a member whose post was handed over, one
    added without a current post, and the gap gone when the member is taken off the team."""
    school = city.school_a
    preparedness_services.teams_set_up(actor=people.leader_a, unit=school)
    team = Team.objects.get(unit=school, kind=Team.Kind.EVACUATION)
    member_holder = team_holder(school)
    member = preparedness_services.team_member_add(
        actor=people.leader_a, team=team, holder=member_holder
    )
    assert kept(school)["team_gaps"] == 0
    newcomer = services.holder_save(
        actor=None, holder=Holder(unit=school, name="孙老师", phone="13900001111")
    )
    services.assignment_handover(
        actor=None,
        assignment=Assignment.objects.get(holder=member_holder),
        new_holder=newcomer,
        on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert kept(school)["team_gaps"] == 1
    assert kept(school) == live(school)
    rows = selectors.kept_coverage_rows(Organisation.objects.filter(pk=school.pk))
    assert rows[0].team_gaps == 1

    # A holder of the school without a current post, put on a team: a gap at once.
    postless = services.holder_save(
        actor=None, holder=Holder(unit=school, name="周老师", phone="13900002222")
    )
    leading = Team.objects.get(unit=school, kind=Team.Kind.LEADING)
    preparedness_services.team_member_add(actor=people.leader_a, team=leading, holder=postless)
    assert kept(school)["team_gaps"] == 2

    preparedness_services.team_member_remove(actor=people.leader_a, member=member)
    assert kept(school)["team_gaps"] == 1
    assert kept(school) == live(school)


def test_readers_use_the_summary_and_count_stale_units_live(city):
    school = city.school_a
    cover_school(school)
    units = Organisation.objects.filter(pk__in=[school.pk, city.school_b.pk]).order_by("pk")
    expected = [(row.school_id, row.gap_count) for row in selectors.coverage_rows(units)]

    # school_b has no summary (as before the nightly task's first run), school_a a stale
    # one: both counted live.
    GapSummary.objects.filter(unit=city.school_b).delete()
    GapSummary.objects.filter(unit=school).update(
        on=timezone.localdate() - datetime.timedelta(days=1), missing_posts=99
    )
    rows = selectors.kept_coverage_rows(units)
    assert [(row.school_id, row.gap_count) for row in rows] == expected

    # The nightly task writes everyone's for today; readers then read them.
    assert tasks.refresh_gap_summaries() == Organisation.objects.filter(is_active=True).count()
    assert GapSummary.objects.filter(on=timezone.localdate()).count() >= 2
    rows = selectors.kept_coverage_rows(units)
    assert [(row.school_id, row.gap_count) for row in rows] == expected
    assert selectors.unit_gap_count(school) == expected[0][1]


def test_the_home_counts_kept_and_stale_summaries_like_the_grid(city, client_for):
    """The bureau home reads the summaries in one grouped query (#23): units whose summary of
    today shows gaps or none, and those without one, counted live as the grid counts them."""
    tasks.refresh_gap_summaries()
    # school_a's summary of today says "no gaps": both pages trust it.
    GapSummary.objects.filter(unit=city.school_a).update(**dict.fromkeys(FIELDS, 0), gap_count=0)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    GapSummary.objects.filter(unit=city.school_b).delete()  # none: as before the first run
    # A stale summary that says "no gaps" of a county bureau that has some.
    GapSummary.objects.filter(unit=city.county_a).update(on=yesterday, missing_posts=0, gap_count=0)
    assert live(city.county_a)["missing_posts"] > 0
    home = client_for("city_official").get(reverse("dashboards:home"))
    figures = {figure.key: figure for figure in home.context["dashboard"].figures}
    grid = client_for("city_official").get(reverse("responsibility:coverage_grid"))
    rows = {row.school_id: row.gap_count for row in grid.context["page"].object_list}
    assert rows[city.county_a.pk] > 0 and rows[city.school_a.pk] == 0
    assert figures["units_with_gaps"].value == grid.context["units_with_gaps"]
    assert figures["units_with_gaps"].value == len([gaps for gaps in rows.values() if gaps])
    assert figures["coverage_rate"].total == len(rows)


def test_a_grace_period_change_makes_the_units_below_stale(
    city, django_capture_on_commit_callbacks
):
    cover_school(city.school_a)
    gaps.refresh(Organisation.objects.all())
    settings_row = ResponsibilitySettings(unit=city.county_a, unsigned_letter_grace_days=0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.responsibility_settings_save(actor=None, settings_row=settings_row)
    assert not GapSummary.objects.filter(unit__path__startswith=city.county_a.path).exists()
    assert GapSummary.objects.filter(unit=city.school_b).exists()  # another county's
    assert len(callbacks) == 1  # the refresh job, queued after the commit
    row = selectors.kept_coverage_rows(Organisation.objects.filter(pk=city.school_a.pk))[0]
    assert row.letter_gaps == live(city.school_a)["letter_gaps"]


def test_a_signed_letter_and_a_holder_change_keep_the_summary(city):
    school = city.school_a
    assignment = assign(school, "class_teacher", "李老师")
    letter = services.letter_issue(actor=None, assignment=assignment)
    assert kept(school) == live(school)
    services.letter_sign(
        actor=None,
        letter=letter,
        signed_on=timezone.localdate(),
        scan=clean_document(jpeg_upload("签字页.jpg")),
    )
    assert kept(school)["letter_gaps"] == 0
    assert kept(school) == live(school)

    person = assignment.holder
    person.is_active = False
    services.holder_save(actor=None, holder=person, changed_fields=["is_active"])
    assert kept(school) == live(school)


def test_a_new_unit_and_a_changed_school_have_a_summary_of_today(city):
    school = OrganisationFactory(name="新建小学", parent=city.county_a)
    assert kept(school) == live(school)
    assert kept(school)["missing_posts"] > 0  # nobody holds anything yet

    # A boarding school needs the boarding-only posts: the save rewrites its summary.
    before = kept(school)["missing_posts"]
    school.is_boarding = True
    organisation_save(actor=None, organisation=school, changed_fields=["is_boarding"])
    assert kept(school) == live(school)
    assert kept(school)["missing_posts"] > before


def test_a_bureau_moved_rewrites_its_subtree_and_a_new_area_makes_every_summary_stale(
    city, django_capture_on_commit_callbacks
):
    cover_school(city.school_a)
    # County B gives a year to sign: under it, no unsigned letter is overdue yet.
    ResponsibilitySettings.objects.create(unit=city.county_b, unsigned_letter_grace_days=365)
    assert kept(city.school_a)["letter_gaps"] > 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        city.county_a.parent = city.county_b
        organisation_save(actor=None, organisation=city.county_a, changed_fields=["parent"])
    # Every unit below the moved bureau takes county B's grace period: rewritten at once.
    assert kept(city.school_a) == live(city.school_a)
    assert kept(city.school_a)["letter_gaps"] == 0
    assert kept(city.county_a) == live(city.county_a)
    assert callbacks == []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        safety_area_save(actor=None, area=SafetyArea(key="lab", name_zh="实验室", name_en="Lab"))
    assert not GapSummary.objects.exists()  # every school has one more area to cover
    assert len(callbacks) == 1  # the refresh job, queued after the commit
    row = selectors.kept_coverage_rows(Organisation.objects.filter(pk=city.school_b.pk))[0]
    assert row.missing_areas == live(city.school_b)["missing_areas"]


def test_a_save_that_changes_nothing_the_summaries_read_leaves_the_subtree_alone(city):
    """Renaming a bureau rewrites none of its subtree's derived rows (a province's would be
    20,000 schools in the request); changing what they read does."""
    from safety.preparedness.models import PreparednessSummary  # noqa: PLC0415

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    below = {"unit__path__startswith": city.county_a.path}
    GapSummary.objects.filter(**below).update(on=yesterday)
    PreparednessSummary.objects.filter(**below).update(on=yesterday)
    city.county_a.name = "甲区教育局（新）"
    organisation_save(actor=None, organisation=city.county_a, changed_fields=["name"])
    assert not GapSummary.objects.filter(**below, on=timezone.localdate()).exists()
    assert not PreparednessSummary.objects.filter(**below, on=timezone.localdate()).exists()

    school = Organisation.objects.get(pk=city.school_a.pk)
    school.is_boarding = True
    organisation_save(actor=None, organisation=school, changed_fields=["is_boarding"])
    assert kept(school) == live(school)
    assert PreparednessSummary.objects.get(unit=school).on == timezone.localdate()
