from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/hazard/<id:pk>/", views.new_from_hazard, name="new_from_hazard"),
    path("new/incident/<id:pk>/", views.new_from_incident, name="new_from_incident"),
    path("new/spot-check/<id:pk>/", views.new_from_spot_check, name="new_from_spot_check"),
    path("new/campaign/<id:pk>/", views.new_from_campaign, name="new_from_campaign"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/order.pdf", views.pdf, name="pdf"),
    path("<id:pk>/reply/", views.reply, name="reply"),
    path("replies/<id:pk>/accept/", views.accept, name="accept"),
    path("replies/<id:pk>/return/", views.return_reply, name="return"),
    path("evidence/<id:pk>/", views.evidence, name="evidence"),
]
