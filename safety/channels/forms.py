"""The form of a person's channels: identities and preferences (the user's own, or a unit
administrator's for an account of the jurisdiction). It validates; the service saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safety.forms import TextRulesMixin
from safety.models import User
from safety.validators import is_mobile, validate_phone

from . import selectors
from .models import Channel, ChannelProfile, validate_platform_user_id

# What a channel needs before it can be chosen, and the field that holds it.
NEEDS = {
    Channel.WECOM: ("wecom_user_id", _("Enter the WeCom user id to receive notices by WeCom.")),
    Channel.DINGTALK: (
        "dingtalk_user_id",
        _("Enter the DingTalk user id to receive notices by DingTalk."),
    ),
    Channel.SMS: ("phone", _("Enter a mobile number to receive notices by SMS.")),
}


class ChannelProfileForm(TextRulesMixin, forms.Form):
    wecom_user_id = forms.CharField(
        label=_("WeCom user id"),
        max_length=64,
        required=False,
        validators=[validate_platform_user_id],
        help_text=_("The member's account (UserID) in the bureau's WeCom, e.g. ZhangSan."),
    )
    dingtalk_user_id = forms.CharField(
        label=_("DingTalk user id"),
        max_length=64,
        required=False,
        validators=[validate_platform_user_id],
        help_text=_("The member's userid in the bureau's DingTalk organisation."),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        required=False,
        validators=[validate_phone],
        help_text=_("11 digits, for SMS (a landline cannot receive one)."),
    )
    urgent_channels = forms.MultipleChoiceField(
        label=_("Channels for urgent notices"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Urgent notices go by every channel ticked here; when none of them gets through, "
            "by the others. Tick none to use every channel."
        ),
    )
    routine_channels = forms.MultipleChoiceField(
        label=_("Channels for the daily digest"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The digest of routine notices goes by the first of these that works."),
    )

    def __init__(self, *args: Any, account: User, **kwargs: Any) -> None:
        profile = selectors.profile_of(account)
        kwargs.setdefault(
            "initial",
            {
                "wecom_user_id": profile.wecom_user_id if profile else "",
                "dingtalk_user_id": profile.dingtalk_user_id if profile else "",
                "phone": account.phone,
                "urgent_channels": profile.urgent_channels if profile else [],
                "routine_channels": profile.routine_channels if profile else [],
            },
        )
        super().__init__(*args, **kwargs)
        self.account = account
        labels = dict(Channel.choices)
        enabled = selectors.enabled_channels()
        self.fields["urgent_channels"].choices = [(name, labels[name]) for name in enabled]
        self.fields["routine_channels"].choices = [
            (name, labels[name]) for name in enabled if name in selectors.DIGEST_CHANNELS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = set(data.get("urgent_channels") or []) | set(data.get("routine_channels") or [])
        for channel, (field, message) in NEEDS.items():
            if channel in chosen and field not in self.errors and not data.get(field):
                self.add_error(field, message)
        phone = data.get("phone")
        if Channel.SMS in chosen and phone and not is_mobile(phone):
            self.add_error("phone", _("A landline cannot receive an SMS: enter a mobile number."))
        if Channel.EMAIL in chosen and not self.account.email:
            self.add_error(
                None, _("This account has no e-mail address: ask the administrator to add one.")
            )
        return data

    def profile_fields(self) -> dict[str, Any]:
        """The ChannelProfile fields to save (the phone is the account's)."""
        names = [f.name for f in ChannelProfile._meta.fields if f.name in self.cleaned_data]
        return {name: self.cleaned_data[name] for name in names}
