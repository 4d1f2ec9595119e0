"""Notices and bulletins (issue #18): targets, read receipts once per person, replies
returned and resubmitted, reminders once a day, urgent channel, permissions, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reporting.notices import selectors, services
from reporting.notices.models import NoticeReceipt, NoticeRecipient, NoticeReply
from safety import workdays
from safety.models import AuditEvent, Notification
from safety.uploads import clean_document
from tests.pdfs import plain_pdf

pytestmark = pytest.mark.django_db


def publish(actor, bureau, **extra):
    fields = {
        "kind": "notice",
        "title": "关于开展防溺水专项报送的通知",
        "body": "请于4月10日前报送。",
        "filters": {},
        "reply_due": timezone.localdate() + datetime.timedelta(days=5),
    }
    return services.notice_publish(actor=actor, bureau=bureau, **(fields | extra))


def open_(user, notice):
    return services.notice_open(user=user, recipient=services.recipient_for(user, notice))


def test_publish_addresses_the_selected_units(city, people):
    notice = publish(
        people.city_official, city.city, filters={"county": city.county_a.pk}, include_counties=True
    )
    units = set(notice.recipients.values_list("unit_id", flat=True))
    assert units == {city.school_a.pk, city.school_a2.pk, city.county_a.pk}
    told = set(Notification.objects.filter(kind="notice").values_list("recipient", flat=True))
    assert told == {
        people.staff_a.pk,
        people.leader_a.pk,
        people.staff_a2.pk,
        people.county_official.pk,
    }
    assert AuditEvent.objects.filter(action="notice.publish").count() == 1


def test_county_cannot_address_another_county_and_bad_input_is_refused(city, people):
    with pytest.raises(PermissionDenied):
        publish(people.county_official, city.county_a, filters={"county": city.county_b.pk})
    with pytest.raises(PermissionDenied):
        publish(people.staff_a, city.school_a)
    with pytest.raises(ValidationError):
        publish(
            people.city_official,
            city.city,
            reply_due=timezone.localdate() - datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        publish(people.city_official, city.city, filters={"school_type": "vocational"})
    assert not NoticeRecipient.objects.exists()


def test_urgent_notice_uses_the_urgent_channel(city, people):
    publish(people.county_official, city.county_a, urgent=True)
    notes = Notification.objects.filter(kind="notice")
    assert notes.count() == 3
    assert all(n.urgent for n in notes)


def test_read_receipt_once_per_person(city, people):
    notice = publish(people.county_official, city.county_a)
    assert open_(people.staff_a, notice)
    assert not open_(people.staff_a, notice)
    assert open_(people.leader_a, notice)
    recipient = notice.recipients.get(unit=city.school_a)
    assert NoticeReceipt.objects.filter(recipient=recipient).count() == 2
    first = recipient.first_read_at
    assert first is not None
    open_(people.leader_a, notice)
    recipient.refresh_from_db()
    assert recipient.first_read_at == first
    # The publishing bureau reading its own notice records nothing.
    assert not open_(people.county_official, notice)
    counts = selectors.status_counts(people.county_official, notice)
    assert (counts["read"], counts["unread"]) == (1, 1)


def test_reply_returned_and_resubmitted_then_accepted(city, people):
    notice = publish(people.county_official, city.county_a)
    recipient = notice.recipients.get(unit=city.school_a)
    pdf = clean_document(SimpleUploadedFile("报送表.pdf", plain_pdf()))
    first = services.notice_reply(
        actor=people.staff_a, recipient=recipient, text="已排查", attachments=[pdf]
    )
    with pytest.raises(ValidationError):
        services.notice_reply(actor=people.staff_a, recipient=recipient, text="再交一次")
    with pytest.raises(ValidationError):
        services.notice_reply_return(actor=people.county_official, reply=first, comment=" ")
    services.notice_reply_return(actor=people.county_official, reply=first, comment="缺少数据")
    second = services.notice_reply(actor=people.staff_a, recipient=recipient, text="补充数据")
    assert second.version == 2
    with pytest.raises(PermissionDenied):
        services.notice_reply_accept(actor=people.other_county_official, reply=second)
    services.notice_reply_accept(actor=people.county_official, reply=second)
    recipient.refresh_from_db()
    assert recipient.reply_status == "accepted"
    assert list(NoticeReply.objects.values_list("status", flat=True)) == ["accepted", "returned"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"notice.reply", "notice.reply_returned", "notice.reply_accepted"} <= actions


def test_only_the_units_own_people_reply(city, people):
    notice = publish(people.county_official, city.county_a)
    recipient = notice.recipients.get(unit=city.school_a)
    with pytest.raises(PermissionDenied):
        services.notice_reply(actor=people.staff_a2, recipient=recipient, text="x")
    with pytest.raises(PermissionDenied):
        services.notice_reply(actor=people.county_official, recipient=recipient, text="x")


def test_reminders_once_a_day_to_those_missing(city, people):
    notice = publish(people.county_official, city.county_a)
    open_(people.staff_a, notice)
    services.notice_reply(
        actor=people.staff_a, recipient=notice.recipients.get(unit=city.school_a), text="已完成"
    )
    assert (
        services.notice_remind(
            actor=people.county_official,
            notice=notice,
            unit=city.county_a,
            today=workdays.next_working_day(timezone.localdate()),
        )
        == 1
    )
    assert Notification.objects.filter(kind="notice_reminder").count() == 1  # staff_a2
    assert (
        services.notice_remind(
            actor=people.county_official,
            notice=notice,
            unit=city.county_a,
            today=workdays.next_working_day(timezone.localdate()),
        )
        == 0
    )
    assert Notification.objects.filter(kind="notice_reminder").count() == 1


def test_pages_scoping_and_receipt_on_open(city, people, client_for):
    notice = publish(people.county_official, city.county_a)
    staff = client_for("staff_a")
    assert staff.get(reverse("notices:index")).status_code == 200
    response = staff.get(reverse("notices:detail", args=[notice.pk]))
    assert response.status_code == 200
    assert NoticeReceipt.objects.filter(user=people.staff_a).count() == 1
    other = client_for("other_county_official")
    assert other.get(reverse("notices:detail", args=[notice.pk])).status_code == 404
    recipient_b = notice.recipients.get(unit=city.school_a2)
    assert staff.get(reverse("notices:recipient", args=[recipient_b.pk])).status_code == 404
    county = client_for("county_official")
    page = county.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "甲区实验小学" in page


def test_reply_form_keeps_input_on_error_and_return_needs_comment(city, people, client_for):
    notice = publish(people.county_official, city.county_a)
    recipient = notice.recipients.get(unit=city.school_a)
    staff = client_for("staff_a")
    response = staff.post(reverse("notices:reply", args=[recipient.pk]), {"text": ""})
    assert response.status_code == 400
    staff.post(reverse("notices:reply", args=[recipient.pk]), {"text": "已完成排查"})
    reply = NoticeReply.objects.get()
    county = client_for("county_official")
    response = county.post(reverse("notices:reply_return", args=[reply.pk]), {"comment": ""})
    assert response.status_code == 400
    response = county.post(reverse("notices:reply_return", args=[reply.pk]), {"comment": "请补充"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == "returned"


def test_the_sent_list_counts_each_notices_own_units_reads_and_replies(city, people):
    """#23: the counts are subqueries per notice (no grouped join): each row its own."""
    first = publish(people.county_official, city.county_a)
    second = publish(people.county_official, city.county_a, title="第二份通知")
    open_(people.staff_a, first)
    services.notice_reply(
        actor=people.staff_a, recipient=first.recipients.get(unit=city.school_a), text="已完成"
    )
    rows = {n.pk: n for n in selectors.sent(people.county_official)}
    assert (rows[first.pk].unit_count, rows[first.pk].read_count) == (2, 1)
    assert rows[first.pk].replied_count == 1
    assert (rows[second.pk].unit_count, rows[second.pk].read_count) == (2, 0)
    assert rows[second.pk].replied_count == 0
    assert [n.pk for n in selectors.sent(people.county_official)] == [second.pk, first.pk]
