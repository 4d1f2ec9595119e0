"""The product's URLs plus what the benchmark compares against: the Django admin
changelist of the hazard model with stock settings, and an empty logged-in page."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path
from rest_framework import generics, pagination, serializers

from config.urls import urlpatterns as product_urls
from inspections.models import Hazard
from reporting.models import Incident
from safety.models import Organisation

stock_admin = admin.AdminSite(name="bench_admin")


@admin.register(Hazard, site=stock_admin)
class StockHazardAdmin(admin.ModelAdmin):
    """What a typical project writes first: columns and filters, every other setting stock."""

    list_display = ("id", "school", "area", "severity", "status", "created_at")
    list_filter = ("status", "severity", "area", "school__parent")
    search_fields = ("description", "location")  # the ledger's `q` searches the same two


@admin.register(Incident, site=stock_admin)
class StockIncidentAdmin(admin.ModelAdmin):
    list_display = ("id", "school", "category", "severity", "status", "occurred_at")
    list_filter = ("status", "severity", "school__parent")


@admin.register(Organisation, site=stock_admin)
class StockOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "school_type", "is_active")
    list_filter = ("kind", "school_type", "parent")


class StockHazardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hazard
        fields = "__all__"


class StockPagination(pagination.PageNumberPagination):
    page_size = 50


class StockHazardList(generics.ListAPIView):
    """What a typical DRF project writes first for the same rows: a ModelSerializer of every
    field and page-number pagination (a COUNT per page). Same client, same scoping rule; the
    two filters the API row uses, as plain filter() calls."""

    serializer_class = StockHazardSerializer
    pagination_class = StockPagination
    filter_backends = ()

    def get_queryset(self):
        rows = Hazard.objects.visible_to(self.request.user).order_by("-id")
        if "severity" in self.request.query_params:
            rows = rows.filter(severity=self.request.query_params["severity"])
        if "area" in self.request.query_params:
            rows = rows.filter(area__key=self.request.query_params["area"])
        return rows


@login_required
def empty(request):
    """The framework's floor: session, user, navigation context, base template."""
    return render(request, "base.html", {})


urlpatterns = [
    path("bench-admin/", stock_admin.urls),
    path("bench/empty/", empty, name="bench_empty"),
    path("bench-api/hazards/", StockHazardList.as_view(), name="bench_api_hazards"),
    path("", include(product_urls)),
]
