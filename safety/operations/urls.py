"""Operations URLs: the health endpoint (public, for load balancers)."""

from django.urls import path

from . import health

urlpatterns = [path("health/", health.health, name="health")]
