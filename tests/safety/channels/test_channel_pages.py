"""The channel pages: a person edits their own channels, a unit administrator those of an
account in the jurisdiction; bad input gets a Chinese error and keeps what was typed."""

from __future__ import annotations

from django.urls import reverse

from safety.channels.models import ChannelProfile
from safety.models import AuditEvent


def test_a_person_saves_their_channels(city, people, client_for, settings):
    settings.SAFECAMPUS_CHANNELS = ["wecom", "sms", "email"]
    client = client_for("county_official")
    response = client.post(
        reverse("channels:mine"),
        {"wecom_user_id": "ZhangSan", "phone": "13800000000", "urgent_channels": ["wecom", "sms"]},
    )
    assert response.status_code == 302
    profile = ChannelProfile.objects.get(user=people.county_official)
    assert profile.wecom_user_id == "ZhangSan"
    assert profile.urgent_channels == ["wecom", "sms"]
    people.county_official.refresh_from_db()
    assert people.county_official.phone == "13800000000"
    assert AuditEvent.objects.filter(action="channels.profile").exists()


def test_a_channel_without_its_address_is_refused_in_chinese_and_input_kept(
    city, people, client_for, settings
):
    settings.SAFECAMPUS_CHANNELS = ["wecom", "dingtalk", "sms"]
    client = client_for("county_official")
    response = client.post(
        reverse("channels:mine"),
        {
            "dingtalk_user_id": "张 三",  # a space and Chinese characters: not a user id
            "phone": "0571-12345678",  # a landline
            "urgent_channels": ["wecom", "sms"],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写企业微信账号" in page
    assert "固定电话无法接收短信" in page
    assert "用户ID最多64个字符" in page
    assert 'value="0571-12345678"' in page
    assert not ChannelProfile.objects.filter(user=people.county_official).exists()


def test_the_unit_administrator_edits_accounts_of_the_jurisdiction_only(
    city, people, client_for, settings
):
    settings.SAFECAMPUS_CHANNELS = ["wecom", "email"]
    admin = client_for("county_admin")
    url = reverse("channels:account", args=[people.county_official.pk])
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"wecom_user_id": "LiSi"})
    assert response.status_code == 302
    assert ChannelProfile.objects.get(user=people.county_official).wecom_user_id == "LiSi"
    outside = reverse("channels:account", args=[people.other_county_official.pk])
    assert admin.get(outside).status_code == 404
    assert client_for("county_official").get(url).status_code == 403
    assert client_for("county_official").get(reverse("channels:reach")).status_code == 403
