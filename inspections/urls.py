from django.urls import path

from .views import drills, hazard_transitions, hazards, inspections, patrols, spot_checks

app_name = "inspections"

urlpatterns = [
    path("hazards/", hazards.ledger, name="ledger"),
    path("hazards/export.xlsx", hazards.ledger_export, name="ledger_export"),
    path("hazards/new/", hazards.hazard_new, name="hazard_new"),
    path("hazards/<id:pk>/", hazards.hazard_detail, name="hazard_detail"),
    # One URL per transition (the paths of the former hazards/<pk>/<action>/).
    path(
        "hazards/<id:pk>/fix_on_spot/",
        hazard_transitions.hazard_fix_on_spot,
        name="hazard_fix_on_spot",
    ),
    path("hazards/<id:pk>/assign/", hazard_transitions.hazard_assign, name="hazard_assign"),
    path("hazards/<id:pk>/submit/", hazard_transitions.hazard_submit, name="hazard_submit"),
    path("hazards/<id:pk>/verify/", hazard_transitions.hazard_verify, name="hazard_verify"),
    path("hazards/<id:pk>/return/", hazard_transitions.hazard_return, name="hazard_return"),
    path(
        "hazards/<id:pk>/request_extension/",
        hazard_transitions.hazard_extension_request,
        name="hazard_extension_request",
    ),
    path(
        "hazards/<id:pk>/decide_extension/",
        hazard_transitions.hazard_extension_decide,
        name="hazard_extension_decide",
    ),
    path("hazards/<id:pk>/reopen/", hazard_transitions.hazard_reopen, name="hazard_reopen"),
    path("photos/<id:pk>/<str:size>/", hazards.photo, name="photo"),
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_new, name="inspection_new"),
    path("inspections/<id:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<id:pk>/save/", inspections.inspection_save, name="inspection_save"),
    path("spot-checks/", spot_checks.draw_new, name="draw_new"),
    path("spot-checks/<id:pk>/", spot_checks.draw_detail, name="draw_detail"),
    # Emergency preparedness (issue #14): a drill problem becomes a hazard in one step.
    path(
        "hazards/from-drill-problem/<id:pk>/",
        drills.drill_problem_hazard,
        name="drill_problem_hazard",
    ),
    # Daily guarding (issue #15): a night-patrol problem becomes a hazard.
    path("patrol-records/<id:pk>/hazard/", patrols.patrol_hazard, name="patrol_hazard"),
]
