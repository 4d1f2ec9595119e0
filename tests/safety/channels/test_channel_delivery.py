"""Urgent notices through the channels, against the real local provider server: the
scenario of issue #21, per-channel records, fallback, retries, never a lost notice, and no
secret in a log line or a row."""

from __future__ import annotations

import json
import logging

from django.core import mail
from django.urls import reverse

from safety import notifications
from safety.channels import digest
from safety.channels.models import ChannelDelivery, ChannelProfile
from safety.models import AuditEvent, DeliveryStatus, Notification, User
from safety.selectors import unreachable_accounts
from tests.builders import report_incident

from . import fake_providers as fake


def _identities(user, *, wecom="", dingtalk="", phone="", email="", urgent=()):
    user.phone, user.email = phone, email
    user.save()
    ChannelProfile.objects.update_or_create(
        user=user,
        defaults={
            "wecom_user_id": wecom,
            "dingtalk_user_id": dingtalk,
            "urgent_channels": list(urgent),
        },
    )


def _second_official(city):
    return User.objects.create_user(
        "zhoumin",
        password="x",
        unit=city.county_a,
        role=User.Role.BUREAU_OFFICIAL,
        full_name="周敏",
    )


def test_a_county_official_receives_an_urgent_incident_by_wecom_and_sms(
    city, people, providers, settings, client_for, django_capture_on_commit_callbacks, caplog
):
    """Issue #21, done when: WeCom and SMS (template and parameters as configured), and a
    second official without identities on the unreachable list."""
    settings.SAFECAMPUS_CHANNELS = ["wecom", "sms", "email"]
    official = people.county_official
    _identities(official, wecom="ZhangSan", phone="13800000000")
    second = _second_official(city)
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        incident = report_incident(people.staff_a)

    (wecom,) = providers.calls_to("wecom_send")
    assert wecom.body["touser"] == "ZhangSan"
    assert city.school_a.name in wecom.body["text"]["content"]
    assert f"/incidents/{incident.pk}/" in wecom.body["text"]["content"]
    (sms,) = providers.calls_to("aliyun_sms")
    assert sms.body["PhoneNumbers"] == "13800000000"
    assert sms.body["TemplateCode"] == "SMS_460001"
    assert sms.body["SignName"] == "平安校园"
    assert json.loads(sms.body["TemplateParam"]) == {
        "school": city.school_a.name,
        "severity": "一般",
    }

    notice = Notification.objects.get(recipient=official, kind="incident.reported")
    assert notice.delivery_status == DeliveryStatus.DELIVERED and notice.delivered_at
    assert notice.delivery_log == {"wecom": "sent", "sms": "sent", "email": "no_address"}
    assert mail.outbox == []
    # The second official: no identity on any channel, not delivered, listed.
    other = Notification.objects.get(recipient=second, kind="incident.reported")
    assert other.delivery_status == DeliveryStatus.UNREACHABLE and other.delivered_at is None
    assert set(other.delivery_log.values()) == {"no_address"}
    assert second in unreachable_accounts(people.county_admin)
    assert official not in unreachable_accounts(people.county_admin)
    page = client_for("county_admin").get(reverse("channels:reach")).content.decode()
    assert "周敏" in page and "无法接收紧急通知的账号" in page
    # No secret in the log or the database.
    rows = json.dumps(list(ChannelDelivery.objects.values()), default=str) + json.dumps(
        list(AuditEvent.objects.values_list("changes", flat=True)), default=str
    )
    for secret in fake.SECRETS:
        assert secret not in caplog.text and secret not in rows


def test_preferred_channels_first_then_the_next_when_they_fail(
    city, people, providers, django_capture_on_commit_callbacks
):
    official = people.county_official
    # Prefers DingTalk only; the DingTalk id is not in the organisation (33012).
    _identities(official, dingtalk="stranger", wecom="LiSi", urgent=["dingtalk"])
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(people.staff_a)
    notice = Notification.objects.get(recipient=official, kind="incident.reported")
    # DingTalk first (preferred) failed; the next channels were tried: WeCom accepted it.
    assert notice.delivery_log == {
        "dingtalk": "failed",
        "wecom": "sent",
        "sms": "no_address",
        "email": "no_address",
    }
    assert notice.delivery_status == DeliveryStatus.DELIVERED
    failed = ChannelDelivery.objects.get(notification=notice, channel="dingtalk")
    assert failed.error_code == "33012" and failed.status == "failed"


def test_a_rate_limit_is_retried_and_nothing_is_sent_twice(
    city, people, providers, settings, django_capture_on_commit_callbacks
):
    settings.SAFECAMPUS_CHANNELS = ["wecom", "sms"]
    official = people.county_official
    _identities(official, wecom="ZhangSan", phone="13800000000")
    providers.script("wecom_send", {"errcode": 45009, "errmsg": "api freq out of limit"})
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(people.staff_a)  # the task retries (eagerly in tests)
    notice = Notification.objects.get(recipient=official, kind="incident.reported")
    assert notice.delivery_log == {"wecom": "sent", "sms": "sent"}
    assert len(providers.calls_to("wecom_send")) == 2
    assert len(providers.calls_to("aliyun_sms")) == 1  # accepted the first time, not resent
    record = ChannelDelivery.objects.get(notification=notice, channel="wecom")
    assert record.attempts == 2 and record.status == "sent"
    assert notifications.deliver_urgent(notice.pk) is False


def test_a_lasting_rate_limit_ends_as_failed_never_lost(
    city, people, providers, settings, django_capture_on_commit_callbacks
):
    settings.SAFECAMPUS_CHANNELS = ["sms"]
    settings.CHANNEL_MAX_RETRIES = 2
    official = people.county_official
    _identities(official, phone="13800000000")
    limit = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控"}
    providers.script("aliyun_sms", limit, limit, limit, limit)
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(people.staff_a)
    notice = Notification.objects.get(recipient=official, kind="incident.reported")
    assert notice.delivery_status == DeliveryStatus.FAILED
    assert notice.emailed_at is not None and notice.delivered_at is None
    record = ChannelDelivery.objects.get(notification=notice, channel="sms")
    assert record.error_code == "isv.BUSINESS_LIMIT_CONTROL" and record.attempts == 3


def test_while_waiting_for_a_retry_the_sweeper_finds_the_notice(city, people, providers, settings):
    settings.SAFECAMPUS_CHANNELS = ["wecom"]
    official = people.county_official
    _identities(official, wecom="ZhangSan")
    notice = notifications.notify(
        recipient=official, kind="incident.reported", key="t:1", title="事故", urgent=True
    )  # no on-commit callbacks: the task was "lost"
    providers.script("wecom_send", "http500")
    assert notifications.deliver_urgent(notice.pk) is True
    notice.refresh_from_db()
    assert notice.delivery_status == DeliveryStatus.PENDING and notice.emailed_at is None
    assert notifications.awaits_retry(notice.pk)
    Notification.objects.filter(pk=notice.pk).update(
        created_at=notice.created_at.replace(year=2020)
    )
    assert notifications.deliver_pending_urgent() == 1
    notice.refresh_from_db()
    assert notice.delivery_status == DeliveryStatus.DELIVERED


def test_malformed_answers_and_unapproved_templates_are_recorded(
    city, people, providers, settings, client_for, django_capture_on_commit_callbacks
):
    settings.SAFECAMPUS_CHANNELS = ["wecom", "sms"]
    settings.SMS_TEMPLATES = {"default": "SMS_NOT_APPROVED"}
    official = people.county_official
    _identities(official, wecom="ZhangSan", phone="13800000000")
    providers.script("wecom_send", "malformed")
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(people.staff_a)
    notice = Notification.objects.get(recipient=official, kind="incident.reported")
    assert notice.delivery_status == DeliveryStatus.FAILED and notice.delivered_at is None
    codes = dict(
        ChannelDelivery.objects.filter(notification=notice).values_list("channel", "error_code")
    )
    assert codes == {"wecom": "malformed", "sms": "isv.SMS_TEMPLATE_ILLEGAL"}
    # The administrators' list shows the notice with its channels and the first error code.
    page = client_for("county_admin").get(reverse("channels:reach")).content.decode()
    assert "企业微信: 发送失败" in page and "<code>malformed</code>" in page


def test_tencent_sms_carries_the_configured_parameters_in_order(
    city, people, providers, settings, django_capture_on_commit_callbacks
):
    settings.SAFECAMPUS_CHANNELS = ["sms"]
    settings.SMS_PROVIDER = "tencent"
    settings.SMS_TEMPLATES = {"incident.reported": "1234567"}
    settings.SMS_TEMPLATE_PARAMS = {"incident.reported": "severity|school"}
    _identities(people.county_official, phone="13800000000")
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(people.staff_a)
    (call,) = providers.calls_to("tencent_sms")
    assert call.body["TemplateParamSet"] == ["一般", city.school_a.name]
    assert call.body["TemplateId"] == "1234567"


def test_the_duty_group_robots_post_once_per_incident(
    city, people, providers, settings, django_capture_on_commit_callbacks
):
    settings.SAFECAMPUS_CHANNELS = ["wecom"]
    city.county_a.code = "330102"
    city.county_a.save()
    settings.WECOM_ROBOT_KEYS = {"330102": fake.WECOM_ROBOT_KEY}
    settings.DINGTALK_ROBOTS = {"330102": f"{fake.DING_ROBOT_TOKEN}:{fake.DING_ROBOT_SECRET}"}
    _identities(people.county_official, wecom="ZhangSan")
    _identities(_second_official(city), wecom="LiSi")
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(people.staff_a)
    assert len(providers.calls_to("wecom_send")) == 2  # each official
    assert len(providers.calls_to("wecom_robot")) == 1  # the group once
    (robot,) = providers.calls_to("dingtalk_robot")
    assert "sign" in robot.query and city.school_a.name in robot.body["text"]["content"]


def test_routine_digest_by_wecom_when_the_person_prefers_it(city, people, providers):
    _identities(people.county_official, wecom="ZhangSan")
    ChannelProfile.objects.filter(user=people.county_official).update(routine_channels=["wecom"])
    notifications.notify(recipient=people.county_official, kind="k", key="1", title="月报提醒")
    assert notifications.send_digests() == 1
    notice = Notification.objects.get(recipient=people.county_official, kind="k")
    assert notice.delivery_status == DeliveryStatus.DELIVERED
    assert notice.delivery_log == {"wecom": "sent"}
    (call,) = providers.calls_to("wecom_send")
    assert "月报提醒" in call.body["text"]["content"]
    assert mail.outbox == []


def test_the_administrators_daily_digest(
    city, people, providers, django_capture_on_commit_callbacks
):
    _second_official(city)
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(people.staff_a)
    assert digest.reach_digests() >= 1
    assert digest.reach_digests() == 0  # once a day
    notice = Notification.objects.get(recipient=people.county_admin, kind="channels.reach_digest")
    assert "无法接收" in notice.title and notice.url == reverse("channels:reach")
    other = people.other_county_official.unit
    assert not Notification.objects.filter(
        kind="channels.reach_digest", recipient__unit=other
    ).exists()
