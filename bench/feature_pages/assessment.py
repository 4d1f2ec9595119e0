"""The year-end assessment (#19): the scheme, the open run, a bureau's scoring, a school's
assessment, the published results (page, PDF, spreadsheet export), a certificate, an
evidence file, the scheme form."""

from __future__ import annotations

from bench.feature_pages._common import CITY, COUNTY, LEADER, PROVINCE, first, unit_of
from reporting.assessment.models import (
    AssessmentEvidence,
    CountyScoring,
    Grade,
    Run,
    SchoolAssessment,
)

PAGES = [
    ("assessment_scheme_new", "New assessment scheme (form)", CITY, "/assessment/schemes/new/",
     None),
    ("assessment_scheme", "Assessment scheme", CITY, "/assessment/schemes/{assessment_scheme}/",
     None),
    ("assessment_run", "Open assessment run", CITY, "/assessment/runs/{assessment_run}/", None),
    ("assessment_run", "Open assessment run", COUNTY, "/assessment/runs/{assessment_run}/",
     None),
    ("assessment_scoring", "A county's scoring", COUNTY,
     "/assessment/scorings/{assessment_scoring}/", None),
    ("assessment_school", "A school's assessment", LEADER,
     "/assessment/schools/{assessment_item}/", None),
    ("assessment_school", "A school's assessment", COUNTY,
     "/assessment/schools/{assessment_county_item}/", None),
    ("assessment_results", "Published assessment results", CITY,
     "/assessment/runs/{assessment_published}/results/", None),
    ("assessment_results", "Published assessment results", COUNTY,
     "/assessment/runs/{assessment_published}/results/", None),
    ("assessment_results_pdf", "Published results PDF: its start page (the PDF is a job)", CITY,
     "/assessment/runs/{assessment_published}/results.pdf", None),
    ("assessment_results_xlsx", "Published results export: its start page (the file is a job)",
     CITY, "/assessment/runs/{assessment_published}/results.xlsx", None),
    ("assessment_certificate", "A school's certificate PDF (rendered in the request)", COUNTY,
     "/assessment/schools/{assessment_certified}/certificate.pdf", None),
    ("assessment_evidence", "A self-assessment evidence file", COUNTY,
     "/assessment/evidence/{assessment_evidence}/", None),
    ("assessment", "Safe-campus assessment", PROVINCE, "/assessment/", None),
]  # fmt: skip
LIST_KEYS = {"assessment_results", "assessment_scoring", "assessment_run"}


def ids() -> dict[str, int]:
    county, school = unit_of(COUNTY), unit_of(LEADER)
    city = county.parent
    run = Run.objects.filter(city=city, status=Run.Status.OPEN).order_by("-year").first()
    published = Run.objects.filter(city=city, status=Run.Status.PUBLISHED).order_by("-year")
    published = first(published)
    item = first(SchoolAssessment.objects.filter(run=run, school=school))
    return {
        "assessment_scheme": run.scheme_id,
        "assessment_run": run.pk,
        "assessment_published": published,
        "assessment_scoring": first(CountyScoring.objects.filter(run=run, county=county)),
        "assessment_item": item,
        "assessment_county_item": first(
            SchoolAssessment.objects.filter(run=run, school__parent=county).order_by("id")
        ),
        "assessment_certified": first(
            SchoolAssessment.objects.filter(run_id=published, school__parent=county)
            .exclude(grade=Grade.FAIL)
            .order_by("id")
        ),
        "assessment_evidence": first(
            AssessmentEvidence.objects.filter(
                score__assessment__run=run, score__assessment__school__parent=county
            ).order_by("id")
        ),
    }
