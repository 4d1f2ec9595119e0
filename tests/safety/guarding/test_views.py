"""Bad input through the pages: the Chinese error is shown, what was typed is kept and
nothing is half-saved."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safety.guarding.models import DutyLog, GateEntry, Leave, RollCall


def test_duty_log_for_a_future_day_is_refused_and_kept(school, client):
    client.force_login(school.staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        f"/guarding/units/{school.unit.pk}/duty-log/",
        {
            "date": tomorrow.isoformat(),
            "events": "巡查正常",
            "handover": "钥匙已交接",
            "is_normal": "on",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "只能填写今天或昨天的值班记录" in page and "巡查正常" in page
    assert not DutyLog.objects.exists()


def test_gate_entry_with_a_whole_id_number_is_not_saved(school, client):
    client.force_login(school.gatekeeper)
    response = client.post(
        f"/guarding/units/{school.unit.pk}/gate/",
        {
            "kind": "visitor",
            "name": "赵访客",
            "id_type": "resident_id",
            "id_last4": "36080219800101123X",
            "phone": "13800001111",
            "purpose": "送教材",
            "person_visited": "王老师",
            "time_in": "2026-11-30T08:00",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请勿输入完整证件号码" in page and "赵访客" in page
    assert "36080219800101123X" not in page
    assert not GateEntry.objects.exists()


def test_leave_back_before_leaving_is_refused(school, client):
    client.force_login(school.teacher)
    response = client.post(
        f"/guarding/units/{school.unit.pk}/leaves/new/",
        {
            "pupil": school.pupils[0].pk,
            "reason": "看病",
            "leaves_at": "2026-12-01T10:00",
            "returns_by": "2026-12-01T09:00",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "应返校时间必须晚于离校时间" in page and "看病" in page
    assert not Leave.objects.exists()


def test_roll_call_with_leave_but_no_leave_is_refused(school, client):
    client.force_login(school.manager)
    pupil = school.pupils[0]
    response = client.post(
        f"/guarding/rooms/{school.room.pk}/roll-call/",
        {f"pupil_{p.pk}": "present" for p in school.pupils} | {f"pupil_{pupil.pk}": "leave"},
    )
    assert response.status_code == 400
    assert "没有已离校的请假" in response.content.decode()
    assert not RollCall.objects.exists()


def test_roster_day_with_a_bad_phone_is_refused(school, client):
    client.force_login(school.leader)
    client.post(
        f"/guarding/units/{school.unit.pk}/rosters/", {"kind": "week", "start_date": "2026-12-07"}
    )
    roster = school.unit.duty_rosters.get()
    response = client.post(
        f"/guarding/rosters/{roster.pk}/shift/",
        {
            "date": "2026-12-07",
            "leader": school.leader.pk,
            "leader_phone": "12345",
            "staff_name": "值班员",
            "staff_phone": "13900002222",
        },
    )
    assert response.status_code == 400
    assert "电话号码格式不正确" in response.content.decode()
    assert not roster.shifts.exists()
