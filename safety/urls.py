from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
]
