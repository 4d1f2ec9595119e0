"""The upward flow, the flags, the four items, closure and the one-vote veto."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reporting.incidents import selectors, services
from reporting.models import Incident, IncidentEvent, IncidentReport, SchoolVeto
from safety.models import Notification, User
from tests.factories import UserFactory

from ..conftest import facts, record_all_items


def test_initial_report_creates_version_one_and_an_event(city, people, report):
    incident = report()
    assert incident.status == Incident.Status.REPORTED
    assert incident.school == city.school_a
    assert list(incident.reports.values_list("number", "kind")) == [(1, "initial")]
    assert list(incident.events.values_list("action", flat=True)) == ["reported"]


def test_follow_up_and_written_reports_keep_every_version(city, people, report):
    incident = report()
    services.incident_add_report(
        actor=people.staff_a, incident=incident, kind="follow_up", facts=facts(injured=3)
    )
    services.incident_add_report(
        actor=people.staff_a, incident=incident, kind="written", facts=facts(injured=3)
    )
    versions = list(incident.reports.order_by("number").values_list("kind", "injured"))
    assert versions == [("initial", 2), ("follow_up", 3), ("written", 3)]
    incident.refresh_from_db()
    assert incident.injured == 3
    with pytest.raises(ValidationError):
        services.incident_add_report(
            actor=people.staff_a, incident=incident, kind="written", facts=facts()
        )


# --- notifications ------------------------------------------------------------------------


def _alerts(kind="incident.reported"):
    return list(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_general_incident_alerts_the_county_at_once_and_exactly_once(
    city, people, report, django_capture_on_commit_callbacks
):
    people.county_official.email = "carol@example.cn"
    people.county_official.save()
    with django_capture_on_commit_callbacks(execute=True):
        incident = report()
    assert sorted(_alerts()) == ["carol"]
    assert Notification.objects.get(kind="incident.reported").urgent
    assert len(mail.outbox) == 1
    # A follow-up is another notice, but the "reported" alert is not repeated.
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_add_report(
            actor=people.staff_a, incident=incident, kind="follow_up", facts=facts()
        )
    assert sorted(_alerts()) == ["carol"]
    assert sorted(_alerts("incident.report_added")) == ["carol"]


def test_larger_incident_reaches_the_city_at_once(city, people, report):
    report(severity="larger")
    assert sorted(_alerts()) == ["carol", "erin"]


def test_escalation_in_a_follow_up_alerts_the_city_once(city, people, report):
    incident = report()
    assert sorted(_alerts()) == ["carol"]
    for _ in range(2):
        services.incident_add_report(
            actor=people.staff_a,
            incident=incident,
            kind="follow_up",
            facts=facts(severity="major", deaths=1),
        )
    assert sorted(_alerts()) == ["carol", "erin"]


def test_other_county_and_inactive_officials_are_not_alerted(city, people, report):
    UserFactory(
        username="idle",
        unit=city.county_a,
        role=User.Role.BUREAU_OFFICIAL,
        is_active=False,
    )
    report()
    assert "dave" not in _alerts()
    assert "idle" not in _alerts()


def test_forward_notifies_the_city(city, people, report):
    incident = report()
    services.incident_acknowledge(actor=people.county_official, incident=incident)
    services.incident_forward(actor=people.county_official, incident=incident)
    assert _alerts("incident.forwarded") == ["erin"]
    assert _alerts("incident.acknowledged") == ["alice"]


# --- flags --------------------------------------------------------------------------------


def test_incident_recorded_by_a_bureau_is_missed_until_the_school_reports(city, people):
    incident = services.incident_record(
        actor=people.county_official,
        school=city.school_a,
        source_note="县人民医院告知",
        facts=facts(),
    )
    assert incident.is_missed
    assert incident in Incident.objects.missed()
    services.incident_add_report(
        actor=people.staff_a, incident=incident, kind="follow_up", facts=facts()
    )
    incident.refresh_from_db()
    assert not incident.is_missed
    assert incident.school_reported_at is not None
    assert incident not in Incident.objects.missed()


def test_school_report_is_never_missed(city, people, report):
    assert not report().is_missed
    assert not Incident.objects.missed().exists()


def test_bureau_cannot_record_an_incident_outside_its_jurisdiction(city, people):
    with pytest.raises(PermissionDenied):
        services.incident_record(
            actor=people.other_county_official,
            school=city.school_a,
            source_note="x",
            facts=facts(),
        )


def test_official_marks_concealed_with_a_reason(city, people, report):
    incident = report()
    with pytest.raises(ValidationError):
        services.incident_mark_concealed(actor=people.county_official, incident=incident, reason="")
    services.incident_mark_concealed(
        actor=people.county_official, incident=incident, reason="隐瞒了一名学生骨折"
    )
    incident.refresh_from_db()
    assert incident.is_concealed
    assert incident in Incident.objects.concealed()
    assert incident.events.filter(action="concealed").exists()


def test_school_staff_cannot_mark_concealed(city, people, report):
    incident = report()
    with pytest.raises(PermissionDenied):
        services.incident_mark_concealed(actor=people.staff_a, incident=incident, reason="x")


# --- acknowledgement, forward: roles and states --------------------------------------------


def test_acknowledge_needs_a_bureau_official_of_the_jurisdiction(city, people, report):
    incident = report()
    for outsider in (
        people.staff_a,
        people.leader_a,
        people.other_county_official,
        people.county_admin,
    ):
        with pytest.raises(PermissionDenied):
            services.incident_acknowledge(actor=outsider, incident=incident)
    services.incident_acknowledge(actor=people.county_official, incident=incident)
    with pytest.raises(ValidationError):
        services.incident_acknowledge(actor=people.county_official, incident=incident)


def test_forward_needs_acknowledgement_first(city, people, report):
    incident = report()
    with pytest.raises(ValidationError):
        services.incident_forward(actor=people.county_official, incident=incident)


def test_city_direct_school_is_not_forwarded(city, people, staff_city_school):
    incident = services.incident_report(actor=staff_city_school, facts=facts())
    assert _alerts() == ["erin"]
    services.incident_acknowledge(actor=people.city_official, incident=incident)
    with pytest.raises(ValidationError):
        services.incident_forward(actor=people.city_official, incident=incident)


def test_bureau_user_cannot_file_a_school_initial_report(city, people):
    with pytest.raises(PermissionDenied):
        services.incident_report(actor=people.county_official, facts=facts())


def test_school_cannot_report_in_the_future(city, people):
    with pytest.raises(ValidationError):
        services.incident_report(
            actor=people.staff_a,
            facts=facts(occurred_at=timezone.now() + datetime.timedelta(hours=1)),
        )


# --- closure ------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["cause", "accountability", "rectification", "education"])
def test_closure_is_refused_while_any_item_is_missing(city, people, report, missing):
    incident = report()
    services.incident_acknowledge(actor=people.county_official, incident=incident)
    record_all_items(people.county_official, incident, skip=(missing,))
    assert services.missing_closure_items(incident) == [missing]
    with pytest.raises(ValidationError) as error:
        services.incident_close(actor=people.county_official, incident=incident, is_liability=True)
    assert error.value.code == "closure_incomplete"
    incident.refresh_from_db()
    assert incident.status == Incident.Status.ACKNOWLEDGED
    assert not SchoolVeto.objects.exists()


def test_closure_items_need_their_details(city, people, report):
    incident = report()
    with pytest.raises(ValidationError) as error:
        services.closure_item_record(
            actor=people.county_official, incident=incident, kind="education", text="班会"
        )
    assert set(error.value.error_dict) == {"people", "held_on"}


def test_closure_before_acknowledgement_is_refused(city, people, report):
    incident = report()
    record_all_items(people.county_official, incident)
    with pytest.raises(ValidationError):
        services.incident_close(actor=people.county_official, incident=incident, is_liability=False)


def test_school_cannot_close(city, people, closable):
    incident = closable()
    with pytest.raises(PermissionDenied):
        services.incident_close(actor=people.leader_a, incident=incident, is_liability=False)


def test_non_liability_closure_sets_no_veto(city, people, closable):
    incident = closable()
    services.incident_close(actor=people.county_official, incident=incident, is_liability=False)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert incident.is_liability is False
    assert not SchoolVeto.objects.exists()


def test_liability_closure_vetoes_the_school_for_the_year_of_the_incident(city, people, closable):
    incident = closable(occurred_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC))
    # 2025-12-31 23:30 UTC is 2026-01-01 07:30 in Shanghai: the local calendar year counts.
    services.incident_close(actor=people.county_official, incident=incident, is_liability=True)
    veto = SchoolVeto.objects.get()
    assert (veto.school, veto.year, veto.incident) == (city.school_a, 2026, incident)
    assert selectors.school_is_vetoed(city.school_a, 2026)
    assert not selectors.school_is_vetoed(city.school_a2, 2026)
    assert incident.events.last().action == IncidentEvent.Action.CLOSED


def test_second_liability_incident_in_a_year_keeps_one_veto(city, people, closable):
    for _ in range(2):
        services.incident_close(
            actor=people.county_official, incident=closable(), is_liability=True
        )
    assert SchoolVeto.objects.count() == 1


def test_closed_incident_takes_no_more_reports(city, people, closable):
    incident = closable()
    services.incident_close(actor=people.county_official, incident=incident, is_liability=False)
    with pytest.raises(ValidationError):
        services.incident_add_report(
            actor=people.staff_a, incident=incident, kind="follow_up", facts=facts()
        )
    with pytest.raises(ValidationError):
        services.incident_close(actor=people.county_official, incident=incident, is_liability=True)
    assert IncidentReport.objects.filter(incident=incident).count() == 1
