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


def check_extension_decider(actor: User, hazard: Hazard) -> None:
    """Raise `PermissionDenied` unless `actor` is the hazard's supervisor or a bureau
    official who assigns rectification in its jurisdiction."""
    if hazard.supervisor_id == actor.pk:
        return
    if actor.role != User.Role.BUREAU_OFFICIAL:
        raise PermissionDenied
    check_unit_permission(actor, roles.ASSIGN_RECTIFICATION, hazard.school)
