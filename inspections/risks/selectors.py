"""Reads of risk grading: the grading rules that apply to a school, the level of a score,
the scoped fetch of each object kind (`access_*`) and the lists the pages show."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from safety import roles
from safety.access import access_object
from safety.models import Organisation, User
from safety.scoping import jurisdiction_path, nearest_unit_setting

from ..models import Hazard
from .models import (
    DEFAULT_INTERVALS,
    DEFAULT_THRESHOLDS,
    LEC_C_VALUES,
    LEC_E_VALUES,
    LEC_L_VALUES,
    LEVEL_COLOURS,
    LS_SCALE,
    REPORTED_LEVELS,
    CampusPlan,
    Level,
    Method,
    RiskCheck,
    RiskPoint,
    RiskReport,
    RiskSettings,
    RiskTally,
)

# --- grading rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class GradingRules:
    """A bureau's grading rules as they apply to one school."""

    method: str  # Method value the school grades with by default
    thresholds: dict[str, dict[str, int]]  # method → level → lowest score of that level
    intervals: dict[str, int]  # level → days between checks (≥ 1)


def rules_for(school: Organisation) -> GradingRules:
    """The rules of the nearest bureau at or above `school` with a RiskSettings row, else
    the built-in defaults (L×S: red ≥ 20, orange ≥ 15, yellow ≥ 9; LEC: red > 320,
    orange > 160, yellow > 70; checks red daily, orange weekly, yellow monthly, blue every
    120 days, about a term). One query."""
    row = nearest_unit_setting(RiskSettings.objects, school, unit_field="bureau")
    if row is None:
        return GradingRules(Method.LS, DEFAULT_THRESHOLDS, dict(DEFAULT_INTERVALS))
    return GradingRules(
        method=row.method,
        thresholds={
            Method.LS: {
                Level.RED: row.ls_red,
                Level.ORANGE: row.ls_orange,
                Level.YELLOW: row.ls_yellow,
            },
            Method.LEC: {
                Level.RED: row.lec_red,
                Level.ORANGE: row.lec_orange,
                Level.YELLOW: row.lec_yellow,
            },
        },
        intervals={
            Level.RED: row.red_interval_days,
            Level.ORANGE: row.orange_interval_days,
            Level.YELLOW: row.yellow_interval_days,
            Level.BLUE: row.blue_interval_days,
        },
    )


def score_of(
    method: str, likelihood: Decimal, severity: Decimal, exposure: Decimal | None
) -> Decimal:
    """The risk score: R = L × S for the matrix, D = L × E × C for LEC."""
    if method == Method.LEC:
        return likelihood * (exposure or Decimal(0)) * severity
    return likelihood * severity


def level_of(method: str, score: Decimal, thresholds: dict[str, dict[str, int]]) -> str:
    """The Level of `score`. L×S: a level starts at its threshold (score ≥ threshold). LEC:
    a level starts above its threshold (D > 320 is red), as the method is published."""
    limits = thresholds[method]
    for level in (Level.RED, Level.ORANGE, Level.YELLOW):
        limit = Decimal(limits[level])
        if (score > limit) if method == Method.LEC else (score >= limit):
            return level
    return Level.BLUE


def scale_error(
    method: str, likelihood: Decimal, severity: Decimal, exposure: Decimal | None
) -> str:
    """ "" when the values are on the method's scale, else which one is not (a field name)."""
    if method == Method.LEC:
        if likelihood not in LEC_L_VALUES:
            return "likelihood"
        if exposure not in LEC_E_VALUES:
            return "exposure"
        return "" if severity in LEC_C_VALUES else "severity"
    if likelihood != likelihood.to_integral() or int(likelihood) not in LS_SCALE:
        return "likelihood"
    if severity != severity.to_integral() or int(severity) not in LS_SCALE:
        return "severity"
    return ""


# --- access --------------------------------------------------------------------------------


def access_point(user: User, pk: int, *, for_change: bool = False) -> RiskPoint:
    """The risk point `pk` if `user` may see it, with school, area and post joined.

    Raises `Http404` outside the jurisdiction and, with `for_change=True`,
    `PermissionDenied` unless the role may check risk points (the services check the
    stricter permissions of grading and placing)."""
    permission = roles.CHECK_RISK_POINT if for_change else None
    points = RiskPoint.objects.select_related("school", "area", "post")
    return access_object(points, user, permission=permission, pk=pk)


def access_school(user: User, pk: int, *, for_change: bool = False) -> Organisation:
    """The school `pk` (its campus plan) if `user` may see it; with `for_change=True`
    `PermissionDenied` unless the role manages risk points. `Http404` for a bureau."""
    permission = roles.MANAGE_RISK_POINTS if for_change else None
    return access_object(Organisation.objects.schools(), user, permission=permission, pk=pk)


def access_report(user: User, pk: int, *, for_change: bool = False) -> RiskReport:
    """The reported list `pk` if `user` may see it; with `for_change=True`
    `PermissionDenied` unless the role acknowledges such lists (bureau officials)."""
    permission = roles.ACKNOWLEDGE_RISK_REPORT if for_change else None
    reports = RiskReport.objects.select_related("school", "submitted_by", "acknowledged_by")
    return access_object(reports, user, permission=permission, pk=pk)


def access_check(user: User, pk: int) -> RiskCheck:
    """The check `pk` (its photo) if `user` may see its school; `Http404` otherwise."""
    return access_object(RiskCheck.objects.select_related("point"), user, pk=pk)


# --- lists ---------------------------------------------------------------------------------


def point_list(*, user: User, filters: dict[str, Any]) -> QuerySet[RiskPoint]:
    """The active risk points of the user's jurisdiction, most serious first, filtered by
    level, area, school (name or code), text and "check overdue"."""
    points = RiskPoint.objects.visible_to(user).active().select_related("school", "area", "post")
    if filters.get("level"):
        points = points.filter(level=filters["level"])
    if filters.get("area"):
        points = points.filter(area=filters["area"])
    if filters.get("school"):
        points = points.filter(
            Q(school__name__icontains=filters["school"]) | Q(school__code=filters["school"])
        )
    if filters.get("q"):
        points = points.filter(Q(name__icontains=filters["q"]) | Q(danger__icontains=filters["q"]))
    if filters.get("due_before"):
        points = points.filter(next_check_due__lt=filters["due_before"])
    return points.order_by("school__name_sort_key", "-score", "name", "id")


def level_counts(points: QuerySet[RiskPoint]) -> dict[str, int]:
    """How many of `points` are at each level (one grouped query)."""
    counts = dict.fromkeys(Level.values, 0)
    counts.update(dict(points.order_by().values_list("level").annotate(n=Count("id"))))
    return counts


def level_counts_for(
    user: User, filters: dict[str, Any], points: QuerySet[RiskPoint]
) -> dict[str, int]:
    """The level figures of the register: `point_list(user, filters)` counted by level. For
    a bureau's account without filters, the sum of the risk point tally of the bureaus in
    its jurisdiction (models.RiskTally, #23: a province's 210,000 points are not counted per
    request); otherwise `level_counts(points)`. One query either way."""
    path = jurisdiction_path(user)
    if any(filters.values()) or path is None or (user.unit is not None and user.unit.is_school):
        return level_counts(points)
    counts = dict.fromkeys(Level.values, 0)
    kept = RiskTally.objects.filter(bureau__path__startswith=path)
    counts.update(dict(kept.order_by().values_list("level").annotate(n=Sum("count"))))
    return counts


def point_checks(point: RiskPoint) -> QuerySet[RiskCheck]:
    """The point's checks, newest first, with who checked and the hazard each raised."""
    return RiskCheck.objects.filter(point=point).select_related("checked_by", "hazard")


def point_hazards(point: RiskPoint) -> QuerySet[Hazard]:
    """The hazards the point's checks raised, newest first."""
    return Hazard.objects.filter(risk_check__point=point).order_by("-created_at", "-id")


def plan_of(school: Organisation) -> CampusPlan | None:
    return CampusPlan.objects.filter(school=school).first()


def plan_points(school: Organisation) -> list[RiskPoint]:
    """The school's active points, most serious first (those placed are drawn)."""
    return list(
        RiskPoint.objects.filter(school=school, is_active=True)
        .select_related("area")
        .order_by("-score", "name", "id")
    )


def plan_context(school: Organisation) -> dict[str, Any]:
    """What the campus plan shows: the plan (or None), the school's points, those placed
    (each with `left_pct`/`top_pct` for its marker) and the legend of the four colours."""
    points = plan_points(school)
    for point in points:
        if point.is_placed:
            point.left_pct = f"{point.plan_x * 100:.2f}"
            point.top_pct = f"{point.plan_y * 100:.2f}"
    return {
        "school": school,
        "plan": plan_of(school),
        "points": points,
        "placed": [point for point in points if point.is_placed],
        "legend": [(value, label, LEVEL_COLOURS[value]) for value, label in Level.choices],
    }


def plan_pdf_context(school: Organisation) -> dict[str, Any] | None:
    """The plan's context for its PDF (the image inlined as a data URI, so WeasyPrint
    reads no file by URL), or None without a plan."""
    context = plan_context(school)
    stored = context["plan"]
    if stored is None:
        return None
    with stored.image.open("rb") as handle:
        data = base64.b64encode(handle.read()).decode("ascii")
    kind = "png" if stored.image.name.endswith(".png") else "jpeg"
    context["image_uri"] = f"data:image/{kind};base64,{data}"
    context["printed_on"] = timezone.localdate()
    return context


def reportable_points(school: Organisation) -> QuerySet[RiskPoint]:
    """The school's active points at yellow or above: the list reported to the county."""
    return (
        RiskPoint.objects.filter(school=school, is_active=True, level__in=REPORTED_LEVELS)
        .select_related("area", "post")
        .order_by("-score", "name", "id")
    )


def report_list(*, user: User, status: str = "") -> QuerySet[RiskReport]:
    """The reported lists of the user's jurisdiction, newest first."""
    reports = RiskReport.objects.visible_to(user).select_related("school", "acknowledged_by")
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-submitted_at", "-id")


def school_choices_for_plan(user: User) -> QuerySet[Organisation]:
    """Schools whose plan a bureau user may open (for the plan picker)."""
    return Organisation.objects.visible_to(user).schools().filter(is_active=True)
