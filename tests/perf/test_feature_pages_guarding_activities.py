"""The generated city's guarding and activities steps (demo/features) and their bench rows
(bench/feature_pages): every row answers 200 to its persona within the page budget on a small
generated city (the province's rows on a small province), and `generate_city --features` adds
the steps to a city generated without them, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.feature_pages import activities as activity_pages
from bench.feature_pages import guarding as guarding_pages
from demo import features
from demo.generator import Plan, generate
from reporting.activities.models import Activity, ActivityApproval, SchoolBus
from safety.guarding.models import DutyRoster, RollCall
from safety.models import Organisation

from .conftest import logged_in

pytestmark = pytest.mark.django_db

BUDGET = 8
# Rows over the budget on a generated city, held at their count until their view is fixed
# (bench/notes.md, "Feature steps"). None since the duty log reads today's log from its page
# and the application form its holders once.
OVER_BUDGET: dict[str, int] = {}
ROWS = [*guarding_pages.PAGES, *activity_pages.PAGES]


def _get_every_row(rows) -> None:
    ids = guarding_pages.ids() | activity_pages.ids() | _core_ids()
    failures = []
    for key, title, persona, path, _admin in rows:
        url = path.format(**ids)
        client = logged_in(persona)
        client.get(url)  # warm the session and the process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200 or len(captured) > OVER_BUDGET.get(key, BUDGET):
            failures.append((title, persona, url, response.status_code, len(captured)))
    assert not failures, failures


def _core_ids() -> dict[str, int]:
    county = Organisation.objects.get(members__username="c01.official")
    school = Organisation.objects.filter(parent=county, kind="school").order_by("id").first()
    return {"school": school.pk}


def test_every_guarding_and_activities_row_answers_within_budget():
    generate(Plan(schools=8, years=1, seed=7))
    _get_every_row([row for row in ROWS if not row[2].startswith("province.")])
    # What the step keeps as the services do: a roll call's counts, an activity's chain.
    for call in RollCall.objects.prefetch_related("absences"):
        assert call.present == call.expected - len(call.absences.all())
    for activity in Activity.objects.exclude(status="draft").select_related("latest_version"):
        steps = list(ActivityApproval.objects.filter(version=activity.latest_version))
        undecided = [step for step in steps if not step.decision]
        assert (activity.status == "pending") == bool(undecided), activity.status
        assert activity.awaiting_level == (undecided[0].level if undecided else "")
    with_buses = set(SchoolBus.objects.values_list("school_id", flat=True))
    assert with_buses == set(
        Organisation.objects.filter(has_school_buses=True).values_list("id", flat=True)
    )


def test_the_province_rows_answer_within_budget():
    generate(Plan(schools=8, cities=2, years=1, seed=7))
    _get_every_row([row for row in ROWS if row[2].startswith("province.")])


def test_features_adds_the_missing_steps_once(monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(features, "modules", lambda: [])
        generate(Plan(schools=5, years=1, seed=7))
    assert not DutyRoster.objects.exists() and not Activity.objects.exists()
    call_command("generate_city", "--features", "--no-vacuum", stdout=io.StringIO())
    rosters, activities = DutyRoster.objects.count(), Activity.objects.count()
    assert rosters and activities
    call_command("generate_city", "--features", "--no-vacuum", stdout=io.StringIO())
    assert (DutyRoster.objects.count(), Activity.objects.count()) == (rosters, activities)
