"""The assign form's two account lists (#23: the hazard page within 8 queries)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections import selectors
from inspections.forms import AssignForm


@pytest.mark.django_db
def test_a_blank_assign_form_shows_both_lists_from_one_read(city, people):
    hazard = SimpleNamespace(school=city.school_a)
    people_of = selectors.assignable_people(city.school_a)
    expected = {
        "owner": sorted(people_of.owners.values_list("pk", flat=True)),
        "supervisor": sorted(people_of.supervisors.values_list("pk", flat=True)),
    }
    with CaptureQueriesContext(connection) as captured:
        form = AssignForm(hazard=hazard)
        shown = {
            name: sorted(int(value.value) for value, _label in form.fields[name].choices if value)
            for name in expected
        }
        form.as_p()
    assert len(captured.captured_queries) == 1
    assert shown == expected
    # The school's leader may own and supervise; a county official only supervises.
    assert people.leader_a.pk in shown["owner"] and people.leader_a.pk in shown["supervisor"]
    assert people.county_official.pk not in shown["owner"]
    assert people.county_official.pk in shown["supervisor"]


@pytest.mark.django_db
def test_a_submitted_assign_form_is_validated_against_the_lists(city, people):
    hazard = SimpleNamespace(school=city.school_a)
    refused = AssignForm(
        {"owner": people.county_official.pk, "supervisor": people.staff_a.pk}, hazard=hazard
    )
    assert not refused.is_valid()
    assert set(refused.errors) == {"owner", "supervisor"}
    accepted = AssignForm(
        {"owner": people.staff_a.pk, "supervisor": people.county_official.pk}, hazard=hazard
    )
    assert accepted.is_valid(), accepted.errors
