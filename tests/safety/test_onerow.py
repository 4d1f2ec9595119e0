"""safety.onerow (#23): a page's counts, sums, earliest dates and short grouped lists read in
one query, with the same values as the querysets they come from."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, F, OuterRef
from django.test.utils import CaptureQueriesContext

from safety.models import Notification, Organisation, User
from safety.onerow import (
    ScalarSQL,
    as_date,
    count_of,
    earliest,
    instances_of,
    one_row,
    read_together,
    rows_of,
    sum_of,
)
from safety.responsibility.models import Post


def _schools(city):
    return Organisation.objects.below(city.county_a).schools()


@pytest.mark.django_db
def test_counts_sums_dates_and_lists_come_in_one_query(city, people):
    for number, read in enumerate([None, None, datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)]):
        Notification.objects.create(
            recipient=people.staff_a,
            kind="test",
            dedup_key=f"onerow-{number}",
            title="通知",
            read_at=read,
        )
    schools = _schools(city)
    per_kind = Organisation.objects.filter(parent=city.city).values("kind").annotate(n=Count("id"))
    columns = {
        "schools": count_of(schools),
        "none": count_of(schools.filter(name="不存在的学校")),
        "students": sum_of(schools, F("student_count")),
        "unread": count_of(Notification.objects.filter(recipient=people.staff_a, read_at=None)),
        "per_kind": rows_of(per_kind.order_by("kind"), ("kind", "n"), ("unit_kind", "count")),
        "names": rows_of(schools.order_by("name").values("name", "created_at"), ("name",)),
    }
    with CaptureQueriesContext(connection) as captured:
        row = one_row(people.staff_a.unit_id, columns)
    assert len(captured.captured_queries) == 1
    assert row["schools"] == schools.count() == 2
    assert row["none"] == 0
    assert row["students"] == sum(school.student_count for school in schools)
    assert isinstance(row["students"], Decimal)
    assert row["unread"] == 2
    expected = {item["kind"]: item["n"] for item in per_kind}
    assert {item["unit_kind"]: item["count"] for item in row["per_kind"]} == expected
    assert [item["name"] for item in row["names"]] == [
        school.name for school in schools.order_by("name")
    ]


@pytest.mark.django_db
def test_an_empty_list_is_an_empty_list_and_no_unit_asks_nothing(city, people):
    nothing = Organisation.objects.filter(name="不存在的学校").values("name")
    assert one_row(people.staff_a.unit_id, {"rows": rows_of(nothing, ("name",))}) == {"rows": []}
    columns = {
        "n": count_of(Organisation.objects.all()),
        "rows": rows_of(nothing, ("name",)),
        "first": earliest(Organisation.objects.all(), "created_at"),
    }
    with CaptureQueriesContext(connection) as captured:
        assert one_row(None, columns) == {"n": 0, "rows": [], "first": None}
    assert not captured.captured_queries


@pytest.mark.django_db
def test_a_count_with_an_outer_reference_counts_per_row_and_one_without_is_kept_as_sql(
    city, people
):
    """#23: a count of its own rows is compiled once to SQL text (building a page's fifty
    counts as subquery expressions copied each inner query again); a count that refers to
    the outer row stays a correlated subquery. Both count the same as the querysets, the
    constant one splits no group, and an empty date is None."""
    schools = _schools(city)
    constant = count_of(schools)
    assert isinstance(constant.source_expressions[0], ScalarSQL)
    per_parent = (
        Organisation.objects.filter(kind="county")
        .order_by("pk")
        .annotate(
            units_below=count_of(Organisation.objects.filter(parent=OuterRef("pk"))),
            schools_of_a=constant,
        )
    )
    for county in per_parent:
        assert county.units_below == Organisation.objects.filter(parent=county).count()
        assert county.schools_of_a == schools.count() == 2
    kinds = Organisation.objects.filter(parent=city.city)
    grouped = kinds.values("kind").annotate(n=Count("id"), schools_of_a=constant)
    assert len(grouped) == kinds.values("kind").distinct().count()
    nothing = earliest(schools.filter(name="不存在的学校"), "created_at")
    assert one_row(people.staff_a.unit_id, {"first": nothing}) == {"first": None}


def test_dates_read_from_a_list_are_dates():
    assert as_date("2026-11-01") == datetime.date(2026, 11, 1)
    assert as_date("2026-11-01T00:00:00+08:00") == datetime.date(2026, 11, 1)
    assert as_date(datetime.date(2026, 1, 1)) == datetime.date(2026, 1, 1)


@pytest.mark.django_db
def test_several_querysets_are_read_together_as_the_orm_reads_them(city, people):
    """#23: `read_together` gives each queryset's instances, in its order, with the relations
    it selects attached (nested too), in one query; an empty queryset gives an empty list."""
    accounts = User.objects.select_related("unit__parent").order_by("-username")
    units = Organisation.objects.filter(parent=city.city).order_by("name")
    nobody = User.objects.filter(username="nobody")
    with CaptureQueriesContext(connection) as captured:
        read_accounts, read_units, read_nobody = read_together(accounts, units, nobody)
        parents = [a.unit.parent.pk if a.unit and a.unit.parent else None for a in read_accounts]
    assert len(captured.captured_queries) == 1
    assert read_nobody == []
    assert [a.pk for a in read_accounts] == [a.pk for a in accounts]
    assert parents == [a.unit.parent_id if a.unit else None for a in accounts]
    for read, orm in zip(read_accounts + read_units, list(accounts) + list(units), strict=True):
        fields = type(orm)._meta.concrete_fields
        assert [f.value_from_object(read) for f in fields] == [
            f.value_from_object(orm) for f in fields
        ]
        assert str(read) == str(orm)
    assert read_accounts[0]._state.adding is False


@pytest.mark.django_db
def test_a_record_joined_to_many_others_is_read_whole(city, people):
    """A joined model has more columns than one SQL function accepts (PostgreSQL's
    JSON_BUILD_OBJECT 100 arguments, SQLite's 127): the record history read its linked
    records' rows this way and answered 500 on SQLite, the demo's database (#23)."""
    accounts = User.objects.select_related("unit__parent__parent").order_by("username")
    columns = sum(
        len(model._meta.concrete_fields)
        for model in (User, Organisation, Organisation, Organisation)
    )
    assert columns > 63  # more key-value pairs than one SQLite JSON_OBJECT takes
    (read,) = read_together(accounts)
    assert [a.username for a in read] == [a.username for a in accounts]
    for mine, orm in zip(read, accounts, strict=True):
        for model_obj, orm_obj in ((mine, orm), (mine.unit, orm.unit)):
            if orm_obj is None:
                assert model_obj is None
                continue
            fields = type(orm_obj)._meta.concrete_fields
            assert [f.value_from_object(model_obj) for f in fields] == [
                f.value_from_object(orm_obj) for f in fields
            ]


@pytest.mark.django_db
def test_read_together_wants_the_relations_named():
    with pytest.raises(ValueError):
        read_together(User.objects.select_related())


def test_rows_come_back_as_instances_with_their_python_values(city, people):
    """`instances_of`: dates, datetimes, booleans and JSON lists as the ORM reads them."""
    fields = ("id", "key", "is_required", "school_types", "order")
    unit_fields = ("id", "created_at", "is_boarding")
    posts = Post.objects.filter(is_active=True).order_by("pk")
    schools = _schools(city).order_by("pk")
    row = one_row(
        people.staff_a.unit_id,
        {
            "posts": rows_of(posts.values(*fields), fields),
            "schools": rows_of(schools.values(*unit_fields), unit_fields),
        },
    )
    built = instances_of(Post, row["posts"])
    assert [(p.pk, p.key, p.is_required, p.school_types, p.order) for p in built] == [
        (p.pk, p.key, p.is_required, p.school_types, p.order) for p in posts
    ]
    units = instances_of(Organisation, row["schools"])
    assert [(u.pk, u.created_at, u.is_boarding) for u in units] == [
        (s.pk, s.created_at, s.is_boarding) for s in schools
    ]
    extra = instances_of(Organisation, [{"id": 1, "parent__name": "甲县"}])[0]
    assert extra.parent__name == "甲县"
