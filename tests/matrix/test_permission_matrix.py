"""The permission matrix: every URL pattern of the project × every persona × an object inside
and one outside the persona's jurisdiction × every method the view accepts.

Expected outcomes:
- anonymous → redirect to the login page;
- an object outside the persona's jurisdiction → 404 (never a 403 that confirms it exists);
- a role that may not use the view → 403;
- a role that may → 200/302 (and 400 for a POST whose form the view re-renders: access was
  granted, the form refused the data).

`RULES` below is the table, one line per view: which personas may GET it and which may POST
to it. A URL pattern missing from the table fails `test_every_url_pattern_is_in_the_matrix`
by its name. Each request runs in a savepoint that is rolled back, so every persona meets the
same world (tests/matrix/world.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safety import roles
from safety.models import Organisation

from .world import PERSONAS, build_world

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")

SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
SCHOOL = frozenset({"staff_a", "leader_a", "staff_a2"})
OFFICIALS = frozenset({"county_official", "other_county_official", "city_official"})
ADMINS = frozenset({"administrator", "county_admin"})
# safety.roles.MANAGE_RESPONSIBILITIES
MANAGERS = frozenset({"leader_a"}) | ADMINS
# FILE_INSPECTION, REPORT_HAZARD, REPORT_INCIDENT
REPORTERS = SCHOOL | OFFICIALS
# ASSIGN_RECTIFICATION, VERIFY_RECTIFICATION
ASSIGNERS = frozenset({"leader_a"}) | OFFICIALS
NOBODY = frozenset()

OK_GET = frozenset({200, 302})
OK_POST = frozenset({200, 302, 400})


@dataclass(frozen=True)
class Target:
    """The URL kwargs for one object and the unit that owns it (None: not an object page)."""

    kwargs: dict[str, Any]
    unit: Organisation | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """Who may use a view. `post=None`: the view only reads (a POST re-renders the page, so it
    is held to the GET rule); `get=None`: POST only (GET answers 405)."""

    targets: Callable[[Any, str, str], list[Target]]
    get: frozenset[str] | None = SIGNED_IN
    post: frozenset[str] | None = None


def page(world, persona, side):
    return [Target({}, None)]


def obj(attribute: str, kwarg: str = "pk", **extra: Any):
    """An object of side A or B (tests/matrix/world.py)."""

    def targets(world, persona, side):
        record = getattr(getattr(world, side), attribute)
        unit = getattr(world, side).school
        return [Target({kwarg: record.pk, **extra}, unit)]

    return targets


def draw(world, persona, side):
    record = getattr(world, side).draw
    return [Target({"pk": record.pk}, record.bureau)]


def hazard_assignment(world, persona, side):
    """The side's hazard with an owner and a supervisor its assignment form accepts."""
    if side == "a":
        owner, supervisor = world.people.owner_a, world.people.leader_a
    else:
        owner, supervisor = world.people.staff_b, world.people.other_county_official
    data = {"owner": owner.pk, "supervisor": supervisor.pk}
    return [Target({"pk": getattr(world, side).hazard.pk}, getattr(world, side).school, data)]


def variants(attribute: str, kwarg: str, values: dict[str, dict[str, Any]]):
    """One target per value of a string parameter (a hazard action, a report kind), each
    with the form data that gets the request past its form to the service."""

    def targets(world, persona, side):
        record = getattr(getattr(world, side), attribute)
        unit = getattr(world, side).school
        return [
            Target({"pk": record.pk, **({kwarg: value} if kwarg else {})}, unit, data)
            for value, data in values.items()
        ]

    return targets


def unit_month(world, persona, side):
    return [
        Target(
            {"pk": getattr(world, side).school.pk, "month": "2026-10"}, world_school(world, side)
        )
    ]


def world_school(world, side):
    return getattr(world, side).school


def own_notification(world, persona, side):
    """A notification is the recipient's own: 'inside' is the persona's, 'outside' another's."""
    names = sorted(world.inbox)
    if persona == "anonymous":
        persona = names[0]
    mine = world.inbox[persona]
    if side == "a":
        return [Target({"pk": mine.pk}, mine.recipient.unit, {"_mine": True})]
    other = world.inbox[names[(names.index(persona) + 1) % len(names)]]
    return [Target({"pk": other.pk}, None, {"_mine": False})]


def import_token(world, persona, side):
    """A checked-upload token issued to the persona (a forged one is refused with 403)."""
    from django.core import signing

    from safety.responsibility import imports

    user_pk = getattr(world.people, persona).pk if persona != "anonymous" else 0
    payload = {"user": user_pk, "name": f"imports/expired-{side}.xlsx"}
    token = signing.dumps(payload, salt=imports.TOKEN_SALT)
    return [Target({}, None, {"token": token})]


def history(world, persona, side):
    """The history page of one record of every kind that has one."""
    records = getattr(world, side)
    staff = world.people.staff_a if side == "a" else world.people.staff_b
    objects = {
        "hazard": records.hazard,
        "inspection": records.inspection,
        "incident": records.incident,
        "monthly-report": records.report,
        "assignment": records.assignment,
        "letter": records.letter,
        "holder": records.holder,
        "unit": records.school,
        "account": staff,
        "risk-point": records.risk_point,  # #20 risk grading
    }
    return [
        Target({"kind": kind, "pk": record.pk}, records.school) for kind, record in objects.items()
    ]


def overview(world, persona, side):
    return [Target({"pk": world.overview.pk}, world.overview.unit)] if side == "a" else []


def overview_month(world, persona, side):
    return [Target({"month": "2026-10"}, None)] if side == "a" else []


RULES: dict[str, Rule] = {
    # config/urls.py: login and logout have their own expectations (see the tests below).
    # --- safety -------------------------------------------------------------------------
    "school_list": Rule(page),
    "school_detail": Rule(obj("school")),
    "notification_list": Rule(page),
    "notification_open": Rule(own_notification, get=None, post=SIGNED_IN),
    "notification_mark_all_read": Rule(page, get=None, post=SIGNED_IN),
    "password_change": Rule(page, post=SIGNED_IN),
    "record_history": Rule(history, get=OFFICIALS | ADMINS),
    "responsibility:home": Rule(page),
    "responsibility:coverage_grid": Rule(page),
    "responsibility:unit_coverage": Rule(obj("school")),
    "responsibility:holder_create": Rule(obj("school"), get=MANAGERS, post=MANAGERS),
    "responsibility:assignment_create": Rule(obj("school"), get=MANAGERS, post=MANAGERS),
    "responsibility:letters_bulk_issue": Rule(obj("school"), get=None, post=MANAGERS),
    "responsibility:holder_list": Rule(page),
    "responsibility:holder_detail": Rule(obj("holder")),
    "responsibility:holder_edit": Rule(obj("holder"), get=MANAGERS, post=MANAGERS),
    "responsibility:certificate_create": Rule(obj("holder"), get=MANAGERS, post=MANAGERS),
    "responsibility:assignment_detail": Rule(obj("assignment")),
    "responsibility:assignment_handover": Rule(obj("assignment"), get=MANAGERS, post=MANAGERS),
    "responsibility:assignment_end": Rule(obj("assignment"), get=MANAGERS, post=MANAGERS),
    "responsibility:letter_issue": Rule(obj("assignment"), get=None, post=MANAGERS),
    "responsibility:letter_list": Rule(page),
    "responsibility:letter_pdf": Rule(obj("letter")),
    "responsibility:letter_sign": Rule(obj("letter"), get=MANAGERS, post=MANAGERS),
    "responsibility:letter_scan": Rule(obj("letter")),
    "responsibility:import": Rule(page, get=MANAGERS, post=MANAGERS),
    "responsibility:import_confirm": Rule(import_token, get=None, post=MANAGERS),
    "responsibility:import_template": Rule(page),
    # --- inspections --------------------------------------------------------------------
    "inspections:ledger": Rule(page),
    "inspections:ledger_export": Rule(page),
    "inspections:hazard_new": Rule(page, get=SCHOOL, post=SCHOOL),
    "inspections:hazard_detail": Rule(obj("hazard")),
    # One view per transition, posted on a reported hazard: the permission check comes
    # before the state check (a permitted persona gets 400, the hazard being "reported").
    "inspections:hazard_fix_on_spot": Rule(obj("hazard"), get=None, post=REPORTERS),
    "inspections:hazard_assign": Rule(hazard_assignment, get=None, post=ASSIGNERS),
    # A reported hazard has no owner yet: nobody may submit or ask for more time.
    "inspections:hazard_submit": Rule(
        variants("hazard", "", {"": {"evidence": "已整改"}}), get=None, post=NOBODY
    ),
    "inspections:hazard_verify": Rule(obj("hazard"), get=None, post=ASSIGNERS),
    "inspections:hazard_return": Rule(
        variants("hazard", "", {"": {"comment": "请补充照片"}}), get=None, post=ASSIGNERS
    ),
    "inspections:hazard_extension_request": Rule(
        variants("hazard", "", {"": {"until": "2030-01-01", "reason": "等配件"}}),
        get=None,
        post=NOBODY,
    ),
    # The hazard's supervisor or a bureau official; a reported hazard has no supervisor yet.
    "inspections:hazard_extension_decide": Rule(
        variants("hazard", "", {"": {"decision": "accept"}}), get=None, post=OFFICIALS
    ),
    "inspections:hazard_reopen": Rule(
        variants("hazard", "", {"": {"reason": "仍未整改"}}), get=None, post=OFFICIALS
    ),
    "inspections:photo": Rule(obj("photo", size="thumb")),
    "inspections:inspection_list": Rule(page),
    "inspections:inspection_new": Rule(page, get=REPORTERS, post=REPORTERS),
    "inspections:inspection_detail": Rule(obj("inspection")),
    # Only the inspector edits a draft inspection.
    "inspections:inspection_save": Rule(obj("inspection"), get=None, post=frozenset({"staff_a"})),
    "inspections:draw_new": Rule(page, get=OFFICIALS, post=OFFICIALS),
    "inspections:draw_detail": Rule(draw),
    # --- reporting: dashboards ----------------------------------------------------------
    "dashboards:home": Rule(page),
    "dashboards:dashboard_csv": Rule(page, get=OFFICIALS | ADMINS),
    # --- reporting: incidents -----------------------------------------------------------
    "incidents:incident_list": Rule(page),
    "incidents:incident_create": Rule(page, get=REPORTERS, post=REPORTERS),
    "incidents:incident_detail": Rule(obj("incident")),
    "incidents:incident_add_report": Rule(
        variants("incident", "kind", {"follow_up": {}, "written": {}}),
        get=REPORTERS,
        post=REPORTERS,
    ),
    "incidents:incident_acknowledge": Rule(obj("incident"), get=None, post=OFFICIALS),
    "incidents:incident_forward": Rule(obj("incident"), get=None, post=OFFICIALS),
    "incidents:incident_conceal": Rule(
        variants("incident", "", {"": {"reason": "瞒报了伤亡人数"}}), get=None, post=OFFICIALS
    ),
    "incidents:closure_item_record": Rule(
        variants("incident", "kind", {"cause": {"cause-kind": "cause", "cause-text": "照明不足"}}),
        get=None,
        post=OFFICIALS,
    ),
    "incidents:incident_close": Rule(
        variants("incident", "", {"": {"is_liability": "no"}}), get=None, post=OFFICIALS
    ),
    "incidents:incident_file_request": Rule(obj("incident"), get=None, post=SIGNED_IN),
    "incidents:incident_file_download": Rule(obj("incident")),
    "incidents:attachment_download": Rule(obj("attachment")),
    # --- reporting: monthly reports -----------------------------------------------------
    "monthly:index": Rule(page),
    "monthly:console": Rule(page, get=OFFICIALS | ADMINS),
    "monthly:unit": Rule(obj("school")),
    "monthly:report": Rule(unit_month),
    # The unit's own people save and submit; the parent bureau reviews.
    "monthly:save": Rule(unit_month, get=None, post=frozenset({"staff_a", "leader_a"})),
    "monthly:review": Rule(
        lambda world, persona, side: [
            Target(t.kwargs, t.unit, {"decision": "return", "comment": "请补充"})
            for t in unit_month(world, persona, side)
        ],
        get=None,
        post=frozenset({"county_official", "other_county_official"}),
    ),
    "monthly:version_pdf": Rule(obj("version")),
    "monthly:version_rerender": Rule(obj("version"), get=None, post=ADMINS),
    "monthly:overview_request": Rule(overview_month, get=None, post=frozenset({"city_official"})),
    "monthly:overview_pdf": Rule(overview),
    # --- #20 risk grading -----------------------------------------------------------------
    "risks:point_list": Rule(page),
    "risks:point_new": Rule(page, get=frozenset({"leader_a"}), post=frozenset({"leader_a"})),
    "risks:point_detail": Rule(obj("risk_point")),
    "risks:point_edit": Rule(
        obj("risk_point"), get=frozenset({"leader_a"}), post=frozenset({"leader_a"})
    ),
    "risks:point_check": Rule(
        variants("risk_point", "", {"": {"controlled": "yes"}}), get=SCHOOL, post=SCHOOL
    ),
    "risks:point_review": Rule(obj("risk_point"), get=None, post=frozenset({"leader_a"})),
    "risks:check_photo": Rule(obj("risk_check")),
    "risks:plan": Rule(obj("school")),
    "risks:plan_upload": Rule(obj("school"), get=None, post=frozenset({"leader_a"})),
    "risks:plan_place": Rule(obj("school"), get=None, post=frozenset({"leader_a"})),
    "risks:plan_image": Rule(obj("school")),
    "risks:plan_pdf": Rule(obj("school")),
    "risks:report_list": Rule(page),
    "risks:report_submit": Rule(page, get=None, post=frozenset({"leader_a"})),
    "risks:report_detail": Rule(obj("risk_report")),
    "risks:report_acknowledge": Rule(obj("risk_report"), get=None, post=OFFICIALS),
}

# Public pages, the same for everyone: the favicon is tested in tests/test_setup.py.
UNTESTED_NAMES = {"login", "logout", "favicon"}


def url_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """(full name, route) of every named pattern outside the skipped prefixes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>", route)


def test_every_url_pattern_is_in_the_matrix():
    names = {name for name, _route in url_patterns()}
    missing = sorted(names - set(RULES) - UNTESTED_NAMES)
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"
    stale = sorted(set(RULES) - names)
    assert not stale, f"matrix rows for URL patterns that no longer exist: {stale}"


def _all_callbacks(resolver: URLResolver | None = None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_callbacks(entry)
        else:
            yield str(entry.pattern), entry.callback


def test_no_url_pattern_serves_media_root_directly():
    """Uploaded files are served only by views that check the jurisdiction first."""
    from django.views import static

    served = [route for route, callback in _all_callbacks() if callback is static.serve]
    assert served == []


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world is built once for the module inside a transaction rolled back at the end."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = build_world()
        built.media = media
        yield built
        transaction.set_rollback(True)


def _visible(user, unit: Organisation | None) -> bool:
    if unit is None:
        return True
    return unit.path.startswith(user.unit.path)


def _expected(rule_roles, persona, user, target, ok) -> frozenset[int]:
    if persona == "anonymous":
        return frozenset({302})
    if target.data.get("_mine") is False:
        return frozenset({404})
    if not _visible(user, target.unit):
        return frozenset({404})
    return ok if persona in rule_roles else frozenset({403})


def _request(client: Client, method: str, url: str, data: dict[str, Any]):
    with transaction.atomic():
        response = getattr(client, method)(url, {k: v for k, v in data.items() if k != "_mine"})
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("name", sorted(RULES))
def test_permission_matrix(name, world, db, settings, monkeypatch):
    settings.MEDIA_ROOT = world.media
    # The letter PDF is drawn inside the request; the matrix checks access, not drawing.
    monkeypatch.setattr(
        "safety.responsibility.services.letter_pdf", lambda letter: b"%PDF-1.4 stub"
    )
    rule = RULES[name]
    failures = []
    for persona in PERSONAS:
        client = Client()
        user = None
        if persona != "anonymous":
            user = getattr(world.people, persona)
            client.force_login(user)
        for side in ("a", "b"):
            for target in rule.targets(world, persona, side):
                url = reverse(name, kwargs=target.kwargs)
                for method in ("get", "post"):
                    allowed = rule.get if method == "get" else rule.post
                    if method == "post" and allowed is None:
                        allowed = rule.get
                    if allowed is None:
                        expected = frozenset({302 if persona == "anonymous" else 405})
                    else:
                        ok = OK_GET if method == "get" else OK_POST
                        expected = _expected(allowed, persona, user, target, ok)
                    response = _request(client, method, url, target.data)
                    if response.status_code not in expected:
                        failures.append(
                            f"{persona:22} {method.upper():4} {url:55} side {side}: "
                            f"{response.status_code}, expected {sorted(expected)}"
                        )
                    elif persona == "anonymous":
                        assert response.url.startswith(reverse("login")), url
    assert not failures, "\n" + "\n".join(failures)


def test_login_and_logout(world, db):
    anonymous = Client()
    assert anonymous.get(reverse("login")).status_code == 200
    assert anonymous.post(reverse("login"), {}).status_code == 200
    assert anonymous.get(reverse("logout")).status_code == 405
    assert anonymous.post(reverse("logout")).status_code == 302
    signed_in = Client()
    signed_in.force_login(world.people.staff_a)
    assert signed_in.get(reverse("login")).status_code == 302
    assert signed_in.post(reverse("logout")).status_code == 302


@pytest.mark.parametrize("persona", sorted(SIGNED_IN))
def test_an_unknown_permission_is_denied(persona, world, db):
    user = getattr(world.people, persona)
    assert not user.has_perm("safety.no_such_permission")
    assert not user.has_perm("reporting.delete_incident")
    with pytest.raises(roles.PermissionDenied):
        roles.require_permission(user, "inspections.no_such_permission")


# --- Fields a role may not set cannot be set by posting them --------------------------------


def test_posted_status_school_and_reporter_are_ignored_on_a_hazard(world, db):
    from inspections.models import Hazard

    client = Client()
    client.force_login(world.people.staff_a)
    response = client.post(
        reverse("inspections:hazard_new"),
        {
            "area": world.a.hazard.area_id,
            "description": "楼梯扶手松动",
            "kind": "tangible",
            "severity": "general",
            "status": "closed",
            "school": world.city.school_b.pk,
            "reporter": world.people.city_official.pk,
            "owner": world.people.staff_a.pk,
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.latest("pk")
    assert (hazard.description, hazard.status) == ("楼梯扶手松动", Hazard.Status.REPORTED)
    assert hazard.school == world.city.school_a
    assert hazard.reporter == world.people.staff_a
    assert hazard.owner is None


def test_posted_status_and_school_are_ignored_on_an_incident(world, db):
    from reporting.models import Incident

    client = Client()
    client.force_login(world.people.staff_a)
    data = {
        "category": "crush_stampede",
        "severity": "general",
        "occurred_at": "2026-11-28T08:00",
        "place": "操场",
        "deaths": 0,
        "injured": 1,
        "missing": 0,
        "summary": "学生摔倒",
        "what_happened": "体育课上摔倒。",
        "reporter_name": "李娜",
        "reporter_phone": "13900000000",
        "status": "closed",
        "school": world.city.school_b.pk,
        "is_liability": "yes",
        "acknowledged_by": world.people.county_official.pk,
    }
    response = client.post(reverse("incidents:incident_create"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    incident = Incident.objects.latest("pk")
    assert incident.school == world.city.school_a
    assert incident.status == Incident.Status.REPORTED
    assert incident.acknowledged_at is None


def test_posted_status_and_reviewer_are_ignored_on_a_monthly_report(world, db):
    from reporting.models import MonthlyReport

    client = Client()
    client.force_login(world.people.staff_a)
    url = reverse("monthly:save", args=[world.city.school_a.pk, "2026-11"])
    response = client.post(
        url,
        {
            "work_done": "演练",
            "status": "approved",
            "reviewed_by": world.people.county_official.pk,
            "unit": world.city.school_b.pk,
        },
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get(unit=world.city.school_a, month="2026-11-01")
    assert report.status == MonthlyReport.Status.DRAFT
    assert not MonthlyReport.objects.filter(unit=world.city.school_b, month="2026-11-01").exists()


def test_posted_unit_is_ignored_when_a_holder_is_edited(world, db):
    client = Client()
    client.force_login(world.people.leader_a)
    holder = world.a.holder
    response = client.post(
        reverse("responsibility:holder_edit", args=[holder.pk]),
        {"name": "李老师", "phone": "13900000001", "unit": world.city.school_b.pk},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    holder.refresh_from_db()
    assert holder.unit == world.city.school_a
    assert holder.phone == "13900000001"
