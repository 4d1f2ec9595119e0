from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.campaigns.selectors import counties_below
from safety.forms import TextRulesMixin, date_input
from safety.models import Organisation, User
from safety.uploads import UploadField

from .models import Notice

BOARDING_CHOICES = [("", _("Boarding or not")), ("yes", _("Boarding")), ("no", _("Day school"))]


class NoticeForm(TextRulesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = UploadField(kind="document", label=_("Attachments"))
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Whole jurisdiction"),
    )
    school_type = forms.ChoiceField(
        label=_("School type"),
        required=False,
        choices=[("", _("All types")), *Organisation.SchoolType.choices],
    )
    boarding = forms.ChoiceField(label=_("Boarding"), required=False, choices=BOARDING_CHOICES)
    include_counties = forms.BooleanField(
        label=_("Also send to the county bureaus"), required=False
    )
    urgent = forms.BooleanField(
        label=_("Urgent"),
        required=False,
        help_text=_("Urgent notices also go out by SMS and e-mail at once."),
    )
    reply_due = forms.DateField(
        label=_("Reply required by"),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty when no reply is needed."),
    )
    reply_instructions = forms.CharField(
        label=_("What the reply must contain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties = counties_below(user)
        if counties.exists():
            self.fields["county"].queryset = counties
        else:
            del self.fields["county"]
            del self.fields["include_counties"]

    def clean_reply_due(self):
        value = self.cleaned_data.get("reply_due")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be before today."))
        return value

    def targets(self) -> dict[str, Any]:
        county = self.cleaned_data.get("county")
        return {
            "county": county.pk if county else None,
            "school_type": self.cleaned_data.get("school_type") or "",
            "boarding": self.cleaned_data.get("boarding") or "",
        }


class ReplyForm(TextRulesMixin, forms.Form):
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = UploadField(kind="document", label=_("Attachments"))


class DecisionForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the reply."),
    )


class StatusFilterForm(TextRulesMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All units")),
            ("unread", _("Not read")),
            ("read", _("Read")),
            ("no_reply", _("No reply yet")),
            ("replied", _("Replied, to decide")),
            ("accepted", _("Reply accepted")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
