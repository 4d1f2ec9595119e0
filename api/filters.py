"""The API's filters (django-filter), named as on the screens' filter forms: the hazard
ledger's status/severity/kind/source/area/county/school/overdue/open/date range, and so on.
Every list also takes `updated_since` (ISO 8601 date-time) for incremental sync: the rows
created or changed at or after that moment (docs/api.md says what counts as a change)."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from inspections.models import Campaign, Hazard, HazardEvent, Inspection
from inspections.risks.models import RiskPoint
from reporting.activities.models import Activity
from reporting.incidents.models import Category as IncidentCategory
from reporting.incidents.models import Severity as IncidentSeverity
from reporting.models import Incident, IncidentEvent, MonthlyReport, RectificationOrder
from safety.education.models import EducationRecord
from safety.guarding.models import RollCall
from safety.models import Organisation, SafetyArea
from safety.preparedness.models import Drill

UPDATED_SINCE_HELP = _("Only rows created or changed at or after this moment (ISO 8601).")


class IdFilter(filters.NumberFilter):
    """A record's id: a whole number a database key can hold (64 bits). A number beyond it
    is a 400 with the field's error, not a 500 (SQLite cannot bind an integer above 64 bits:
    `?school=999…9` raised OverflowError there, #22's hostile walk under make test)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class SyncFilterSet(filters.FilterSet):
    """A FilterSet with `updated_since` over the columns named in `change_columns` (and, with
    `event_model`, the rows whose timeline got an entry since then)."""

    updated_since = filters.IsoDateTimeFilter(
        method="filter_updated_since", help_text=UPDATED_SINCE_HELP
    )
    change_columns: tuple[str, ...] = ()
    event_model: Any = None
    event_fk = ""

    def filter_updated_since(
        self, queryset: QuerySet, name: str, value: datetime.datetime
    ) -> QuerySet:
        condition = Q()
        for column in self.change_columns:
            condition |= Q(**{f"{column}__gte": value})
        if self.event_model is not None:
            changed = self.event_model.objects.filter(created_at__gte=value).values(self.event_fk)
            condition |= Q(pk__in=changed)
        return queryset.filter(condition)


class UnitFilter(SyncFilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)
    kind = filters.ChoiceFilter(choices=Organisation.Kind.choices)
    school_type = filters.CharFilter(max_length=32)
    parent = IdFilter(field_name="parent_id")
    is_active = filters.BooleanFilter()
    change_columns = ("updated_at",)

    class Meta:
        model = Organisation
        fields: list[str] = []


class HazardFilter(SyncFilterSet):
    q = filters.CharFilter(field_name="description", lookup_expr="icontains", max_length=100)
    status = filters.ChoiceFilter(choices=Hazard.Status.choices)
    severity = filters.ChoiceFilter(choices=Hazard.Severity.choices)
    kind = filters.ChoiceFilter(choices=Hazard.Kind.choices)
    source = filters.ChoiceFilter(choices=Hazard.Source.choices)
    area = filters.ModelChoiceFilter(queryset=SafetyArea.objects.all(), to_field_name="key")
    school = IdFilter(field_name="school_id")
    county = IdFilter(field_name="school__parent_id")
    overdue = filters.BooleanFilter(field_name="is_overdue")
    open = filters.BooleanFilter(method="filter_open")
    date_from = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    date_to = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    change_columns = ("created_at",)
    event_model = HazardEvent
    event_fk = "hazard_id"

    class Meta:
        model = Hazard
        fields: list[str] = []

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        closed = Q(status=Hazard.Status.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)


class InspectionFilter(SyncFilterSet):
    status = filters.ChoiceFilter(choices=Inspection.Status.choices)
    kind = filters.ChoiceFilter(choices=Inspection.Kind.choices)
    school = IdFilter(field_name="school_id")
    county = IdFilter(field_name="school__parent_id")
    date_from = filters.DateFilter(field_name="inspected_on", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="inspected_on", lookup_expr="lte")
    change_columns = ("created_at", "submitted_at")

    class Meta:
        model = Inspection
        fields: list[str] = []


class IncidentFilter(SyncFilterSet):
    status = filters.ChoiceFilter(choices=Incident.Status.choices)
    severity = filters.ChoiceFilter(choices=IncidentSeverity.choices)
    category = filters.ChoiceFilter(choices=IncidentCategory.choices)
    school = IdFilter(field_name="school_id")
    county = IdFilter(field_name="school__parent_id")
    date_from = filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte")
    date_to = filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte")
    event_model = IncidentEvent
    event_fk = "incident_id"

    class Meta:
        model = Incident
        fields: list[str] = []


class MonthlyReportFilter(SyncFilterSet):
    status = filters.ChoiceFilter(choices=MonthlyReport.Status.choices)
    unit = IdFilter(field_name="unit_id")
    month = filters.DateFilter(field_name="month")
    change_columns = ("updated_at",)

    class Meta:
        model = MonthlyReport
        fields: list[str] = []


class UnitScopedFilter(SyncFilterSet):
    """Lists whose rows hang off a unit named `unit` (drills) or `school` (the rest)."""

    class Meta:
        fields: list[str] = []


def _school_filters(model: Any, date_field: str, change: tuple[str, ...], **extra: Any) -> type:
    attrs: dict[str, Any] = {
        "school": IdFilter(field_name="school_id"),
        "date_from": filters.DateFilter(field_name=date_field, lookup_expr="gte"),
        "date_to": filters.DateFilter(field_name=date_field, lookup_expr="lte"),
        "change_columns": change,
        "Meta": type("Meta", (), {"model": model, "fields": []}),
        **extra,
    }
    return type(f"{model.__name__}Filter", (SyncFilterSet,), attrs)


DrillFilter = type(
    "DrillFilter",
    (SyncFilterSet,),
    {
        "unit": IdFilter(field_name="unit_id"),
        "status": filters.ChoiceFilter(choices=Drill.Status.choices),
        "date_from": filters.DateFilter(field_name="planned_on", lookup_expr="gte"),
        "date_to": filters.DateFilter(field_name="planned_on", lookup_expr="lte"),
        "change_columns": ("created_at", "recorded_at"),
        "Meta": type("Meta", (), {"model": Drill, "fields": []}),
    },
)
EducationRecordFilter = _school_filters(
    EducationRecord,
    "held_on",
    ("created_at",),
    kind=filters.ChoiceFilter(choices=EducationRecord.Kind.choices),
)
RiskPointFilter = _school_filters(
    RiskPoint,
    "next_check_due",
    ("updated_at", "created_at"),
    level=filters.CharFilter(max_length=8),
    is_active=filters.BooleanFilter(),
)
OrderFilter = _school_filters(
    RectificationOrder,
    "deadline",
    ("issued_at", "accepted_at", "escalated_at"),
    status=filters.ChoiceFilter(choices=RectificationOrder.Status.choices),
)
ActivityFilter = _school_filters(
    Activity,
    "starts_at__date",
    ("held_at",),
    status=filters.ChoiceFilter(choices=Activity.Status.choices),
)
CampaignFilter = type(
    "CampaignFilter",
    (SyncFilterSet,),
    {
        "bureau": IdFilter(field_name="bureau_id"),
        "date_from": filters.DateFilter(field_name="starts_on", lookup_expr="gte"),
        "date_to": filters.DateFilter(field_name="starts_on", lookup_expr="lte"),
        "change_columns": ("created_at",),
        "Meta": type("Meta", (), {"model": Campaign, "fields": []}),
    },
)
RollCallFilter = type(
    "RollCallFilter",
    (SyncFilterSet,),
    {
        "school": IdFilter(field_name="room__dormitory__unit_id"),
        "date_from": filters.DateFilter(field_name="date", lookup_expr="gte"),
        "date_to": filters.DateFilter(field_name="date", lookup_expr="lte"),
        "change_columns": ("marked_at",),
        "Meta": type("Meta", (), {"model": RollCall, "fields": []}),
    },
)
