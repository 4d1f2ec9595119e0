from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
]
