"""The generated city's delivery channels (safety/channels): the channel identities of the
accounts (every bureau account and about half of the school accounts have a WeCom user id,
some a DingTalk one, with their preferences for urgent and routine notices) and what each
channel did with the urgent notices the core steps wrote (e-mail sent, as their delivery log
says). The core notices are all delivered, so the administrators' "undelivered" list stays
short, as it is in a working installation.

Volume at 2,000 schools: ~2,100 profiles, one delivery row per urgent notice."""

from __future__ import annotations

from demo.features._kit import write_numbered
from safety.channels.models import ChannelDelivery, ChannelProfile
from safety.models import Notification, User

MODEL = ChannelProfile

BUREAU_ROLES = (User.Role.BUREAU_OFFICIAL, User.Role.ADMINISTRATOR)


def generate(gen) -> None:
    profiles = []
    accounts = User.objects.filter(is_active=True).order_by("id").values_list("id", "role")
    for pk, role in accounts:
        bureau = role in BUREAU_ROLES
        if not bureau and gen.rng.random() < 0.5:
            continue
        wecom = f"sc{pk:07d}" if gen.rng.random() < 0.85 else ""
        dingtalk = f"dt{pk:07d}" if not wecom else ""
        urgent = ["wecom", "sms"] if wecom else ["dingtalk", "sms"]
        routine = ["email"] if bureau else []
        profiles.append((pk, wecom, dingtalk, urgent, routine, gen.now))
    write_numbered(
        gen,
        ChannelProfile,
        ["user_id", "wecom_user_id", "dingtalk_user_id", "urgent_channels",
         "routine_channels", "updated_at"],
        profiles,
    )  # fmt: skip
    urgent = list(
        Notification.objects.filter(urgent=True, delivery_status="delivered")
        .order_by("id")
        .values_list("id", "delivered_at")
    )
    write_numbered(
        gen,
        ChannelDelivery,
        ["notification_id", "channel", "status", "error_code", "detail", "attempts", "updated_at"],
        [(pk, "email", "sent", "", "", 1, delivered or gen.now) for pk, delivered in urgent],
    )
