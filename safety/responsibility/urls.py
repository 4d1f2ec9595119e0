"""The responsibility system's pages, under /responsibility/ (paths unchanged since they
were part of safety.urls, so bookmarks keep working)."""

from django.urls import path

from . import views

app_name = "responsibility"

urlpatterns = [
    path("", views.responsibility_home, name="home"),
    path("grid/", views.coverage_grid, name="coverage_grid"),
    path("units/<id:pk>/", views.unit_coverage, name="unit_coverage"),
    path("units/<id:pk>/holders/new/", views.holder_create, name="holder_create"),
    path("units/<id:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("units/<id:pk>/letters/issue/", views.letters_bulk_issue, name="letters_bulk_issue"),
    path("holders/", views.holder_list, name="holder_list"),
    path("holders/<id:pk>/", views.holder_detail, name="holder_detail"),
    path("holders/<id:pk>/edit/", views.holder_edit, name="holder_edit"),
    path(
        "holders/<id:pk>/certificates/new/",
        views.certificate_create,
        name="certificate_create",
    ),
    path("assignments/<id:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<id:pk>/handover/", views.assignment_handover, name="assignment_handover"),
    path("assignments/<id:pk>/end/", views.assignment_end, name="assignment_end"),
    path("assignments/<id:pk>/letter/", views.letter_issue, name="letter_issue"),
    path("letters/", views.letter_list, name="letter_list"),
    path("letter-issues/<id:pk>/", views.letter_issue_detail, name="letter_issue_detail"),
    path("letter-issues/<id:pk>/status/", views.letter_issue_status, name="letter_issue_status"),
    path("letters/<id:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("letters/<id:pk>/sign/", views.letter_sign, name="letter_sign"),
    path("letters/<id:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
