"""What the API returns and accepts. Reads are flat, ids for links (`school`, `county`, …)
and codes for choices (`status`, `severity`, …) with no per-row queries: the views join what
the serializers read. Writes reject unknown fields and wrong JSON types here, then the
screens' own forms and services apply the same rules as a person's report (api/views.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from inspections.models import Campaign, Hazard, HazardEvent, Inspection
from inspections.risks.models import RiskPoint
from reporting.activities.models import Activity
from reporting.incidents.models import Category as IncidentCategory
from reporting.incidents.models import Severity as IncidentSeverity
from reporting.models import (
    Incident,
    IncidentEvent,
    IncidentReport,
    MonthlyReport,
    RectificationOrder,
)
from safety.education.models import EducationRecord
from safety.forms import CONTROL_CHARACTERS, control_character_error
from safety.guarding.models import RollCall
from safety.models import Organisation
from safety.preparedness.models import Drill


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not be silently ignored) and text with
    control characters (PostgreSQL cannot store NUL), as the screens' text rules do."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(str(name)[:50] for name in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown field.")] for name in unknown[:20]}
                )
            bad = {
                name: [control_character_error(name)]
                for name, value in data.items()
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value)
            }
            if bad:
                raise serializers.ValidationError(bad)
        return super().to_internal_value(data)


# --- units --------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = (
            "id", "name", "kind", "parent", "code", "school_type", "is_boarding",
            "has_school_buses", "locality", "address", "phone", "student_count",
            "staff_count", "is_active", "updated_at",
        )  # fmt: skip


class CoverageSerializer(serializers.Serializer):
    """Gap counts of one unit, as the responsibility grid shows them (safety.responsibility)."""

    unit = serializers.IntegerField(source="school_id")
    name = serializers.CharField()
    code = serializers.CharField()
    is_school = serializers.BooleanField()
    missing_posts = serializers.IntegerField()
    missing_areas = serializers.IntegerField()
    certificate_gaps = serializers.IntegerField()
    letter_gaps = serializers.IntegerField()
    team_gaps = serializers.IntegerField()


# --- hazards ------------------------------------------------------------------------------


class HazardSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.key", read_only=True)
    county = serializers.IntegerField(source="school.parent_id", read_only=True)

    class Meta:
        model = Hazard
        fields = (
            "id", "school", "county", "area", "location", "description", "kind", "severity",
            "source", "status", "deadline", "is_overdue", "overdue_since", "fixed_on_spot",
            "inspection", "campaign", "created_at", "closed_at",
        )  # fmt: skip


class HazardEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default="", read_only=True)

    class Meta:
        model = HazardEvent
        fields = ("id", "action", "from_status", "to_status", "comment", "actor", "created_at")


class HazardDetailSerializer(HazardSerializer):
    events = HazardEventSerializer(many=True, read_only=True)

    class Meta(HazardSerializer.Meta):
        fields = (
            *HazardSerializer.Meta.fields,
            "interim_measures", "rectification", "needs_professional_assessment",
            "extension_until", "escalated_at", "first_overdue_on", "events",
        )  # fmt: skip


class HazardReportSerializer(StrictSerializer):
    """A hazard reported outside an inspection (随手拍). A school's client reports for its
    school (`school` may be left out); a bureau's client names a school of its jurisdiction.
    Photos are added on the screens (JSON carries no files)."""

    school = serializers.IntegerField(required=False, min_value=1)
    area = serializers.SlugField(max_length=32, help_text=_("The safety area's key, e.g. fire."))
    description = serializers.CharField(max_length=2000)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Hazard.Kind.choices, default=Hazard.Kind.TANGIBLE)
    severity = serializers.ChoiceField(
        choices=Hazard.Severity.choices, default=Hazard.Severity.GENERAL
    )


# --- inspections --------------------------------------------------------------------------


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = (
            "id", "school", "kind", "status", "inspected_on", "summary", "campaign",
            "spot_check_draw", "created_at", "submitted_at",
        )  # fmt: skip


# --- incidents ----------------------------------------------------------------------------


INCIDENT_FIELDS = (
    "id", "school", "status", "source", "category", "severity", "occurred_at", "place",
    "deaths", "injured", "missing", "summary", "initial_deadline", "written_deadline",
    "school_reported_at", "written_reported_at", "acknowledged_at", "forwarded_at",
    "closed_at", "revision",
)  # fmt: skip


class IncidentFlagsSerializer(serializers.Serializer):
    """The incident's flags as the list shows them: missed (漏报), late (迟报), concealed
    (瞒报) and whether it is a liability incident."""

    missed = serializers.BooleanField(source="is_missed")
    late = serializers.SerializerMethodField()
    concealed = serializers.BooleanField(source="is_concealed")
    liability = serializers.BooleanField(source="is_liability", allow_null=True)

    def get_late(self, incident: Incident) -> bool:
        return incident.is_late()


class IncidentSerializer(serializers.ModelSerializer):
    flags = IncidentFlagsSerializer(source="*", read_only=True)

    class Meta:
        model = Incident
        fields = (*INCIDENT_FIELDS, "flags")


class IncidentVersionSerializer(serializers.ModelSerializer):
    """One submitted report (初报, 续报, 书面报告 …): the versions of the incident's facts.
    The reporter's contact details stay on the screens."""

    class Meta:
        model = IncidentReport
        fields = (
            "number", "kind", "category", "severity", "occurred_at", "place", "deaths",
            "injured", "missing", "pupils_involved", "staff_involved", "summary",
            "what_happened", "measures_taken", "submitted_at",
        )  # fmt: skip


class IncidentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentEvent
        fields = ("id", "action", "from_status", "to_status", "comment", "created_at")


class IncidentDetailSerializer(IncidentSerializer):
    versions = IncidentVersionSerializer(source="reports", many=True, read_only=True)
    events = IncidentEventSerializer(many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = (*IncidentSerializer.Meta.fields, "versions", "events")


class IncidentReportSerializer(StrictSerializer):
    """An initial report (初报). A school's client reports for its school; a bureau's client
    records an incident it learned of another way (`school` and `source_note` required)."""

    school = serializers.IntegerField(required=False, min_value=1)
    source_note = serializers.CharField(max_length=200, required=False)
    category = serializers.ChoiceField(choices=IncidentCategory.choices)
    severity = serializers.ChoiceField(choices=IncidentSeverity.choices)
    occurred_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=200)
    deaths = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    injured = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    missing = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    pupils_involved = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    staff_involved = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    what_happened = serializers.CharField(max_length=10000)
    measures_taken = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    reporter_name = serializers.CharField(max_length=50)
    reporter_phone = serializers.CharField(max_length=30)


# --- monthly reports ----------------------------------------------------------------------


class MonthlyReportSerializer(serializers.ModelSerializer):
    figures = serializers.JSONField(source="latest_version.figures", default=None, read_only=True)
    version = serializers.IntegerField(source="latest_version.number", default=None, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = (
            "id", "unit", "month", "status", "version", "figures", "first_submitted_at",
            "updated_at",
        )  # fmt: skip


# --- later features: each one's main record -----------------------------------------------


class DrillSerializer(serializers.ModelSerializer):
    scenario = serializers.CharField(source="scenario.key", read_only=True)

    class Meta:
        model = Drill
        fields = (
            "id", "unit", "scenario", "planned_on", "status", "held_on", "pupils", "staff",
            "evacuation_seconds", "recorded_at", "created_at",
        )  # fmt: skip


class EducationRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = EducationRecord
        fields = (
            "id", "school", "kind", "topic", "title", "held_on", "classes", "pupils", "hours",
            "letters_sent", "receipts_returned", "created_at",
        )  # fmt: skip


class RiskPointSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.key", read_only=True)

    class Meta:
        model = RiskPoint
        fields = (
            "id", "school", "name", "area", "danger", "method", "score", "level",
            "control_measures", "check_interval_days", "next_check_due", "last_checked_on",
            "is_active", "updated_at",
        )  # fmt: skip


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ("id", "bureau", "title", "purpose", "starts_on", "deadline", "created_at")


class OrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationOrder
        fields = (
            "id", "bureau", "school", "number", "source", "hazard", "incident", "problems",
            "requirements", "deadline", "status", "issued_at", "accepted_at", "escalated_at",
        )  # fmt: skip


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = (
            "id", "school", "kind", "title", "starts_at", "ends_at", "place", "is_off_campus",
            "is_overnight", "pupils", "staff", "transport", "status", "held_at",
        )  # fmt: skip


class RollCallSerializer(serializers.ModelSerializer):
    """A dormitory roll call as counts only: pupils' names and absences are not exposed."""

    school = serializers.IntegerField(source="room.dormitory.unit_id", read_only=True)
    dormitory = serializers.CharField(source="room.dormitory.name", read_only=True)
    room = serializers.CharField(source="room.number", read_only=True)

    class Meta:
        model = RollCall
        fields = ("id", "school", "dormitory", "room", "date", "expected", "present", "marked_at")
