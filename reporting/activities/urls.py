from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("<id:pk>/", views.activity_detail, name="detail"),
    path("<id:pk>/edit/", views.activity_edit, name="edit"),
    path("<id:pk>/submit/", views.activity_submit, name="submit"),
    path("<id:pk>/approve/", views.activity_approve, name="approve"),
    path("<id:pk>/return/", views.activity_return, name="return"),
    path("<id:pk>/reject/", views.activity_reject, name="reject"),
    path("<id:pk>/held/", views.activity_held, name="held"),
    path("<id:pk>/summary/", views.activity_summary, name="summary"),
    path("<id:pk>/pdf/", views.activity_pdf, name="pdf"),
    path("<id:pk>/plan/", views.plan_document, name="plan_document"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/export/", views.calendar_export, name="calendar_export"),
    path("buses/", views.buses, name="buses"),
    path("buses/school/<id:pk>/", views.bus_register, name="bus_register"),
    path("buses/school/<id:pk>/bus/new/", views.bus_new, name="bus_new"),
    path("buses/bus/<id:pk>/", views.bus_edit, name="bus_edit"),
    path("buses/school/<id:pk>/driver/new/", views.driver_new, name="driver_new"),
    path("buses/driver/<id:pk>/", views.driver_edit, name="driver_edit"),
    path("buses/school/<id:pk>/escort/new/", views.escort_new, name="escort_new"),
    path("buses/escort/<id:pk>/", views.escort_edit, name="escort_edit"),
    path("buses/school/<id:pk>/route/new/", views.route_new, name="route_new"),
    path("buses/route/<id:pk>/", views.route_edit, name="route_edit"),
]
