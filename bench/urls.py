"""The product's URLs plus what the benchmark compares against: the Django admin
changelist of the hazard model with stock settings, and an empty logged-in page."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path

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


@admin.register(Incident, site=stock_admin)
class StockIncidentAdmin(admin.ModelAdmin):
    list_display = ("id", "school", "category", "severity", "status", "occurred_at")
    list_filter = ("status", "severity", "school__parent")


@admin.register(Organisation, site=stock_admin)
class StockOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "school_type", "is_active")
    list_filter = ("kind", "school_type", "parent")


@login_required
def empty(request):
    """The framework's floor: session, user, navigation context, base template."""
    return render(request, "base.html", {})


urlpatterns = [
    path("bench-admin/", stock_admin.urls),
    path("bench/empty/", empty, name="bench_empty"),
    path("", include(product_urls)),
]
