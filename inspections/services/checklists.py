"""Publishing checklist versions."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from safety import audit, roles
from safety.models import User
from safety.services import audit_record

from ..models import ChecklistItem, ChecklistTemplate, ChecklistVersion


@audit.atomic
def checklist_publish(
    *,
    actor: User | None,
    template: ChecklistTemplate,
    items: Sequence[str],
) -> ChecklistVersion:
    """Publish a new version of `template` with `items` (blank lines dropped); earlier
    inspections keep theirs. Returns the new version, or the current one when the items are
    unchanged.

    Raises `PermissionDenied` unless the actor is a system administrator (`actor=None`: the
    system) and `ValidationError` when no item is left.
    """
    if actor is not None and not roles.is_system_administrator(actor):
        raise PermissionDenied
    items = [text.strip() for text in items if text.strip()]
    if not items:
        raise ValidationError(_("A checklist needs at least one item."))
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    current = template.current_version
    if current is not None and [i.text for i in current.items.all()] == items:
        return current
    number = (current.number if current else 0) + 1
    version = ChecklistVersion.objects.create(template=template, number=number, created_by=actor)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=version, order=index, text=text)
        for index, text in enumerate(items, start=1)
    )
    template.current_version = version
    template.save(update_fields=["current_version"])
    audit_record(
        actor=actor,
        action="checklist_publish",
        target=template,
        unit=None,
        changes={"version": number, "items": len(items)},
    )
    return version
