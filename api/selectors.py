"""Reads the API's views share: the safety area a report names, the school a report is for,
the timeline prefetch of a hazard."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from inspections.models import HazardEvent
from safety.models import Organisation, SafetyArea

from .models import ApiClient

# The hazard list's columns: (output name, lookup) in HazardSerializer's order.
HAZARD_FIELDS = (
    ("id", "id"), ("school", "school_id"), ("county", "school__parent_id"), ("area", "area__key"),
    ("location", "location"), ("description", "description"), ("kind", "kind"),
    ("severity", "severity"), ("source", "source"), ("status", "status"),
    ("deadline", "deadline"), ("is_overdue", "is_overdue"), ("overdue_since", "overdue_since"),
    ("fixed_on_spot", "fixed_on_spot"), ("inspection", "inspection_id"),
    ("campaign", "campaign_id"), ("created_at", "created_at"), ("closed_at", "closed_at"),
)  # fmt: skip
HAZARD_COLUMNS = tuple(lookup for _name, lookup in HAZARD_FIELDS)


def _json_value(value: Any) -> Any:
    """A value as DRF's fields write it: date-times in the installation's time zone."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def hazard_row(row: dict[str, Any]) -> dict[str, Any]:
    """One `values()` row of HAZARD_COLUMNS as the API shows a hazard in a list."""
    return {name: _json_value(row[lookup]) for name, lookup in HAZARD_FIELDS}


def hazard_events() -> Prefetch:
    """A hazard's timeline with each actor, in one query for the page."""
    return Prefetch("events", queryset=HazardEvent.objects.select_related("actor"))


def active_area(key: str) -> SafetyArea:
    """The active safety area of `key`; raises a 400 (`ValidationError`) for any other."""
    area = SafetyArea.objects.filter(key=key, is_active=True).first()
    if area is None:
        raise exceptions.ValidationError({"area": [_("No active safety area has this key.")]})
    return area


def report_school(client: ApiClient, user: Any, school_id: int | None) -> Organisation:
    """The school a report is for: a school's client reports for its own school; a bureau's
    client names an active school of its jurisdiction. Raises a 400 (`ValidationError`)
    otherwise, never hinting whether a school outside the jurisdiction exists."""
    unit = client.unit
    if unit.is_school:
        if school_id not in (None, unit.pk):
            raise exceptions.ValidationError(
                {"school": [_("A school's client reports for its own school.")]}
            )
        return unit
    if school_id is None:
        raise exceptions.ValidationError({"school": [_("This field is required.")]})
    school = (
        Organisation.objects.visible_to(user)
        .filter(kind=Organisation.Kind.SCHOOL, is_active=True, pk=school_id)
        .first()
    )
    if school is None:
        raise exceptions.ValidationError(
            {"school": [_("No school of your jurisdiction has this id.")]}
        )
    return school
