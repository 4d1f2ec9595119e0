"""A problem seen in an emergency drill (safety.preparedness) becomes a hazard in the ledger
in one step: source "drill", linked both ways (Hazard.drill_problem, DrillProblem.hazard)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safety import audit, roles
from safety.access import check_unit_permission
from safety.models import DrillProblem, User
from safety.services import audit_record

from ..models import Hazard
from .hazards import hazard_create


@audit.atomic
def hazard_from_drill_problem(
    *, actor: User, problem: DrillProblem, severity: str = Hazard.Severity.GENERAL
) -> Hazard:
    """Enter the drill problem in the hazard ledger; returns the new hazard ("reported").

    Raises `PermissionDenied` unless the actor reports hazards in the school's jurisdiction,
    `ValidationError` when the problem already is a hazard.
    """
    school = problem.drill.unit
    check_unit_permission(actor, roles.REPORT_HAZARD, school)
    locked = DrillProblem.objects.select_for_update().get(pk=problem.pk)
    if Hazard.objects.filter(drill_problem=locked).exists():
        raise ValidationError(_("This problem is already in the hazard ledger."))
    hazard = hazard_create(
        actor=actor,
        school=school,
        area_id=locked.area_id,
        location=locked.location,
        description=locked.description,
        severity=severity,
        source=Hazard.Source.DRILL,
        drill_problem=locked,
    )
    audit_record(actor=actor, action="drill.problem_hazard", target=locked, unit=school)
    return hazard
