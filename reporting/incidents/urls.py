from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path(
        "incidents/<int:pk>/reports/<slug:kind>/",
        views.incident_add_report,
        name="incident_add_report",
    ),
    path(
        "incidents/<int:pk>/acknowledge/", views.incident_acknowledge, name="incident_acknowledge"
    ),
    path("incidents/<int:pk>/forward/", views.incident_forward, name="incident_forward"),
    path("incidents/<int:pk>/conceal/", views.incident_conceal, name="incident_conceal"),
    path(
        "incidents/<int:pk>/closure/<slug:kind>/",
        views.closure_item_record,
        name="closure_item_record",
    ),
    path("incidents/<int:pk>/close/", views.incident_close, name="incident_close"),
    path("incidents/<int:pk>/file/", views.incident_file_request, name="incident_file_request"),
    path(
        "incidents/<int:pk>/file/download/",
        views.incident_file_download,
        name="incident_file_download",
    ),
    path("incidents/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
