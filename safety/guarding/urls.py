"""Daily guarding's pages, under /guarding/."""

from django.urls import path

from . import views

app_name = "guarding"

urlpatterns = [
    path("", views.home, name="home"),
    path("bureau/", views.bureau, name="bureau"),
    path("holidays/", views.periods, name="periods"),
    path("holidays/<id:pk>/edit/", views.period_edit, name="period_edit"),
    path("units/<id:pk>/", views.unit, name="unit"),
    path("units/<id:pk>/rosters/", views.rosters, name="rosters"),
    path("rosters/<id:pk>/", views.roster, name="roster"),
    path("rosters/<id:pk>/shift/", views.shift_save, name="shift_save"),
    path("rosters/<id:pk>/submit/", views.roster_submit, name="roster_submit"),
    path("rosters/<id:pk>/review/", views.roster_review, name="roster_review"),
    path("units/<id:pk>/duty-log/", views.duty_log, name="duty_log"),
    path("units/<id:pk>/patrols/", views.patrols, name="patrols"),
    path("units/<id:pk>/patrols/routes/new/", views.route_new, name="route_new"),
    path("routes/<id:pk>/edit/", views.route_edit, name="route_edit"),
    path("rounds/<id:pk>/", views.patrol_round, name="round"),
    path("rounds/<id:pk>/record/", views.round_record, name="round_record"),
    path("records/<id:pk>/photo/", views.record_photo, name="record_photo"),
    path("units/<id:pk>/gate/", views.gate, name="gate"),
    path("gate/<id:pk>/out/", views.gate_leave, name="gate_leave"),
    path("units/<id:pk>/gate-duty/", views.gate_duty, name="gate_duty"),
    path("units/<id:pk>/dormitories/", views.dormitories, name="dormitories"),
    path("dormitories/<id:pk>/rooms/new/", views.room_create, name="room_create"),
    path("units/<id:pk>/pupils/", views.pupils, name="pupils"),
    path("units/<id:pk>/pupils/new/", views.pupil_new, name="pupil_new"),
    path("units/<id:pk>/pupils/import/", views.pupil_import, name="pupil_import"),
    path("units/<id:pk>/pupils/export.xlsx", views.pupil_export, name="pupil_export"),
    path("pupils/template.xlsx", views.pupil_template, name="pupil_template"),
    path("units/<id:pk>/leaves/", views.leaves, name="leaves"),
    path("units/<id:pk>/leaves/new/", views.leave_new, name="leave_new"),
    path("leaves/<id:pk>/approve/", views.leave_approve, name="leave_approve"),
    path("leaves/<id:pk>/refuse/", views.leave_refuse, name="leave_refuse"),
    path("leaves/<id:pk>/depart/", views.leave_depart, name="leave_depart"),
    path("leaves/<id:pk>/return/", views.leave_return, name="leave_return"),
    path("units/<id:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("rooms/<id:pk>/roll-call/", views.room_roll_call, name="room_roll_call"),
    path("absences/<id:pk>/follow-up/", views.absence_follow_up, name="absence_follow_up"),
]
