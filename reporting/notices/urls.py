from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.notice_new, name="new"),
    path("<id:pk>/", views.notice_detail, name="detail"),
    path("<id:pk>/remind/", views.notice_remind, name="remind"),
    path("units/<id:pk>/", views.recipient_detail, name="recipient"),
    path("units/<id:pk>/reply/", views.reply, name="reply"),
    path("replies/<id:pk>/accept/", views.reply_accept, name="reply_accept"),
    path("replies/<id:pk>/return/", views.reply_return, name="reply_return"),
    path("attachments/<id:pk>/", views.attachment, name="attachment"),
]
