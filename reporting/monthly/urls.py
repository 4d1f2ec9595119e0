from django.urls import path

from . import views

app_name = "monthly"

urlpatterns = [
    path("", views.index, name="index"),
    path("console/", views.console, name="console"),
    path("unit/<int:pk>/", views.unit_months, name="unit"),
    path("unit/<int:pk>/<str:month>/", views.report_detail, name="report"),
    path("unit/<int:pk>/<str:month>/save/", views.report_save, name="save"),
    path("unit/<int:pk>/<str:month>/review/", views.report_review, name="review"),
    path("versions/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("versions/<int:pk>/rerender/", views.version_rerender, name="version_rerender"),
    path("overview/<str:month>/", views.overview_request, name="overview_request"),
    path("overviews/<int:pk>/pdf/", views.overview_pdf, name="overview_pdf"),
]
