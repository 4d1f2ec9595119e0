"""The organisation tree: paths, moves, validation, and who may change it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safety import services
from safety.models import AuditEvent, Organisation
from tests.factories import OrganisationFactory

Kind = Organisation.Kind


def test_path_makes_the_subtree_one_prefix_query(city):
    assert city.county_a.path.startswith(city.city.path)
    assert city.school_a.path.startswith(city.county_a.path)
    below = set(Organisation.objects.below(city.county_a))
    assert below == {city.county_a, city.school_a, city.school_a2}


def test_moving_a_school_rewrites_its_path_and_its_jurisdiction(city, people):
    school = city.school_a2
    school.parent = city.county_b
    services.organisation_save(actor=people.administrator, organisation=school)
    school.refresh_from_db()
    assert school.path.startswith(city.county_b.path)
    assert set(Organisation.objects.below(city.county_a).schools()) == {city.school_a}
    assert school in Organisation.objects.visible_to(people.other_county_official)


def test_moving_a_county_rewrites_every_path_below_it(city, people):
    other_city = OrganisationFactory(name="另一市教育局", code="200000", kind=Kind.CITY)
    county = city.county_a
    county.parent = other_city
    services.organisation_save(actor=None, organisation=county)
    for unit in (city.school_a, city.school_a2):
        unit.refresh_from_db()
        assert unit.path.startswith(other_city.path)
        assert unit.path.startswith(county.path)


def test_schools_sort_by_pinyin(city):
    names = list(Organisation.objects.schools().values_list("name", flat=True))
    assert names == ["测试市第一中学", "甲区第二中学", "甲区实验小学", "乙县中心小学"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": Kind.SCHOOL, "school_type": ""}, "school_type", "请选择学校类型"),
        ({"kind": Kind.COUNTY, "school_type": "primary"}, "school_type", "只有学校"),
        ({"kind": Kind.SCHOOL, "parent": None}, "parent", "请选择该单位所属的教育局"),
    ],
)
def test_invalid_units_get_a_clear_chinese_error(city, fields, field, message):
    values = {
        "name": "新学校",
        "code": "3000000001",
        "kind": Kind.SCHOOL,
        "school_type": "primary",
        "parent": city.county_a,
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        services.organisation_create(actor=None, **values)
    assert message in " ".join(error.value.message_dict[field])
    assert not Organisation.objects.filter(code="3000000001").exists()


def test_a_school_cannot_parent_another_unit(city):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=None,
            name="分校",
            code="3000000002",
            kind=Kind.SCHOOL,
            school_type="primary",
            parent=city.school_a,
        )
    assert "parent" in error.value.message_dict


def test_a_unit_cannot_move_below_itself(city):
    county = city.county_a
    county.parent = city.school_a
    with pytest.raises(ValidationError):
        county.full_clean()


def test_official_codes_are_unique(city):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=None,
            name="重复",
            code=city.school_a.code,
            kind=Kind.SCHOOL,
            school_type="primary",
            parent=city.county_a,
        )
    assert "code" in error.value.message_dict


def test_county_administrator_adds_a_school_in_the_county(city, people):
    school = services.organisation_create(
        actor=people.county_admin,
        name="甲区新建小学",
        code="3000000003",
        kind=Kind.SCHOOL,
        school_type="primary",
        parent=city.county_a,
    )
    assert school.path.startswith(city.county_a.path)
    event = AuditEvent.objects.get(action="organisation.create", target_id=str(school.pk))
    assert event.actor == people.county_admin
    assert event.changes["name"] == [None, "甲区新建小学"]


def test_county_administrator_cannot_add_a_school_in_another_county(city, people):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=people.county_admin,
            name="越权学校",
            code="3000000004",
            kind=Kind.SCHOOL,
            school_type="primary",
            parent=city.county_b,
        )
    assert not Organisation.objects.filter(code="3000000004").exists()


def test_county_administrator_cannot_create_a_county(city, people):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=people.county_admin,
            name="丙县教育局",
            code="100009",
            kind=Kind.COUNTY,
            parent=city.city,
        )


def test_county_administrator_cannot_move_a_school_out_of_the_county(city, people):
    school = city.school_a
    school.parent = city.county_b
    with pytest.raises(PermissionDenied):
        services.organisation_save(actor=people.county_admin, organisation=school)
    school.refresh_from_db()
    assert school.parent == city.county_a


@pytest.mark.parametrize("persona", ["staff_a", "leader_a", "county_official", "city_official"])
def test_non_administrators_cannot_change_units(city, people, persona):
    school = city.school_a
    school.student_count = 1
    with pytest.raises(PermissionDenied):
        services.organisation_save(actor=getattr(people, persona), organisation=school)


def test_system_administrator_creates_a_county(city, people):
    county = services.organisation_create(
        actor=people.administrator,
        name="丙县教育局",
        code="100003",
        kind=Kind.COUNTY,
        parent=city.city,
    )
    assert county.path.startswith(city.city.path)
