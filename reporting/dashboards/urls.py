from django.urls import path

from . import views

# No namespace: the home page keeps the project-wide URL name "home".
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
]
