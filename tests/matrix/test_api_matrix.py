"""The API in the permission matrix (#22): every API route × a client of each unit level (the
city, county A, school A; read and report scopes) × a record inside and one outside the
client's jurisdiction × the methods the route accepts; and no token at all.

Expected: lists answer 200 with rows of the client's jurisdiction only; a record outside is a
404 (never a 403 that confirms it exists); writes are 201 for a "report" client reporting
inside, 403 for a read-only one, 405 where the route has none; no token is a 401.
The screens' matrix (test_permission_matrix.py) skips /api/: its personas sign in with a
session, which the API does not accept.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from api import services
from api.models import ApiClient
from api.urls import router

from .world import build_world

CLIENTS = ("city", "county", "county_read", "school")
# The oracle: a person of the client's unit. The API must show exactly what
# `visible_to(person)` gives them (campaigns and notices widen the path rule).
PERSON_OF = {
    "city": "city_official",
    "county": "county_official",
    "county_read": "county_official",
    "school": "staff_a",
}
# basename → the lookup from the model to the unit that owns a row ("" for units).
LIST_ROUTES = {f"api:{basename}-list": basename for _prefix, _viewset, basename in router.registry}
DETAIL_ROUTES = {
    f"api:{basename}-detail": basename for _prefix, _viewset, basename in router.registry
}
WRITABLE = {"hazard", "incident"}
OTHER_ROUTES = {"api:schema", "api:docs", "api:not_found"}


def _viewsets():
    return {basename: viewset for _prefix, viewset, basename in router.registry}


# Routes that narrow their model's rows (the schools among the units).
NARROWER = {"school": {"kind": "school"}}


def _visible(model, world, client_name: str, pk, basename: str = "") -> bool:
    person = getattr(world.people, PERSON_OF[client_name])
    rows = model.objects.visible_to(person).filter(**NARROWER.get(basename, {}))
    return rows.filter(pk=pk).exists()


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = tmp_path_factory.mktemp("api-matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        world = build_world()
        admin = world.people.administrator
        units = {
            "city": world.city.city,
            "county": world.city.county_a,
            "county_read": world.city.county_a,
            "school": world.city.school_a,
        }
        world.clients = {}
        for name, unit in units.items():
            scope = ApiClient.Scope.READ if name == "county_read" else ApiClient.Scope.REPORT
            record, token = services.client_register(
                actor=admin, unit=unit, name=f"矩阵{name}", scope=scope
            )
            world.clients[name] = SimpleNamespace(record=record, token=token, unit=unit)
        yield world
        transaction.set_rollback(True)


def _http(world, name) -> Client:
    if name is None:
        return Client()
    return Client(headers={"authorization": f"Bearer {world.clients[name].token}"})


def _request(http: Client, method: str, url: str, data=None):
    with transaction.atomic():
        if method in ("post", "put", "patch"):
            response = getattr(http, method)(url, data or {}, content_type="application/json")
        else:
            response = getattr(http, method)(url)
        transaction.set_rollback(True)
    return response


def _report_body(basename: str, world, client_name: str) -> dict:
    unit = world.clients[client_name].unit
    school = {} if unit.is_school else {"school": world.city.school_a.pk}
    if basename == "hazard":
        return {**school, "area": "fire", "description": "消防通道堵塞"}
    occurred = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    note = {} if unit.is_school else {"source_note": "县医院告知"}
    return {
        **school,
        **note,
        "category": "sports",
        "severity": "general",
        "occurred_at": occurred,
        "place": "操场",
        "summary": "学生摔倒",
        "what_happened": "体育课上摔倒。",
        "reporter_name": "李娜",
        "reporter_phone": "13900000000",
    }


def test_every_api_route_is_in_the_matrix():
    names = set()
    for entry in get_resolver().url_patterns:
        if getattr(entry, "namespace", None) == "api":
            names |= {f"api:{p.name}" for p in entry.url_patterns}
    assert names == set(LIST_ROUTES) | set(DETAIL_ROUTES) | OTHER_ROUTES


@pytest.mark.parametrize("name", sorted(LIST_ROUTES))
def test_api_lists(name, api_world, db):
    cache.clear()
    basename = LIST_ROUTES[name]
    model = _viewsets()[basename].model
    url = reverse(name)
    failures = []
    assert _request(_http(api_world, None), "get", url).status_code == 401
    for client_name in CLIENTS:
        http = _http(api_world, client_name)
        response = _request(http, "get", url + "?page_size=200")
        if response.status_code != 200:
            failures.append(f"{client_name} GET {url}: {response.status_code}")
            continue
        for row in response.json()["results"]:
            pk = row.get("id", row.get("unit"))
            if not _visible(model, api_world, client_name, pk, basename):
                failures.append(f"{client_name} GET {url}: row {pk} outside the jurisdiction")
        expected_post = 405
        if basename in WRITABLE:
            expected_post = 201 if client_name != "county_read" else 403
        body = _report_body(basename, api_world, client_name) if basename in WRITABLE else {}
        posted = _request(http, "post", url, body)
        if posted.status_code != expected_post:
            failures.append(
                f"{client_name} POST {url}: {posted.status_code}, expected {expected_post}: "
                f"{posted.content[:300]!r}"
            )
    assert not failures, "\n" + "\n".join(failures)


def _targets(model, world):
    """One row of each unit of both sides and of the city that owns one: school A, county
    A, school B, county B, the city."""
    rows = []
    lookup = model.objects._queryset_class.scope_lookup
    field = f"{lookup}__path" if lookup else "path"
    city = world.city
    for unit in (city.school_a, city.county_a, city.school_b, city.county_b, city.city):
        pk = (
            model._default_manager.filter(**{field: unit.path})
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is not None and pk not in rows:
            rows.append(pk)
    return rows


@pytest.mark.parametrize("name", sorted(DETAIL_ROUTES))
def test_api_details(name, api_world, db):
    cache.clear()
    basename = DETAIL_ROUTES[name]
    model = _viewsets()[basename].model
    targets = _targets(model, api_world)
    assert targets, f"the world has no {model.__name__}: add one to tests/matrix/world.py"
    failures = []
    for pk in targets:
        url = reverse(name, kwargs={"pk": pk})
        assert _request(_http(api_world, None), "get", url).status_code == 401
        for client_name in CLIENTS:
            http = _http(api_world, client_name)
            inside = _visible(model, api_world, client_name, pk, basename)
            expected = 200 if inside else 404
            got = _request(http, "get", url).status_code
            if got != expected:
                failures.append(f"{client_name} GET {url}: {got}, expected {expected}")
            for method in ("put", "patch", "delete", "post"):
                got = _request(http, method, url, {}).status_code
                if got != 405:
                    failures.append(f"{client_name} {method.upper()} {url}: {got}, expected 405")
    assert not failures, "\n" + "\n".join(failures)


def test_api_schema_docs_and_unknown_paths(api_world, db):
    for client_name in CLIENTS:
        http = _http(api_world, client_name)
        assert http.get(reverse("api:schema")).status_code == 200
        assert http.get(reverse("api:docs")).status_code == 200
        response = http.get("/api/v1/no-such-thing/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert Client().get(reverse("api:schema")).status_code == 401
    assert Client().get(reverse("api:docs")).status_code == 401
    # A signed-in user of the screens reads the documentation (not the data).
    signed_in = Client()
    signed_in.force_login(api_world.people.staff_a)
    assert signed_in.get(reverse("api:docs")).status_code == 200
    assert signed_in.get(reverse("api:hazard-list")).status_code == 401
