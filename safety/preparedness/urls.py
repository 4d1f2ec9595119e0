from django.urls import path

from . import views

app_name = "preparedness"

urlpatterns = [
    path("", views.home, name="home"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export.xlsx", views.coverage_export, name="coverage_export"),
    path("units/<id:pk>/", views.unit_page, name="unit"),
    path("units/<id:pk>/plans/new/", views.plan_new, name="plan_new"),
    path("units/<id:pk>/teams/set-up/", views.teams_set_up, name="teams_set_up"),
    path("units/<id:pk>/drills/new/", views.drill_new, name="drill_new"),
    path("plans/<id:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<id:pk>/document/", views.plan_document, name="plan_document"),
    path("plans/<id:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<id:pk>/acknowledge/", views.plan_acknowledge, name="plan_acknowledge"),
    path("plans/<id:pk>/return/", views.plan_return, name="plan_return"),
    path("teams/<id:pk>/members/add/", views.team_member_add, name="team_member_add"),
    path("members/<id:pk>/remove/", views.team_member_remove, name="team_member_remove"),
    path("drills/<id:pk>/", views.drill_detail, name="drill_detail"),
    path("drills/<id:pk>/record/", views.drill_record, name="drill_record"),
    path("drills/<id:pk>/problems/add/", views.drill_problem_add, name="drill_problem_add"),
    path("photos/<id:pk>/<str:size>/", views.drill_photo, name="drill_photo"),
]
