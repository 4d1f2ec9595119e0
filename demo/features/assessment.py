"""The year-end safe-campus assessment (#19) of the generated city: each city's scheme (the
demo's indicators, through the services), last year's run scored by every bureau, submitted
and published (final points, grades, ranks in the county, the one-vote veto, the frozen
concealment flags, a model school), and this year's run open: most schools' self-assessment
submitted with an evidence file for the on-site item, a quarter already scored by their
county.

The runs' rows are written in bulk (COPY) rather than through run_open / county_score /
run_publish, school by school, which take minutes at 20,000 schools; the values are the
services' own: the computed items from the catalogue (services._computed_fields), the
county's points as the demo scores (on-site 12 to 20; a computed item below its weight
verified against the paper ledgers, with the reason), final points and grades as
services._finalise stores them (the scheme's thresholds, selectors.veto_reasons)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from demo.features import _city, _files
from reporting.assessment import catalogue, demo, selectors, services
from reporting.assessment.models import (
    ON_SITE,
    AssessmentEvidence,
    CountyScoring,
    Grade,
    IndicatorScore,
    Run,
    Scheme,
    SchoolAssessment,
)
from safety.models import Organisation, User

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = Scheme
ZERO = Decimal("0")
SELF_NOTE = "门卫24小时值守，消防通道每日巡查，后厨明厨亮灶。"


def generate(gen: Generator) -> None:
    city = _city.load()
    # The scheme services insert through the sequences: bring them above the copied rows.
    gen._reset_sequences()
    for unit in city.cities:
        bureau = Organisation.objects.get(pk=unit["id"])
        official = User.objects.get(pk=city.official[unit["id"]])
        schools = list(
            Organisation.objects.filter(path__startswith=bureau.path, is_active=True)
            .schools()
            .order_by("id")
        )
        for year, published in ((gen.today.year - 1, True), (gen.today.year, False)):
            scheme = demo._scheme(bureau, official, year)
            _run(gen, city, scheme, official, schools, published)


def _state(gen: Generator, published: bool) -> str:
    if published:
        return SchoolAssessment.Status.SCORED
    roll = gen.rng.random()
    if roll < 0.25:
        return SchoolAssessment.Status.SCORED
    return SchoolAssessment.Status.SELF_SUBMITTED if roll < 0.7 else "self_assessing"


def _run(gen, city, scheme: Scheme, official: User, schools: list, published: bool) -> None:
    moment = gen.now
    Scheme.objects.filter(pk=scheme.pk).update(frozen_at=moment)
    indicators = list(scheme.indicators.all())
    keys = {item.rule for item in indicators if item.rule != ON_SITE}
    measures = catalogue.compute(schools, keys, catalogue.period_of(scheme.year, moment))
    run_id = gen._ids(Run, 1)[0]
    parents = sorted({school.parent_id for school in schools})
    scoring_of = dict(zip(parents, gen._ids(CountyScoring, len(parents)), strict=True))
    vetoes = selectors.veto_reasons([s.pk for s in schools], scheme.year) if published else {}
    score_ids = iter(gen._ids(IndicatorScore, len(schools) * len(indicators)))
    items, scores, evidence = [], [], []
    for pk, school in zip(gen._ids(SchoolAssessment, len(schools)), schools, strict=True):
        state = _state(gen, published)
        assessed, scored = state != "self_assessing", state == SchoolAssessment.Status.SCORED
        self_sum = county_sum = ZERO
        for indicator in indicators:
            score = next(score_ids)
            computed = (
                {}
                if indicator.is_on_site
                else services._computed_fields(indicator, measures[indicator.rule][school.pk])
            )
            points = computed.get("computed_points")
            own = county = None
            note = reason = ""
            if indicator.is_on_site:
                own, note = (Decimal(14 + score % 7), SELF_NOTE) if assessed else (None, "")
                county = Decimal(12 + score % 9) if scored else None
                if assessed and not published:
                    evidence.append((score, city.leader[school.pk]))
            elif scored and points is not None and points < indicator.weight:
                county, reason = indicator.weight - score % 3, demo.LEDGER_REASON
            final = (points if county is None else county) or ZERO
            self_sum += (own if indicator.is_on_site else points) or ZERO
            county_sum += final
            scores.append(
                (score, pk, indicator.pk, computed.get("computed_value"),
                 computed.get("computed_detail", ""), points, own, note, county, reason,
                 final if published else None)
            )  # fmt: skip
        veto = vetoes.get(school.pk, "")
        grade = ""
        if published:
            grade = Grade.FAIL if veto else scheme.grade_for(county_sum)
        items.append(
            [pk, run_id, school.pk, scoring_of[school.parent_id], state,
             self_sum if assessed else None, county_sum if scored else None,
             moment if assessed else None, moment if scored else None,
             county_sum if published else None, grade, veto, None, False, None]
        )  # fmt: skip
    if published:  # ranks in the county (a veto last), the best excellent a model school
        rank, previous = 0, None
        for item in sorted(items, key=lambda i: (i[3], bool(i[11]), -i[9])):
            rank = 1 if item[3] != previous else rank + 1
            item[12], previous = rank, item[3]
        excellent = [i for i in items if i[10] == Grade.EXCELLENT]
        if excellent:
            best = max(excellent, key=lambda i: (i[9], -i[0]))
            best[13], best[14] = True, moment
    gen._write(
        Run,
        ["id", "scheme_id", "city_id", "year", "status", "opened_by_id", "opened_at",
         "computed_at", "published_by_id", "published_at"],
        [(run_id, scheme.pk, scheme.city_id, scheme.year,
          Run.Status.PUBLISHED if published else Run.Status.OPEN, official.pk,
          moment - datetime.timedelta(days=30), moment, official.pk if published else None,
          moment if published else None)],
    )  # fmt: skip
    status = CountyScoring.Status.SUBMITTED if published else CountyScoring.Status.SCORING
    gen._write(
        CountyScoring,
        ["id", "run_id", "county_id", "status", "submitted_at", "submitted_by_id",
         "return_comment", "concealed_incidents"],
        ((pk, run_id, county, status, moment if published else None,
          city.official.get(county) if published else None, "", [])
         for county, pk in scoring_of.items()),
    )  # fmt: skip
    gen._write(
        SchoolAssessment,
        ["id", "run_id", "school_id", "scoring_id", "status", "self_total", "county_total",
         "self_submitted_at", "scored_at", "total", "grade", "veto_reason", "rank_in_county",
         "is_model_school", "named_at"],
        items,
    )  # fmt: skip
    gen._write(
        IndicatorScore,
        ["id", "assessment_id", "indicator_id", "computed_value", "computed_detail",
         "computed_points", "self_points", "self_note", "county_points", "adjust_reason",
         "final_points"],
        scores,
    )  # fmt: skip
    _files.write_pdf_rows(
        gen, AssessmentEvidence, "score_id", "现场照片.pdf",
        [(score, leader, moment) for score, leader in evidence],
    )  # fmt: skip
    if published:  # the concealment flags, frozen at publication (services.run_publish)
        for county, incidents in selectors.concealment_flags(Run.objects.get(pk=run_id)).items():
            CountyScoring.objects.filter(run_id=run_id, county_id=county).update(
                concealed_incidents=incidents
            )
