from django.urls import path

from . import views

urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path(
        "notifications/read-all/",
        views.notification_mark_all_read,
        name="notification_mark_all_read",
    ),
    path("accounts/password/", views.password_change, name="password_change"),
    path("history/<slug:kind>/<int:pk>/", views.record_history, name="record_history"),
    # The responsibility system (安全责任制)
    path("responsibility/", views.responsibility_home, name="responsibility_home"),
    path("responsibility/grid/", views.coverage_grid, name="coverage_grid"),
    path("responsibility/units/<int:pk>/", views.unit_coverage, name="unit_coverage"),
    path("responsibility/units/<int:pk>/holders/new/", views.holder_create, name="holder_create"),
    path(
        "responsibility/units/<int:pk>/assignments/new/",
        views.assignment_create,
        name="assignment_create",
    ),
    path(
        "responsibility/units/<int:pk>/letters/issue/",
        views.letters_bulk_issue,
        name="letters_bulk_issue",
    ),
    path("responsibility/holders/", views.holder_list, name="holder_list"),
    path("responsibility/holders/<int:pk>/", views.holder_detail, name="holder_detail"),
    path("responsibility/holders/<int:pk>/edit/", views.holder_edit, name="holder_edit"),
    path(
        "responsibility/holders/<int:pk>/certificates/new/",
        views.certificate_create,
        name="certificate_create",
    ),
    path("responsibility/assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path(
        "responsibility/assignments/<int:pk>/handover/",
        views.assignment_handover,
        name="assignment_handover",
    ),
    path("responsibility/assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("responsibility/assignments/<int:pk>/letter/", views.letter_issue, name="letter_issue"),
    path("responsibility/letters/", views.letter_list, name="letter_list"),
    path("responsibility/letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("responsibility/letters/<int:pk>/sign/", views.letter_sign, name="letter_sign"),
    path("responsibility/letters/<int:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("responsibility/import/", views.import_upload, name="responsibility_import"),
    path(
        "responsibility/import/confirm/", views.import_confirm, name="responsibility_import_confirm"
    ),
    path(
        "responsibility/import/template.xlsx",
        views.import_template,
        name="responsibility_import_template",
    ),
]
