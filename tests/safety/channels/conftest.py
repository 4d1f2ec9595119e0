"""The fake providers' server (a real HTTP server on 127.0.0.1) and the settings that point
SafeCampus at it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from . import fake_providers as fake


@pytest.fixture
def providers(settings):
    server = fake.FakeProviders().start()
    settings.SAFECAMPUS_CHANNELS = ["wecom", "dingtalk", "sms", "email"]
    settings.CHANNEL_TIMEOUT = 1.0
    settings.WECOM_BASE_URL = server.url
    settings.WECOM_CORP_ID = fake.CORP_ID
    settings.WECOM_AGENT_ID = fake.AGENT_ID
    settings.WECOM_SECRET = fake.CORP_SECRET
    settings.DINGTALK_BASE_URL = server.url
    settings.DINGTALK_APP_KEY = fake.DING_APP_KEY
    settings.DINGTALK_APP_SECRET = fake.DING_APP_SECRET
    settings.DINGTALK_AGENT_ID = fake.DING_AGENT_ID
    settings.SMS_PROVIDER = "aliyun"
    settings.SMS_SIGN_NAME = fake.SIGN_NAME
    settings.SMS_TEMPLATES = {"incident.reported": "SMS_460001", "default": "SMS_460000"}
    settings.SMS_TEMPLATE_PARAMS = {"incident.reported": "school|severity"}
    settings.ALIYUN_SMS_BASE_URL = server.url
    settings.ALIYUN_SMS_ACCESS_KEY_ID = fake.ALIYUN_KEY_ID
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = fake.ALIYUN_KEY_SECRET
    settings.TENCENT_SMS_BASE_URL = server.url
    settings.TENCENT_SMS_SECRET_ID = fake.TENCENT_SECRET_ID
    settings.TENCENT_SMS_SECRET_KEY = fake.TENCENT_SECRET_KEY
    settings.TENCENT_SMS_SDK_APP_ID = fake.TENCENT_APP_ID
    cache.delete_many(
        [
            f"channels:wecom:token:{fake.CORP_ID}:{fake.AGENT_ID}",
            f"channels:dingtalk:token:{fake.DING_APP_KEY}",
        ]
    )
    _forget_duty_posts()
    yield server
    server.stop()


def _forget_duty_posts() -> None:
    """Duty group posts are de-duplicated in the cache (Redis): ids repeat across test runs."""
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        cache.clear()  # a local-memory cache
        return
    client = backend.get_client(write=True)
    for key in client.scan_iter("*channels:duty:*"):
        client.delete(key)
