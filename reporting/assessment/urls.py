from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue/", views.rule_catalogue, name="catalogue"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<id:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<id:pk>/groups/", views.group_add, name="group_add"),
    path("schemes/<id:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("schemes/<id:pk>/version/", views.scheme_version, name="scheme_version"),
    path("schemes/<id:pk>/open/", views.run_open, name="run_open"),
    path("indicators/<id:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path("runs/<id:pk>/", views.run_detail, name="run_detail"),
    path("runs/<id:pk>/recompute/", views.run_recompute, name="run_recompute"),
    path("runs/<id:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<id:pk>/results/", views.results, name="results"),
    path("runs/<id:pk>/results.pdf", views.results_pdf, name="results_pdf"),
    path("runs/<id:pk>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("scorings/<id:pk>/", views.scoring_detail, name="scoring_detail"),
    path("scorings/<id:pk>/submit/", views.scoring_submit, name="scoring_submit"),
    path("scorings/<id:pk>/return/", views.scoring_return, name="scoring_return"),
    path("schools/<id:pk>/", views.assessment_detail, name="assessment_detail"),
    path("schools/<id:pk>/self/", views.self_assess, name="self_assess"),
    path("schools/<id:pk>/score/", views.county_score, name="county_score"),
    path("schools/<id:pk>/model-school/", views.model_school, name="model_school"),
    path("schools/<id:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("evidence/<id:pk>/", views.evidence, name="evidence"),
]
