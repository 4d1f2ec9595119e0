"""Safety education pages, under /education/."""

from django.urls import path

from . import views

app_name = "education"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("settings/", views.settings_edit, name="settings"),
    path("schools/<id:pk>/", views.coverage_school, name="coverage_school"),
    path("schools/<id:pk>/records/new/", views.record_new, name="record_new"),
    path("schools/<id:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("schools/<id:pk>/legal-vice-principals/new/", views.legal_vp_new, name="legal_vp_new"),
    path("records/<id:pk>/", views.record_detail, name="record_detail"),
    path("records/<id:pk>/material/", views.record_material, name="record_material"),
]
