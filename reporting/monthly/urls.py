from django.urls import path

from . import views

app_name = "monthly"

urlpatterns = [
    path("", views.index, name="index"),
    path("console/", views.console, name="console"),
    path("unit/<id:pk>/", views.unit_months, name="unit"),
    path("unit/<id:pk>/<month:month>/", views.report_detail, name="report"),
    path("unit/<id:pk>/<month:month>/save/", views.report_save, name="save"),
    path("unit/<id:pk>/<month:month>/review/", views.report_review, name="review"),
    path("versions/<id:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("versions/<id:pk>/rerender/", views.version_rerender, name="version_rerender"),
    path("overview/<month:month>/", views.overview_request, name="overview_request"),
    path("overviews/<id:pk>/pdf/", views.overview_pdf, name="overview_pdf"),
]
