"""The written explanation of a late report (情况说明, issue #19): a late report asks the
school for it; the school submits a text and a signed document; the county accepts it or
returns it with a comment, and the school revises and submits again."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reporting.incidents import services
from reporting.models import IncidentEvent, LateExplanation
from safety.models import Notification
from safety.uploads import clean_document
from tests.pdfs import plain_pdf

from ..conftest import facts

THREE_HOURS_AGO = datetime.timedelta(hours=3)


def signed() -> SimpleUploadedFile:
    return SimpleUploadedFile("情况说明.pdf", plain_pdf(), content_type="application/pdf")


@pytest.fixture
def late(people, report):
    """An incident the school reported three hours after it happened (limit: two hours)."""
    return report(occurred_at=timezone.now() - THREE_HOURS_AGO)


def _notified(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def submit(people, incident, text="值班人员未及时上报", document="pdf"):
    return services.late_explanation_submit(
        actor=people.staff_a,
        incident=incident,
        text=text,
        document=clean_document(signed()) if document else None,
    )


def test_an_on_time_report_asks_nothing(report):
    assert not LateExplanation.objects.filter(incident=report()).exists()


def test_a_late_report_asks_the_school_once(people, late):
    explanation = late.late_explanation
    assert explanation.status == LateExplanation.Status.REQUESTED
    assert _notified("incident.explanation_requested") == {"henry", "alice"}  # leader, reporter
    services.incident_add_report(
        actor=people.staff_a,
        incident=late,
        kind="written",
        facts=facts(occurred_at=late.occurred_at),
    )
    assert LateExplanation.objects.filter(incident=late).count() == 1
    assert late.events.filter(action=IncidentEvent.Action.EXPLANATION_REQUESTED).count() == 1


def test_a_late_written_report_asks_too(people, report):
    incident = report()
    past = timezone.now() - datetime.timedelta(hours=30)
    # the written report of an incident 30 hours old (limit 24 hours)
    type(incident).objects.filter(pk=incident.pk).update(
        occurred_at=past,
        initial_deadline=past + datetime.timedelta(hours=2),
        written_deadline=past + datetime.timedelta(hours=24),
        school_reported_at=past + datetime.timedelta(hours=1),
    )
    incident.refresh_from_db()
    services.incident_add_report(
        actor=people.staff_a, incident=incident, kind="written", facts=facts(occurred_at=past)
    )
    assert LateExplanation.objects.get(incident=incident).status == "requested"


def test_submit_return_revise_and_accept(people, late):
    explanation = submit(people, late)
    assert explanation.status == LateExplanation.Status.SUBMITTED
    assert explanation.file and explanation.original_name == "情况说明.pdf"
    assert _notified("incident.explanation_submitted") == {"carol"}
    with pytest.raises(ValidationError) as error:
        services.late_explanation_decide(actor=people.county_official, incident=late, accept=False)
    assert "comment" in error.value.message_dict
    services.late_explanation_decide(
        actor=people.county_official, incident=late, accept=False, comment="请写明延误原因"
    )
    explanation.refresh_from_db()
    assert explanation.status == LateExplanation.Status.RETURNED
    assert _notified("incident.explanation_returned") == {"alice"}
    stored = explanation.file.name
    revised = submit(people, late, text="补充：交接班遗漏", document=None)  # keeps the file
    assert revised.status == LateExplanation.Status.SUBMITTED and revised.file.name == stored
    services.late_explanation_decide(actor=people.county_official, incident=late, accept=True)
    explanation.refresh_from_db()
    assert explanation.status == LateExplanation.Status.ACCEPTED
    with pytest.raises(ValidationError):
        submit(people, late)  # accepted: nothing more to submit


def test_refused_input_and_steps(people, late, report):
    with pytest.raises(ValidationError) as error:
        submit(people, late, text="  ", document=None)
    assert set(error.value.message_dict) == {"text", "document"}
    with pytest.raises(ValidationError):
        services.late_explanation_decide(actor=people.county_official, incident=late, accept=True)
    with pytest.raises(ValidationError, match="没有要求"):
        services.late_explanation_submit(
            actor=people.staff_a, incident=report(), text="x", document=None
        )


def test_only_the_school_submits_and_only_its_county_decides(people, late):
    for actor in (people.staff_a2, people.county_official):
        with pytest.raises(PermissionDenied):
            services.late_explanation_submit(
                actor=actor, incident=late, text="x", document=clean_document(signed())
            )
    submit(people, late)
    for actor in (people.staff_a, people.leader_a, people.other_county_official):
        with pytest.raises(PermissionDenied):
            services.late_explanation_decide(actor=actor, incident=late, accept=True)
    assert LateExplanation.objects.get(incident=late).status == LateExplanation.Status.SUBMITTED


# --- pages ---------------------------------------------------------------------------------


def test_the_school_submits_on_the_incident_page_and_the_county_decides(people, late, client_for):
    school = client_for("staff_a")
    page = school.get(late.get_absolute_url()).content.decode()
    assert 'data-testid="explanation-form"' in page
    url = reverse("incidents:late_explanation_submit", args=[late.pk])
    bad = school.post(url, {"explanation-text": "保留的文字"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "保留的文字" in body and "此字段为必填项" in body
    not_pdf = SimpleUploadedFile("说明.pdf", b"hello", content_type="application/pdf")
    refused = school.post(url, {"explanation-text": "原因", "explanation-document": not_pdf})
    assert refused.status_code == 400 and "说明.pdf" in refused.content.decode()
    done = school.post(url, {"explanation-text": "原因", "explanation-document": signed()})
    assert done.status_code == 302
    county = client_for("county_official")
    shown = county.get(late.get_absolute_url()).content.decode()
    assert 'data-testid="explanation-decision"' in shown and "原因" in shown
    file_url = reverse("incidents:late_explanation_file", args=[late.pk])
    assert county.get(file_url).status_code == 200
    assert client_for("other_county_official").get(file_url).status_code == 404
    decide = reverse("incidents:late_explanation_decide", args=[late.pk])
    refused = county.post(decide, {"decision-decision": "return"})
    assert refused.status_code == 400 and "请说明学校需要修改的内容" in refused.content.decode()
    assert county.post(decide, {"decision-decision": "accept"}).status_code == 302
    assert LateExplanation.objects.get(incident=late).status == "accepted"


def test_the_to_do_lists_count_what_the_linked_list_shows(people, late, client_for):
    school = client_for("staff_a")
    home = school.get("/").content.decode()
    assert 'data-task="explanations"' in home and 'data-count="1"' in home
    listed = school.get(reverse("incidents:incident_list"), {"explanation": "to_write"})
    assert [i.pk for i in listed.context["page"].object_list] == [late.pk]
    submit(people, late)
    county = client_for("county_official")
    home = county.get("/").content.decode()
    assert 'data-task="explanation-decisions"' in home
    listed = county.get(reverse("incidents:incident_list"), {"explanation": "to_decide"})
    assert [i.pk for i in listed.context["page"].object_list] == [late.pk]
    other = client_for("other_county_official").get("/").content.decode()
    assert 'data-task="explanation-decisions"' not in other
    assert 'data-task="explanations"' not in school.get("/").content.decode()
