from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<id:pk>/", views.incident_detail, name="incident_detail"),
    path(
        "incidents/<id:pk>/reports/<slug:kind>/",
        views.incident_add_report,
        name="incident_add_report",
    ),
    path("incidents/<id:pk>/acknowledge/", views.incident_acknowledge, name="incident_acknowledge"),
    path("incidents/<id:pk>/forward/", views.incident_forward, name="incident_forward"),
    path("incidents/<id:pk>/conceal/", views.incident_conceal, name="incident_conceal"),
    path(
        "incidents/<id:pk>/closure/<slug:kind>/",
        views.closure_item_record,
        name="closure_item_record",
    ),
    path(
        "incidents/<id:pk>/people-dealt-with/",
        views.person_dealt_with_record,
        name="person_dealt_with_record",
    ),
    path(
        "incidents/<id:pk>/people-dealt-with/<id:record>/remove/",
        views.person_dealt_with_remove,
        name="person_dealt_with_remove",
    ),
    path(
        "incidents/<id:pk>/explanation/",
        views.late_explanation_submit,
        name="late_explanation_submit",
    ),
    path(
        "incidents/<id:pk>/explanation/decide/",
        views.late_explanation_decide,
        name="late_explanation_decide",
    ),
    path(
        "incidents/<id:pk>/explanation/file/",
        views.late_explanation_file,
        name="late_explanation_file",
    ),
    path("incidents/honours-bar/", views.honours_bar, name="honours_bar"),
    path("incidents/honours-bar.xlsx", views.honours_bar_xlsx, name="honours_bar_xlsx"),
    path("incidents/<id:pk>/close/", views.incident_close, name="incident_close"),
    path("incidents/<id:pk>/file/", views.incident_file_request, name="incident_file_request"),
    path(
        "incidents/<id:pk>/file/download/",
        views.incident_file_download,
        name="incident_file_download",
    ),
    path("incidents/attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
]
