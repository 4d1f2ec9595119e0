"""#20 risk grading: a check that finds a risk point not controlled becomes a hazard in the
ledger (source "risk point check"), linked to the check and so to the point."""

from __future__ import annotations

from collections.abc import Sequence

from safety.models import User
from safety.uploads import CleanUpload

from ..models import Hazard, RiskCheck
from .hazards import hazard_create
from .photos import store_photos


def hazard_from_risk_check(
    *, actor: User, check: RiskCheck, photos: Sequence[CleanUpload] = ()
) -> Hazard:
    """Log the hazard of a "not controlled" check: the point's school, area and place, the
    check's note as its description; a red or orange point's hazard is major. Precondition:
    the caller (risks.services.point_check) checked the permission, inside its
    transaction."""
    point = check.point
    severity = (
        Hazard.Severity.MAJOR if point.level in ("red", "orange") else Hazard.Severity.GENERAL
    )
    description = f"【风险点失控】{point.name}：{check.note}".strip("：")
    hazard = hazard_create(
        actor=actor,
        school=point.school,
        area=point.area,
        location=point.name[:200],
        description=description,
        severity=severity,
        source=Hazard.Source.RISK,
        risk_check=check,
    )
    store_photos(photos, actor=actor, school=point.school, hazard=hazard)
    return hazard
