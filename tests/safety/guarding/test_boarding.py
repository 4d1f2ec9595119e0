"""Boarding pupils: leave (request → approval by the class teacher with the parent told →
departure → return, overdue flagged), bedtime roll call and the follow-up escalation, sent
once; pupils' data read only by named posts, every read audited, exports by leaders."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import Workbook

from safety.guarding import imports, selectors, services
from safety.guarding.models import Absence, BoardingPupil, Leave, ParentNotice
from safety.models import AuditEvent, Notification


def _leave(school, pupil=None, hours=24):
    now = timezone.now()
    return services.leave_request(
        actor=school.teacher,
        pupil=pupil or school.pupils[0],
        reason="回家看病",
        leaves_at=now,
        returns_by=now + datetime.timedelta(hours=hours),
    )


def test_leave_workflow_and_the_parent_is_told_once(school, django_capture_on_commit_callbacks):
    leave = _leave(school)
    with pytest.raises(PermissionDenied):  # the dormitory manager does not approve
        services.leave_decide(actor=school.manager, leave=leave, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        leave = services.leave_decide(actor=school.teacher, leave=leave, approve=True)
    notice = ParentNotice.objects.get(leave=leave)
    assert notice.phone == "13800001111" and "张小明" in notice.text
    assert notice.sent_at is not None  # the task ran (eager) and the gateway took it
    assert services.send_parent_notice(notice.pk) is False  # never twice
    leave = services.leave_depart(actor=school.manager, leave=leave)
    assert leave.status == Leave.Status.AWAY
    leave = services.leave_return(actor=school.manager, leave=leave)
    assert leave.status == Leave.Status.RETURNED
    assert list(leave.events.values_list("to_status", flat=True)) == [
        "requested",
        "approved",
        "away",
        "returned",
    ]


def test_leave_rules(school):
    now = timezone.now()
    with pytest.raises(ValidationError):  # back before leaving
        services.leave_request(
            actor=school.teacher,
            pupil=school.pupils[0],
            reason="事假",
            leaves_at=now,
            returns_by=now - datetime.timedelta(hours=1),
        )
    leave = _leave(school)
    with pytest.raises(ValidationError):  # one open leave at a time
        _leave(school)
    with pytest.raises(ValidationError):  # a refusal says why
        services.leave_decide(actor=school.teacher, leave=leave, approve=False)
    with pytest.raises(ValidationError):  # not approved yet
        services.leave_depart(actor=school.teacher, leave=leave)
    services.leave_decide(actor=school.teacher, leave=leave, approve=False, comment="期中考试")
    assert not ParentNotice.objects.exists()


def test_overdue_leave_is_flagged(school):
    leave = _leave(school, hours=1)
    services.leave_decide(actor=school.teacher, leave=leave, approve=True)
    services.leave_depart(actor=school.teacher, leave=leave)
    later = timezone.now() + datetime.timedelta(hours=2)
    leave.refresh_from_db()
    assert selectors.is_overdue(leave, later)
    assert list(services.overdue_leaves(later)) == [leave]
    assert list(selectors.leaves_of(school.unit, status="overdue")) == []  # not yet, now


def test_roll_call_counts_and_leave_reason_needs_a_leave(school):
    first, second, third = school.pupils
    with pytest.raises(ValidationError):  # "on leave" without a leave that started
        services.roll_call_mark(
            actor=school.manager,
            room=school.room,
            day=timezone.localdate(),
            absences={first.pk: "leave"},
        )
    leave = _leave(school, pupil=first)
    services.leave_decide(actor=school.teacher, leave=leave, approve=True)
    services.leave_depart(actor=school.teacher, leave=leave)
    call = services.roll_call_mark(
        actor=school.manager,
        room=school.room,
        day=timezone.localdate(),
        absences={first.pk: "leave", second.pk: "unexplained"},
    )
    assert (call.expected, call.present) == (3, 1)
    assert [a.pupil for a in selectors.open_absences(school.unit)] == [second]
    with pytest.raises(ValidationError):  # once per room and evening
        services.roll_call_mark(
            actor=school.manager, room=school.room, day=timezone.localdate(), absences={}
        )
    with pytest.raises(PermissionDenied):  # the gatekeeper does not mark rooms
        services.roll_call_mark(
            actor=school.gatekeeper,
            room=school.room,
            day=timezone.localdate() - datetime.timedelta(days=1),
            absences={},
        )


def _unexplained(school, minutes_ago):
    call = services.roll_call_mark(
        actor=school.manager,
        room=school.room,
        day=timezone.localdate(),
        absences={school.pupils[2].pk: "unexplained"},
    )
    call.marked_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    call.save(update_fields=["marked_at"])
    return Absence.objects.get(roll_call=call)


def test_escalation_notifies_the_leader_on_duty_once(school):
    roster = services.roster_create(
        actor=school.leader, unit=school.unit, kind="week", start_date=timezone.localdate()
    )
    services.shift_save(
        actor=school.leader,
        roster=roster,
        day=timezone.localdate(),
        leader=school.leader,
        leader_phone="13900001111",
        staff_name="值班员",
        staff_phone="13900002222",
    )
    absence = _unexplained(school, minutes_ago=31)
    assert services.escalate_absences() == 1
    notices = Notification.objects.filter(kind="absence_not_followed_up")
    assert [n.recipient for n in notices] == [school.leader]
    assert services.escalate_absences() == 0  # a second run sends nothing
    assert notices.count() == 1
    absence.refresh_from_db()
    assert absence.escalated_at is not None


def test_no_escalation_within_the_limit_or_once_followed_up(school):
    absence = _unexplained(school, minutes_ago=20)
    assert services.escalate_absences() == 0
    services.absence_follow_up(
        actor=school.manager,
        absence=absence,
        parent_contacted=True,
        outcome="home",
        note="家长接回家",
    )
    Absence.objects.filter(pk=absence.pk).update()
    absence.roll_call.marked_at = timezone.now() - datetime.timedelta(hours=2)
    absence.roll_call.save(update_fields=["marked_at"])
    assert services.escalate_absences() == 0
    assert not Notification.objects.filter(kind="absence_not_followed_up").exists()
    with pytest.raises(ValidationError):  # followed up once
        services.absence_follow_up(
            actor=school.manager, absence=absence, parent_contacted=True, outcome="home"
        )


def test_follow_up_needs_an_outcome(school):
    absence = _unexplained(school, minutes_ago=1)
    with pytest.raises(ValidationError):
        services.absence_follow_up(
            actor=school.manager, absence=absence, parent_contacted=True, outcome=""
        )


def test_pupil_reads_are_audited_and_limited_to_named_posts(school, people, client):
    for allowed in (school.leader, school.manager, school.teacher):
        client.force_login(allowed)
        assert client.get(f"/guarding/units/{school.unit.pk}/pupils/").status_code == 200
    reads = AuditEvent.objects.filter(action="pupils.read", unit=school.unit)
    assert reads.count() == 3
    for refused in (school.gatekeeper, school.staff, people.county_official):
        client.force_login(refused)
        assert client.get(f"/guarding/units/{school.unit.pk}/pupils/").status_code == 403
        assert client.get(f"/guarding/units/{school.unit.pk}/roll-call/").status_code == 403


def test_officials_see_counts_never_names(school, people, client):
    _unexplained(school, minutes_ago=1)
    client.force_login(people.county_official)
    for path in (
        "/guarding/bureau/",
        f"/guarding/units/{school.unit.pk}/",
        f"/guarding/units/{school.unit.pk}/dormitories/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        text = page.content.decode()
        assert "张小明" not in text and "王小强" not in text, path
    bureau = client.get("/guarding/bureau/").content.decode()
    assert "甲区第二中学" in bureau


def test_export_needs_a_leader_and_is_recorded(school, client):
    client.force_login(school.manager)
    assert client.get(f"/guarding/units/{school.unit.pk}/pupils/export.xlsx").status_code == 403
    client.force_login(school.leader)
    response = client.get(f"/guarding/units/{school.unit.pk}/pupils/export.xlsx")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="pupils.export").count() == 1


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(imports.COLUMNS)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_import_is_all_or_nothing(school):
    good = ["赵小六", "七年级（2）班", "13800003333", "男生宿舍", "101", 4]
    bad_room = ["钱小七", "七年级（2）班", "13800004444", "男生宿舍", "999", 1]
    bad_phone = ["孙小八", "七年级（2）班", "12345", "男生宿舍", "101", 4]
    with pytest.raises(ValidationError) as refused:
        imports.read_pupils(_xlsx([good, bad_phone]))
    assert "3" in refused.value.messages[0]
    rows = imports.read_pupils(_xlsx([good, bad_room]))
    with pytest.raises(ValidationError):
        services.pupils_import(actor=school.leader, unit=school.unit, rows=rows)
    assert BoardingPupil.objects.filter(unit=school.unit).count() == 3  # nothing half-saved
    taken = ["周小九", "七年级（2）班", "13800005555", "男生宿舍", "101", 1]
    with pytest.raises(ValidationError):  # bed 1 is taken
        services.pupils_import(
            actor=school.leader, unit=school.unit, rows=imports.read_pupils(_xlsx([taken]))
        )
    assert (
        services.pupils_import(
            actor=school.leader, unit=school.unit, rows=imports.read_pupils(_xlsx([good]))
        )
        == 1
    )
    with pytest.raises(ValidationError):
        imports.read_pupils(b"not an excel file")
