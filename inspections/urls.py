from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("hazards/", views.ledger, name="ledger"),
    path("hazards/export.xlsx", views.ledger_export, name="ledger_export"),
    path("hazards/new/", views.hazard_new, name="hazard_new"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/<slug:action>/", views.hazard_act, name="hazard_act"),
    path("photos/<int:pk>/<str:size>/", views.photo, name="photo"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/save/", views.inspection_save, name="inspection_save"),
    path("spot-checks/", views.draw_new, name="draw_new"),
    path("spot-checks/<int:pk>/", views.draw_detail, name="draw_detail"),
]
