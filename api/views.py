"""The API's endpoints. Every queryset starts from `visible_to(request.user)`, the user being
the client's service account of its unit, so a client sees exactly what a user of its unit
sees and meets a 404 outside. Reports go through the screens' forms and services."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from inspections import services as inspection_services
from inspections.forms import HazardReportForm
from inspections.models import Campaign, Hazard, Inspection
from inspections.risks.models import RiskPoint
from reporting.activities.models import Activity
from reporting.incidents import services as incident_services
from reporting.incidents.forms import IncidentReportForm
from reporting.models import Incident, MonthlyReport, RectificationOrder
from safety.education.models import EducationRecord
from safety.forms import SINGLE_LINE_CONTROL_CHARACTERS
from safety.guarding.models import RollCall
from safety.models import Organisation
from safety.preparedness.models import Drill
from safety.responsibility.selectors import coverage_rows_from_kept, kept_coverage_values
from safety.security import client_address

from . import filters, selectors, serializers
from .models import ApiClient
from .permissions import IsApiClient, MayReport

security_log = logging.getLogger("safecampus.security")

# Query parameters every list accepts besides its filters.
PAGING_PARAMETERS = frozenset({"cursor", "page_size"})
# No filter value is longer (a cursor is about 30 characters).
MAX_PARAMETER_LENGTH = 200


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only resource: `model`'s rows visible to the client, with the joins its
    serializer reads. Unknown query parameters are refused (a misspelt filter would
    otherwise return everything); every call is written to the security log."""

    model: Any = None
    related: tuple[str, ...] = ()
    prefetch: tuple[Any, ...] = ()
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet:
        queryset = self.model.objects.visible_to(self.request.user)
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.prefetch and self.action in {"retrieve"}:
            queryset = queryset.prefetch_related(*self.prefetch)
        return queryset

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self._check_parameters(request)

    def _check_parameters(self, request: Request) -> None:
        """Refuse (400) unknown query parameters of a list, and values that are too long or
        hold control characters (NUL cannot even reach PostgreSQL)."""
        known = set(PAGING_PARAMETERS)
        if self.action in {"list"} and self.filterset_class is not None:
            known |= set(self.filterset_class.base_filters)
        errors = {}
        for name, values in request.query_params.lists():
            if name not in known:
                errors[name[:50]] = [_("Unknown query parameter.")]
            elif any(
                len(value) > MAX_PARAMETER_LENGTH or SINGLE_LINE_CONTROL_CHARACTERS.search(value)
                for value in values
            ):
                errors[name] = [_("Enter a plain value of at most 200 characters.")]
        if errors:
            raise exceptions.ValidationError(dict(list(errors.items())[:20]))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """The FilterSet only when a filter is named: bound to no data it returns the rows
        as they are, after building a form of every filter (a quarter of a list call's
        processor time on the hazard list)."""
        if not set(self.request.query_params) - PAGING_PARAMETERS:
            return queryset
        return super().filter_queryset(queryset)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        log_call(request, response.status_code)
        return response


def log_call(request: Request | HttpRequest, status_code: int) -> None:
    """One line per API call in the security log: client, method, path, status, address."""
    client = getattr(request, "auth", None)
    security_log.info(
        "api call client=%s unit=%s method=%s path=%s status=%s ip=%s",
        client.pk if isinstance(client, ApiClient) else "-",
        client.unit_id if isinstance(client, ApiClient) else "-",
        request.method,
        request.path[:200],
        status_code,
        client_address(getattr(request, "_request", request)),
    )


class UnitViewSet(ScopedViewSet):
    """Units of the client's jurisdiction: its own unit and every unit below it."""

    model = Organisation
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter


class SchoolViewSet(UnitViewSet):
    """Schools of the client's jurisdiction."""

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().filter(kind=Organisation.Kind.SCHOOL)


class CoverageViewSet(ScopedViewSet):
    """Responsibility coverage (责任体系): gap counts per unit of the jurisdiction, by the
    responsibility grid's rules, read from the units' kept gap summaries as the grid reads
    them (safety.responsibility.selectors): a page is one query of the units with their
    summaries, whatever the size of the jurisdiction. The units of a page whose summary is
    not of today (a new unit, or the nightly refresh has not run yet) are counted live for
    that call in the grid's fixed six queries."""

    model = Organisation
    serializer_class = serializers.CoverageSerializer
    filterset_class = filters.UnitFilter

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        units = kept_coverage_values(self.filter_queryset(self.get_queryset()))
        rows = coverage_rows_from_kept(self.paginate_queryset(units))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = self.get_queryset().filter(pk=kwargs[self.lookup_field])
        rows = coverage_rows_from_kept(list(kept_coverage_values(unit)))
        if not rows:
            raise exceptions.NotFound
        return Response(self.get_serializer(rows[0]).data)


class HazardViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Hazards of the jurisdiction, newest first, with their timeline on the detail; in the
    "report" scope, POST reports one (the screens' 随手拍: same form, same service)."""

    model = Hazard
    related = ("area", "school")
    prefetch = (selectors.hazard_events(),)
    filterset_class = filters.HazardFilter
    permission_classes = (IsApiClient, MayReport)

    def get_serializer_class(self) -> type:
        if self.action in {"create"}:
            return serializers.HazardReportSerializer
        if self.action in {"retrieve"}:
            return serializers.HazardDetailSerializer
        return serializers.HazardSerializer

    @extend_schema(responses={201: serializers.HazardDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._valid(request)
        school = selectors.report_school(request.auth, request.user, data.get("school"))
        area = selectors.active_area(data["area"])
        fields = {
            name: data.get(name, "") for name in ("description", "location", "kind", "severity")
        }
        form = HazardReportForm(data={**fields, "area": area.pk})
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        hazard = inspection_services.hazard_report(
            actor=request.user, school=school, **form.cleaned_data
        )
        created = self.get_queryset().prefetch_related(*self.prefetch).get(pk=hazard.pk)
        body = serializers.HazardDetailSerializer(created).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.HazardSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The ledger page by page, read as plain rows (`values`): the same fields as
        HazardSerializer without building a model and a field object per cell, so a page of
        two million hazards costs what a page of fifty does (docs/performance.md)."""
        rows = self.filter_queryset(self.get_queryset()).values(*selectors.HAZARD_COLUMNS)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([selectors.hazard_row(row) for row in page])

    def _valid(self, request: Request) -> dict[str, Any]:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def form_errors(form: Any) -> dict[str, list[str]]:
    """A form's errors as the API shows them (field → messages; "non_field_errors")."""
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


class InspectionViewSet(ScopedViewSet):
    model = Inspection
    serializer_class = serializers.InspectionSerializer
    filterset_class = filters.InspectionFilter


class IncidentViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Incidents of the jurisdiction with their flags; the detail adds the submitted
    versions and the timeline. In the "report" scope, POST files an initial report (a
    school's client) or records an incident (a bureau's client)."""

    model = Incident
    prefetch = ("reports", "events")
    filterset_class = filters.IncidentFilter
    permission_classes = (IsApiClient, MayReport)

    def get_serializer_class(self) -> type:
        if self.action in {"create"}:
            return serializers.IncidentReportSerializer
        if self.action in {"retrieve"}:
            return serializers.IncidentDetailSerializer
        return serializers.IncidentSerializer

    @extend_schema(responses={201: serializers.IncidentDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client: ApiClient = request.auth
        school = selectors.report_school(client, request.user, data.pop("school", None))
        source_note = data.pop("source_note", "")
        if client.unit.is_bureau and not source_note:
            raise exceptions.ValidationError({"source_note": [_("This field is required.")]})
        form = IncidentReportForm(data=data)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        facts = {name: form.cleaned_data.get(name) for name in incident_services.FACT_FIELDS}
        if client.unit.is_school:
            incident = incident_services.incident_report(actor=request.user, facts=facts)
        else:
            incident = incident_services.incident_record(
                actor=request.user, school=school, source_note=source_note, facts=facts
            )
        created = self.get_queryset().prefetch_related(*self.prefetch).get(pk=incident.pk)
        body = serializers.IncidentDetailSerializer(created).data
        return Response(body, status=status.HTTP_201_CREATED)


class MonthlyReportViewSet(ScopedViewSet):
    """Monthly reports with the figures of their latest submitted version."""

    model = MonthlyReport
    related = ("latest_version",)
    serializer_class = serializers.MonthlyReportSerializer
    filterset_class = filters.MonthlyReportFilter


class DrillViewSet(ScopedViewSet):
    model = Drill
    related = ("scenario",)
    serializer_class = serializers.DrillSerializer
    filterset_class = filters.DrillFilter


class EducationRecordViewSet(ScopedViewSet):
    model = EducationRecord
    serializer_class = serializers.EducationRecordSerializer
    filterset_class = filters.EducationRecordFilter


class RiskPointViewSet(ScopedViewSet):
    model = RiskPoint
    related = ("area",)
    serializer_class = serializers.RiskPointSerializer
    filterset_class = filters.RiskPointFilter


class CampaignViewSet(ScopedViewSet):
    model = Campaign
    serializer_class = serializers.CampaignSerializer
    filterset_class = filters.CampaignFilter


class OrderViewSet(ScopedViewSet):
    model = RectificationOrder
    serializer_class = serializers.OrderSerializer
    filterset_class = filters.OrderFilter


class ActivityViewSet(ScopedViewSet):
    model = Activity
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter


class RollCallViewSet(ScopedViewSet):
    """Dormitory roll calls as counts (expected, present): no pupil's name or absence."""

    model = RollCall
    related = ("room__dormitory",)
    serializer_class = serializers.RollCallSerializer
    filterset_class = filters.RollCallFilter


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under /api/: a JSON 404, like the endpoints' own."""
    log_call(request, 404)
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
