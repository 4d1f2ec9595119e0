"""Reads of the year-end safe-campus assessment (issue #19): access helpers, the one-vote
veto, the pages' rows (each a fixed number of queries, flat in the number of schools)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.incidents.models import CITY_AT_ONCE, Incident, SchoolVeto
from safety import roles
from safety.access import access_object
from safety.models import Organisation, User

from . import catalogue
from .models import (
    AssessmentEvidence,
    CountyScoring,
    Grade,
    Indicator,
    IndicatorScore,
    Run,
    Scheme,
    SchoolAssessment,
)


def is_city_official(user: Any, city: Organisation | None = None) -> bool:
    """An official of a city bureau (of `city` when given): manages schemes and publishes."""
    unit = getattr(user, "unit", None)
    return bool(
        unit is not None
        and unit.kind == Organisation.Kind.CITY
        and (city is None or unit.pk == city.pk)
        and user.has_perm(roles.SUPERVISE)
    )


def access_scheme(user: User, pk: Any, *, for_change: bool = False) -> Scheme:
    """A scheme of the user's city (404 for anyone else: counties and schools see the
    indicators through their assessments); `for_change`: a city official (403 otherwise)."""
    scheme = access_object(Scheme.objects.select_related("city"), user, pk=pk)
    if user.unit_id != scheme.city_id and not user.is_superuser:
        unit = getattr(user, "unit", None)
        if unit is not None and scheme.city.is_within(unit):
            raise PermissionDenied  # the province above the city: its schemes are the city's
        raise Http404
    if for_change and not is_city_official(user, scheme.city):
        raise PermissionDenied
    return scheme


def access_run(user: User, pk: Any, *, for_change: bool = False) -> Run:
    """A run of the user's city: every unit of the city may read it (its page shows each unit
    its own part); `for_change`: a city official of that city (403 otherwise)."""
    unit = getattr(user, "unit", None)
    try:
        run = Run.objects.select_related("scheme", "city").get(pk=pk)
    except (Run.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    # Every unit of the city, and the province above it (#23), reads the run.
    if not user.is_superuser and (
        unit is None or not (unit.is_within(run.city) or run.city.is_within(unit))
    ):
        raise Http404
    if for_change and not is_city_official(user, run.city):
        raise PermissionDenied
    return run


def access_scoring(user: User, pk: Any, *, for_change: bool = False) -> CountyScoring:
    """A scoring bureau's work (404 outside the jurisdiction); `for_change`: an official of
    that very bureau (403 otherwise)."""
    scoring = access_object(
        CountyScoring.objects.select_related("run__scheme", "run__city", "county"), user, pk=pk
    )
    if for_change and not (user.unit_id == scoring.county_id and user.has_perm(roles.SUPERVISE)):
        raise PermissionDenied
    return scoring


def access_assessment(user: User, pk: Any) -> SchoolAssessment:
    """A school's assessment: the school, its county and the city (404 for others) — and,
    once published, every unit of the city (the published results are public in the city)."""
    related = SchoolAssessment.objects.select_related(
        "school", "run__scheme", "run__city", "scoring__county"
    )
    item = related.visible_to(user).filter(pk=pk).first()
    if item is None:
        item = related.published_in_city_of(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def may_self_assess(user: User, assessment: SchoolAssessment) -> bool:
    return (
        user.unit_id == assessment.school_id
        and user.has_perm(roles.ANSWER_SUPERVISION)
        and assessment.run.status == Run.Status.OPEN
        and assessment.status == SchoolAssessment.Status.SELF_ASSESSING
    )


def may_score(user: User, assessment: SchoolAssessment) -> bool:
    return (
        user.unit_id == assessment.scoring.county_id
        and user.has_perm(roles.SUPERVISE)
        and assessment.scoring.status != CountyScoring.Status.SUBMITTED
        and assessment.run.status == Run.Status.OPEN
    )


def access_evidence(user: User, pk: Any) -> AssessmentEvidence:
    item = AssessmentEvidence.objects.visible_to(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def scores_of(assessment: SchoolAssessment) -> QuerySet[IndicatorScore]:
    return (
        IndicatorScore.objects.filter(assessment=assessment)
        .select_related("indicator__group")
        .prefetch_related("evidence")
    )


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return catalogue.year_start(year), catalogue.year_start(year + 1)


def veto_reasons(school_ids: list[int], year: int) -> dict[int, str]:
    """The one-vote veto (一票否决) of each school in the year, with its reason: a liability
    incident (the veto the incident's closure recorded for the year), or a concealed incident
    of "larger" severity or above that occurred in the year (DOMAIN.md, "Assessment and
    accountability"). Two queries."""
    reasons: dict[int, list[str]] = {}
    for veto in SchoolVeto.objects.filter(school_id__in=school_ids, year=year).select_related(
        "incident"
    ):
        reasons.setdefault(veto.school_id, []).append(
            _("Liability incident: %(summary)s") % {"summary": veto.incident.summary}
        )
    start, end = year_bounds(year)
    for incident in concealed_serious(school_ids, start, end):
        reasons.setdefault(incident.school_id, []).append(
            _("Concealed serious incident: %(summary)s") % {"summary": incident.summary}
        )
    return {school_id: "；".join(texts) for school_id, texts in reasons.items()}


def concealed_serious(school_ids: list[int], start, end) -> QuerySet[Incident]:
    return Incident.objects.filter(
        school_id__in=school_ids,
        concealed_at__isnull=False,
        severity__in=CITY_AT_ONCE,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).order_by("occurred_at")


def concealment_flags(run: Run, county_id: int | None = None) -> dict[int, list[dict]]:
    """The accountability flag of the city's assessment: for each scoring bureau (county)
    whose schools concealed (瞒报) an incident of "larger" severity or above that occurred in
    the run's year, the incidents as {"incident", "school", "summary", "occurred_on"}, oldest
    first. Frozen at publication (`CountyScoring.concealed_incidents`), computed from the
    incidents until then; optionally for one county only. One query."""
    if run.is_published:
        scorings = CountyScoring.objects.filter(run=run).exclude(concealed_incidents=[])
        if county_id is not None:
            scorings = scorings.filter(county_id=county_id)
        return {s.county_id: s.concealed_incidents for s in scorings}
    start, end = year_bounds(run.year)
    items = SchoolAssessment.objects.filter(run=run)
    if county_id is not None:
        items = items.filter(scoring__county_id=county_id)
    county_of = SchoolAssessment.objects.filter(run=run, school=OuterRef("school_id"))
    incidents = (
        concealed_serious(items.values("school_id"), start, end)
        .annotate(county_id=Subquery(county_of.values("scoring__county_id")[:1]))
        .select_related("school")
    )
    flags: dict[int, list[dict]] = {}
    for incident in incidents:
        flags.setdefault(incident.county_id, []).append(
            {
                "incident": incident.pk,
                "school": incident.school.name,
                "summary": incident.summary,
                "occurred_on": timezone.localtime(incident.occurred_at).date().isoformat(),
            }
        )
    return flags


def flagged_counties(run: Run) -> list[tuple[Organisation, list[dict]]]:
    """The counties of `concealment_flags`, each with its incidents, by name: the flag on
    the published results (one query once published, two before)."""
    if run.is_published:
        scorings = CountyScoring.objects.filter(run=run).exclude(concealed_incidents=[])
        return [(s.county, s.concealed_incidents) for s in scorings.select_related("county")]
    flags = concealment_flags(run)
    scorings = CountyScoring.objects.filter(run=run, county_id__in=flags).select_related("county")
    return [(s.county, flags[s.county_id]) for s in scorings]


@dataclass
class ScoringRow:
    scoring: CountyScoring
    schools: int
    self_submitted: int
    scored: int
    concealed: list[dict]

    @property
    def flagged(self) -> bool:
        return bool(self.concealed)


def scoring_rows(run: Run) -> list[ScoringRow]:
    """The city's review: one row per scoring bureau with its counts and its concealment
    flag (two queries)."""
    flags = concealment_flags(run)
    scorings = (
        CountyScoring.objects.filter(run=run)
        .select_related("county")
        .annotate(
            n=Count("assessments"),
            n_self=Count(
                "assessments",
                filter=~Q(assessments__status=SchoolAssessment.Status.SELF_ASSESSING),
            ),
            n_scored=Count(
                "assessments", filter=Q(assessments__status=SchoolAssessment.Status.SCORED)
            ),
        )
    )
    return [ScoringRow(s, s.n, s.n_self, s.n_scored, flags.get(s.county_id, [])) for s in scorings]


def county_assessments(scoring: CountyScoring) -> QuerySet[SchoolAssessment]:
    """The schools a bureau scores, with their totals (one query, flat in schools)."""
    return (
        SchoolAssessment.objects.filter(scoring=scoring)
        .select_related("school")
        .order_by("school__name_sort_key", "id")
    )


def runs_for(user: User) -> QuerySet[Run]:
    """The runs of the user's city (every unit of the city takes part), or of the cities of
    the user's province."""
    unit = getattr(user, "unit", None)
    if user.is_superuser:
        return Run.objects.select_related("scheme", "city")
    if unit is None:
        return Run.objects.none()
    # The city above the unit, or (a province, #23) the cities below it.
    of_city = Q(city_id__in=unit.ancestor_ids) | Q(city__path__startswith=unit.path)
    return Run.objects.filter(of_city).select_related("scheme", "city")


def own_part(user: User, runs: list[Run]) -> dict[int, Any]:
    """For each run: the user's own school assessment or bureau scoring (one query)."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return {}
    if unit.is_school:
        items = SchoolAssessment.objects.filter(run__in=runs, school=unit)
    else:
        items = CountyScoring.objects.filter(run__in=runs, county=unit)
    return {item.run_id: item for item in items}


def results(run: Run, county_id: int | None = None) -> QuerySet[SchoolAssessment]:
    """Published results, ranked by total points (vetoed schools last), one query."""
    rows = SchoolAssessment.objects.filter(run=run).select_related("school", "scoring__county")
    if county_id:
        rows = rows.filter(scoring__county_id=county_id)
    return rows.order_by("scoring__county__name_sort_key", "rank_in_county", "school_id")


def grade_counts(run: Run) -> dict[str, int]:
    return dict(
        SchoolAssessment.objects.filter(run=run)
        .values("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
        .order_by()
    )


def grade_rows(run: Run) -> list[tuple[str, int]]:
    """The schools of a run per grade, every grade listed in its order (0 when none):
    [(grade label, schools)]. One query."""
    counts = grade_counts(run)
    return [(label, counts.get(key, 0)) for key, label in Grade.choices]


def points_sum(values: list[Decimal | None]) -> Decimal:
    return sum((value or Decimal("0") for value in values), Decimal("0"))


def access_indicator(user: User, pk: Any) -> Any:
    """An indicator of a scheme of the user's city, for change (city officials, 403 others)."""
    indicator = access_object(
        Indicator.objects.select_related("scheme__city", "group"), user, pk=pk
    )
    access_scheme(user, indicator.scheme_id, for_change=True)
    return indicator


def schemes_for(user: User) -> QuerySet[Scheme]:
    """The schemes a city official manages (none for anyone else)."""
    if not is_city_official(user):
        return Scheme.objects.none()
    return Scheme.objects.filter(city=user.unit).select_related("run")


def scheme_indicators(scheme: Scheme) -> QuerySet:
    return scheme.indicators.select_related("group")
