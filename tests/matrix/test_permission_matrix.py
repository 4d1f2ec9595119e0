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
from django.utils import timezone

from inspections.surroundings.selectors import poster_token
from reporting.models import AccountabilityAction
from safety import roles
from safety.models import Organisation

from .world import PERSONAS, build_world

# api/: token-authenticated, in its own matrix (test_api_matrix.py).
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/", "api/")

SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
SCHOOL = frozenset({"staff_a", "leader_a", "staff_a2"})
# #23: the province's officials are officials too (the second province's sees no record).
PROVINCE_OFFICIALS = frozenset({"province_official", "other_province_official"})
OFFICIALS = frozenset({"county_official", "other_county_official", "city_official"})
OFFICIALS |= PROVINCE_OFFICIALS
ADMINS = frozenset({"administrator", "county_admin"})
# safety.roles.MANAGE_RESPONSIBILITIES
MANAGERS = frozenset({"leader_a"}) | ADMINS
# FILE_INSPECTION, REPORT_HAZARD, REPORT_INCIDENT
REPORTERS = SCHOOL | OFFICIALS
# ASSIGN_RECTIFICATION, VERIFY_RECTIFICATION
ASSIGNERS = frozenset({"leader_a"}) | OFFICIALS
NOBODY = frozenset()
# APPLY_ACTIVITY, MANAGE_SCHOOL_BUSES on their own school only (issue #16)
APPLICANTS_A = frozenset({"staff_a", "leader_a"})
# Emergency preparedness (issue #14): MANAGE_PREPAREDNESS, RECORD_DRILL, ACKNOWLEDGE_PLAN of
# the bureau directly above the school.
LEADER = frozenset({"leader_a"})
DRILLERS = frozenset({"staff_a", "leader_a"})
COUNTY_OFFICIALS = frozenset({"county_official", "other_county_official"})
# #19: the reporting accounts of side A's school write its late-report explanation.
EXPLAINERS = frozenset({"staff_a", "leader_a"})

OK_GET = frozenset({200, 302})
OK_POST = frozenset({200, 302, 400})


@dataclass(frozen=True)
class Target:
    """The URL kwargs for one object and the unit that owns it (None: not an object page)."""

    kwargs: dict[str, Any]
    unit: Organisation | None
    data: dict[str, Any] = field(default_factory=dict)
    # #19/#23: a record open to every unit below `unit` as well as above it (the city's
    # published assessment); another city or province still meets a 404.
    open_below: bool = False


@dataclass(frozen=True)
class Rule:
    """Who may use a view. `post=None`: the view only reads (a POST re-renders the page, so it
    is held to the GET rule); `get=None`: POST only (GET answers 405)."""

    targets: Callable[[Any, str, str], list[Target]]
    get: frozenset[str] | None = SIGNED_IN
    post: frozenset[str] | None = None
    # #17: a public page (the QR form): everyone, anonymous included, in and out of scope.
    public: bool = False
    # #22: a public page that only reads (the health endpoint): a POST answers 405.
    safe_only: bool = False


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


def own(records: str, owner: str):
    """A record that is its owner's own (a notification, #23 an export): 'inside' is the
    persona's, 'outside' another persona's (404, whoever asks: an administrator too)."""

    def targets(world, persona, side):
        mine_of = getattr(world, records)
        names = sorted(mine_of)
        name = names[0] if persona == "anonymous" else persona
        mine = mine_of[name]
        if side == "a":
            return [Target({"pk": mine.pk}, getattr(mine, owner).unit, {"_mine": True})]
        other = mine_of[names[(names.index(name) + 1) % len(names)]]
        return [Target({"pk": other.pk}, None, {"_mine": False})]

    return targets


own_notification = own("inbox", "recipient")
own_export = own("exports", "requester")


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


# Daily guarding (issue #15): the school's leader; the school's own people; the county above.
LEADER_A = frozenset({"leader_a"})
OWN_SCHOOL_A = frozenset({"staff_a", "leader_a"})
REVIEWERS = frozenset({"county_official", "other_county_official"})


# #19 the assessment: the city bureau's officials manage schemes and publish; its
# administrator may read a scheme.
CITY_OFFICIAL = frozenset({"city_official"})
CITY_READERS = frozenset({"city_official", "administrator"})


def assessment_city(attribute: str):
    """A scheme (or its indicator) of the world's city: the city bureau's own record."""

    def targets(world, persona, side):
        record = getattr(world.assessment, attribute)
        return [Target({"pk": record.pk}, world.city.city)]

    return targets


def person_dealt_with_form(world, persona, side):
    """#19: the side's incident with a valid person dealt with (the side's holder, criticised
    today), so that the request reaches the service."""
    records = getattr(world, side)
    data = {
        "dealt-holder": records.holder.pk,
        "dealt-action": AccountabilityAction.objects.get(key="criticism").pk,
        "dealt-dealt_on": timezone.localdate().isoformat(),
    }
    return [Target({"pk": records.incident.pk}, records.school, data)]


def person_dealt_with(world, persona, side):
    """#19: the side's person dealt with, under its incident."""
    records = getattr(world, side)
    kwargs = {"pk": records.incident.pk, "record": records.person_dealt_with.pk}
    return [Target(kwargs, records.school)]


def assessment_open(attribute: str):
    """A run or a published result: open to every unit of the city and to its province."""

    def targets(world, persona, side):
        record = getattr(world.assessment, attribute)
        return [Target({"pk": record.pk}, world.city.city, open_below=True)]

    return targets


def assessment_scoring(world, persona, side):
    """The side's county scoring (county A's or county B's)."""
    record = getattr(world, side).assessment_scoring
    return [Target({"pk": record.pk}, record.county)]


def county_record(attribute: str):
    """A record of side A or B that belongs to the side's county (a holiday period)."""

    def targets(world, persona, side):
        record = getattr(getattr(world, side), attribute)
        return [Target({"pk": record.pk}, record.unit)]

    return targets


def variants_page(data: dict[str, Any]):
    """A page (no object) posted with `data`."""

    def targets(world, persona, side):
        return [Target({}, None, data)]

    return targets


def overview(world, persona, side):
    """Side a: the city's overview; side b: the province's (#23)."""
    record = world.overview if side == "a" else world.province_overview
    return [Target({"pk": record.pk}, record.unit)]


def overview_month(world, persona, side):
    return [Target({"month": "2026-10"}, None)] if side == "a" else []


def channel_account(world, persona, side):
    """#21: the channels of the side's school staff account (a unit administrator edits them)."""
    account = world.people.staff_a if side == "a" else world.people.staff_b
    data = {"wecom_user_id": "ZhangSan", "urgent_channels": ["email"]}
    return [Target({"pk": account.pk}, getattr(world, side).school, data)]


# --- #17 education and surroundings ---------------------------------------------------------
LIAISON = frozenset({"liaison"})
# The only pages a department liaison account opens (everything else is a 404 for it).
LIAISON_URLS = frozenset(
    {
        "notification_list",
        "notification_open",
        "notification_mark_all_read",
        "password_change",
        "surroundings:spot_list",
        "surroundings:spot_detail",
        "surroundings:spot_answer",
        "surroundings:spot_photo",
        "surroundings:meeting_list",
        "surroundings:meeting_detail",
        "surroundings:meeting_minutes",
        "surroundings:decision_done",
        "surroundings:public_form",
    }
)
NOT_LIAISON = SIGNED_IN - LIAISON


def county_obj(attribute: str):
    """A record of side A or B that belongs to the side's county bureau."""

    def targets(world, persona, side):
        record = getattr(getattr(world, side), attribute)
        county = world.city.county_a if side == "a" else world.city.county_b
        return [Target({"pk": record.pk}, county)]

    return targets


def public_token(world, persona, side):
    return [Target({"token": poster_token(getattr(world, side).school)}, None)]


RULES: dict[str, Rule] = {
    # config/urls.py: login and logout have their own expectations (see the tests below).
    # --- safety -------------------------------------------------------------------------
    "school_list": Rule(page),
    "school_detail": Rule(obj("school")),
    "notification_list": Rule(page),
    "notification_open": Rule(own_notification, get=None, post=SIGNED_IN),
    "notification_mark_all_read": Rule(page, get=None, post=SIGNED_IN),
    # #23 background exports: the requester's own; the pages only read.
    "export_list": Rule(page),
    "export_detail": Rule(own_export),
    "export_status": Rule(own_export),
    "export_download": Rule(own_export),
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
    # #23: a county's bulk issue under way: its page and the fragment the page polls.
    "responsibility:letter_issue_detail": Rule(county_obj("letter_issue"), get=MANAGERS),
    "responsibility:letter_issue_status": Rule(county_obj("letter_issue"), get=MANAGERS),
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
    # #19 accountability: the people dealt with and the honours bar (bureaus' officials and
    # administrators; a school or a department liaison meets 403).
    "incidents:person_dealt_with_record": Rule(person_dealt_with_form, get=None, post=OFFICIALS),
    "incidents:person_dealt_with_remove": Rule(person_dealt_with, get=None, post=OFFICIALS),
    "incidents:honours_bar": Rule(page, get=OFFICIALS | ADMINS),
    # the late-report explanation: the school writes it, the officials above decide on it
    "incidents:late_explanation_submit": Rule(
        variants("incident", "", {"": {"explanation-text": "交接班遗漏"}}),
        get=None,
        post=EXPLAINERS,
    ),
    "incidents:late_explanation_decide": Rule(
        variants("incident", "", {"": {"decision-decision": "accept"}}), get=None, post=OFFICIALS
    ),
    "incidents:late_explanation_file": Rule(obj("incident")),
    "incidents:honours_bar_xlsx": Rule(page, get=OFFICIALS | ADMINS),
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
    "monthly:overview_request": Rule(
        overview_month, get=None, post=frozenset({"city_official"}) | PROVINCE_OFFICIALS
    ),
    "monthly:overview_pdf": Rule(overview),
    # --- bureau supervision (issue #18) -----------------------------------------------------
    "campaigns:index": Rule(page),
    "campaigns:new": Rule(page, get=OFFICIALS, post=OFFICIALS),
    "campaigns:board": Rule(obj("campaign"), get=OFFICIALS | ADMINS),
    "campaigns:export": Rule(obj("campaign"), get=OFFICIALS | ADMINS),
    "campaigns:pdf": Rule(obj("campaign"), get=OFFICIALS | ADMINS),
    "campaigns:remind": Rule(obj("campaign"), get=None, post=OFFICIALS),
    "campaigns:forward": Rule(
        obj("campaign"),
        get=frozenset({"county_official", "other_county_official"}),
        post=frozenset({"county_official", "other_county_official"}),
    ),
    "campaigns:task": Rule(obj("campaign_task")),
    "campaigns:task_start": Rule(
        obj("campaign_task"), get=None, post=frozenset({"staff_a", "leader_a"})
    ),
    "campaigns:task_submit": Rule(
        obj("campaign_task"), get=None, post=frozenset({"staff_a", "leader_a"})
    ),
    "campaigns:coverage": Rule(page, get=OFFICIALS | ADMINS),
    "campaigns:spot_checks": Rule(obj("school")),
    "notices:index": Rule(page),
    "notices:new": Rule(page, get=OFFICIALS, post=OFFICIALS),
    "notices:detail": Rule(obj("notice")),
    "notices:remind": Rule(obj("notice"), get=None, post=OFFICIALS),
    "notices:recipient": Rule(obj("recipient")),
    "notices:reply": Rule(obj("recipient"), get=None, post=frozenset({"staff_a", "leader_a"})),
    "notices:reply_accept": Rule(obj("notice_reply"), get=None, post=OFFICIALS),
    "notices:reply_return": Rule(obj("notice_reply"), get=None, post=OFFICIALS),
    "notices:attachment": Rule(obj("notice_attachment")),
    "orders:index": Rule(page),
    "orders:new_from_hazard": Rule(obj("hazard"), get=OFFICIALS, post=OFFICIALS),
    "orders:new_from_incident": Rule(obj("incident"), get=OFFICIALS, post=OFFICIALS),
    "orders:new_from_spot_check": Rule(obj("supervision"), get=OFFICIALS, post=OFFICIALS),
    "orders:new_from_campaign": Rule(obj("campaign_task"), get=OFFICIALS, post=OFFICIALS),
    "orders:detail": Rule(obj("order")),
    "orders:pdf": Rule(obj("order")),
    "orders:reply": Rule(obj("order"), get=None, post=frozenset({"staff_a", "leader_a"})),
    "orders:accept": Rule(obj("order_reply"), get=None, post=OFFICIALS),
    "orders:return": Rule(obj("order_reply"), get=None, post=OFFICIALS),
    "orders:evidence": Rule(obj("evidence")),
    # --- reporting: activities and school buses (issue #16) ------------------------------
    # The world's application waits for school A's leader: only they decide it; the county
    # official sees it but it is not their turn (403), like any approver outside the chain.
    "activities:list": Rule(page),
    "activities:create": Rule(page, get=SCHOOL, post=SCHOOL),
    "activities:detail": Rule(obj("activity")),
    "activities:edit": Rule(obj("activity"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:submit": Rule(obj("activity"), get=None, post=APPLICANTS_A),
    "activities:approve": Rule(obj("activity"), get=None, post=frozenset({"leader_a"})),
    "activities:return": Rule(
        variants("activity", "", {"": {"comment": "请补充应急预案"}}),
        get=None,
        post=frozenset({"leader_a"}),
    ),
    "activities:reject": Rule(
        variants("activity", "", {"": {"comment": "时间冲突"}}),
        get=None,
        post=frozenset({"leader_a"}),
    ),
    "activities:held": Rule(obj("activity"), get=None, post=APPLICANTS_A),
    "activities:summary": Rule(obj("activity"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:pdf": Rule(obj("activity")),
    "activities:plan_document": Rule(obj("activity")),
    "activities:calendar": Rule(page),
    "activities:calendar_export": Rule(page),
    "activities:buses": Rule(page),
    "activities:bus_register": Rule(obj("school")),
    "activities:bus_new": Rule(obj("school"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:bus_edit": Rule(obj("bus"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:driver_new": Rule(obj("school"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:driver_edit": Rule(obj("bus_driver"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:escort_new": Rule(obj("school"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:escort_edit": Rule(obj("escort"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:route_new": Rule(obj("school"), get=APPLICANTS_A, post=APPLICANTS_A),
    "activities:route_edit": Rule(obj("bus_route"), get=APPLICANTS_A, post=APPLICANTS_A),
    # --- safety: emergency preparedness (issue #14) -------------------------------------
    "preparedness:home": Rule(page),
    "preparedness:coverage": Rule(page, get=OFFICIALS | ADMINS),
    "preparedness:coverage_export": Rule(page, get=OFFICIALS | ADMINS),
    "preparedness:unit": Rule(obj("school")),
    # The school's leader keeps its plans and teams; its staff and leader record drills.
    "preparedness:plan_new": Rule(obj("school"), get=LEADER, post=LEADER),
    "preparedness:teams_set_up": Rule(obj("school"), get=None, post=LEADER),
    "preparedness:drill_new": Rule(obj("school"), get=DRILLERS, post=DRILLERS),
    "preparedness:plan_detail": Rule(obj("plan")),
    "preparedness:plan_document": Rule(obj("plan")),
    # The plan waits for the county: the leader's second filing is refused by the service
    # (a 302 with the message); only the county directly above reviews it.
    "preparedness:plan_submit": Rule(obj("plan"), get=None, post=LEADER),
    "preparedness:plan_acknowledge": Rule(obj("plan"), get=None, post=COUNTY_OFFICIALS),
    "preparedness:plan_return": Rule(
        variants("plan", "", {"": {"comment": "请补充"}}), get=None, post=COUNTY_OFFICIALS
    ),
    "preparedness:team_member_add": Rule(obj("team"), get=LEADER, post=LEADER),
    "preparedness:team_member_remove": Rule(obj("member"), get=None, post=LEADER),
    "preparedness:drill_detail": Rule(obj("drill")),
    "preparedness:drill_record": Rule(obj("drill"), get=DRILLERS, post=DRILLERS),
    "preparedness:drill_problem_add": Rule(obj("recorded_drill"), get=None, post=DRILLERS),
    "preparedness:drill_photo": Rule(obj("drill_photo", size="thumb")),
    "inspections:drill_problem_hazard": Rule(obj("problem"), get=None, post=REPORTERS),
    # --- daily guarding (issue #15) -------------------------------------------------------
    "guarding:home": Rule(page),
    "guarding:bureau": Rule(page),
    "guarding:periods": Rule(page, post=OFFICIALS),
    "guarding:period_edit": Rule(county_record("period"), get=REVIEWERS, post=REVIEWERS),
    "guarding:unit": Rule(obj("school")),
    "guarding:rosters": Rule(obj("school"), post=LEADER_A),
    "guarding:roster": Rule(obj("roster")),
    "guarding:shift_save": Rule(obj("roster"), get=None, post=LEADER_A),
    "guarding:roster_submit": Rule(obj("roster"), get=None, post=LEADER_A),
    "guarding:roster_review": Rule(
        variants("roster", "", {"": {"decision": "acknowledge"}}), get=None, post=REVIEWERS
    ),
    "guarding:duty_log": Rule(obj("school"), post=OWN_SCHOOL_A),
    "guarding:patrols": Rule(obj("school")),
    "guarding:route_new": Rule(obj("school"), get=LEADER_A, post=LEADER_A),
    "guarding:route_edit": Rule(obj("route"), get=LEADER_A, post=LEADER_A),
    "guarding:round": Rule(obj("patrol_round")),
    "guarding:round_record": Rule(obj("patrol_round"), get=None, post=OWN_SCHOOL_A),
    "guarding:record_photo": Rule(obj("checkpoint_record")),
    # The gate register and pupils' names: the school's leaders and named posts only.
    "guarding:gate": Rule(obj("school"), get=LEADER_A, post=LEADER_A),
    "guarding:gate_leave": Rule(obj("gate_entry"), get=None, post=LEADER_A),
    "guarding:gate_duty": Rule(obj("school"), post=OWN_SCHOOL_A),
    "guarding:dormitories": Rule(obj("school"), post=LEADER_A),
    "guarding:room_create": Rule(obj("dormitory"), get=None, post=LEADER_A),
    "guarding:pupils": Rule(obj("school"), get=LEADER_A),
    "guarding:pupil_new": Rule(obj("school"), get=LEADER_A, post=LEADER_A),
    "guarding:pupil_import": Rule(obj("school"), get=LEADER_A, post=LEADER_A),
    "guarding:pupil_export": Rule(obj("school"), get=LEADER_A),
    "guarding:pupil_template": Rule(page),
    "guarding:leaves": Rule(obj("school"), get=LEADER_A),
    "guarding:leave_new": Rule(obj("school"), get=LEADER_A, post=LEADER_A),
    "guarding:leave_approve": Rule(obj("leave"), get=None, post=LEADER_A),
    "guarding:leave_refuse": Rule(obj("leave"), get=None, post=LEADER_A),
    "guarding:leave_depart": Rule(obj("leave"), get=None, post=LEADER_A),
    "guarding:leave_return": Rule(obj("leave"), get=None, post=LEADER_A),
    "guarding:roll_call": Rule(obj("school"), get=LEADER_A),
    "guarding:room_roll_call": Rule(obj("room"), get=LEADER_A, post=LEADER_A),
    "guarding:absence_follow_up": Rule(obj("absence"), get=None, post=LEADER_A),
    "inspections:patrol_hazard": Rule(obj("checkpoint_record"), get=None, post=REPORTERS),
    # --- #21 delivery channels -----------------------------------------------------------
    "channels:mine": Rule(
        variants_page({"dingtalk_user_id": "manager4521"}), get=NOT_LIAISON, post=NOT_LIAISON
    ),
    "channels:reach": Rule(page, get=ADMINS),
    "channels:account": Rule(channel_account, get=ADMINS, post=ADMINS),
    # --- #17 safety education -----------------------------------------------------------
    "education:coverage": Rule(page, get=NOT_LIAISON),
    "education:settings": Rule(
        variants_page({"min_hours_per_pupil": "5"}), get=OFFICIALS, post=OFFICIALS
    ),
    "education:coverage_school": Rule(obj("school"), get=NOT_LIAISON),
    "education:record_new": Rule(
        variants("school", "", {"": {"kind": "lesson", "topic": "fire"}}), get=SCHOOL, post=SCHOOL
    ),
    "education:plan_edit": Rule(
        variants("school", "", {"": {"classes": "一年级1班"}}), get=SCHOOL, post=SCHOOL
    ),
    "education:legal_vp_new": Rule(obj("school"), get=MANAGERS, post=MANAGERS),
    "education:record_detail": Rule(obj("education_record"), get=NOT_LIAISON),
    "education:record_material": Rule(obj("education_record"), get=NOT_LIAISON),
    # --- #17 surroundings ---------------------------------------------------------------
    "surroundings:spot_list": Rule(page),
    "surroundings:spot_new": Rule(page, get=SCHOOL | OFFICIALS, post=SCHOOL | OFFICIALS),
    "surroundings:spot_detail": Rule(obj("spot")),
    "surroundings:spot_refer": Rule(
        variants("spot", "", {"": {"department": "police", "request_text": "请处理"}}),
        get=None,
        post=frozenset({"leader_a"}) | OFFICIALS,
    ),
    "surroundings:spot_answer": Rule(
        variants("spot", "", {"": {"answer_text": "已取缔"}}), get=None, post=LIAISON
    ),
    "surroundings:spot_close": Rule(
        variants("spot", "", {"": {"outcome": "resolved", "comment": "已解决"}}),
        get=None,
        post=frozenset({"leader_a"}) | OFFICIALS,
    ),
    "surroundings:spot_photo": Rule(obj("spot")),
    "surroundings:meeting_list": Rule(page),
    "surroundings:meeting_new": Rule(page, get=OFFICIALS, post=OFFICIALS),
    "surroundings:meeting_detail": Rule(county_obj("meeting")),
    "surroundings:meeting_minutes": Rule(county_obj("meeting")),
    "surroundings:decision_done": Rule(county_obj("decision"), get=None, post=OFFICIALS | LIAISON),
    "surroundings:report_list": Rule(page, get=NOT_LIAISON),
    "surroundings:report_detail": Rule(obj("public_report"), get=NOT_LIAISON),
    "surroundings:report_photo": Rule(obj("public_report"), get=NOT_LIAISON),
    "surroundings:report_accept": Rule(
        variants(
            "public_report", "", {"": {"as_kind": "spot", "spot_kind": "vendor", "place": "校门口"}}
        ),
        get=None,
        post=SCHOOL,
    ),
    "surroundings:report_dismiss": Rule(
        variants("public_report", "", {"": {"reason": "无法核实"}}), get=None, post=SCHOOL
    ),
    "surroundings:poster": Rule(obj("school"), get=NOT_LIAISON),
    "surroundings:public_form": Rule(public_token, public=True),
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
    # --- #22 operations: the load balancers' health endpoint -----------------------------
    "health": Rule(page, public=True, safe_only=True),
    # --- reporting: the year-end safe-campus assessment (issue #19) -----------------------
    # Schemes are the city bureau's own (404 below it); runs and published results are open to
    # every unit of the city; a school's assessment follows the scoping rule until published.
    "assessment:index": Rule(page),
    "assessment:catalogue": Rule(page),
    "assessment:scheme_new": Rule(page, get=CITY_OFFICIAL, post=CITY_OFFICIAL),
    "assessment:scheme_detail": Rule(assessment_city("scheme_open"), get=CITY_READERS),
    "assessment:group_add": Rule(assessment_city("scheme_draft"), get=None, post=CITY_OFFICIAL),
    "assessment:indicator_add": Rule(assessment_city("scheme_draft"), get=None, post=CITY_OFFICIAL),
    "assessment:scheme_version": Rule(
        assessment_city("scheme_draft"), get=None, post=CITY_OFFICIAL
    ),
    "assessment:run_open": Rule(assessment_city("scheme_draft"), get=None, post=CITY_OFFICIAL),
    "assessment:indicator_remove": Rule(assessment_city("indicator"), get=None, post=CITY_OFFICIAL),
    "assessment:run_detail": Rule(assessment_open("run")),
    "assessment:run_recompute": Rule(assessment_open("run"), get=None, post=CITY_OFFICIAL),
    "assessment:run_publish": Rule(assessment_open("run"), get=None, post=CITY_OFFICIAL),
    "assessment:results": Rule(assessment_open("published_run")),
    "assessment:results_pdf": Rule(assessment_open("published_run")),
    "assessment:results_xlsx": Rule(assessment_open("published_run")),
    "assessment:scoring_detail": Rule(assessment_scoring, get=OFFICIALS | ADMINS),
    "assessment:scoring_submit": Rule(assessment_scoring, get=None, post=COUNTY_OFFICIALS),
    "assessment:scoring_return": Rule(assessment_scoring, get=None, post=CITY_OFFICIAL),
    "assessment:assessment_detail": Rule(obj("assessment_item")),
    "assessment:self_assess": Rule(obj("assessment_item"), get=None, post=APPLICANTS_A),
    "assessment:county_score": Rule(obj("assessment_item"), get=None, post=COUNTY_OFFICIALS),
    "assessment:model_school": Rule(
        assessment_open("published_item"), get=None, post=CITY_OFFICIAL
    ),
    "assessment:certificate_pdf": Rule(assessment_open("published_item")),
    "assessment:evidence": Rule(obj("assessment_evidence")),
}

# Public pages, the same for everyone: the favicon is tested in tests/test_setup.py.
# #21: the sign-in pages of the identity platform are the way in, public like the login page;
# their rows are test_sign_in_through_the_platform_is_public below (and tests/safety/sso/).
SSO_NAMES = {"sso:oidc_login", "sso:oidc_callback", "sso:cas_login", "sso:cas_callback"}
UNTESTED_NAMES = {"login", "logout", "favicon", "sso:refused", *SSO_NAMES}


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


def _visible(user, target: Target) -> bool:
    unit = target.unit
    if unit is None:
        return True
    if target.open_below and user.unit.path.startswith(unit.path):
        return True
    return unit.path.startswith(user.unit.path)


def _expected(rule_roles, persona, user, target, ok) -> frozenset[int]:
    if persona == "anonymous":
        return frozenset({302})
    if target.data.get("_mine") is False:
        return frozenset({404})
    if not _visible(user, target):
        return frozenset({404})
    return ok if persona in rule_roles else frozenset({403})


def _special(name: str, rule: Rule, persona: str, method: str, expected: frozenset[int]):
    """#17: a public page answers everyone; a liaison account meets a 404 outside its pages
    (the home page sends it to its ledger)."""
    if rule.public:
        if method == "post" and rule.safe_only:
            return frozenset({405})
        return OK_GET if method == "get" else OK_POST
    if persona == "liaison" and name not in LIAISON_URLS:
        return frozenset({302}) if name == "dashboards:home" else frozenset({404})
    return expected


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
                    expected = _special(name, rule, persona, method, expected)
                    response = _request(client, method, url, target.data)
                    if response.status_code not in expected:
                        failures.append(
                            f"{persona:22} {method.upper():4} {url:55} side {side}: "
                            f"{response.status_code}, expected {sorted(expected)}"
                        )
                    elif persona == "anonymous" and not rule.public:
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


@pytest.mark.parametrize("persona", PERSONAS)
def test_sign_in_through_the_platform_is_public(persona, world, db, settings):
    """#21: the refusal page answers everyone (GET only); a platform's URLs answer 404 unless
    that platform is configured, and then send everyone, signed in or not, to the platform."""
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world.people, persona))
    assert client.get(reverse("sso:refused")).status_code == 200
    assert client.post(reverse("sso:refused")).status_code == 405
    settings.SSO_PROTOCOL = ""
    for name in SSO_NAMES:
        assert client.get(reverse(name)).status_code == 404, name
    settings.SSO_PROTOCOL = "cas"
    settings.CAS_SERVER_URL = "https://cas.invalid/cas/"
    response = client.get(reverse("sso:cas_login"))
    assert response.status_code == 302 and response["Location"].startswith(settings.CAS_SERVER_URL)
    assert client.post(reverse("sso:cas_login")).status_code == 405
    # Back without a ticket: refused, never signed in by it.
    assert client.get(reverse("sso:cas_callback"))["Location"] == reverse("sso:refused")


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
