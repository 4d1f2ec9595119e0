"""Channel pages, under /channels/."""

from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("", views.my_channels, name="mine"),
    path("reach/", views.reach, name="reach"),
    path("accounts/<id:pk>/", views.account_channels, name="account"),
]
