"""Shared personas (STYLE.md): staff of school A, staff of school B in the same county,
the county official, an official of another county, the city official, administrators,
and an anonymous visitor."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from config.celery import app as celery_app
from safety.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory

Kind = Organisation.Kind
Role = User.Role

PERSONAS = (
    "staff_a",
    "staff_a2",
    "county_official",
    "other_county_official",
    "city_official",
    "administrator",
    "county_admin",
    "anonymous",
)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing every persona's password with PBKDF2 would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _task_modules_imported():
    """Import every task module before the first test, as a process that has queued a job
    has. The first import (safety.jobs does it on the first job queued) makes Celery's Django
    fix-up call django.setup() again, which reconfigures logging: inside a test, that drops
    the log capture (caplog) of whichever test happened to queue the first job."""
    celery_app.loader.import_default_modules()


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Tasks run in-process in tests, also when REDIS_URL is set (CI), so a test sees their
    effect; tests marked `real_broker` send them to a real worker instead."""
    app = celery_app
    if request.node.get_closest_marker("real_broker"):
        yield
        return
    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def warm_caches(db):
    """What a long-running process has loaded before the request a query budget counts: the
    ContentType cache (the audit trail and permission checks look types up). Without it a
    budget test passes only after some earlier test happened to fill the cache."""
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())


# Every query budget is counted with the process warm, in whatever order the tests run.
@pytest.fixture
def django_assert_num_queries(warm_caches, django_assert_num_queries):
    return django_assert_num_queries


@pytest.fixture
def django_assert_max_num_queries(warm_caches, django_assert_max_num_queries):
    return django_assert_max_num_queries


@pytest.fixture
def city(db):
    """A small city: two counties, two schools in county A, one in county B, one
    city-direct school."""
    city = OrganisationFactory(name="测试市教育局", code="100000", kind=Kind.CITY)
    county_a = OrganisationFactory(name="甲区教育局", code="100001", kind=Kind.COUNTY, parent=city)
    county_b = OrganisationFactory(name="乙县教育局", code="100002", kind=Kind.COUNTY, parent=city)
    return SimpleNamespace(
        city=city,
        county_a=county_a,
        county_b=county_b,
        school_a=OrganisationFactory(name="甲区实验小学", parent=county_a),
        school_a2=OrganisationFactory(
            name="甲区第二中学",
            parent=county_a,
            school_type=Organisation.SchoolType.JUNIOR_MIDDLE,
            is_boarding=True,
        ),
        school_b=OrganisationFactory(
            name="乙县中心小学", parent=county_b, locality=Organisation.Locality.RURAL
        ),
        city_school=OrganisationFactory(
            name="测试市第一中学", parent=city, school_type=Organisation.SchoolType.SENIOR_MIDDLE
        ),
    )


@pytest.fixture
def people(city):
    return SimpleNamespace(
        staff_a=UserFactory(username="alice", organisation=city.school_a),
        staff_a2=UserFactory(username="bob", organisation=city.school_a2),
        county_official=UserFactory(
            username="carol", organisation=city.county_a, role=Role.BUREAU_OFFICIAL
        ),
        other_county_official=UserFactory(
            username="dave", organisation=city.county_b, role=Role.BUREAU_OFFICIAL
        ),
        city_official=UserFactory(
            username="erin", organisation=city.city, role=Role.BUREAU_OFFICIAL
        ),
        administrator=UserFactory(
            username="frank", organisation=city.city, role=Role.ADMINISTRATOR
        ),
        county_admin=UserFactory(
            username="grace", organisation=city.county_a, role=Role.ADMINISTRATOR
        ),
        leader_a=UserFactory(username="henry", organisation=city.school_a, role=Role.SCHOOL_LEADER),
    )


@pytest.fixture
def client_for(people):
    """A logged-in test client for a persona name ("anonymous" stays logged out)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(people, persona))
        return client

    return make


def services_required() -> bool:
    """CI sets SAFECAMPUS_REQUIRE_SERVICES=1: a test that needs PostgreSQL or Redis must
    then run, not skip."""
    return os.environ.get("SAFECAMPUS_REQUIRE_SERVICES") == "1"
