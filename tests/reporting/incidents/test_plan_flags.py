"""An incident flags the school's current emergency plan for its scenario for review (issue
#14): once per incident and plan, with an audit row, and the plan page links the incident."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reporting.incidents import services
from safety.models import AuditEvent
from safety.preparedness import services as preparedness
from safety.preparedness.models import Plan
from tests.builders import report_incident
from tests.safety.preparedness.builders import filed_plan, upload_plan

from ..conftest import facts

pytestmark = pytest.mark.django_db


def _flags():
    return AuditEvent.objects.filter(action="plan.flag_review")


def test_a_fire_incident_flags_the_current_fire_plan_once(city, people):
    fire = filed_plan(people.leader_a, people.county_official, city.school_a, "fire")
    overall = filed_plan(people.leader_a, people.county_official, city.school_a, "overall")
    draft = upload_plan(people.leader_a, city.school_a, "fire", title="消防预案修订稿")
    incident = report_incident(people.staff_a, category="fire_electric_poisoning")
    fire.refresh_from_db()
    assert fire.review_flagged_at is not None
    assert fire.review_flag_key == f"incident:{incident.pk}"
    assert fire.review_flag_url == incident.get_absolute_url()
    assert incident.summary[:20] in fire.review_flag_reason
    assert fire.is_review_due(fire.next_review_on)
    overall.refresh_from_db()
    draft.refresh_from_db()
    assert overall.review_flagged_at is None  # another scenario
    assert draft.review_flagged_at is None  # only the current (acknowledged) version
    assert _flags().count() == 1
    flagged_at = fire.review_flagged_at
    services.incident_add_report(
        actor=people.staff_a,
        incident=incident,
        kind="follow_up",
        facts=facts(category="fire_electric_poisoning"),
    )
    assert services.flag_plans_for_review(people.staff_a, incident) == []
    fire.refresh_from_db()
    assert fire.review_flagged_at == flagged_at and _flags().count() == 1  # once


def test_a_traffic_incident_flags_the_school_bus_plan(city, people):
    bus = filed_plan(people.leader_a, people.county_official, city.school_a, "traffic_bus")
    report_incident(people.staff_a, category="traffic")
    bus.refresh_from_db()
    assert bus.review_flagged_at is not None


def test_categories_without_a_scenario_and_other_schools_flag_nothing(city, people):
    fire = filed_plan(people.leader_a, people.county_official, city.school_a, "fire")
    report_incident(people.staff_a, category="sports")
    report_incident(people.staff_a2, category="fire_electric_poisoning")
    fire.refresh_from_db()
    assert fire.review_flagged_at is None
    assert not _flags().exists()


def test_a_bureau_recorded_incident_flags_too(city, people):
    fire = filed_plan(people.leader_a, people.county_official, city.school_a, "fire")
    services.incident_record(
        actor=people.county_official,
        school=city.school_a,
        source_note="医院通报",
        facts=facts(category="fire_electric_poisoning"),
    )
    fire.refresh_from_db()
    assert fire.review_flagged_at is not None
    assert _flags().get().actor == people.county_official


def test_a_corrected_category_flags_the_new_scenarios_plan(city, people):
    stampede = filed_plan(people.leader_a, people.county_official, city.school_a, "stampede")
    incident = report_incident(people.staff_a, category="sports")
    services.incident_add_report(
        actor=people.staff_a,
        incident=incident,
        kind="follow_up",
        facts=facts(category="crush_stampede"),
    )
    stampede.refresh_from_db()
    assert stampede.review_flag_key == f"incident:{incident.pk}"


def test_outsiders_cannot_flag_a_schools_plans(city, people):
    filed_plan(people.leader_a, people.county_official, city.school_a, "fire")
    with pytest.raises(PermissionDenied):
        preparedness.plans_flag_for_incident(
            actor=people.other_county_official,
            unit=city.school_a,
            category="fire_electric_poisoning",
            key="incident:1",
            reason="x",
            url="/",
        )
    assert not Plan.objects.exclude(review_flagged_at=None).exists()


def test_the_mapping_is_a_setting(city, people, settings):
    assert "fire" in settings.PREPAREDNESS_INCIDENT_SCENARIOS["fire_electric_poisoning"]
    settings.PREPAREDNESS_INCIDENT_SCENARIOS = {"illness_psychological": ["epidemic"]}
    plan = filed_plan(people.leader_a, people.county_official, city.school_a, "epidemic")
    report_incident(people.staff_a, category="illness_psychological")
    plan.refresh_from_db()
    assert plan.review_flagged_at is not None


def test_the_plan_page_says_which_incident_flagged_it(city, people, client_for):
    fire = filed_plan(people.leader_a, people.county_official, city.school_a, "fire")
    incident = report_incident(people.staff_a, category="fire_electric_poisoning")
    page = client_for("leader_a").get(reverse("preparedness:plan_detail", args=[fire.pk]))
    text = page.content.decode()
    assert 'data-testid="review-flag-link"' in text
    assert f'href="{incident.get_absolute_url()}"' in text
    assert "事故" in text
