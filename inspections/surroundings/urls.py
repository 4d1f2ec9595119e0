"""The surroundings ledger, joint meetings and public reports, under /surroundings/."""

from django.urls import path

from . import views

app_name = "surroundings"

urlpatterns = [
    path("", views.spot_list, name="spot_list"),
    path("spots/new/", views.spot_new, name="spot_new"),
    path("spots/<id:pk>/", views.spot_detail, name="spot_detail"),
    path("spots/<id:pk>/refer/", views.spot_refer, name="spot_refer"),
    path("spots/<id:pk>/answer/", views.spot_answer, name="spot_answer"),
    path("spots/<id:pk>/close/", views.spot_close, name="spot_close"),
    path("spots/<id:pk>/photo/", views.spot_photo, name="spot_photo"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<id:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("decisions/<id:pk>/done/", views.decision_done, name="decision_done"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<id:pk>/", views.report_detail, name="report_detail"),
    path("reports/<id:pk>/photo/", views.report_photo, name="report_photo"),
    path("reports/<id:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<id:pk>/dismiss/", views.report_dismiss, name="report_dismiss"),
    path("schools/<id:pk>/poster.pdf", views.poster, name="poster"),
    # The public form behind the QR code: no login.
    path("r/<str:token>/", views.public_form, name="public_form"),
]
