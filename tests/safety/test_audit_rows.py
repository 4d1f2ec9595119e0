"""One change, one audit row per changed record, in the service's words (issue #13, item 20).

Every service that names its change (`audit_record`) is discovered from the source and must
have a row in CASES saying how to call it; the test calls it and checks that each record it
touched has exactly one new audit row, and that its target's row carries the service's action
and actor with the old → new values the generic recorder saw. A new service that is not in the
table fails `test_every_service_that_names_its_change_is_in_the_table`.
"""

from __future__ import annotations

import ast
import datetime
import importlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inspections import services as inspection_services
from inspections.campaigns import services as campaign_services
from inspections.models import ChecklistTemplate
from inspections.risks import services as risk_services
from reporting.incidents import services as incident_services
from reporting.incidents.models import SchoolVeto
from reporting.models import MonthlyReport, MonthlyReportVersion
from reporting.monthly import services as monthly_services
from reporting.notices import services as notice_services
from reporting.orders import services as order_services
from safety import audit, workdays
from safety import services as safety_services
from safety.models import (
    AuditEvent,
    Certificate,
    Holder,
    LetterIssueRequest,
    Post,
    ResponsibilitySettings,
    SafetyArea,
)
from safety.responsibility import services as responsibility_services
from safety.sso import services as sso_services
from safety.uploads import clean_document
from tests.builders import clean_photo
from tests.inspections.surroundings.audit_cases import SURROUNDINGS_CASES
from tests.pdfs import plain_pdf
from tests.reporting.activities.audit_cases import ACTIVITY_CASES
from tests.reporting.assessment.audit_cases import ASSESSMENT_CASES
from tests.reporting.conftest import OCTOBER, facts, record_all_items, shanghai
from tests.safety.channels.audit_cases import CHANNELS_CASES
from tests.safety.education.audit_cases import EDUCATION_CASES
from tests.safety.guarding.audit_cases import GUARDING_CASES
from tests.safety.preparedness.audit_cases import PREPAREDNESS_CASES
from tests.safety.responsibility.factories import YEAR_START, assign, holder

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("safety", "inspections", "reporting")


def service_modules() -> dict[str, Path]:
    """Every `services.py` and `services/*.py` module of the product."""
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if path.name == "services.py" or relative.parent.name == "services":
                parts = list(relative.with_suffix("").parts)
                if parts[-1] == "__init__":
                    continue
                found[".".join(parts)] = path
    return found


def _calls_audit_record(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "audit_record"
        for node in ast.walk(function)
    )


def public_functions() -> dict[str, ast.FunctionDef]:
    functions = {}
    for module, path in service_modules().items():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                functions[f"{module}.{node.name}"] = node
    return functions


def naming_services() -> set[str]:
    """Public services whose own body (or a private helper's) calls `audit_record`."""
    found = set()
    for module, path in service_modules().items():
        tree = ast.parse(path.read_text())
        helpers = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef)
            and node.name.startswith("_")
            and _calls_audit_record(node)
        }
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if node.name == "audit_record":
                continue
            called = {
                getattr(call.func, "id", None)
                for call in ast.walk(node)
                if isinstance(call, ast.Call)
            }
            if _calls_audit_record(node) or called & helpers:
                found.add(f"{module}.{node.name}")
    return found


# --- How to call each service ----------------------------------------------------------
# Each case prepares what the service needs and returns (actor, call, action, fields): `call`
# runs the service once and returns its target; `fields` are fields the target's row must show
# as old → new.


def _organisation_save(city, people):
    def call():
        city.school_a.phone = "0571-88888888"
        safety_services.organisation_save(
            actor=people.county_admin, organisation=city.school_a, changed_fields=["phone"]
        )
        return city.school_a

    return people.county_admin, call, "organisation.update", {"phone"}


def _user_save(city, people):
    def call():
        people.staff_a.title = "安全员"
        safety_services.user_save(
            actor=people.county_admin, account=people.staff_a, changed_fields=["title"]
        )
        return people.staff_a

    return people.county_admin, call, "account.update", {"title"}


def _safety_area_save(city, people):
    def call():
        area = SafetyArea.objects.get(key="fire")
        area.description = "消防设施与通道"
        safety_services.safety_area_save(
            actor=people.administrator, area=area, changed_fields=["description"]
        )
        return area

    return people.administrator, call, "safety_area.update", {"description"}


def _user_end_sessions(city, people):
    def call():
        safety_services.user_end_sessions(actor=people.county_admin, account=people.staff_a)
        return people.staff_a

    return people.county_admin, call, "account.end_sessions", set()


def _user_password_change(city, people):
    session = SessionStore()
    session.create()

    def call():
        safety_services.user_password_change(
            account=people.staff_a, new_password="Another-Secret-9", session=session
        )
        return people.staff_a

    return people.staff_a, call, "account.password_change", set()


def _session_register(city, people):
    def call():
        safety_services.session_register(
            account=people.staff_a, session_key="k" * 32, ip_address="10.0.0.1", user_agent="UA"
        )
        return people.staff_a

    return people.staff_a, call, "account.login", set()


def _session_unregister(city, people):
    def call():
        safety_services.session_unregister(
            account=people.staff_a, session_key="k" * 32, ip_address="10.0.0.1"
        )
        return people.staff_a

    return people.staff_a, call, "account.logout", set()


def _post_update(city, people):
    def call():
        post = Post.objects.filter(unit_kind="school").first()
        post.duty_text = "负责全校消防安全。"
        responsibility_services.post_update(
            actor=people.administrator, post=post, changed_fields=["duty_text"]
        )
        return post

    return people.administrator, call, "post.update", {"duty_text"}


def _responsibility_settings_save(city, people):
    fields = {"unsigned_letter_grace_days"}

    def call():
        row = ResponsibilitySettings(unit=city.county_a, unsigned_letter_grace_days=20)
        responsibility_services.responsibility_settings_save(
            actor=people.county_admin,
            settings_row=row,
            changed_fields=["unsigned_letter_grace_days"],
        )
        return row

    return people.county_admin, call, "responsibility_settings.create", fields


def _holder_save(city, people):
    record = holder(city.school_a, "张老师")

    def call():
        record.phone = "13800000000"
        responsibility_services.holder_save(
            actor=people.county_admin, holder=record, changed_fields=["phone"]
        )
        return record

    return people.county_admin, call, "holder.update", {"phone"}


def _certificate_save(city, people):
    certificate = Certificate(
        holder=holder(city.school_a, "张老师"),
        kind="fire",
        number="X1",
        expires_on=datetime.date(2030, 1, 1),
    )

    def call():
        responsibility_services.certificate_save(actor=people.county_admin, certificate=certificate)
        return certificate

    return people.county_admin, call, "certificate.create", {"number"}


def _assignment_create(city, people):
    record = holder(city.school_a, "张老师")

    def call():
        return responsibility_services.assignment_create(
            actor=people.county_admin,
            unit=city.school_a,
            post=Post.objects.get(key="principal"),
            holder=record,
            start_date=YEAR_START,
        )

    return people.county_admin, call, "assignment.create", {"start_date"}


def _assignment_end(city, people):
    assignment = assign(city.school_a, "principal")

    def call():
        responsibility_services.assignment_end(
            actor=people.county_admin, assignment=assignment, end_date=datetime.date(2026, 10, 1)
        )
        return assignment

    return people.county_admin, call, "assignment.end", {"end_date"}


def _assignment_handover(city, people):
    assignment = assign(city.school_a, "principal")
    successor = holder(city.school_a, "李老师")

    def call():
        responsibility_services.assignment_handover(
            actor=people.county_admin,
            assignment=assignment,
            new_holder=successor,
            on=datetime.date(2026, 10, 1),
        )
        return assignment

    return people.county_admin, call, "assignment.handover", {"end_date"}


def _letters_issue_bulk(city, people):
    assign(city.school_a, "principal")

    def call():
        responsibility_services.letters_issue_bulk(
            actor=people.county_admin, unit=city.county_a, school_year="2026-2027"
        )
        return city.county_a

    return people.county_admin, call, "letters.issue_bulk", set()


def _letter_issue_request_run(city, people):
    """#23: the job of a county's bulk issue request names its change once, at the end."""
    assign(city.school_a, "principal")

    def call():
        issue = LetterIssueRequest.objects.create(
            unit=city.county_a, school_year="2026-2027", requested_by=people.county_admin
        )
        responsibility_services.letter_issue_request_run(request_id=issue.pk)
        return city.county_a

    return people.county_admin, call, "letters.issue_bulk", set()


def _checklist_publish(city, people):
    def call():
        template = ChecklistTemplate.objects.get(area__key="fire")
        inspection_services.checklist_publish(
            actor=people.administrator, template=template, items=["消防通道畅通"]
        )
        return template

    return people.administrator, call, "checklist_publish", {"current_version_id"}


def _spot_check_draw(city, people):
    def call():
        return inspection_services.spot_check_draw(
            actor=people.county_official, bureau=city.county_a, count=1, filters={}
        )

    return people.county_official, call, "spot_check_draw", set()


def _incident_close(city, people):
    incident = incident_services.incident_report(actor=people.staff_a, facts=facts())
    incident_services.incident_acknowledge(actor=people.county_official, incident=incident)
    record_all_items(people.county_official, incident)

    def call():
        incident_services.incident_close(
            actor=people.county_official, incident=incident, is_liability=True
        )
        return SchoolVeto.objects.get(incident=incident)

    return people.county_official, call, "reporting.veto", {"year"}


def _draft(people) -> MonthlyReport:
    return monthly_services.monthly_report_save_draft(
        actor=people.staff_a,
        unit=people.staff_a.unit,
        month=OCTOBER,
        work_done="检查了消防通道。",
        problems_found="",
        next_month_plans="",
    )


def _submit(people) -> MonthlyReportVersion:
    return monthly_services.monthly_report_submit(
        actor=people.staff_a,
        unit=people.staff_a.unit,
        month=OCTOBER,
        now=shanghai(2026, 10, 30, 9),
    )


def _monthly_report_save_draft(city, people):
    return people.staff_a, lambda: _draft(people), "monthly_report.save_draft", {"work_done"}


def _monthly_report_submit(city, people):
    _draft(people)
    return people.staff_a, lambda: _submit(people).report, "monthly_report.submit", {"status"}


def _monthly_report_approve(city, people):
    _draft(people)
    report = _submit(people).report

    def call():
        monthly_services.monthly_report_approve(actor=people.county_official, report=report)
        return report

    return people.county_official, call, "monthly_report.approve", {"status"}


def _monthly_report_return(city, people):
    _draft(people)
    report = _submit(people).report

    def call():
        monthly_services.monthly_report_return(
            actor=people.county_official, report=report, comment="补充隐患数据"
        )
        return report

    return people.county_official, call, "monthly_report.return", {"status"}


def _monthly_report_rerender(city, people):
    _draft(people)
    version = _submit(people)

    def call():
        monthly_services.monthly_report_rerender(actor=people.administrator, version=version)
        return version

    return people.administrator, call, "monthly_report.rerender_pdf", set()


# --- #20 risk grading -------------------------------------------------------------------


def _risk_values(level_high: bool = True) -> dict[str, Any]:
    return {
        "name": "锅炉房",
        "area": SafetyArea.objects.get(key="fire"),
        "danger": "超压爆炸",
        "method": "ls",
        "likelihood": 4 if level_high else 1,
        "severity": 5 if level_high else 2,
        "exposure": None,
        "control_measures": "持证上岗",
        "post": Post.objects.get(key="boiler_operator"),
    }


def _risk_point(city, people):
    return risk_services.point_save(
        actor=people.leader_a, school=city.school_a, values=_risk_values(False)
    )


def _risk_point_update(city, people):
    point = _risk_point(city, people)

    def call():
        return risk_services.point_save(
            actor=people.leader_a, school=city.school_a, point=point, values=_risk_values()
        )

    return people.leader_a, call, "risk_point.update", {"level", "check_interval_days"}


def _risk_point_review(city, people):
    point = _risk_point(city, people)

    def call():
        return risk_services.point_review(
            actor=people.leader_a, point=point, today=datetime.date(2026, 9, 7)
        )

    return people.leader_a, call, "risk_point.review", {"reviewed_on"}


def _campus_plan_upload(city, people):
    def call():
        return risk_services.plan_upload(
            actor=people.leader_a, school=city.school_a, image=clean_photo()
        )

    return people.leader_a, call, "campus_plan.upload", set()


def _risk_report_submit(city, people):
    _risk_point(city, people)

    def call():
        return risk_services.report_submit(actor=people.leader_a, school=city.school_a)

    return people.leader_a, call, "risk_report.submit", set()


def _risk_report_acknowledge(city, people):
    _risk_point(city, people)
    report = risk_services.report_submit(actor=people.leader_a, school=city.school_a)

    def call():
        return risk_services.report_acknowledge(actor=people.county_official, report=report)

    return people.county_official, call, "risk_report.acknowledge", {"status"}


CASES: dict[str, Callable[[Any, Any], tuple]] = {
    "safety.services.organisation_save": _organisation_save,
    "safety.services.user_save": _user_save,
    "safety.services.safety_area_save": _safety_area_save,
    "safety.services.user_end_sessions": _user_end_sessions,
    "safety.services.user_password_change": _user_password_change,
    "safety.services.session_register": _session_register,
    "safety.services.session_unregister": _session_unregister,
    "safety.responsibility.services.post_update": _post_update,
    "safety.responsibility.services.responsibility_settings_save": _responsibility_settings_save,
    "safety.responsibility.services.holder_save": _holder_save,
    "safety.responsibility.services.certificate_save": _certificate_save,
    "safety.responsibility.services.assignment_create": _assignment_create,
    "safety.responsibility.services.assignment_end": _assignment_end,
    "safety.responsibility.services.assignment_handover": _assignment_handover,
    "safety.responsibility.services.letters_issue_bulk": _letters_issue_bulk,
    "safety.responsibility.services.letter_issue_request_run": _letter_issue_request_run,
    "inspections.services.checklists.checklist_publish": _checklist_publish,
    "inspections.services.spot_checks.spot_check_draw": _spot_check_draw,
    "reporting.incidents.services.incident_close": _incident_close,
    "reporting.monthly.services.monthly_report_save_draft": _monthly_report_save_draft,
    "reporting.monthly.services.monthly_report_submit": _monthly_report_submit,
    "reporting.monthly.services.monthly_report_approve": _monthly_report_approve,
    "reporting.monthly.services.monthly_report_return": _monthly_report_return,
    "reporting.monthly.services.monthly_report_rerender": _monthly_report_rerender,
    # #20 risk grading
    "inspections.risks.services.point_save": _risk_point_update,
    "inspections.risks.services.point_review": _risk_point_review,
    "inspections.risks.services.plan_upload": _campus_plan_upload,
    "inspections.risks.services.report_submit": _risk_report_submit,
    "inspections.risks.services.report_acknowledge": _risk_report_acknowledge,
}

# Public services taking `actor` that open no scope of their own, and why.
NO_SCOPE_OF_THEIR_OWN = {
    "safety.services.audit_record": "writes into the calling service's scope",
    "safety.services.organisation_create": "validates, then organisation_save",
    "safety.services.user_create": "validates, then user_save",
    "inspections.services.hazards.hazard_create": "a step of its callers' scope",
    "inspections.services.hazards.hazard_return": "hazard_verify with accept=False",
    "inspections.services.photos.store_photos": "a step of its callers' scope",
    "safety.responsibility.services.letters_issue_bulk_queue": "queues letter_issue_request_run",
    "safety.responsibility.services.letter_issue_request_run": "a job: each batch of letters "
    "and the finish are scopes of their own (the page sees the progress)",
    "inspections.services.risk_hazards.hazard_from_risk_check": "a step of point_check's scope",
}


# --- Bureau supervision (issue #18) --------------------------------------------------------


def _soon(days: int = 10) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _launch(city, people):
    return campaign_services.campaign_launch(
        actor=people.city_official,
        bureau=city.city,
        title="开学检查",
        purpose="排查",
        deadline=_soon(),
        filters={},
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )


def _campaign_launch(city, people):
    return people.city_official, lambda: _launch(city, people), "campaign.launch", set()


def _campaign_forward(city, people):
    campaign = _launch(city, people)

    def call():
        campaign_services.campaign_forward(
            actor=people.county_official,
            campaign=campaign,
            county=city.county_a,
            deadline=_soon(5),
        )
        return campaign

    return people.county_official, call, "campaign.forward", set()


def _campaign_remind(city, people):
    campaign = _launch(city, people)

    def call():
        campaign_services.campaign_remind(
            actor=people.city_official,
            campaign=campaign,
            unit=city.city,
            today=workdays.next_working_day(timezone.localdate()),
        )
        return campaign

    return people.city_official, call, "campaign.remind", set()


def _campaign_task_submit(city, people):
    task = _launch(city, people).tasks.get(school=city.school_a)
    inspection = campaign_services.campaign_task_start(actor=people.staff_a, task=task)
    results = {item.pk: {"result": "pass"} for item in inspection.checklist.items.all()}
    inspection_services.inspection_save_draft(
        actor=people.staff_a, inspection=inspection, results=results
    )
    inspection_services.inspection_submit(actor=people.staff_a, inspection=inspection)

    def call():
        return campaign_services.campaign_task_submit(actor=people.staff_a, task=task, report="好")

    return people.staff_a, call, "campaign_task.submit", {"status"}


def _publish(city, people):
    return notice_services.notice_publish(
        actor=people.county_official,
        bureau=city.county_a,
        kind="notice",
        title="通知",
        body="请报送",
        filters={},
        reply_due=_soon(),
    )


def _notice_publish(city, people):
    return people.county_official, lambda: _publish(city, people), "notice.publish", set()


def _notice_remind(city, people):
    notice = _publish(city, people)

    def call():
        notice_services.notice_remind(
            actor=people.county_official,
            notice=notice,
            unit=city.county_a,
            today=workdays.next_working_day(timezone.localdate()),
        )
        return notice

    return people.county_official, call, "notice.remind", set()


def _notice_reply_of(city, people):
    recipient = _publish(city, people).recipients.get(unit=city.school_a)
    return recipient


def _notice_reply(city, people):
    recipient = _notice_reply_of(city, people)

    def call():
        return notice_services.notice_reply(actor=people.staff_a, recipient=recipient, text="好")

    return people.staff_a, call, "notice.reply", set()


def _notice_reply_decided(accept: bool):
    def case(city, people):
        recipient = _notice_reply_of(city, people)
        reply = notice_services.notice_reply(actor=people.staff_a, recipient=recipient, text="好")

        def call():
            if accept:
                return notice_services.notice_reply_accept(
                    actor=people.county_official, reply=reply
                )
            return notice_services.notice_reply_return(
                actor=people.county_official, reply=reply, comment="补充"
            )

        action = "notice.reply_accepted" if accept else "notice.reply_returned"
        return people.county_official, call, action, {"status"}

    return case


def _issue(city, people):
    hazard = inspection_services.hazard_report(
        actor=people.staff_a,
        school=city.school_a,
        area=SafetyArea.objects.get(key="fire"),
        description="通道堵塞",
    )
    return order_services.order_issue(
        actor=people.county_official,
        source="hazard",
        record=hazard,
        problems="堵塞",
        legal_basis="消防法",
        deadline=_soon(3),
        responder=people.leader_a,
    )


def _order_issue(city, people):
    return people.county_official, lambda: _issue(city, people), "order.issue", set()


def _evidence():
    return [clean_document(SimpleUploadedFile("证明.pdf", plain_pdf()))]


def _order_reply(city, people):
    order = _issue(city, people)

    def call():
        order_services.order_reply(
            actor=people.leader_a, order=order, text="已整改", evidence=_evidence()
        )
        return order

    return people.leader_a, call, "order.reply", {"status"}


def _order_decided(accept: bool):
    def case(city, people):
        order = _issue(city, people)
        reply = order_services.order_reply(
            actor=people.leader_a, order=order, text="已整改", evidence=_evidence()
        )

        def call():
            if accept:
                order_services.order_accept(actor=people.county_official, reply=reply)
            else:
                order_services.order_return(
                    actor=people.county_official, reply=reply, comment="补充"
                )
            return order

        action = "order.accepted" if accept else "order.returned"
        return people.county_official, call, action, {"status"}

    return case


def _order_escalate(city, people):
    order = _issue(city, people)

    def call():
        order_services.order_escalate_overdue(today=_soon(5))
        return order

    return None, call, "order.escalate", {"escalated_at"}


CASES.update(
    {
        "inspections.campaigns.services.campaign_launch": _campaign_launch,
        "inspections.campaigns.services.campaign_forward": _campaign_forward,
        "inspections.campaigns.services.campaign_remind": _campaign_remind,
        "inspections.campaigns.services.campaign_task_submit": _campaign_task_submit,
        "reporting.notices.services.notice_publish": _notice_publish,
        "reporting.notices.services.notice_remind": _notice_remind,
        "reporting.notices.services.notice_reply": _notice_reply,
        "reporting.notices.services.notice_reply_accept": _notice_reply_decided(True),
        "reporting.notices.services.notice_reply_return": _notice_reply_decided(False),
        "reporting.orders.services.order_issue": _order_issue,
        "reporting.orders.services.order_reply": _order_reply,
        "reporting.orders.services.order_accept": _order_decided(True),
        "reporting.orders.services.order_return": _order_decided(False),
        "reporting.orders.services.order_escalate_overdue": _order_escalate,
    }
)
NO_SCOPE_OF_THEIR_OWN.update(
    {
        "reporting.notices.services.store_attachments": "a step of its callers' scope",
        "reporting.orders.services.store_evidence": "a step of its callers' scope",
        "safety.guarding.services.pupils_read": "a read: one audit row, no transaction",
    }
)


# --- #15 daily guarding (cases in tests/safety/guarding/audit_cases.py) -----------------------
CASES.update(GUARDING_CASES)

# --- #14 emergency preparedness (cases in tests/safety/preparedness/audit_cases.py) ---------
CASES.update(PREPAREDNESS_CASES)


# --- #16 activities, #17 education and surroundings (cases in their audit_cases.py) ---------
CASES.update(ACTIVITY_CASES)
CASES.update(EDUCATION_CASES)
CASES.update(SURROUNDINGS_CASES)
CASES.update(CHANNELS_CASES)  # #21 delivery channels
CASES.update(ASSESSMENT_CASES)  # #19 the year-end safe-campus assessment
NO_SCOPE_OF_THEIR_OWN.update(
    {
        "reporting.activities.services.escalation_pass": "a job: each _escalate is its own scope",
        "reporting.activities.services.sync_school_buses": "reads, then school_buses_set",
    }
)


# --- #21 sign-in through the identity platform: an unknown identity created inactive ------
def _sso_create_pending_account(city, people):
    def call():
        return sso_services.create_pending_account(identifier="stranger", protocol="oidc")

    return None, call, "account.sso_create", {"username"}


CASES["safety.sso.services.create_pending_account"] = _sso_create_pending_account


def test_every_service_that_names_its_change_is_in_the_table():
    assert naming_services() == set(CASES)


def test_every_service_that_changes_state_runs_in_an_audit_scope():
    """Outside `audit.atomic` the generic rows are written at once and a named row would
    double them (audit_record refuses to run there)."""
    unscoped = []
    for name, node in public_functions().items():
        if "actor" not in {arg.arg for arg in node.args.kwonlyargs} and name not in CASES:
            continue
        module, function = name.rsplit(".", 1)
        if name in NO_SCOPE_OF_THEIR_OWN:
            continue
        if not getattr(getattr(importlib.import_module(module), function), "audit_atomic", False):
            unscoped.append(name)
    assert unscoped == []


def test_a_named_row_outside_a_scope_is_refused(people):
    with pytest.raises(RuntimeError):
        safety_services.audit_record(
            actor=people.administrator, action="x", target=people.staff_a, unit=None
        )


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_row_per_changed_record_in_the_services_words(name, city, people):
    actor, call, action, fields = CASES[name](city, people)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    target = call()
    rows = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    described = [(row.action, row.target_repr) for row in rows]
    per_record = Counter((row.target_type_id, row.target_id) for row in rows)
    assert {key: n for key, n in per_record.items() if n > 1} == {}, described
    target_type = ContentType.objects.get_for_model(target)
    (row,) = [
        r for r in rows if (r.target_type_id, r.target_id) == (target_type.pk, str(target.pk))
    ]
    assert (row.action, row.actor) == (action, actor)
    for field in fields:
        value = row.changes[field]
        assert isinstance(value, list) and len(value) == 2, (field, value)


def test_a_failed_nested_step_leaves_no_row(city, people):
    """A savepoint rolled back inside a scope (a row skipped in a batch) writes nothing."""
    before = AuditEvent.objects.count()
    with audit.atomic():
        try:
            with audit.atomic():
                Holder.objects.create(unit=city.school_a, name="回滚")
                raise ValueError
        except ValueError:
            pass
        Holder.objects.create(unit=city.school_a, name="保留")
    rows = AuditEvent.objects.all()[: AuditEvent.objects.count() - before]
    assert [row.changes["name"][1] for row in rows] == ["保留"]
