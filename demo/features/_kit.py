"""What the feature steps share (not a step: the leading underscore keeps it out of
`demo.features.modules`): each school's own accounts and its bureau's officials, read from the
database, and the stored files every generated row points at."""

from __future__ import annotations

import datetime
import weakref
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from safety.models import Organisation, User

# A transition event's columns after its record's (safety.models.TransitionEvent).
EVENT_COLUMNS = ["actor_id", "from_status", "to_status", "comment", "created_at"]
# A one-page PDF (the plan documents, meeting minutes): the bytes matter to no page measured.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class UnitAccounts:
    """One unit's generated accounts (ids; None when the unit has no such account)."""

    leader: int | None = None
    staff: int | None = None
    official: int | None = None
    admin: int | None = None


def unit_accounts() -> dict[int, UnitAccounts]:
    """Every unit's generated accounts by unit id: a school's leader and staff, a bureau's
    official and administrator (the first of each by id). One query."""
    found: dict[int, dict[str, int]] = {}
    roles = {
        User.Role.SCHOOL_LEADER: "leader",
        User.Role.SCHOOL_STAFF: "staff",
        User.Role.BUREAU_OFFICIAL: "official",
        User.Role.ADMINISTRATOR: "admin",
    }
    rows = (
        User.objects.filter(unit__isnull=False, role__in=list(roles), is_active=True)
        .order_by("id")
        .values_list("unit_id", "role", "id")
    )
    for unit_id, role, pk in rows:
        found.setdefault(unit_id, {}).setdefault(roles[role], pk)
    return {unit_id: UnitAccounts(**names) for unit_id, names in found.items()}


def stored_pdf(name: str = "bench/document.pdf") -> str:
    """The one stored PDF every generated document row points at (stored once)."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(PDF))
    return name


def school_rows() -> list[dict]:
    """`demo.features.schools()` with the figures a record may not exceed (pupils, staff)."""
    return list(
        Organisation.objects.filter(kind="school")
        .order_by("id")
        .values(
            "id",
            "parent_id",
            "path",
            "school_type",
            "is_boarding",
            "name",
            "student_count",
            "staff_count",
        )
    )


class Moments:
    """Aware datetimes of generated days, fast: the zone is applied once per day (the
    generator's `_moment` applies it per row, a third of a step's time at 100,000 rows)."""

    def __init__(self, gen) -> None:
        self.gen = gen
        self.midnights: dict[datetime.date, datetime.datetime] = {}

    def at(self, day: datetime.date, hour_from: int = 8, hour_to: int = 18) -> datetime.datetime:
        """A moment of `day` between the hours, drawn from the generator's random source."""
        midnight = self.midnights.get(day)
        if midnight is None:
            naive = datetime.datetime.combine(day, datetime.time())
            midnight = self.midnights[day] = timezone.make_aware(naive, self.gen.tz)
        seconds = self.gen.rng.randint(hour_from * 3600, hour_to * 3600 - 1)
        return midnight + datetime.timedelta(seconds=seconds)


_moments: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def moment(gen, day: datetime.date, hour_from: int = 8, hour_to: int = 18) -> datetime.datetime:
    """`gen._moment`, fast (Moments, one per generator)."""
    found = _moments.get(gen)
    if found is None:
        found = _moments[gen] = Moments(gen)
    return found.at(day, hour_from, hour_to)


def write_numbered(gen, model, columns: list[str], rows: list) -> None:
    """`gen._write` of `rows` without their ids: each gets the next id of `model` (the
    column "id" comes first)."""
    ids = gen._ids(model, len(rows))
    gen._write(model, ["id", *columns], ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
