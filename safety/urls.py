from django.urls import path

from . import exportviews, views

urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/<id:pk>/", views.school_detail, name="school_detail"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<id:pk>/open/", views.notification_open, name="notification_open"),
    path(
        "notifications/read-all/",
        views.notification_mark_all_read,
        name="notification_mark_all_read",
    ),
    path("accounts/password/", views.password_change, name="password_change"),
    path("history/<slug:kind>/<id:pk>/", views.record_history, name="record_history"),
    # #23 exports as background jobs: only the requester sees them.
    path("exports/", exportviews.export_list, name="export_list"),
    path("exports/<id:pk>/", exportviews.export_detail, name="export_detail"),
    path("exports/<id:pk>/status/", exportviews.export_status, name="export_status"),
    path("exports/<id:pk>/download/", exportviews.export_download, name="export_download"),
]
