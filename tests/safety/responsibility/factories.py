"""Helpers for the responsibility tests: holders and assignments made through the services."""

from __future__ import annotations

import datetime

from safety.models import Assignment, Certificate, Holder, Organisation, Post, SafetyArea
from safety.responsibility import services

# A day well inside the 2026-2027 school year, past the default grace period.
TODAY = datetime.date(2026, 11, 20)
YEAR_START = datetime.date(2026, 9, 1)


def post(key: str) -> Post:
    return Post.objects.get(key=key)


def area(key: str) -> SafetyArea:
    return SafetyArea.objects.get(key=key)


def holder(unit: Organisation, name: str = "王老师", **fields) -> Holder:
    return services.holder_save(actor=None, holder=Holder(unit=unit, name=name, **fields))


def assign(
    unit: Organisation,
    post_key: str,
    name: str = "王老师",
    *,
    start: datetime.date = YEAR_START,
    areas: list[str] | None = None,
) -> Assignment:
    return services.assignment_create(
        actor=None,
        unit=unit,
        post=post(post_key),
        holder=holder(unit, name),
        start_date=start,
        areas=None if areas is None else [area(key) for key in areas],
    )


def cover_school(unit: Organisation, *, start: datetime.date = YEAR_START) -> list[Assignment]:
    """Fill every required post of a school with default areas and every area."""
    made = []
    for index, p in enumerate(Post.objects.filter(unit_kind="school", is_active=True)):
        if p.is_required_for(unit) and p.key != "safety_vice_principal":
            assignment = assign(unit, p.key, f"持岗人{index}", start=start)
            if p.certificate_kind:
                Certificate.objects.create(
                    holder=assignment.holder,
                    kind=p.certificate_kind,
                    number=f"Z{index}",
                    expires_on=datetime.date(2030, 1, 1),
                )
            made.append(assignment)
    made.append(
        assign(
            unit,
            "safety_vice_principal",
            "副校长",
            start=start,
            areas=list(SafetyArea.objects.values_list("key", flat=True)),
        )
    )
    return made
