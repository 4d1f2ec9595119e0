"""Every admin page logs its changes (issue #13, item 4): walks EVERY model registered on the
admin site, third-party ones included, changes (and where allowed adds and deletes) a record
through the real admin views and checks that exactly one audit row tells who did it with the
old and new values. A newly registered admin must be an `AuditedModelAdmin` and have a row in
SCENARIOS, or this test fails.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from api import services as api_services
from inspections.models import ChecklistTemplate, InspectionSettings, RiskSettings
from reporting.activities.models import ActivitySettings
from reporting.incidents.models import AccountabilityAction, ReportingTimeLimit
from reporting.orders.models import OrderSettings
from safety.admin import AuditedModelAdmin
from safety.models import (
    AuditEvent,
    CalendarYear,
    GuardingSettings,
    Post,
    ResponsibilitySettings,
    SafetyArea,
    User,
)
from safety.preparedness.models import DrillSettings
from safety.preparedness.models import Scenario as EmergencyScenario

pytestmark = pytest.mark.django_db


@dataclass
class Scenario:
    make: Callable[[Any, Any], Any] | None  # the record to change (None: a read-only page)
    change: dict[str, str] = field(default_factory=dict)  # POST values that differ
    add: dict[str, str] | None = None  # POST values of a new record
    superuser: bool = False  # only a superuser may manage it
    delete: bool = False


def _interval(city, people):
    return IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)


def _task(city, people):
    return PeriodicTask.objects.create(
        name="测试任务", task="safety.example", interval=_interval(city, people)
    )


def _attempt(model):
    def make(city, people):
        values = {"username": "mallory", "ip_address": "10.0.0.9", "user_agent": "UA"}
        if model is not AccessFailureLog:
            values.update(path_info="/accounts/login/", http_accept="*/*")
        if model is AccessAttempt:
            values.update(get_data="", post_data="", failures_since_start=5)
        if model is AccessFailureLog:
            values.update(path_info="/accounts/login/", http_accept="*/*", locked_out=True)
        return model.objects.create(**values)

    return make


SCENARIOS: dict[str, Scenario] = {
    "auth.Group": Scenario(
        lambda city, people: Group.objects.create(name="值班组"),
        change={"name": "夜班组"},
        add={"name": "新组"},
        superuser=True,
        delete=True,
    ),
    "django_celery_beat.PeriodicTask": Scenario(_task, change={"description": "每日提醒"}),
    "django_celery_beat.IntervalSchedule": Scenario(
        _interval, change={"every": "2"}, add={"every": "3", "period": "hours"}
    ),
    "django_celery_beat.CrontabSchedule": Scenario(
        lambda city, people: CrontabSchedule.objects.create(minute="0", hour="3"),
        change={"hour": "4"},
    ),
    "django_celery_beat.ClockedSchedule": Scenario(
        lambda city, people: ClockedSchedule.objects.create(
            clocked_time=datetime.datetime(2027, 1, 1, 8, tzinfo=datetime.UTC)
        ),
        change={"clocked_time_1": "09:00:00"},
        superuser=True,
    ),
    "django_celery_beat.SolarSchedule": Scenario(
        lambda city, people: SolarSchedule.objects.create(
            event="sunrise", latitude=30, longitude=120
        ),
        change={"latitude": "31.000000"},
        superuser=True,
    ),
    "axes.AccessAttempt": Scenario(_attempt(AccessAttempt), superuser=True, delete=True),
    "axes.AccessLog": Scenario(_attempt(AccessLog), superuser=True, delete=True),
    "axes.AccessFailureLog": Scenario(_attempt(AccessFailureLog), superuser=True, delete=True),
    "safety.Organisation": Scenario(
        lambda city, people: city.school_a, change={"phone": "0571-12345678"}
    ),
    "safety.User": Scenario(lambda city, people: people.staff_a, change={"title": "安全员"}),
    "safety.SafetyArea": Scenario(
        lambda city, people: SafetyArea.objects.get(key="fire"), change={"name_en": "Fire"}
    ),
    "safety.AuditEvent": Scenario(None),
    # #23: exports and failed background jobs, written by the system, read here.
    "safety.ExportJob": Scenario(None),
    "safety.JobFailure": Scenario(None),
    "safety.Post": Scenario(
        lambda city, people: Post.objects.order_by("pk").first(), change={"duty_text": "新职责"}
    ),
    # Emergency preparedness (issue #14)
    "safety.DrillSettings": Scenario(
        lambda city, people: DrillSettings.objects.create(unit=city.county_a),
        change={"school_per_month": "2"},
    ),
    "safety.Scenario": Scenario(
        lambda city, people: EmergencyScenario.objects.get(key="fire"),
        change={"name_zh": "火灾事故"},
    ),
    "safety.ResponsibilitySettings": Scenario(
        lambda city, people: ResponsibilitySettings.objects.create(
            unit=city.county_a, unsigned_letter_grace_days=10
        ),
        change={"unsigned_letter_grace_days": "20"},
    ),
    # Daily guarding (issue #15).
    "safety.GuardingSettings": Scenario(
        lambda city, people: GuardingSettings.objects.create(unit=city.county_a),
        change={"gate_retention_days": "90", "follow_up_minutes": "20"},
    ),
    "inspections.ChecklistTemplate": Scenario(
        lambda city, people: ChecklistTemplate.objects.get(area__key="fire"),
        change={"name": "消防安全检查表（修订）"},
    ),
    "inspections.InspectionSettings": Scenario(
        lambda city, people: InspectionSettings.objects.create(bureau=city.county_a),
        change={"general_deadline_days": "9"},
    ),
    "reporting.ReportingTimeLimit": Scenario(
        lambda city, people: ReportingTimeLimit.objects.get(severity="general"),
        change={"initial_report_minutes": "45"},
    ),
    # Bureau supervision (issue #18).
    "reporting.OrderSettings": Scenario(
        lambda city, people: OrderSettings.objects.create(bureau=city.county_a, prefix="甲教安"),
        change={"prefix": "甲教督"},
    ),
    # #20 risk grading and working days
    "inspections.RiskSettings": Scenario(
        lambda city, people: RiskSettings.objects.create(bureau=city.county_a),
        change={"red_interval_days": "2"},
    ),
    "inspections.RiskPoint": Scenario(None),
    "inspections.RiskCheck": Scenario(None),
    "inspections.CampusPlan": Scenario(None),
    "inspections.RiskReport": Scenario(None),
    "safety.CalendarYear": Scenario(
        lambda city, people: CalendarYear.objects.create(year=2027, source="通知"),
        change={"source": "国务院办公厅关于2027年部分节假日安排的通知"},
    ),
    "reporting.MonthlyReport": Scenario(None),
    "reporting.MonthlyReportVersion": Scenario(None),
    "reporting.MonthlyReportEvent": Scenario(None),
    # activities and school buses (issue #16)
    "reporting.ActivitySettings": Scenario(
        lambda city, people: ActivitySettings.objects.create(bureau=city.county_a),
        change={"large_threshold": "300"},
    ),
    # #19 accountability: the setting list of actions taken (seeded by a data migration).
    "reporting.AccountabilityAction": Scenario(
        lambda city, people: AccountabilityAction.objects.get(key="criticism"),
        change={"name_zh": "批评教育（口头）"},
        add={"key": "notice", "name_zh": "书面提醒", "name_en": "Written reminder", "order": "99"},
    ),
    # #22 the REST API: a client of a unit, registered through api.services.
    "api.ApiClient": Scenario(
        lambda city, people: api_services.client_register(
            actor=people.administrator, unit=city.county_a, name="大屏"
        )[0],
        change={"name": "指挥中心大屏"},
        add={"name": "县平台", "unit": lambda city, people: city.county_a.pk, "scope": "read"},
    ),
}

REGISTERED = sorted(model._meta.label for model in admin.site._registry)


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value is False:
        return
    if value is True:
        data[key] = "on"
    elif isinstance(value, list | tuple):
        data[key] = [str(item) for item in value]
    else:
        data[key] = str(value)


def _widget_values(bound: Any) -> dict[str, Any]:
    """A bound field's values as its widget posts them (split date and time too)."""
    widget, value = bound.field.widget, bound.value()
    subwidgets = getattr(widget, "widgets", None)
    if subwidgets:
        parts = widget.decompress(value) if not isinstance(value, list) else value
        names = getattr(widget, "widgets_names", [f"_{i}" for i in range(len(subwidgets))])
        return {bound.html_name + suffix: part for suffix, part in zip(names, parts, strict=False)}
    return {bound.html_name: value}


def form_data(response) -> dict[str, Any]:
    """What the browser posts back unchanged from an admin add/change page."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            for key, value in _widget_values(form[name]).items():
                _put(data, key, value)
    return data


def rows_of(model, pk, since: int) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            id__gt=since, target_type=ContentType.objects.get_for_model(model), target_id=str(pk)
        )
    )


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_every_registered_admin_has_a_scenario():
    assert sorted(SCENARIOS) == REGISTERED


@pytest.mark.parametrize("label", REGISTERED)
def test_every_admin_change_is_audited_once_with_who_old_and_new(label, city, people):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, AuditedModelAdmin), f"{label}: not an AuditedModelAdmin"
    scenario = SCENARIOS[label]
    actor = people.administrator
    if scenario.superuser:
        actor = User.objects.create(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(actor)
    info = (model._meta.app_label, model._meta.model_name)
    if scenario.make is None:
        request = type("Request", (), {"user": actor})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_delete_permission(request)
        return
    record = scenario.make(city, people)

    if scenario.change:
        url = reverse("admin:{}_{}_change".format(*info), args=[record.pk])
        page = client.get(url)
        assert page.status_code == 200
        data = {**form_data(page), **scenario.change, "_save": "Save"}
        since = last_id()
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        (row,) = rows_of(model, record.pk, since)
        assert row.actor == actor
        for name in scenario.change:
            name = name.removesuffix("_1")
            old, new = row.changes[name]
            assert old != new
        # The administrator reads it: the record's history is its audit trail.
        history = client.get(reverse("admin:{}_{}_history".format(*info), args=[record.pk]))
        trail = client.get(history["Location"])
        assert f"/admin/safety/auditevent/{row.pk}/change/" in trail.content.decode()

    if scenario.add is not None:
        page = client.get(reverse("admin:{}_{}_add".format(*info)))
        # A value may depend on the test city (a unit's id): a callable of (city, people).
        add = {k: v(city, people) if callable(v) else v for k, v in scenario.add.items()}
        data = {**form_data(page), **add, "_save": "Save"}
        since = last_id()
        response = client.post(reverse("admin:{}_{}_add".format(*info)), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        created = model._default_manager.order_by("-pk").first()
        (row,) = rows_of(model, created.pk, since)
        assert row.actor == actor
        # A foreign key is logged under its column (unit → unit_id).
        changes = {name.removesuffix("_id"): value for name, value in row.changes.items()}
        assert all(changes[name][1] not in (None, "") for name in scenario.add)

    if scenario.delete:
        since = last_id()
        url = reverse("admin:{}_{}_delete".format(*info), args=[record.pk])
        assert client.post(url, {"post": "yes"}).status_code == 302
        (row,) = rows_of(model, record.pk, since)
        assert (row.action, row.actor) == ("delete", actor)
