"""A person's channel identities and preferences, and what each channel did with a notice."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from safety.models import Notification
from safety.scoping import ScopedQuerySet


class Channel(models.TextChoices):
    """The delivery channels (SAFECAMPUS_CHANNELS names the ones an installation uses)."""

    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")


# WeCom and DingTalk user ids: letters, digits and _ - . @ (WeCom: at most 64 characters).
validate_platform_user_id = RegexValidator(
    r"^[A-Za-z0-9_.@-]{1,64}$",
    _("A user id has at most 64 letters, digits and the characters _ - . @ (no spaces)."),
)


class ChannelProfileQuerySet(ScopedQuerySet):
    scope_lookup = "user__unit"


class ChannelProfile(models.Model):
    """An account's identities on WeCom and DingTalk (the mobile number is the account's
    phone) and the channels it prefers for urgent and for routine notices (渠道偏好).
    An empty preference means the installation's order (SAFECAMPUS_CHANNELS)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="channel_profile",
    )
    wecom_user_id = models.CharField(
        _("WeCom user id"),
        max_length=64,
        blank=True,
        validators=[validate_platform_user_id],
        help_text=_("The member's account (UserID) in the bureau's WeCom, e.g. ZhangSan."),
    )
    dingtalk_user_id = models.CharField(
        _("DingTalk user id"),
        max_length=64,
        blank=True,
        validators=[validate_platform_user_id],
        help_text=_("The member's userid in the bureau's DingTalk organisation."),
    )
    urgent_channels = models.JSONField(_("channels for urgent notices"), default=list, blank=True)
    routine_channels = models.JSONField(_("channels for routine notices"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ChannelProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel profile")
        verbose_name_plural = _("channel profiles")

    def __str__(self) -> str:
        return str(self.user)


class ChannelDelivery(models.Model):
    """What one channel did with one notice (投递记录): sent, failed with the provider's error
    code, no address, or waiting for a retry. One row per notice and channel; a retry updates
    it (attempts counts the tries)."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        NO_ADDRESS = "no_address", _("no address")
        INVALID_NUMBER = "invalid_number", _("no valid number")
        RETRY = "retry", _("waiting to retry")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="channel_deliveries",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("number of tries"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("channel delivery")
        verbose_name_plural = _("channel deliveries")
        ordering = ["notification", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="channel_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel}: {self.status}"
