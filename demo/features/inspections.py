"""The city's spot-check draws (#23) on the generated city: each city draws about one school
in twenty for its spot checks (抽查) at the start of every term, recorded so anyone can redo
the draw (services.draw_sample over the candidates with the stored seed)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from demo.features import _city
from inspections.models import SpotCheckDraw
from inspections.services import draw_sample

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = SpotCheckDraw


def generate(gen: Generator) -> None:
    city = _city.load()
    rows = []
    terms = max(1, 2 * gen.plan.years)
    for unit in city.cities:
        candidates = [s["id"] for s in city.schools_of(unit)]
        if not candidates:
            continue
        count = max(1, len(candidates) // 20)
        for term in range(terms):
            day = gen.today - datetime.timedelta(days=183 * (terms - 1 - term) + 10)
            seed = gen.rng.randrange(2**62)
            rows.append(
                (unit["id"], city.official[unit["id"]], gen._moment(day), seed, {}, count,
                 candidates, draw_sample(candidates, count, seed))
            )  # fmt: skip
    gen._write(
        SpotCheckDraw,
        ["id", "bureau_id", "drawn_by_id", "created_at", "seed", "filters", "count",
         "candidate_ids", "drawn_ids"],
        ((pk, *row) for pk, row in zip(gen._ids(SpotCheckDraw, len(rows)), rows, strict=True)),
    )  # fmt: skip
