"""One POST view per hazard transition: each button posts to its own URL, which calls its
service; read-only roles are turned away before any form, outsiders get a 404."""

from __future__ import annotations

import datetime

from django.urls import reverse

from inspections import selectors
from inspections.models import Hazard, HazardEvent, InspectionSettings

from .conftest import photo_upload

S = Hazard.Status


def client_of(client_for, people, crew, name):
    if hasattr(people, name):
        return client_for(name)
    client = client_for("anonymous")
    client.force_login(getattr(crew, name))
    return client


def test_detail_page_offers_each_transition_at_its_own_url(client_for, make_hazard):
    hazard = make_hazard("pending_verification")
    page = client_for("leader_a").get(reverse("inspections:hazard_detail", args=[hazard.pk]))
    html = page.content.decode()
    assert reverse("inspections:hazard_verify", args=[hazard.pk]) in html
    assert reverse("inspections:hazard_return", args=[hazard.pk]) in html
    assert reverse("inspections:hazard_assign", args=[hazard.pk]) not in html


def test_a_refused_post_brings_the_phone_back_to_its_form(client_for, make_hazard):
    """A long description pushes the forms far down a phone screen: every form posts to an
    address ending in its own anchor, so a refused post shows the form with its errors."""
    hazard = make_hazard("pending_verification")
    client = client_for("leader_a")
    response = client.post(reverse("inspections:hazard_return", args=[hazard.pk]), {})
    assert response.status_code == 400
    html = response.content.decode()
    for name, view in (("verify", "hazard_verify"), ("return", "hazard_return")):
        assert f'id="action-{name}"' in html
        assert f'action="{reverse("inspections:" + view, args=[hazard.pk])}#action-{name}"' in html


def test_closing_asks_once_naming_the_hazard(client_for, make_hazard):
    hazard = make_hazard("pending_verification")
    response = client_for("leader_a").post(
        reverse("inspections:hazard_verify", args=[hazard.pk]), {"comment": "已复查"}
    )
    assert response.status_code == 200
    hazard.refresh_from_db()
    assert hazard.status == "pending_verification"  # nothing changed before the confirmation
    assert hazard.description[:20] in response.content.decode()


def test_verify_closes_and_return_sends_back(client_for, make_hazard):
    client = client_for("leader_a")
    closed = make_hazard("pending_verification")
    response = client.post(
        reverse("inspections:hazard_verify", args=[closed.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 302
    assert Hazard.objects.get(pk=closed.pk).status == S.CLOSED
    returned = make_hazard("pending_verification")
    url = reverse("inspections:hazard_return", args=[returned.pk])
    assert client.post(url, {"comment": ""}).status_code == 400
    assert client.post(url, {"comment": "照片不清楚"}).status_code == 302
    assert Hazard.objects.get(pk=returned.pk).status == S.IN_RECTIFICATION
    assert returned.events.last().action == HazardEvent.Action.RETURNED


def test_owner_submits_and_asks_for_an_extension(client_for, people, crew, make_hazard):
    owner = client_of(client_for, people, crew, "owner")
    hazard = make_hazard("in_rectification")
    later = (hazard.deadline + datetime.timedelta(days=7)).isoformat()
    url = reverse("inspections:hazard_extension_request", args=[hazard.pk])
    assert owner.post(url, {"until": later, "reason": "等配件"}).status_code == 302
    decide = reverse("inspections:hazard_extension_decide", args=[hazard.pk])
    response = client_for("leader_a").post(decide, {"decision": "accept", "comment": ""})
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).deadline.isoformat() == later
    url = reverse("inspections:hazard_submit", args=[hazard.pk])
    response = owner.post(url, {"evidence": "已更换", "photos": [photo_upload()]})
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == S.PENDING_VERIFICATION


def test_reporter_fixes_on_the_spot(client_for, make_hazard):
    hazard = make_hazard()
    url = reverse("inspections:hazard_fix_on_spot", args=[hazard.pk])
    client = client_for("staff_a")
    assert client.post(url, {"measure": "已处理"}).status_code == 400  # no photo
    response = client.post(url, {"measure": "已处理", "photos": [photo_upload()]})
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == S.PENDING_VERIFICATION


def test_transitions_are_post_only_and_scoped(client_for, make_hazard):
    hazard = make_hazard("closed")
    url = reverse("inspections:hazard_reopen", args=[hazard.pk])
    assert client_for("county_official").get(url).status_code == 405
    assert client_for("other_county_official").post(url, {"reason": "x"}).status_code == 404
    assert client_for("county_official").post(url, {"reason": "仍未整改"}).status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == S.IN_RECTIFICATION


def test_read_only_roles_may_not_post_a_transition(client_for, people, make_hazard):
    hazard = make_hazard()
    url = reverse("inspections:hazard_fix_on_spot", args=[hazard.pk])
    assert client_for("administrator").post(url, {}).status_code == 403


def test_rules_come_from_the_nearest_bureau_with_settings(city):
    rules = selectors.rules_for(city.school_a)
    assert rules.deadline_days == {Hazard.Severity.GENERAL: 7, Hazard.Severity.MAJOR: 30}
    assert rules.escalation_days == 3
    InspectionSettings.objects.create(bureau=city.city, major_deadline_days=20)
    InspectionSettings.objects.create(bureau=city.county_a, escalation_days=5)
    rules = selectors.rules_for(city.school_a)
    assert rules.deadline_days[Hazard.Severity.MAJOR] == 30  # the county's row wins whole
    assert rules.escalation_days == 5
    assert selectors.rules_for(city.school_b).deadline_days[Hazard.Severity.MAJOR] == 20
