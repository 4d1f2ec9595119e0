"""Coverage rules: who holds each post and area, and where nobody does."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from safety.models import (
    Certificate,
    Organisation,
    ResponsibilityLetter,
    ResponsibilitySettings,
    current_school_year,
    school_year_bounds,
    school_year_of,
)
from safety.responsibility import selectors, services
from tests.factories import OrganisationFactory
from tests.safety.responsibility.factories import (
    TODAY,
    YEAR_START,
    assign,
    cover_school,
    holder,
    post,
)

pytestmark = pytest.mark.django_db


def gaps(school, today=TODAY):
    coverage = selectors.school_coverage(school, today=today)
    grid = selectors.coverage_rows(Organisation.objects.filter(pk=school.pk), today=today)[0]
    # The school page and the bureau grid count by the same rules.
    assert grid.gap_count == coverage.gap_count
    return coverage.gaps


def kinds(gap_list):
    return sorted(gap.kind for gap in gap_list)


def sign_all(school, on=YEAR_START):
    for assignment in school.assignments.all():
        letter = services.letter_issue(actor=None, assignment=assignment, school_year="2026-2027")
        ResponsibilityLetter.objects.filter(pk=letter.pk).update(status="signed", signed_on=on)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2026, 9, 1), "2026-2027"),
        (datetime.date(2026, 8, 31), "2025-2026"),
        (datetime.date(2027, 1, 15), "2026-2027"),
        (datetime.date(2027, 9, 1), "2027-2028"),
    ],
)
def test_the_school_year_starts_on_the_first_of_september(day, year):
    assert school_year_of(day) == year
    assert school_year_bounds(year)[0] <= day <= school_year_bounds(year)[1]


def test_current_school_year_is_written_like_2026_2027():
    assert len(current_school_year()) == 9


def test_an_empty_school_has_every_required_post_and_area_as_a_gap(city):
    found = gaps(city.school_a)
    assert {g.post.key for g in found if g.kind == "post"} >= {"principal", "canteen_manager"}
    assert len([g for g in found if g.kind == "area"]) == 9


def test_a_fully_covered_school_with_signed_letters_has_no_gap(city):
    cover_school(city.school_a)
    sign_all(city.school_a)
    assert gaps(city.school_a) == []


def test_boarding_only_posts_are_not_required_at_day_schools(city):
    day_school, boarding_school = city.school_a, city.school_a2
    assert not day_school.is_boarding and boarding_school.is_boarding
    day_missing = {g.post.key for g in gaps(day_school) if g.kind == "post"}
    boarding_missing = {g.post.key for g in gaps(boarding_school) if g.kind == "post"}
    assert "dormitory_manager" not in day_missing
    assert "dormitory_manager" in boarding_missing


def test_kindergartens_need_no_grade_leader(city):
    kindergarten = OrganisationFactory(parent=city.county_a, school_type="kindergarten")
    assert "grade_leader" not in {g.post.key for g in gaps(kindergarten) if g.kind == "post"}
    assert "grade_leader" in {g.post.key for g in gaps(city.school_a) if g.kind == "post"}


def test_an_uncovered_area_is_a_gap_until_someone_takes_it(city):
    cover_school(city.school_a)
    sign_all(city.school_a)
    for key in ("teaching_head", "student_affairs_head", "safety_vice_principal"):
        assignment = city.school_a.assignments.get(post__key=key)
        services.assignment_end(actor=None, assignment=assignment, end_date=TODAY)
    found = gaps(city.school_a)
    assert [g.area.key for g in found if g.kind == "area"] == ["internet"]
    assign(city.school_a, "class_teacher", "网管老师", areas=["internet"], start=TODAY)
    found = gaps(city.school_a)
    assert [g.kind for g in found] == ["post", "post", "post"]


def test_a_handover_leaves_no_gap_on_the_day_or_after(city):
    cover_school(city.school_a)
    sign_all(city.school_a)
    canteen = city.school_a.assignments.get(post__key="canteen_manager")
    successor_holder = holder(city.school_a, "新管理员")
    Certificate.objects.create(
        holder=successor_holder, kind="health", number="J2", expires_on=TODAY.replace(year=2027)
    )
    handover_day = TODAY - datetime.timedelta(days=5)
    successor = services.assignment_handover(
        actor=None, assignment=canteen, new_holder=successor_holder, on=handover_day
    )
    canteen.refresh_from_db()
    assert canteen.end_date == successor.start_date == handover_day
    assert sorted(a.key for a in successor.areas.all()) == ["food"]
    letter = services.letter_issue(actor=None, assignment=successor, school_year="2026-2027")
    ResponsibilityLetter.objects.filter(pk=letter.pk).update(status="signed", signed_on=TODAY)
    for day in (handover_day - datetime.timedelta(days=1), handover_day, TODAY):
        assert [g for g in gaps(city.school_a, day) if g.kind in ("post", "area")] == []
    # History stays: both assignments exist, linked.
    assert successor.handed_over_from == canteen


def test_an_expired_certificate_is_a_gap(city):
    cover_school(city.school_a)
    sign_all(city.school_a)
    electrician = city.school_a.assignments.get(post__key="electrician")
    certificate = electrician.holder.certificates.get()
    certificate.delete()
    # No certificate at all: a gap.
    assert [g.assignment for g in gaps(city.school_a)] == [electrician]
    certificate = Certificate.objects.create(
        holder=electrician.holder, kind="electrician", number="T1", expires_on=TODAY
    )
    assert gaps(city.school_a) == []  # valid through its expiry day
    certificate.expires_on = TODAY - datetime.timedelta(days=1)
    certificate.save()
    found = gaps(city.school_a)
    assert kinds(found) == ["certificate"]
    assert found[0].assignment == electrician


def test_unsigned_letters_become_gaps_after_the_grace_period(city):
    cover_school(city.school_a)
    sign_all(city.school_a)
    late = assign(city.school_a, "class_teacher", "新班主任", start=TODAY)
    services.letter_issue(actor=None, assignment=late, school_year="2026-2027")
    within = TODAY + datetime.timedelta(days=30)
    after = TODAY + datetime.timedelta(days=31)
    assert [g for g in gaps(city.school_a, within) if g.kind == "letter"] == []
    assert [g.assignment for g in gaps(city.school_a, after) if g.kind == "letter"] == [late]
    # The county sets a shorter grace period; the city's row is the default elsewhere.
    ResponsibilitySettings.objects.create(unit=city.city, unsigned_letter_grace_days=60)
    ResponsibilitySettings.objects.create(unit=city.county_a, unsigned_letter_grace_days=3)
    soon = TODAY + datetime.timedelta(days=4)
    assert [g.assignment for g in gaps(city.school_a, soon) if g.kind == "letter"] == [late]
    assert selectors.unsigned_letter_grace_days(city.school_b) == 60


def test_ending_before_the_start_or_twice_is_refused(city):
    assignment = assign(city.school_a, "principal", "校长")
    with pytest.raises(ValidationError):
        services.assignment_end(
            actor=None, assignment=assignment, end_date=YEAR_START - datetime.timedelta(days=1)
        )
    services.assignment_end(actor=None, assignment=assignment, end_date=TODAY)
    with pytest.raises(ValidationError):
        services.assignment_end(actor=None, assignment=assignment, end_date=TODAY)


def test_a_holder_of_another_school_cannot_be_assigned(city):
    stranger = holder(city.school_b, "外校人员")
    with pytest.raises(ValidationError):
        services.assignment_create(
            actor=None,
            unit=city.school_a,
            post=post("principal"),
            holder=stranger,
            start_date=YEAR_START,
        )


def test_a_bureau_post_cannot_be_held_at_a_school(city):
    with pytest.raises(ValidationError):
        assign(city.school_a, "bureau_director")
