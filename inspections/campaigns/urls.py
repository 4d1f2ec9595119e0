from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.campaign_new, name="new"),
    path("<id:pk>/", views.board, name="board"),
    path("<id:pk>/export.xlsx", views.board_export, name="export"),
    path("<id:pk>/summary.pdf", views.board_pdf, name="pdf"),
    path("<id:pk>/remind/", views.remind, name="remind"),
    path("<id:pk>/forward/", views.forward, name="forward"),
    path("tasks/<id:pk>/", views.task_detail, name="task"),
    path("tasks/<id:pk>/start/", views.task_start, name="task_start"),
    path("tasks/<id:pk>/submit/", views.task_submit, name="task_submit"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/schools/<id:pk>/spot-checks/", views.spot_checks, name="spot_checks"),
]
