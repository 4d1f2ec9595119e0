"""Every persona sees exactly its own subtree on every page built so far; outsiders get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safety.models import Organisation
from safety.scoping import get_visible_object_or_404
from tests.factories import OrganisationFactory

ALL_SCHOOLS = {"school_a", "school_a2", "school_b", "city_school"}
VISIBLE_SCHOOLS = {
    "staff_a": {"school_a"},
    "staff_a2": {"school_a2"},
    "county_official": {"school_a", "school_a2"},
    "county_admin": {"school_a", "school_a2"},
    "other_county_official": {"school_b"},
    "city_official": ALL_SCHOOLS,
    "administrator": ALL_SCHOOLS,
}


@pytest.mark.parametrize("persona", sorted(VISIBLE_SCHOOLS))
def test_school_list_shows_exactly_the_persona_subtree(persona, city, client_for):
    response = client_for(persona).get(reverse("school_list"))
    assert response.status_code == 200
    shown = {school.pk for school in response.context["page"].object_list}
    assert shown == {getattr(city, name).pk for name in VISIBLE_SCHOOLS[persona]}


@pytest.mark.parametrize("persona", sorted(VISIBLE_SCHOOLS))
@pytest.mark.parametrize("school", sorted(ALL_SCHOOLS))
def test_school_detail_is_404_outside_the_jurisdiction(persona, school, city, client_for):
    target = getattr(city, school)
    response = client_for(persona).get(reverse("school_detail", args=[target.pk]))
    expected = 200 if school in VISIBLE_SCHOOLS[persona] else 404
    assert response.status_code == expected
    if expected == 200:
        assert response.context["school"] == target


@pytest.mark.parametrize("persona", sorted(VISIBLE_SCHOOLS))
def test_school_detail_of_a_bureau_id_is_404(persona, city, client_for):
    response = client_for(persona).get(reverse("school_detail", args=[city.county_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["dashboards:home", "school_list"])
def test_anonymous_is_sent_to_login(url_name, client_for):
    response = client_for("anonymous").get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_school_detail_is_sent_to_login(city, client_for):
    response = client_for("anonymous").get(reverse("school_detail", args=[city.school_a.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_school_home_shows_own_school_profile(city, client_for):
    response = client_for("staff_a").get(reverse("dashboards:home"))
    assert response.status_code == 200
    assert response.context["school"] == city.school_a
    assert "甲区实验小学" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "schools"),
    [("county_official", 2), ("other_county_official", 1), ("city_official", 4)],
)
def test_bureau_home_counts_only_its_jurisdiction(persona, schools, city, client_for):
    response = client_for(persona).get(reverse("dashboards:home"))
    assert response.status_code == 200
    assert response.context["totals"]["schools"] == schools


def test_bureau_home_lists_direct_units_with_school_counts(city, client_for):
    response = client_for("city_official").get(reverse("dashboards:home"))
    units = {unit.name: unit for unit in response.context["page"].object_list}
    assert set(units) == {"甲区教育局", "乙县教育局", "测试市第一中学"}
    assert units["甲区教育局"].school_count == 2
    assert units["甲区教育局"].student_total == 1000
    assert units["乙县教育局"].school_count == 1


def test_other_county_official_home_does_not_mention_county_a(city, client_for):
    content = client_for("other_county_official").get(reverse("dashboards:home")).content.decode()
    assert "乙县中心小学" in content
    assert "甲区实验小学" not in content


def test_school_list_filters_by_county_for_the_city(city, client_for):
    response = client_for("city_official").get(reverse("school_list"), {"county": city.county_a.pk})
    shown = {school.pk for school in response.context["page"].object_list}
    assert shown == {city.school_a.pk, city.school_a2.pk}


def test_school_list_county_filter_cannot_reach_outside_jurisdiction(city, client_for):
    response = client_for("other_county_official").get(
        reverse("school_list"), {"county": city.county_a.pk}
    )
    assert "county" not in response.context["form"].fields
    shown = {school.pk for school in response.context["page"].object_list}
    assert shown == {city.school_b.pk}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "实验"}, {"school_a"}),
        ({"school_type": "junior_middle"}, {"school_a2"}),
        ({"boarding": "yes"}, {"school_a2"}),
        ({"boarding": "no"}, {"school_a", "school_b", "city_school"}),
        ({"locality": "rural"}, {"school_b"}),
    ],
)
def test_school_list_search_and_filters(params, expected, city, client_for):
    response = client_for("city_official").get(reverse("school_list"), params)
    shown = {school.pk for school in response.context["page"].object_list}
    assert shown == {getattr(city, name).pk for name in expected}


def test_school_list_hides_inactive_schools_unless_asked(city, client_for):
    city.school_b.is_active = False
    city.school_b.save()
    client = client_for("city_official")
    default = {s.pk for s in client.get(reverse("school_list")).context["page"].object_list}
    inactive = {
        s.pk
        for s in client.get(reverse("school_list"), {"status": "inactive"})
        .context["page"]
        .object_list
    }
    assert city.school_b.pk not in default
    assert inactive == {city.school_b.pk}


def test_school_list_bad_filter_is_ignored_with_a_message(city, client_for):
    response = client_for("city_official").get(reverse("school_list"), {"school_type": "castle"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 4
    assert "部分筛选条件无效" in response.content.decode()


def test_school_list_empty_state_says_what_to_do(city, client_for):
    response = client_for("city_official").get(reverse("school_list"), {"q": "不存在的学校"})
    assert "没有符合筛选条件的学校" in response.content.decode()


def test_school_list_paginates_in_pinyin_order(city, client_for, settings):
    settings.PAGE_SIZE = 2
    response = client_for("city_official").get(reverse("school_list"))
    page = response.context["page"]
    assert page.paginator.num_pages == 2
    names = [s.name for s in page.object_list]
    # 甲 (jia) sorts before 乙 (yi) and 测 (ce) before both.
    assert names == ["测试市第一中学", "甲区第二中学"]


def test_school_list_query_count_does_not_grow_with_rows(
    city, client_for, django_assert_max_num_queries
):
    client = client_for("city_official")
    for n in range(30):
        OrganisationFactory(name=f"新增学校{n}", parent=city.county_b)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("school_list"))
    assert response.context["page"].paginator.count == 34


def test_bureau_home_query_count_does_not_grow_with_rows(
    city, client_for, django_assert_max_num_queries
):
    client = client_for("city_official")
    for n in range(30):
        OrganisationFactory(name=f"新增学校{n}", parent=city.county_b)
    # The home page is the dashboard (issue #7): a fixed number of grouped queries, see
    # tests/reporting/dashboards/test_dashboards.py for its budget over a generated city.
    with django_assert_max_num_queries(30):
        client.get(reverse("dashboards:home"))


def test_inactive_account_sees_nothing(city, people):
    people.county_official.is_active = False
    assert not Organisation.objects.visible_to(people.county_official).exists()


def test_account_of_inactive_unit_sees_nothing(city, people):
    city.county_a.is_active = False
    people.county_official.unit = city.county_a
    assert not Organisation.objects.visible_to(people.county_official).exists()


def test_get_visible_object_or_404_raises_for_outsiders(city, people):
    from django.http import Http404

    with pytest.raises(Http404):
        get_visible_object_or_404(Organisation, people.staff_a, pk=city.school_b.pk)
    assert get_visible_object_or_404(Organisation, people.staff_a, pk=city.school_a.pk)


def test_get_visible_object_or_404_treats_garbage_ids_as_missing(city, people):
    from django.http import Http404

    with pytest.raises(Http404):
        get_visible_object_or_404(Organisation, people.city_official, pk="not-a-number")
