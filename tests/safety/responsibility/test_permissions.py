"""Who may see and change responsibilities: every role, inside and outside its jurisdiction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from safety.models import Assignment
from safety.responsibility import services
from tests.safety.responsibility.factories import YEAR_START, assign, holder, post

pytestmark = pytest.mark.django_db

# Personas able to see school A (its staff and leader, its county, the city).
SEES_SCHOOL_A = {
    "staff_a",
    "leader_a",
    "county_official",
    "county_admin",
    "city_official",
    "administrator",
}
MANAGES_SCHOOL_A = {"leader_a", "county_admin", "administrator"}
PERSONAS = sorted(SEES_SCHOOL_A | {"staff_a2", "other_county_official"})


@pytest.fixture
def school_a_rows(city):
    assignment = assign(city.school_a, "canteen_manager", "陈红")
    letter = services.letter_issue(actor=None, assignment=assignment, school_year="2026-2027")
    return {"assignment": assignment, "holder": assignment.holder, "letter": letter}


READ_PAGES = [
    ("responsibility:unit_coverage", "unit"),
    ("responsibility:holder_detail", "holder"),
    ("responsibility:assignment_detail", "assignment"),
    ("responsibility:letter_pdf", "letter"),
]
MANAGE_PAGES = [
    ("responsibility:assignment_create", "unit"),
    ("responsibility:holder_create", "unit"),
    ("responsibility:holder_edit", "holder"),
    ("responsibility:certificate_create", "holder"),
    ("responsibility:assignment_handover", "assignment"),
    ("responsibility:assignment_end", "assignment"),
    ("responsibility:letter_sign", "letter"),
]


def target(name, city, rows):
    return city.school_a.pk if name == "unit" else rows[name].pk


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("url_name", "obj"), READ_PAGES)
def test_read_pages_are_404_outside_the_jurisdiction(
    persona, url_name, obj, city, school_a_rows, client_for
):
    response = client_for(persona).get(reverse(url_name, args=[target(obj, city, school_a_rows)]))
    assert response.status_code == (200 if persona in SEES_SCHOOL_A else 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("url_name", "obj"), MANAGE_PAGES)
def test_manage_pages_need_the_role_and_the_jurisdiction(
    persona, url_name, obj, city, school_a_rows, client_for
):
    response = client_for(persona).get(reverse(url_name, args=[target(obj, city, school_a_rows)]))
    if persona not in SEES_SCHOOL_A:
        assert response.status_code == 404
    elif persona in MANAGES_SCHOOL_A:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_assigning_through_the_page(persona, city, client_for):
    existing = holder(city.school_a, "王老师")
    response = client_for(persona).post(
        reverse("responsibility:assignment_create", args=[city.school_a.pk]),
        {
            "post": post("psychological_counsellor").pk,
            "holder": existing.pk,
            "start_date": "2026-09-01",
        },
    )
    created = Assignment.objects.filter(unit=city.school_a).exists()
    if persona in MANAGES_SCHOOL_A:
        assert response.status_code == 302 and created
    else:
        assert response.status_code == (403 if persona in SEES_SCHOOL_A else 404)
        assert not created


def test_a_new_person_can_be_typed_in_the_assignment_form(city, client_for):
    response = client_for("leader_a").post(
        reverse("responsibility:assignment_create", args=[city.school_a.pk]),
        {
            "post": post("gate_security").pk,
            "new_holder_name": "老周",
            "new_holder_phone": "13700000000",
            "start_date": "2026-09-01",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.holder.name == "老周"
    assert sorted(a.key for a in assignment.areas.all()) == ["surroundings", "traffic"]


def test_handover_through_the_page(city, client_for):
    old = assign(city.school_a, "canteen_manager", "陈红")
    response = client_for("leader_a").post(
        reverse("responsibility:assignment_handover", args=[old.pk]),
        {"new_holder_name": "李梅", "on": "2026-11-01"},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert str(old.end_date) == "2026-11-01"
    assert old.handed_over_to.holder.name == "李梅"


def test_a_school_leader_cannot_manage_another_school(city, people):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            actor=people.leader_a,
            unit=city.school_a2,
            post=post("principal"),
            holder=holder(city.school_a2, "某校长"),
            start_date=YEAR_START,
        )


def test_a_county_administrator_cannot_manage_another_county(city, people):
    with pytest.raises(PermissionDenied):
        services.holder_save(actor=people.county_admin, holder=holder_model(city.school_b))


def holder_model(unit):
    from safety.models import Holder

    return Holder(unit=unit, name="外县人")


def test_only_system_administrators_edit_posts(people):
    principal = post("principal")
    with pytest.raises(PermissionDenied):
        services.post_update(actor=people.county_admin, post=principal)
    services.post_update(actor=people.administrator, post=principal, changed_fields=["duty_text"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("staff_a", {"school_a"}),
        ("county_official", {"county_a", "school_a", "school_a2"}),
        ("other_county_official", {"county_b", "school_b"}),
        (
            "city_official",
            {"city", "county_a", "county_b", "school_a", "school_a2", "school_b", "city_school"},
        ),
    ],
)
def test_the_grid_shows_exactly_the_jurisdiction(persona, expected, city, client_for):
    response = client_for(persona).get(reverse("responsibility:coverage_grid"))
    shown = {row.school_id for row in response.context["page"].object_list}
    assert shown == {getattr(city, name).pk for name in expected}


def test_the_responsibility_entry_sends_each_user_to_the_right_page(city, client_for):
    school = client_for("staff_a").get(reverse("responsibility:home"))
    assert school.url == reverse("responsibility:unit_coverage", args=[city.school_a.pk])
    bureau = client_for("county_official").get(reverse("responsibility:home"))
    assert bureau.url == reverse("responsibility:coverage_grid")


@pytest.mark.parametrize(
    "url_name",
    ["responsibility:coverage_grid", "responsibility:holder_list", "responsibility:letter_list"],
)
def test_anonymous_is_sent_to_login(url_name, client_for):
    response = client_for("anonymous").get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_date_pickers_get_iso_values_in_chinese(city, client_for):
    from django.utils import timezone

    response = client_for("leader_a").get(
        reverse("responsibility:assignment_create", args=[city.school_a.pk])
    )
    assert f'value="{timezone.localdate().isoformat()}"' in response.content.decode()
