"""The admin's form for an API client (the registration itself is api.services)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.forms import TextRulesMixin

from .models import ApiClient


class ApiClientForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ("name", "unit", "scope", "expires_at")
        help_texts = {
            "scope": _("“Read and report” also lets the client report hazards and incidents."),
            "expires_at": _("Leave empty for a token that stays valid until it is revoked."),
        }

    def clean_expires_at(self) -> datetime.datetime | None:
        value: Any = self.cleaned_data.get("expires_at")
        changed = "expires_at" in self.changed_data
        if value is not None and changed and value <= timezone.now():
            raise forms.ValidationError(_("The expiry must lie in the future."))
        return value
