"""The gate register: minimised identity data, time out after time in, who is on campus,
who may read it, and the nightly retention job (runs once, deletes only what is due,
audited without names)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safety.guarding import selectors, services, tasks
from safety.guarding.forms import GateEntryForm
from safety.guarding.models import GateEntry, GuardingSettings
from safety.models import AuditEvent
from safety.responsibility.models import Assignment


def _entry(school, *, name="赵访客", days_ago=0, **fields):
    entry = GateEntry(
        kind="visitor",
        name=name,
        id_type="resident_id",
        id_last4="123X",
        phone="13800002222",
        purpose="送教材",
        person_visited="王老师",
        time_in=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )
    return services.gate_entry_create(actor=school.gatekeeper, unit=school.unit, entry=entry)


def _form(**overrides):
    data = {
        "kind": "visitor",
        "name": "赵访客",
        "id_type": "resident_id",
        "id_last4": "123x",
        "phone": "13800002222",
        "purpose": "送教材",
        "person_visited": "王老师",
        "time_in": "2026-11-30T08:00",
        "time_out": "",
    }
    data.update(overrides)
    return GateEntryForm(data)


def test_a_full_identity_number_is_refused_and_never_kept():
    form = _form(id_last4="33010619900101123X")
    assert not form.is_valid()
    assert "id_last4" in form.errors
    assert form.data["id_last4"] == ""  # not echoed back into the page
    form = _form()
    assert form.is_valid()
    assert form.cleaned_data["id_last4"] == "123X"


def test_time_out_before_time_in_and_bad_phone_are_refused():
    form = _form(time_out="2026-11-30T07:00", phone="12345")
    assert not form.is_valid()
    assert set(form.errors) == {"time_out", "phone"}


def test_visitors_are_on_campus_until_they_leave(school):
    entry = _entry(school)
    assert list(selectors.on_campus(school.unit)) == [entry]
    with pytest.raises(ValidationError):
        services.gate_entry_leave(
            actor=school.gatekeeper,
            entry=entry,
            time_out=entry.time_in - datetime.timedelta(minutes=1),
        )
    services.gate_entry_leave(actor=school.gatekeeper, entry=entry)
    assert not selectors.on_campus(school.unit).exists()
    with pytest.raises(ValidationError):
        services.gate_entry_leave(actor=school.gatekeeper, entry=entry)


def test_the_audit_trail_names_no_visitor(school):
    entry = _entry(school)
    rows = AuditEvent.objects.filter(target_id=str(entry.pk), action="gate_entry.create")
    assert rows.count() == 1
    assert "赵访客" not in str(rows.get().changes) and "赵访客" not in rows.get().target_repr


def test_only_leaders_and_the_gate_post_read_the_register(school, people):
    assert selectors.can_read_gate(school.gatekeeper, school.unit)
    assert selectors.can_read_gate(school.leader, school.unit)
    for other in (school.staff, school.manager, people.county_official, people.city_official):
        assert not selectors.can_read_gate(other, school.unit)
    entry = GateEntry(
        kind="delivery", name="快递员", id_type="none", purpose="送快递", time_in=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        services.gate_entry_create(actor=school.staff, unit=school.unit, entry=entry)


def test_a_post_that_ended_no_longer_opens_the_register(school):
    Assignment.objects.filter(holder__user=school.gatekeeper).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    school.gatekeeper.__dict__.pop("_held_posts", None)
    assert not selectors.can_read_gate(school.gatekeeper, school.unit)


def test_retention_job_deletes_only_what_is_due_once_and_is_audited(school, city):
    old = _entry(school, name="旧访客", days_ago=200)
    edge = _entry(school, name="近访客", days_ago=179)
    assert services.purge_gate_register() == 1
    assert list(GateEntry.objects.values_list("pk", flat=True)) == [edge.pk]
    purge = AuditEvent.objects.get(action="gate_register.purge")
    assert purge.changes["deleted"] == 1 and purge.unit_id == school.unit.pk
    assert "旧访客" not in str(purge.changes)
    assert not AuditEvent.objects.filter(action="delete", target_id=str(old.pk)).exists()
    # A second run deletes nothing and records nothing.
    assert services.purge_gate_register() == 0
    assert AuditEvent.objects.filter(action="gate_register.purge").count() == 1


def test_retention_follows_the_bureau_setting(school, city):
    GuardingSettings.objects.create(unit=city.county_a, gate_retention_days=30)
    _entry(school, days_ago=40)
    keep = _entry(school, days_ago=20)
    assert services.purge_gate_register() == 1
    assert list(GateEntry.objects.all()) == [keep]


def test_the_retention_task_runs_the_job(school):
    _entry(school, days_ago=181)
    assert tasks.purge_gate_register.delay().get() == 1


def _retention_shown(client, page):
    return re.search(r"保存 (\d+) 天后自动删除", client.get(page).content.decode()).group(1)


def test_the_gate_page_shows_the_retention_a_bureau_just_changed(school, client):
    """The page reads the setting from the shared cache; saving it (here in the admin, as a
    bureau administrator would) is seen on the next page view, and so is deleting it."""
    client.force_login(school.gatekeeper)
    page = f"/guarding/units/{school.unit.pk}/gate/"
    assert _retention_shown(client, page) == "180"
    settings_row = GuardingSettings.objects.create(unit=school.unit.parent, gate_retention_days=30)
    assert _retention_shown(client, page) == "30"
    settings_row.gate_retention_days = 45
    settings_row.save()
    assert _retention_shown(client, page) == "45"
    settings_row.delete()
    assert _retention_shown(client, page) == "180"
