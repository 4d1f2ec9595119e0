from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.monthly.selectors import add_months
from safety.forms import MonthField, TextRulesMixin, offer_subdivision_filter


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates the period-bound figures are counted over."""

    key: str
    first: datetime.date
    last: datetime.date
    label: str

    def query(self) -> dict[str, str]:
        return {"date_from": self.first.isoformat(), "date_to": self.last.isoformat()}


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def period_for(key: str, today: datetime.date, month: datetime.date | None = None) -> Period:
    current = today.replace(day=1)
    if key == "quarter":
        first = add_months(current, -2)
        return Period(key, first, today, f"{first:%Y-%m} – {today:%Y-%m}")
    if key == "year":
        return Period(key, today.replace(month=1, day=1), today, f"{today:%Y}")
    if key == "month" and month is not None:
        return Period(key, month, month_end(month), f"{month:%Y-%m}")
    return Period("this_month", current, today, f"{current:%Y-%m}")


class DashboardFilterForm(TextRulesMixin, forms.Form):
    PERIODS = [
        ("this_month", _("This month")),
        ("quarter", _("Last 3 months")),
        ("year", _("This year")),
        ("month", _("A chosen month")),
    ]

    period = forms.ChoiceField(label=_("Period"), required=False, choices=PERIODS)
    month = MonthField(label=_("Month"), required=False)
    county = forms.ModelChoiceField(
        label=_("County/district"),
        queryset=None,
        required=False,
        empty_label=_("All counties"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A city picks a county, a province a city (#23): the scope narrows by path.
        offer_subdivision_filter(self, user)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") == "month" and not data.get("month"):
            self.add_error("month", _("Choose the month to show."))
        return data

    def chosen_period(self, today: datetime.date) -> Period:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return period_for(data.get("period") or "this_month", today, data.get("month"))
