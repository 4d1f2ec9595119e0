"""Every state change of the year-end safe-campus assessment (issue #19): the scheme and its
indicators, opening the year, self-assessment with evidence, county scoring, the city's
return and publication, model schools."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from safety import audit, roles
from safety.access import check_unit_permission
from safety.bulk import bulk_set
from safety.messages import Message
from safety.models import Organisation, User
from safety.notifications import notify_many
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from . import catalogue, selectors
from .models import (
    ON_SITE,
    AssessmentEvidence,
    CountyScoring,
    Grade,
    Indicator,
    IndicatorGroup,
    IndicatorScore,
    Run,
    Scheme,
    SchoolAssessment,
)

ZERO = Decimal("0")


def _check_city(actor: User | None, city: Organisation) -> None:
    """Only an official of the city bureau itself manages its schemes and runs."""
    check_unit_permission(actor, roles.SUPERVISE, city)
    if actor is not None and not actor.is_superuser and actor.unit_id != city.pk:
        raise PermissionDenied


def check_thresholds(total: Decimal, excellent: Decimal, good: Decimal, passing: Decimal) -> None:
    """Raise `ValidationError` unless total ≥ 优秀 > 良好 > 合格 > 0."""
    errors = {}
    if total <= ZERO:
        errors["total_points"] = _("The total must be more than 0 points.")
    if excellent > total:
        errors["excellent_from"] = _("The threshold for Excellent cannot exceed the total.")
    if good >= excellent:
        errors["good_from"] = _("The threshold for Good must be below the one for Excellent.")
    if passing >= good:
        errors["pass_from"] = _("The threshold for Pass must be below the one for Good.")
    if passing <= ZERO:
        errors["pass_from"] = _("The threshold for Pass must be more than 0 points.")
    if errors:
        raise ValidationError(errors)


@audit.atomic
def scheme_create(
    *,
    actor: User | None,
    city: Organisation,
    year: int,
    title: str,
    total_points: Decimal = Decimal("100"),
    excellent_from: Decimal = Decimal("90"),
    good_from: Decimal = Decimal("80"),
    pass_from: Decimal = Decimal("60"),
) -> Scheme:
    """A new scheme (the next version for the city and year). Raises `PermissionDenied`
    unless the actor is an official of the city bureau; `ValidationError` for thresholds out
    of order or a year whose assessment is already open."""
    _check_city(actor, city)
    check_thresholds(total_points, excellent_from, good_from, pass_from)
    if Run.objects.filter(city=city, year=year).exists():
        raise ValidationError({"year": _("The assessment of this year is already open.")})
    last = Scheme.objects.filter(city=city, year=year).aggregate(n=Max("version"))["n"] or 0
    scheme = Scheme.objects.create(
        city=city,
        year=year,
        version=last + 1,
        title=title,
        total_points=total_points,
        excellent_from=excellent_from,
        good_from=good_from,
        pass_from=pass_from,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessment.scheme_create",
        target=scheme,
        unit=city,
        changes={"year": str(year), "version": str(scheme.version)},
    )
    return scheme


def _check_editable(actor: User | None, scheme: Scheme) -> Scheme:
    scheme = Scheme.objects.select_for_update().select_related("city").get(pk=scheme.pk)
    _check_city(actor, scheme.city)
    if scheme.is_frozen:
        raise ValidationError(
            _("This version is frozen: the assessment has started. Make a new version.")
        )
    return scheme


@audit.atomic
def group_add(*, actor: User | None, scheme: Scheme, name: str) -> IndicatorGroup:
    """Add an indicator group. Raises `ValidationError` on a frozen scheme."""
    scheme = _check_editable(actor, scheme)
    order = scheme.groups.aggregate(n=Max("order"))["n"] or 0
    group = IndicatorGroup.objects.create(scheme=scheme, name=name, order=order + 1)
    audit_record(
        actor=actor,
        action="assessment.group_add",
        target=group,
        unit=scheme.city,
        changes={"name": name},
    )
    return group


def check_indicator(
    scheme: Scheme,
    *,
    rule: str,
    weight: Decimal,
    target: Decimal | None,
    deduction: Decimal | None,
) -> None:
    """Raise `ValidationError` (by field) for an unknown rule, a weight that is not positive
    or would take the weights past the scheme's total, or a rule without its parameter."""
    errors: dict[str, str] = {}
    if weight is None or weight <= ZERO:
        errors["weight"] = _("The weight must be more than 0 points.")
    else:
        used = selectors.points_sum(list(scheme.indicators.values_list("weight", flat=True)))
        if used + weight > scheme.total_points:
            errors["weight"] = _(
                "With this weight the indicators would add up to %(sum)s points, more than "
                "the scheme's total of %(total)s."
            ) % {"sum": used + weight, "total": scheme.total_points}
    if rule == ON_SITE:
        pass
    elif rule not in catalogue.RULES:
        errors["rule"] = _("Choose a rule from the catalogue or “scored on site”.")
    elif catalogue.RULES[rule].parameter == catalogue.TARGET:
        spec = catalogue.RULES[rule]
        if target is None or target <= ZERO:
            errors["target"] = _("This rule needs its target, more than 0.")
        elif spec.percent and target > 100:
            errors["target"] = _("A percentage target cannot exceed 100.")
    elif deduction is None or deduction <= ZERO:
        errors["deduction"] = _("This rule needs the points taken off per item, more than 0.")
    elif weight is not None and deduction > weight:
        errors["deduction"] = _("The points off per item cannot exceed the weight.")
    if errors:
        raise ValidationError(errors)


@audit.atomic
def indicator_add(
    *,
    actor: User | None,
    group: IndicatorGroup,
    name: str,
    weight: Decimal,
    rule: str,
    target: Decimal | None = None,
    deduction: Decimal | None = None,
    guidance: str = "",
) -> Indicator:
    """Add an indicator to a group of an editable scheme (see `check_indicator`)."""
    scheme = _check_editable(actor, group.scheme)
    check_indicator(scheme, rule=rule, weight=weight, target=target, deduction=deduction)
    spec = catalogue.RULES.get(rule)
    order = scheme.indicators.aggregate(n=Max("order"))["n"] or 0
    indicator = Indicator.objects.create(
        scheme=scheme,
        group=group,
        name=name,
        weight=weight,
        rule=rule,
        target=target if spec and spec.parameter == catalogue.TARGET else None,
        deduction=deduction if spec and spec.parameter == catalogue.DEDUCTION else None,
        guidance=guidance,
        order=order + 1,
    )
    audit_record(
        actor=actor,
        action="assessment.indicator_add",
        target=indicator,
        unit=scheme.city,
        changes={"rule": rule, "weight": str(weight)},
    )
    return indicator


@audit.atomic
def indicator_remove(*, actor: User | None, indicator: Indicator) -> None:
    """Remove an indicator from an editable scheme."""
    scheme = _check_editable(actor, indicator.scheme)
    audit_record(
        actor=actor,
        action="assessment.indicator_remove",
        target=indicator,
        unit=scheme.city,
        changes={"name": indicator.name},
    )
    indicator.delete()


def scheme_problems(scheme: Scheme) -> list[str]:
    """What keeps the scheme from being opened (empty when it is ready)."""
    weights = list(scheme.indicators.values_list("weight", flat=True))
    if not weights:
        return [_("Add at least one indicator.")]
    total = selectors.points_sum(weights)
    if total != scheme.total_points:
        return [
            _("The weights add up to %(sum)s points; they must add up to %(total)s.")
            % {"sum": total, "total": scheme.total_points}
        ]
    return []


@audit.atomic
def scheme_new_version(*, actor: User | None, scheme: Scheme) -> Scheme:
    """A copy of the scheme (groups and indicators) as the next version, editable."""
    copy = scheme_create(
        actor=actor,
        city=scheme.city,
        year=scheme.year,
        title=scheme.title,
        total_points=scheme.total_points,
        excellent_from=scheme.excellent_from,
        good_from=scheme.good_from,
        pass_from=scheme.pass_from,
    )
    groups = {}
    for group in scheme.groups.all():
        groups[group.pk] = IndicatorGroup.objects.create(
            scheme=copy, name=group.name, order=group.order
        )
    for item in scheme.indicators.all():
        Indicator.objects.create(
            scheme=copy,
            group=groups[item.group_id],
            name=item.name,
            weight=item.weight,
            rule=item.rule,
            target=item.target,
            deduction=item.deduction,
            guidance=item.guidance,
            order=item.order,
        )
    return copy


def _measures(run: Run, schools: Sequence[Organisation], now: datetime.datetime | None):
    indicators = list(run.scheme.indicators.all())
    keys = {item.rule for item in indicators if item.rule != ON_SITE}
    return indicators, catalogue.compute(schools, keys, catalogue.period_of(run.year, now))


def _computed_fields(indicator: Indicator, measure: catalogue.Measure) -> dict:
    points = catalogue.RULES[indicator.rule].points(
        indicator.weight, measure, target=indicator.target, deduction=indicator.deduction
    )
    return {
        "computed_value": measure.value,
        "computed_detail": str(measure.detail)[:120],
        "computed_points": points,
    }


@audit.atomic
def run_open(*, actor: User | None, scheme: Scheme, now: datetime.datetime | None = None) -> Run:
    """Open the year's assessment on `scheme`: freeze it, give every active school of the city
    its assessment with the computed values, and each scoring bureau (a county, or the city for
    the schools it runs) its scoring. Raises `ValidationError` when the scheme is not ready
    (`scheme_problems`) or the year is already open."""
    scheme = _check_editable(actor, scheme)
    problems = scheme_problems(scheme)
    if problems:
        raise ValidationError(problems)
    if Run.objects.filter(city=scheme.city, year=scheme.year).exists():
        raise ValidationError(_("The assessment of this year is already open."))
    moment = now or timezone.now()
    Scheme.objects.filter(pk=scheme.pk).update(frozen_at=moment)
    scheme.frozen_at = moment
    run = Run.objects.create(
        scheme=scheme, city=scheme.city, year=scheme.year, opened_by=actor, computed_at=moment
    )
    schools = list(
        Organisation.objects.filter(path__startswith=scheme.city.path, is_active=True).schools()
    )
    scorings = {
        parent_id: CountyScoring.objects.create(run=run, county_id=parent_id)
        for parent_id in sorted({school.parent_id for school in schools})
    }
    assessments = SchoolAssessment.objects.bulk_create(
        SchoolAssessment(run=run, school=school, scoring=scorings[school.parent_id])
        for school in schools
    )
    indicators, measures = _measures(run, schools, moment)
    IndicatorScore.objects.bulk_create(
        IndicatorScore(
            assessment=assessment,
            indicator=indicator,
            **(
                {}
                if indicator.is_on_site
                else _computed_fields(indicator, measures[indicator.rule][assessment.school_id])
            ),
        )
        for assessment in assessments
        for indicator in indicators
    )
    audit_record(
        actor=actor,
        action="assessment.run_open",
        target=run,
        unit=scheme.city,
        changes={"year": str(run.year), "schools": str(len(schools))},
    )
    title = Message(
        gettext_lazy("The %(year)s safe-campus assessment is open: self-assess and score"),
        year=run.year,
    )
    _notify_city(run, "assessment.opened", title, reverse("assessment:run_detail", args=[run.pk]))
    return run


def _notify_city(run: Run, kind: str, title: Message, url: str) -> int:
    """One notice for every school leader and bureau official below the run's city (one
    INSERT … SELECT, flat in the number of schools; once per run and kind)."""
    recipients = User.objects.filter(
        unit__path__startswith=run.city.path,
        unit__is_active=True,
        role__in=[User.Role.SCHOOL_LEADER, User.Role.BUREAU_OFFICIAL],
    ).exclude(unit=run.city)
    return notify_many(recipients=recipients, kind=kind, key=f"run:{run.pk}", title=title, url=url)


@audit.atomic
def run_recompute(*, actor: User | None, run: Run, now: datetime.datetime | None = None) -> Run:
    """Take the computed values from the records again (while the run is open): the new data
    version. Counties' adjustments stay. Raises `ValidationError` once published."""
    run = Run.objects.select_for_update().select_related("scheme", "city").get(pk=run.pk)
    _check_city(actor, run.city)
    if run.is_published:
        raise ValidationError(_("The results are published: their numbers are frozen."))
    moment = now or timezone.now()
    assessments = list(SchoolAssessment.objects.filter(run=run).select_related("school"))
    indicators, measures = _measures(run, [a.school for a in assessments], moment)
    by_id = {a.pk: a for a in assessments}
    scores = list(
        IndicatorScore.objects.filter(assessment__run=run)
        .exclude(indicator__rule=ON_SITE)
        .select_related("indicator")
    )
    changed = []
    for score in scores:
        school_id = by_id[score.assessment_id].school_id
        fields = _computed_fields(score.indicator, measures[score.indicator.rule][school_id])
        if any(getattr(score, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(score, name, value)
            changed.append(score)
    # Only the scores whose numbers moved are written (and audited): #23, 32,000 scores at
    # 2,000 schools.
    bulk_set(changed, ["computed_value", "computed_detail", "computed_points"])
    Run.objects.filter(pk=run.pk).update(computed_at=moment)
    run.computed_at = moment
    audit_record(
        actor=actor,
        action="assessment.run_recompute",
        target=run,
        unit=run.city,
        changes={"computed_at": moment.isoformat()},
    )
    return run


def _locked_assessment(assessment: SchoolAssessment) -> SchoolAssessment:
    return (
        SchoolAssessment.objects.select_for_update(of=("self",))
        .select_related("school", "run__scheme", "scoring__county")
        .get(pk=assessment.pk)
    )


def _check_points(score: IndicatorScore, value: Decimal | None, field: str) -> dict[str, str]:
    if value is None:
        return {field: _("Enter the points of “%(name)s”.") % {"name": score.indicator.name}}
    if value < ZERO or value > score.indicator.weight:
        return {
            field: _("The points of “%(name)s” must be between 0 and %(max)s.")
            % {"name": score.indicator.name, "max": score.indicator.weight}
        }
    return {}


def _store_evidence(uploads: Sequence[CleanUpload], *, actor: User, score: IndicatorScore) -> None:
    for upload in uploads:
        extension = PurePosixPath(upload.content.name).suffix.lstrip(".") or "bin"
        item = AssessmentEvidence(
            score=score,
            original_name=(upload.original_name or upload.content.name)[:200],
            content_type=upload.content_type,
            uploaded_by=actor,
        )
        item.file.save(generated_name("assessment", extension), upload.content, save=False)
        item.save()


@audit.atomic
def self_assess(
    *,
    actor: User,
    assessment: SchoolAssessment,
    entries: Mapping[int, tuple[Decimal | None, str]],
    evidence: Mapping[int, Sequence[CleanUpload]] | None = None,
    submit: bool = False,
) -> SchoolAssessment:
    """The school's self-assessment of its on-site items: points (0 to the weight), a note and
    evidence per item (`entries` and `evidence` by score id); `submit` hands it to the county
    (then every on-site item needs its points). Raises `PermissionDenied` unless the actor
    answers for the school; `ValidationError` by field ("points_<id>") for points out of range,
    or when the self-assessment is already submitted or the run published."""
    assessment = _locked_assessment(assessment)
    check_unit_permission(actor, roles.ANSWER_SUPERVISION, assessment.school)
    if actor.unit_id != assessment.school_id:
        raise PermissionDenied
    if (
        assessment.status != SchoolAssessment.Status.SELF_ASSESSING
        or assessment.run.status != Run.Status.OPEN
    ):
        raise ValidationError(_("The self-assessment is already submitted."))
    scores = list(IndicatorScore.objects.filter(assessment=assessment).select_related("indicator"))
    errors: dict[str, str] = {}
    for score in scores:
        if score.indicator.is_on_site and score.pk in entries:
            points, note = entries[score.pk]
            if points is not None or submit:
                errors |= _check_points(score, points, f"points_{score.pk}")
            score.self_points, score.self_note = points, note
    if errors:
        raise ValidationError(errors)
    bulk_set(scores, ["self_points", "self_note"])
    for score in scores:
        if evidence and evidence.get(score.pk):
            _store_evidence(evidence[score.pk], actor=actor, score=score)
    assessment.self_total = selectors.points_sum(
        [s.self_points if s.indicator.is_on_site else s.computed_points for s in scores]
    )
    if submit:
        assessment.status = SchoolAssessment.Status.SELF_SUBMITTED
        assessment.self_submitted_at = timezone.now()
    assessment.save(update_fields=["self_total", "status", "self_submitted_at"])
    audit_record(
        actor=actor,
        action="assessment.self_assess",
        target=assessment,
        unit=assessment.school,
        changes={"self_total": str(assessment.self_total), "submitted": str(submit)},
    )
    return assessment


def _county_points(score: IndicatorScore, value, reason: str) -> dict[str, str]:
    """Set the county's points of one item; the errors for it, by field."""
    field = f"points_{score.pk}"
    if score.indicator.is_on_site:
        errors = _check_points(score, value, field)
        score.county_points = value
        return errors
    if value is None or value == score.computed_points:
        score.county_points, score.adjust_reason = None, ""
        return {}
    errors = _check_points(score, value, field)
    if not reason.strip():
        errors[f"reason_{score.pk}"] = _(
            "“%(name)s” is computed from the records: give the reason for changing its points."
        ) % {"name": score.indicator.name}
    score.county_points, score.adjust_reason = value, reason.strip()
    return errors


@audit.atomic
def county_score(
    *,
    actor: User | None,
    assessment: SchoolAssessment,
    entries: Mapping[int, tuple[Decimal | None, str]],
) -> SchoolAssessment:
    """The county's score of one school: points for every on-site item; a computed item keeps
    its computed points unless changed with a written reason. Raises `PermissionDenied` unless
    the actor is an official of the scoring bureau; `ValidationError` by field for missing or
    out-of-range points or an adjustment without its reason, or when the bureau's scoring is
    submitted or the run published."""
    assessment = _locked_assessment(assessment)
    check_unit_permission(actor, roles.SUPERVISE, assessment.school)
    if actor is not None and actor.unit_id != assessment.scoring.county_id:
        raise PermissionDenied
    if not assessment.scoring.may_score:
        raise ValidationError(_("The scoring is submitted to the city; it cannot be changed."))
    scores = list(IndicatorScore.objects.filter(assessment=assessment).select_related("indicator"))
    errors: dict[str, str] = {}
    for score in scores:
        value, reason = entries.get(score.pk, (None, ""))
        errors |= _county_points(score, value, reason)
    if errors:
        raise ValidationError(errors)
    bulk_set(scores, ["county_points", "adjust_reason"])
    assessment.county_total = selectors.points_sum(
        [s.computed_points if s.county_points is None else s.county_points for s in scores]
    )
    assessment.status = SchoolAssessment.Status.SCORED
    assessment.scored_at = timezone.now()
    assessment.save(update_fields=["county_total", "status", "scored_at"])
    audit_record(
        actor=actor,
        action="assessment.county_score",
        target=assessment,
        unit=assessment.school,
        changes={"county_total": str(assessment.county_total)},
    )
    return assessment


@audit.atomic
def scoring_submit(*, actor: User | None, scoring: CountyScoring) -> CountyScoring:
    """The bureau hands its scoring to the city. Raises `ValidationError` while a school is
    not scored, or when already submitted."""
    scoring = (
        CountyScoring.objects.select_for_update().select_related("county", "run").get(pk=scoring.pk)
    )
    check_unit_permission(actor, roles.SUPERVISE, scoring.county)
    if actor is not None and actor.unit_id != scoring.county_id:
        raise PermissionDenied
    if not scoring.may_score:
        raise ValidationError(_("The scoring is already submitted."))
    missing = scoring.assessments.exclude(status=SchoolAssessment.Status.SCORED).count()
    if missing:
        raise ValidationError(
            ngettext(
                "%(count)s school is not scored yet; score every school first.",
                "%(count)s schools are not scored yet; score every school first.",
                missing,
            )
            % {"count": missing}
        )
    old = scoring.status
    CountyScoring.objects.filter(pk=scoring.pk, status=old).update(
        status=CountyScoring.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=actor
    )
    scoring.refresh_from_db()
    audit_record(
        actor=actor,
        action="assessment.scoring_submit",
        target=scoring,
        unit=scoring.county,
        changes={"status": f"{old} → {scoring.status}"},
    )
    return scoring


@audit.atomic
def scoring_return(*, actor: User, scoring: CountyScoring, comment: str) -> CountyScoring:
    """The city returns a bureau's submitted scoring with its reason; the bureau scores again
    and resubmits. Raises `ValidationError` without a reason, or unless submitted and open."""
    scoring = (
        CountyScoring.objects.select_for_update()
        .select_related("run__city", "county")
        .get(pk=scoring.pk)
    )
    _check_city(actor, scoring.run.city)
    if scoring.status != CountyScoring.Status.SUBMITTED or scoring.run.is_published:
        raise ValidationError(_("Only a submitted scoring of an open assessment can be returned."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the county must change.")})
    CountyScoring.objects.filter(pk=scoring.pk).update(
        status=CountyScoring.Status.RETURNED, return_comment=comment.strip()
    )
    scoring.refresh_from_db()
    audit_record(
        actor=actor,
        action="assessment.scoring_return",
        target=scoring,
        unit=scoring.county,
        changes={"comment": comment.strip()},
    )
    officials = User.objects.filter(unit=scoring.county, role=User.Role.BUREAU_OFFICIAL)
    notify_many(
        recipients=officials,
        kind="assessment.scoring_returned",
        key=f"scoring:{scoring.pk}:{timezone.now():%Y%m%d%H%M%S}",
        title=Message(
            gettext_lazy("The city returned your %(year)s assessment scoring: %(comment)s"),
            year=scoring.run.year,
            comment=comment.strip()[:100],
        ),
        url=reverse("assessment:scoring_detail", args=[scoring.pk]),
    )
    return scoring


def _finalise(run: Run, assessments: list[SchoolAssessment]) -> None:
    """Final points, totals, grades, the veto and the rank in the county (rows, frozen)."""
    scores = list(IndicatorScore.objects.filter(assessment__run=run))
    totals: dict[int, Decimal] = {}
    for score in scores:
        score.final_points = (
            score.computed_points if score.county_points is None else score.county_points
        ) or ZERO
        totals[score.assessment_id] = totals.get(score.assessment_id, ZERO) + score.final_points
    bulk_set(scores, ["final_points"])
    vetoes = selectors.veto_reasons([a.school_id for a in assessments], run.year)
    for item in assessments:
        item.total = totals.get(item.pk, ZERO)
        item.veto_reason = vetoes.get(item.school_id, "")
        item.grade = Grade.FAIL if item.veto_reason else run.scheme.grade_for(item.total)
    ranked = sorted(assessments, key=lambda a: (a.scoring_id, bool(a.veto_reason), -a.total))
    rank, previous = 0, None
    for item in ranked:
        rank = 1 if item.scoring_id != previous else rank + 1
        item.rank_in_county, previous = rank, item.scoring_id
    bulk_set(assessments, ["total", "veto_reason", "grade", "rank_in_county"])


def _freeze_concealment_flags(run: Run) -> None:
    """Store each county's concealment flag as it stands at publication (later marks do not
    move the published results)."""
    for county_id, incidents in selectors.concealment_flags(run).items():
        CountyScoring.objects.filter(run=run, county_id=county_id).update(
            concealed_incidents=incidents
        )


@audit.atomic
def run_publish(*, actor: User | None, run: Run) -> Run:
    """Publish the year's results: final points, grades (优秀/良好/合格/不合格 by the scheme's
    thresholds; the one-vote veto makes 不合格 whatever the points) stored as rows, frozen from
    now on. Raises `ValidationError` unless every bureau has submitted its scoring."""
    run = Run.objects.select_for_update().select_related("scheme", "city").get(pk=run.pk)
    _check_city(actor, run.city)
    if run.is_published:
        raise ValidationError(_("The results are already published."))
    waiting = run.scorings.exclude(status=CountyScoring.Status.SUBMITTED).count()
    if waiting:
        raise ValidationError(
            ngettext(
                "%(count)s bureau has not submitted its scoring yet.",
                "%(count)s bureaus have not submitted their scoring yet.",
                waiting,
            )
            % {"count": waiting}
        )
    _finalise(run, list(SchoolAssessment.objects.filter(run=run)))
    _freeze_concealment_flags(run)
    Run.objects.filter(pk=run.pk).update(
        status=Run.Status.PUBLISHED, published_at=timezone.now(), published_by=actor
    )
    run.refresh_from_db()
    title = Message(
        gettext_lazy("The %(year)s safe-campus assessment results are published"), year=run.year
    )
    _notify_city(run, "assessment.published", title, reverse("assessment:results", args=[run.pk]))
    audit_record(
        actor=actor,
        action="assessment.run_publish",
        target=run,
        unit=run.city,
        changes={"status": "published"},
    )
    return run


@audit.atomic
def model_school_name(*, actor: User | None, assessment: SchoolAssessment) -> SchoolAssessment:
    """The city names a school graded 优秀 in a published run a model school (平安校园示范校).
    Raises `ValidationError` for another grade or an unpublished run."""
    assessment = _locked_assessment(assessment)
    _check_city(actor, assessment.run.city)
    if not assessment.run.is_published:
        raise ValidationError(_("Model schools are named once the results are published."))
    if assessment.grade != Grade.EXCELLENT:
        raise ValidationError(_("Only a school graded Excellent can be named a model school."))
    if assessment.is_model_school:
        raise ValidationError(_("This school is already a model school."))
    SchoolAssessment.objects.filter(pk=assessment.pk).update(
        is_model_school=True, named_at=timezone.now()
    )
    assessment.refresh_from_db()
    audit_record(
        actor=actor,
        action="assessment.model_school",
        target=assessment,
        unit=assessment.school,
        changes={"is_model_school": "True"},
    )
    return assessment
