"""Who may take part in a hazard's rectification, beyond the role and the jurisdiction
(safety.access.check_unit_permission): rules about the people on the hazard itself. Shared
by the services, which enforce them, and the selectors, which show only what would pass."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from safety import roles
from safety.access import check_unit_permission
from safety.models import User

from .models import Hazard


def check_verifier(actor: User, hazard: Hazard) -> None:
    """Raise `PermissionDenied` unless `actor` may verify `hazard` (复查验收): the role
    verifies in the hazard's jurisdiction, and the actor did not do the rectification."""
    check_unit_permission(actor, roles.VERIFY_RECTIFICATION, hazard.school)
    doer = hazard.reporter_id if hazard.fixed_on_spot else hazard.owner_id
    if actor.pk == doer:
        raise PermissionDenied(_("The person who did the rectification cannot verify it."))


def extension_goes_to_county(hazard: Hazard) -> bool:
    """Whether `hazard`'s extension requests are decided by its county bureau: once it has
    been overdue or escalated, the school (its supervisor, its leader) no longer moves its own
    deadline; the bureau the overdue hazard is escalated to does."""
    return (
        hazard.is_overdue or hazard.escalated_at is not None or hazard.first_overdue_on is not None
    )


def check_extension_decider(actor: User, hazard: Hazard) -> None:
    """Raise `PermissionDenied` unless `actor` may decide `hazard`'s extension request: a
    bureau official of the county bureau above the school (the bureau overdue hazards are
    escalated to) once the hazard has been overdue (`extension_goes_to_county`); before that
    also its supervisor or a bureau official who assigns rectification in its jurisdiction."""
    if extension_goes_to_county(hazard):
        if (
            actor.role != User.Role.BUREAU_OFFICIAL
            or actor.unit_id is None
            or actor.unit_id != hazard.school.parent_id
        ):
            raise PermissionDenied(
                _("This hazard has been overdue: its county bureau decides extensions.")
            )
        check_unit_permission(actor, roles.ASSIGN_RECTIFICATION, hazard.school)
        return
    if hazard.supervisor_id == actor.pk:
        return
    if actor.role != User.Role.BUREAU_OFFICIAL:
        raise PermissionDenied
    check_unit_permission(actor, roles.ASSIGN_RECTIFICATION, hazard.school)
