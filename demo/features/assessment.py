"""The year-end safe-campus assessment (#19) of the generated city, through its services:
each city's scheme (the demo's indicators), last year's run scored by every bureau (on-site
points, computed items kept), submitted, published (grades, ranks) with a model school
named; this year's run open with the computed values, most schools' self-assessment
submitted with an evidence file for the on-site item, a third of them scored by their county.
Scores are set in bulk (one UPDATE per figure) rather than school by school, so the step
stays within seconds at 20,000 schools; submitting, publishing and naming go through the
services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Mod

from demo.features import _city, _files
from reporting.assessment import demo, services
from reporting.assessment.models import (
    ON_SITE,
    AssessmentEvidence,
    CountyScoring,
    Grade,
    Indicator,
    IndicatorScore,
    Scheme,
    SchoolAssessment,
)
from safety.models import Organisation, User

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = Scheme


def _totals(assessments, field: str, points) -> None:
    """`field` of each of `assessments` = the sum of `points` over its scores."""
    sums = (
        IndicatorScore.objects.filter(assessment=OuterRef("pk"))
        .values("assessment")
        .annotate(total=Sum(points))
        .values("total")
    )
    assessments.update(**{field: Subquery(sums)})


def _county_scores(assessments, moment: datetime.datetime) -> None:
    """The county's on-site points (12 to 20) for `assessments`; computed items kept."""
    IndicatorScore.objects.filter(assessment__in=assessments, indicator__rule=ON_SITE).update(
        county_points=Mod(F("id"), 9) + 12
    )
    # SafeCampus came in during the year: the county verifies the computed items against the
    # paper ledgers and adjusts those below the full points, with its reason (as the demo).
    weight = Indicator.objects.filter(pk=OuterRef("indicator_id")).values("weight")
    IndicatorScore.objects.filter(
        assessment__in=assessments, computed_points__lt=F("indicator__weight")
    ).exclude(indicator__rule=ON_SITE).update(
        county_points=Subquery(weight) - Mod(F("id"), 3), adjust_reason=demo.LEDGER_REASON
    )
    assessments.update(status=SchoolAssessment.Status.SCORED, scored_at=moment)
    _totals(
        assessments, "county_total", Coalesce("county_points", "computed_points", Value(Decimal(0)))
    )


def generate(gen: Generator) -> None:
    city = _city.load()
    stored = _files.stored_pdf()
    # The services insert through the sequences (notifications, audit events): bring them
    # above the rows the core steps copied in.
    gen._reset_sequences()
    for unit in city.cities:
        bureau = Organisation.objects.get(pk=unit["id"])
        official = User.objects.get(pk=city.official[unit["id"]])
        year = gen.today.year
        past = services.run_open(actor=official, scheme=demo._scheme(bureau, official, year - 1))
        _county_scores(SchoolAssessment.objects.filter(run=past), gen.now)
        for scoring in CountyScoring.objects.filter(run=past):
            services.scoring_submit(actor=None, scoring=scoring)
        services.run_publish(actor=official, run=past)
        best = SchoolAssessment.objects.filter(run=past, grade=Grade.EXCELLENT)
        best = best.order_by("-total", "id").first()
        if best is not None:
            services.model_school_name(actor=official, assessment=best)
        current = services.run_open(actor=official, scheme=demo._scheme(bureau, official, year))
        items = list(SchoolAssessment.objects.filter(run=current).values_list("id", "school_id"))
        submitted = [pk for pk, _school in items if gen.rng.random() < 0.7]
        site = IndicatorScore.objects.filter(assessment__in=submitted, indicator__rule=ON_SITE)
        site.update(self_points=Mod(F("id"), 7) + 14, self_note="门卫值守、消防通道每日巡查。")
        SchoolAssessment.objects.filter(pk__in=submitted).update(
            status=SchoolAssessment.Status.SELF_SUBMITTED, self_submitted_at=gen.now
        )
        _totals(
            SchoolAssessment.objects.filter(pk__in=submitted),
            "self_total",
            Coalesce("self_points", "computed_points", Value(Decimal(0))),
        )
        school_of = dict(items)
        scores = list(site.values_list("id", "assessment_id"))
        gen._write(
            AssessmentEvidence,
            ["id", "score_id", "file", "original_name", "content_type", "uploaded_by_id",
             "uploaded_at"],
            (
                (pk, score, stored, "现场照片.pdf", "application/pdf",
                 city.leader[school_of[assessment]], gen.now)
                for pk, (score, assessment) in zip(
                    gen._ids(AssessmentEvidence, len(scores)), scores, strict=True
                )
            ),
        )  # fmt: skip
        scored = [pk for pk in submitted if pk % 3 == 0]
        _county_scores(SchoolAssessment.objects.filter(pk__in=scored), gen.now)
