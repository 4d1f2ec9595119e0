"""Each provider client against the real local server that implements its documented
endpoints: token fetch and cache, a refresh on an expired token, signatures, template code
and parameters, the documented error codes, timeouts and malformed answers."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from safety.channels import providers as clients

from . import fake_providers as fake


def test_wecom_fetches_a_token_once_and_sends_to_a_member(providers):
    wecom = clients.WeCom()
    wecom.send_text("ZhangSan", "【平安校园】测试")
    wecom.send_text("LiSi", "【平安校园】测试")
    assert len(providers.calls_to("wecom_token")) == 1  # cached
    sends = providers.calls_to("wecom_send")
    assert [call.body["touser"] for call in sends] == ["ZhangSan", "LiSi"]
    assert sends[0].body["text"]["content"] == "【平安校园】测试"
    assert sends[0].query["access_token"] == "wecom-token-1"


def test_wecom_refreshes_an_expired_token_once(providers):
    wecom = clients.WeCom()
    wecom.send_text("ZhangSan", "一")
    providers.expire_tokens()  # the provider forgot the cached token: errcode 40014
    wecom.send_text("ZhangSan", "二")
    assert len(providers.calls_to("wecom_token")) == 2
    assert cache.get(wecom.cache_key()) == "wecom-token-2"
    # 42001 (expired) twice in a row: refreshed once, then the error is reported.
    providers.script(
        "wecom_send",
        {"errcode": 42001, "errmsg": "access_token expired"},
        {"errcode": 42001, "errmsg": "access_token expired"},
    )
    with pytest.raises(clients.ChannelError) as error:
        wecom.send_text("ZhangSan", "三")
    assert error.value.code == "42001"
    assert len(providers.calls_to("wecom_token")) == 3


@pytest.mark.parametrize(
    ("answer", "code", "retryable"),
    [
        ({"errcode": 45009, "errmsg": "api freq out of limit"}, "45009", True),
        ({"errcode": 81013, "errmsg": "user & party & tag all invalid"}, "81013", False),
        ("malformed", "malformed", False),
        ("http500", "http_500", True),
        ({"errmsg": "no code"}, "malformed", False),
    ],
)
def test_wecom_errors_are_reported_with_the_providers_code(providers, answer, code, retryable):
    providers.script("wecom_send", answer)
    with pytest.raises(clients.ChannelError) as error:
        clients.WeCom().send_text("ZhangSan", "测试")
    assert (error.value.code, error.value.retryable) == (code, retryable)


def test_a_user_outside_the_corp_is_refused(providers):
    with pytest.raises(clients.ChannelError) as error:
        clients.WeCom().send_text("Nobody", "测试")
    assert error.value.code == "81013" and not error.value.retryable


def test_a_timeout_is_retryable_and_names_no_secret(providers, settings):
    settings.CHANNEL_TIMEOUT = 0.3
    providers.timeout_after = 1.0
    providers.script("wecom_token", "timeout")
    with pytest.raises(clients.ChannelError) as error:
        clients.WeCom().send_text("ZhangSan", "测试")
    assert error.value.code == "timeout" and error.value.retryable
    assert fake.CORP_SECRET not in str(error.value)


def test_wrong_secret_is_refused_by_the_token_endpoint(providers, settings):
    settings.WECOM_SECRET = "wrong"
    with pytest.raises(clients.ChannelError) as error:
        clients.WeCom().send_text("ZhangSan", "测试")
    assert error.value.code == "40001"


def test_wecom_group_robot(providers):
    clients.wecom_robot_send(fake.WECOM_ROBOT_KEY, "值班群测试", ["13800000000"])
    (call,) = providers.calls_to("wecom_robot")
    assert call.body["text"] == {
        "content": "值班群测试",
        "mentioned_mobile_list": ["13800000000"],
    }
    with pytest.raises(clients.ChannelError):
        clients.wecom_robot_send("not-the-key", "x")


def test_dingtalk_work_notification_and_token_refresh(providers):
    dingtalk = clients.DingTalk()
    task_id = dingtalk.send_text("manager4521", "【平安校园】测试")
    assert task_id == "256271667526"
    (call,) = providers.calls_to("dingtalk_send")
    assert call.body["msg"] == {"msgtype": "text", "text": {"content": "【平安校园】测试"}}
    assert call.body["agent_id"] == int(fake.DING_AGENT_ID)
    providers.expire_tokens()
    dingtalk.send_text("manager4521", "二")
    assert len(providers.calls_to("dingtalk_token")) == 2
    with pytest.raises(clients.ChannelError) as error:
        dingtalk.send_text("stranger", "三")
    assert error.value.code == "33012"


def test_dingtalk_robot_signs_the_timestamp(providers):
    clients.dingtalk_robot_send(fake.DING_ROBOT_TOKEN, fake.DING_ROBOT_SECRET, "测试")
    (call,) = providers.calls_to("dingtalk_robot")
    assert call.query["timestamp"] and call.query["sign"]
    # A wrong secret gives a signature the server refuses (310000 sign not match).
    with pytest.raises(clients.ChannelError) as error:
        clients.dingtalk_robot_send(fake.DING_ROBOT_TOKEN, "SECwrong", "测试")
    assert error.value.code == "310000"
    providers.script("dingtalk_robot", {"errcode": 130101, "errmsg": "send too fast"})
    with pytest.raises(clients.ChannelError) as error:
        clients.dingtalk_robot_send(fake.DING_ROBOT_TOKEN, fake.DING_ROBOT_SECRET, "x")
    assert error.value.retryable


def test_aliyun_sms_is_signed_and_carries_template_and_parameters(providers):
    sms = clients.AliyunSms()
    biz_id = sms.send_template("13800000000", "平安校园", "SMS_460001", {"school": "甲区实验小学"})
    assert biz_id.startswith("900619746936498440")
    (call,) = providers.calls_to("aliyun_sms")
    assert call.body["TemplateCode"] == "SMS_460001"
    assert json.loads(call.body["TemplateParam"]) == {"school": "甲区实验小学"}
    assert call.body["PhoneNumbers"] == "13800000000"
    assert call.body["SignatureMethod"] == "HMAC-SHA1"


@pytest.mark.parametrize(
    ("setup", "code", "retryable"),
    [
        ({"template": "SMS_NOT_APPROVED"}, "isv.SMS_TEMPLATE_ILLEGAL", False),
        ({"secret": "wrong"}, "SignatureDoesNotMatch", False),
        (
            {"answer": {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}},
            "isv.BUSINESS_LIMIT_CONTROL",
            True,
        ),
        ({"answer": {"Message": "no code"}}, "malformed", False),
    ],
)
def test_aliyun_sms_errors(providers, settings, setup, code, retryable):
    if "secret" in setup:
        settings.ALIYUN_SMS_ACCESS_KEY_SECRET = setup["secret"]
    if "answer" in setup:
        providers.script("aliyun_sms", setup["answer"])
    with pytest.raises(clients.ChannelError) as error:
        clients.AliyunSms().send_template(
            "13800000000", "平安校园", setup.get("template", "SMS_460001"), {"title": "x"}
        )
    assert (error.value.code, error.value.retryable) == (code, retryable)


def test_tencent_sms_is_signed_with_tc3_and_sends_parameters_in_order(providers):
    serial = clients.TencentSms().send_template(
        "13800000000", "平安校园", "1234567", {"school": "甲区实验小学", "severity": "一般"}
    )
    assert serial == "2028:1"
    (call,) = providers.calls_to("tencent_sms")
    assert call.headers["x-tc-action"] == "SendSms"
    assert call.body["PhoneNumberSet"] == ["+8613800000000"]
    assert call.body["TemplateParamSet"] == ["甲区实验小学", "一般"]


def test_tencent_sms_errors(providers, settings):
    sms = clients.TencentSms()
    with pytest.raises(clients.ChannelError) as error:
        sms.send_template("13800000000", "平安校园", "999", {})
    assert error.value.code == "FailedOperation.TemplateIncorrectOrUnapproved"
    settings.TENCENT_SMS_SECRET_KEY = "wrong"
    with pytest.raises(clients.ChannelError) as error:
        sms.send_template("13800000000", "平安校园", "1234567", {})
    assert error.value.code == "AuthFailure.SignatureFailure"
    settings.TENCENT_SMS_SECRET_KEY = fake.TENCENT_SECRET_KEY
    limit = {"Code": "LimitExceeded.PhoneNumberThirtySecondLimit", "Message": "30秒内"}
    providers.script("tencent_sms", {"Response": {"SendStatusSet": [limit], "RequestId": "x"}})
    with pytest.raises(clients.ChannelError) as error:
        sms.send_template("13800000000", "平安校园", "1234567", {})
    assert error.value.retryable
