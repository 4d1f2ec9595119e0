"""Random draws of schools for a city or county spot check (抽查)."""

from __future__ import annotations

import random
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safety import audit, roles
from safety.access import check_unit_permission
from safety.models import Organisation, User
from safety.services import audit_record

from ..models import SpotCheckDraw
from ..selectors import spot_check_candidates


def draw_sample(candidate_ids: list[int], count: int, seed: int) -> list[int]:
    """The draw itself, reproducible by anyone from the recorded seed and candidates."""
    return random.Random(seed).sample(candidate_ids, min(count, len(candidate_ids)))


@audit.atomic
def spot_check_draw(
    *,
    actor: User,
    bureau: Organisation,
    count: int,
    filters: dict[str, Any],
    seed: int | None = None,
) -> SpotCheckDraw:
    """Draw `count` schools at random below `bureau` (matching `filters`, see
    selectors.spot_check_candidates) and record who, when, the seed and both lists.

    Raises `PermissionDenied` unless the actor draws spot checks in `bureau`'s jurisdiction,
    `ValidationError` for a school as `bureau`, a count below one or no matching school.
    """
    check_unit_permission(actor, roles.DRAW_SPOT_CHECK, bureau)
    if not bureau.is_bureau:
        raise ValidationError(_("Choose a bureau."))
    if count < 1:
        raise ValidationError(_("Draw at least one school."))
    filters = {key: value for key, value in filters.items() if value}
    candidates = spot_check_candidates(bureau, filters)
    if not candidates:
        raise ValidationError(_("No school matches these filters."))
    seed = seed if seed is not None else secrets.randbits(62)
    draw = SpotCheckDraw.objects.create(
        bureau=bureau,
        drawn_by=actor,
        seed=seed,
        filters=filters,
        count=count,
        candidate_ids=candidates,
        drawn_ids=draw_sample(candidates, count, seed),
    )
    audit_record(
        actor=actor,
        action="spot_check_draw",
        target=draw,
        unit=bureau,
        changes={"seed": seed, "drawn": draw.drawn_ids},
    )
    return draw
