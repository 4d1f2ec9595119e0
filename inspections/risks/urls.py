from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("", views.point_list, name="point_list"),
    path("new/", views.point_new, name="point_new"),
    path("<id:pk>/", views.point_detail, name="point_detail"),
    path("<id:pk>/edit/", views.point_edit, name="point_edit"),
    path("<id:pk>/check/", views.point_check, name="point_check"),
    path("<id:pk>/review/", views.point_review, name="point_review"),
    path("checks/<id:pk>/photo/", views.check_photo, name="check_photo"),
    path("plans/<id:pk>/", views.plan, name="plan"),
    path("plans/<id:pk>/upload/", views.plan_upload, name="plan_upload"),
    path("plans/<id:pk>/place/", views.plan_place, name="plan_place"),
    path("plans/<id:pk>/image/", views.plan_image, name="plan_image"),
    path("plans/<id:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("lists/", views.report_list, name="report_list"),
    path("lists/report/", views.report_submit, name="report_submit"),
    path("lists/<id:pk>/", views.report_detail, name="report_detail"),
    path("lists/<id:pk>/acknowledge/", views.report_acknowledge, name="report_acknowledge"),
]
