"""The generated city as the feature steps read it back from the database (#23): units and
the generated accounts' ids by unit (the generator's naming: city.official, c01.official,
s00001.leader…, numbered in id order)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from demo import features
from safety.models import Organisation


@dataclass
class City:
    schools: list[dict[str, Any]]
    counties: list[dict[str, Any]]
    cities: list[dict[str, Any]]
    users: dict[str, int]
    official: dict[int, int]  # bureau id -> its official's account id
    admin: dict[int, int]  # bureau id -> its administrator's account id
    leader: dict[int, int]  # school id -> its leader's account id
    staff: dict[int, int]  # school id -> its staff account id

    def schools_of(self, bureau: dict[str, Any]) -> list[dict[str, Any]]:
        return [s for s in self.schools if s["path"].startswith(bureau["path"])]


def load() -> City:
    """The city (or province) generated in this database; raises KeyError when an account the
    generator names is missing."""
    users = features.accounts()
    units = list(
        Organisation.objects.filter(kind__in=["city", "county"])
        .order_by("id")
        .values("id", "parent_id", "path", "kind", "name")
    )
    cities = [u for u in units if u["kind"] == "city"]
    counties = [u for u in units if u["kind"] == "county"]
    schools = features.schools()
    official, admin = {}, {}
    for index, city in enumerate(cities, 1):
        prefix = "city" if index == 1 else f"m{index:02d}"
        official[city["id"]] = users[f"{prefix}.official"]
        admin[city["id"]] = users[f"{prefix}.admin"]
    for index, county in enumerate(counties, 1):
        official[county["id"]] = users[f"c{index:02d}.official"]
        admin[county["id"]] = users[f"c{index:02d}.admin"]
    leader = {s["id"]: users[f"s{i:05d}.leader"] for i, s in enumerate(schools, 1)}
    staff = {s["id"]: users[f"s{i:05d}.staff"] for i, s in enumerate(schools, 1)}
    return City(schools, counties, cities, users, official, admin, leader, staff)


def update_rows(queryset, **values: Any) -> int:
    """`QuerySet.update` without the audit trail of ScopedQuerySet.update: the generated
    city's rows are written as the core steps write theirs, not changes a person made (the
    audit's read-back of every row took most of a step's time)."""
    return models.QuerySet.update(queryset, **values)
