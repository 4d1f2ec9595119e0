from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.forms import AccountChoiceField, TextRulesMixin, date_input
from safety.models import User
from safety.uploads import UploadField

DEFAULT_LEGAL_BASIS = (
    "《中华人民共和国安全生产法》《中小学幼儿园安全管理办法》（教育部等十部门令第23号）"
    "及本地区学校安全管理有关规定。"
)


class OrderForm(TextRulesMixin, forms.Form):
    problems = forms.CharField(label=_("Problems found"), widget=forms.Textarea(attrs={"rows": 5}))
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=DEFAULT_LEGAL_BASIS,
    )
    requirements = forms.CharField(
        label=_("Rectification requirements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=date_input())
    responder = AccountChoiceField(label=_("Person to reply"), queryset=User.objects.none())

    def __init__(self, *args: Any, responders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responder"].queryset = responders

    def clean_deadline(self):
        value = self.cleaned_data.get("deadline")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be before today."))
        return value


class OrderReplyForm(TextRulesMixin, forms.Form):
    text = forms.CharField(label=_("Rectification done"), widget=forms.Textarea(attrs={"rows": 6}))
    evidence = UploadField(kind="document", label=_("Evidence"), required=True)


class DecisionForm(TextRulesMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the reply."),
    )


class OrderFilterForm(TextRulesMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All orders")),
            ("open", _("Open")),
            ("to_decide", _("Replied, to decide")),
            ("overdue", _("Overdue")),
            ("accepted", _("Accepted")),
            ("to_reply", _("Waiting for the school's reply")),  # to-do list (#18)
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
