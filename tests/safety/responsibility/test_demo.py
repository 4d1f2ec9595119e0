from __future__ import annotations

import datetime

from django.core.management import call_command

from safety.models import (
    Assignment,
    Organisation,
    ResponsibilityLetter,
    current_school_year,
    school_year_bounds,
)
from safety.responsibility import selectors


def test_seed_demo_leaves_realistic_gaps_and_runs_twice_unchanged(db):
    call_command("seed_demo")
    counts = (Assignment.objects.count(), ResponsibilityLetter.objects.count())
    call_command("seed_demo")
    assert (Assignment.objects.count(), ResponsibilityLetter.objects.count()) == counts
    # Two months into the school year, whenever the test runs: past the grace period.
    today = school_year_bounds(current_school_year())[0] + datetime.timedelta(days=60)
    schools = Organisation.objects.schools()
    rows = {row.code: row for row in selectors.coverage_rows(schools, today=today)}
    assert rows["2136080203"].gap_count == 0
    leader_school = rows["2136080201"]
    assert leader_school.missing_areas == 1 and leader_school.missing_posts == 1
    assert leader_school.letter_gaps == 2
    assert rows["2136082102"].gap_count > rows["2136080201"].gap_count
    assert ResponsibilityLetter.objects.filter(status="issued").exists()
