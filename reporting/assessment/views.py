"""Pages of the year-end safe-campus assessment (issue #19)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety.exportviews import export_start
from safety.paging import paginate
from safety.pdf import render_pdf
from safety.uploads import file_response

from . import catalogue, exports, forms, selectors, services
from .models import Grade, Run


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    runs = list(selectors.runs_for(request.user))
    context = {
        "runs": runs,
        "own": selectors.own_part(request.user, runs),
        "schemes": selectors.schemes_for(request.user),
        "is_city_official": selectors.is_city_official(request.user),
    }
    return render(request, "reporting/assessment/index.html", context)


@login_required
def rule_catalogue(request: HttpRequest) -> HttpResponse:
    context = {"rules": catalogue.RULES.values()}
    return render(request, "reporting/assessment/catalogue.html", context)


@login_required
def scheme_new(request: HttpRequest) -> HttpResponse:
    if not selectors.is_city_official(request.user):
        raise PermissionDenied
    form = forms.SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(
                actor=request.user, city=request.user.unit, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Scheme created. Add its groups and indicators."))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/assessment/scheme_new.html", {"form": form}, status=status)


def _scheme_page(request: HttpRequest, scheme, status: int = 200, **forms_: Any) -> HttpResponse:
    indicators = list(selectors.scheme_indicators(scheme))
    for item in indicators:
        item.spec = catalogue.RULES.get(item.rule)
    context = {
        "scheme": scheme,
        "groups": list(scheme.groups.all()),
        "indicators": indicators,
        "rules": catalogue.RULES,
        "weights": selectors.points_sum([i.weight for i in indicators]),
        "problems": services.scheme_problems(scheme) if not scheme.is_frozen else [],
        "group_form": forms_.get("group_form") or forms.GroupForm(),
        "indicator_form": forms_.get("indicator_form") or forms.IndicatorForm(scheme=scheme),
    }
    return render(request, "reporting/assessment/scheme_detail.html", context, status=status)


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.access_scheme(request.user, pk)
    return _scheme_page(request, scheme)


@login_required
@require_POST
def group_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.access_scheme(request.user, pk, for_change=True)
    form = forms.GroupForm(request.POST)
    if form.is_valid():
        try:
            services.group_add(actor=request.user, scheme=scheme, name=form.cleaned_data["name"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    return _scheme_page(request, scheme, status=400, group_form=form)


@login_required
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.access_scheme(request.user, pk, for_change=True)
    form = forms.IndicatorForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            services.indicator_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Indicator added."))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    return _scheme_page(request, scheme, status=400, indicator_form=form)


@login_required
@require_POST
def indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.access_indicator(request.user, pk)
    try:
        services.indicator_remove(actor=request.user, indicator=indicator)
    except ValidationError as error:
        _refused(request, error)
    return redirect("assessment:scheme_detail", pk=indicator.scheme_id)


@login_required
@require_POST
def scheme_version(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.access_scheme(request.user, pk, for_change=True)
    try:
        copy = services.scheme_new_version(actor=request.user, scheme=scheme)
    except ValidationError as error:
        _refused(request, error)
        return redirect("assessment:scheme_detail", pk=scheme.pk)
    messages.success(request, _("Version %(version)s made.") % {"version": copy.version})
    return redirect("assessment:scheme_detail", pk=copy.pk)


@login_required
@require_POST
def run_open(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.access_scheme(request.user, pk, for_change=True)
    try:
        run = services.run_open(actor=request.user, scheme=scheme)
    except ValidationError as error:
        _refused(request, error)
        return redirect("assessment:scheme_detail", pk=scheme.pk)
    messages.success(request, _("The year's assessment is open."))
    return redirect("assessment:run_detail", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    is_city = selectors.is_city_official(request.user, run.city)
    context = {
        "run": run,
        "is_city": is_city,
        "rows": selectors.scoring_rows(run) if is_city else [],
        "own": selectors.own_part(request.user, [run]).get(run.pk),
        "return_form": forms.ReturnForm(),
    }
    return render(request, "reporting/assessment/run_detail.html", context)


@login_required
@require_POST
def run_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk, for_change=True)
    try:
        services.run_recompute(actor=request.user, run=run)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The computed values were taken again from the records."))
    return redirect("assessment:run_detail", pk=run.pk)


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk, for_change=True)
    try:
        services.run_publish(actor=request.user, run=run)
    except ValidationError as error:
        _refused(request, error)
        return redirect("assessment:run_detail", pk=run.pk)
    messages.success(request, _("The results are published."))
    return redirect("assessment:results", pk=run.pk)


@login_required
def scoring_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scoring = selectors.access_scoring(request.user, pk)
    context = {
        "scoring": scoring,
        "run": scoring.run,
        **paginate(request, selectors.county_assessments(scoring)).context(),
        "may_submit": request.user.unit_id == scoring.county_id and scoring.may_score,
        "is_city": selectors.is_city_official(request.user, scoring.run.city),
        "return_form": forms.ReturnForm(),
        "concealed": selectors.concealment_flags(scoring.run, scoring.county_id).get(
            scoring.county_id, []
        ),
    }
    return render(request, "reporting/assessment/scoring_detail.html", context)


@login_required
@require_POST
def scoring_submit(request: HttpRequest, pk: int) -> HttpResponse:
    scoring = selectors.access_scoring(request.user, pk, for_change=True)
    try:
        services.scoring_submit(actor=request.user, scoring=scoring)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Scoring submitted to the city."))
    return redirect("assessment:scoring_detail", pk=scoring.pk)


@login_required
@require_POST
def scoring_return(request: HttpRequest, pk: int) -> HttpResponse:
    scoring = selectors.access_scoring(request.user, pk)
    if not selectors.is_city_official(request.user, scoring.run.city):
        raise PermissionDenied
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("assessment:run_detail", pk=scoring.run_id)
    try:
        services.scoring_return(
            actor=request.user, scoring=scoring, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Scoring returned to %(county)s.") % {"county": scoring.county})
    return redirect("assessment:run_detail", pk=scoring.run_id)


def _assessment_page(request: HttpRequest, assessment, status: int = 200, **extra: Any):
    scores = list(selectors.scores_of(assessment))
    for score in scores:
        score.spec = catalogue.RULES.get(score.indicator.rule)
        score.drill = score.spec.drill(assessment.school) if score.spec and score.spec.drill else ""
    may_self = selectors.may_self_assess(request.user, assessment)
    may_score = selectors.may_score(request.user, assessment)
    context = {
        "assessment": assessment,
        "run": assessment.run,
        "scores": scores,
        "rules": catalogue.RULES,
        "may_self": may_self,
        "may_score": may_score,
        "is_city": selectors.is_city_official(request.user, assessment.run.city),
        "self_form": extra.get("self_form")
        or (forms.SelfAssessmentForm(scores=scores) if may_self else None),
        "score_form": extra.get("score_form")
        or (forms.CountyScoreForm(scores=scores) if may_score else None),
        "excellent": Grade.EXCELLENT,
    }
    return render(request, "reporting/assessment/assessment_detail.html", context, status=status)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.user, pk)
    return _assessment_page(request, assessment)


@login_required
@require_POST
def self_assess(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.user, pk)
    if not selectors.may_self_assess(request.user, assessment):
        raise PermissionDenied
    form = forms.SelfAssessmentForm(
        request.POST, request.FILES, scores=list(selectors.scores_of(assessment))
    )
    submit = "submit" in request.POST
    if form.is_valid():
        try:
            services.self_assess(
                actor=request.user,
                assessment=assessment,
                entries=form.entries(),
                evidence=form.evidence(),
                submit=submit,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            done = _("Self-assessment submitted to the county.") if submit else _("Saved.")
            messages.success(request, done)
            return redirect("assessment:assessment_detail", pk=assessment.pk)
    return _assessment_page(request, assessment, status=400, self_form=form)


@login_required
@require_POST
def county_score(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.user, pk)
    if not selectors.may_score(request.user, assessment):
        raise PermissionDenied
    form = forms.CountyScoreForm(request.POST, scores=list(selectors.scores_of(assessment)))
    if form.is_valid():
        try:
            services.county_score(actor=request.user, assessment=assessment, entries=form.entries())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Score saved."))
            return redirect("assessment:scoring_detail", pk=assessment.scoring_id)
    return _assessment_page(request, assessment, status=400, score_form=form)


@login_required
@require_POST
def model_school(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.user, pk)
    if not selectors.is_city_official(request.user, assessment.run.city):
        raise PermissionDenied
    try:
        services.model_school_name(actor=request.user, assessment=assessment)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("%(school)s named a model school.") % {"school": assessment.school}
        )
    return redirect("assessment:assessment_detail", pk=assessment.pk)


def _published_run(request: HttpRequest, pk: int) -> Run:
    return exports.published_run(request.user, pk)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    form = forms.ResultsFilterForm(request.GET or None, run=run)
    county = form.cleaned_data["county"] if form.is_valid() else None
    if not run.is_published:
        context = {"run": run, "form": form, **paginate(request, []).context()}
        return render(request, "reporting/assessment/results.html", context)
    counts = selectors.grade_counts(run)
    # The whole run's count is the sum of its grades: the paginator needs no COUNT(*) then.
    total = None if county else sum(counts.values())
    rows = selectors.results(run, county.pk if county else None)
    context = {
        "run": run,
        "form": form,
        **paginate(request, rows, count=total).context(),
        "grade_rows": [(label, counts.get(key, 0)) for key, label in Grade.choices],
        "flagged_counties": selectors.flagged_counties(run),  # #19 accountability
    }
    return render(request, "reporting/assessment/results.html", context)


@login_required
def results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The published results as a PDF: a background export (exports.RESULTS_PDF; rendered in
    the request it took 10 s at 300 schools)."""
    return export_start(request, exports.RESULTS_PDF.name, pk=pk)


@login_required
def results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The published results as a spreadsheet: a background export (exports.RESULTS)."""
    return export_start(request, exports.RESULTS.name, pk=pk)


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.user, pk)
    if not assessment.run.is_published or assessment.grade == Grade.FAIL:
        raise Http404
    content = render_pdf("reporting/assessment/pdf/certificate.html", {"item": assessment})
    response = HttpResponse(content, content_type="application/pdf")
    name = f"certificate-{assessment.run.year}-{assessment.school_id}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_evidence(request.user, pk)
    return file_response(item.file, download_name=item.original_name, as_attachment=True)
