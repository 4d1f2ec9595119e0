from django.urls import path

from .views import hazard_transitions, hazards, inspections, spot_checks

app_name = "inspections"

urlpatterns = [
    path("hazards/", hazards.ledger, name="ledger"),
    path("hazards/export.xlsx", hazards.ledger_export, name="ledger_export"),
    path("hazards/new/", hazards.hazard_new, name="hazard_new"),
    path("hazards/<int:pk>/", hazards.hazard_detail, name="hazard_detail"),
    # One URL per transition (the paths of the former hazards/<pk>/<action>/).
    path(
        "hazards/<int:pk>/fix_on_spot/",
        hazard_transitions.hazard_fix_on_spot,
        name="hazard_fix_on_spot",
    ),
    path("hazards/<int:pk>/assign/", hazard_transitions.hazard_assign, name="hazard_assign"),
    path("hazards/<int:pk>/submit/", hazard_transitions.hazard_submit, name="hazard_submit"),
    path("hazards/<int:pk>/verify/", hazard_transitions.hazard_verify, name="hazard_verify"),
    path("hazards/<int:pk>/return/", hazard_transitions.hazard_return, name="hazard_return"),
    path(
        "hazards/<int:pk>/request_extension/",
        hazard_transitions.hazard_extension_request,
        name="hazard_extension_request",
    ),
    path(
        "hazards/<int:pk>/decide_extension/",
        hazard_transitions.hazard_extension_decide,
        name="hazard_extension_decide",
    ),
    path("hazards/<int:pk>/reopen/", hazard_transitions.hazard_reopen, name="hazard_reopen"),
    path("photos/<int:pk>/<str:size>/", hazards.photo, name="photo"),
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/save/", inspections.inspection_save, name="inspection_save"),
    path("spot-checks/", spot_checks.draw_new, name="draw_new"),
    path("spot-checks/<int:pk>/", spot_checks.draw_detail, name="draw_detail"),
]
