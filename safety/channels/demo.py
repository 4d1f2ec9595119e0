"""Demo channel identities (run by seed_demo): 江城区's official has a WeCom user id and a
mobile number, the city official a DingTalk user id; the other officials keep only what the
core demo gave them (the administrators' list shows those without any). The demo installation
sends SMS to the log (SMS_PROVIDER=log) and uses e-mail and SMS only until WeCom or DingTalk
is configured (SAFECAMPUS_CHANNELS)."""

from __future__ import annotations

from safety.models import User

from . import services
from .models import ChannelProfile

IDENTITIES = {
    "jc.official": {
        "phone": "13800000001",
        "fields": {"wecom_user_id": "LiuYang", "urgent_channels": ["wecom", "sms"]},
    },
    "city.official": {
        "phone": "13800000002",
        "fields": {"dingtalk_user_id": "wangjianguo01", "routine_channels": ["email"]},
    },
}


def seed() -> None:
    for username, identity in IDENTITIES.items():
        account = User.objects.filter(username=username).first()
        if account is None or ChannelProfile.objects.filter(user=account).exists():
            continue
        services.channel_profile_update(
            actor=account, account=account, phone=identity["phone"], fields=identity["fields"]
        )
