"""The incident file: a Chinese PDF with the bundled font, rendered by a task and stored."""

from __future__ import annotations

from django.urls import reverse

from reporting.incidents import services
from reporting.models import Incident
from tests.safety.test_pdf import pdffonts

from ..conftest import facts


def test_incident_file_is_rendered_on_request_and_served(
    client_for, people, report, tmp_path, django_capture_on_commit_callbacks
):
    incident = report()
    services.incident_add_report(
        actor=people.staff_a, incident=incident, kind="follow_up", facts=facts(injured=3)
    )
    client = client_for("county_official")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("incidents:incident_file_request", args=[incident.pk]))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.file_pdf_is_current
    download = client.get(reverse("incidents:incident_file_download", args=[incident.pk]))
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    fonts = pdffonts(pdf, tmp_path)
    assert "SafeCampus-CJK" in fonts
    # A later change makes the stored file stale; the next request renders it again.
    services.incident_acknowledge(actor=people.county_official, incident=incident)
    incident.refresh_from_db()
    assert not incident.file_pdf_is_current
    assert services.incident_file_request(actor=people.county_official, incident=incident)


def test_incident_file_of_an_outsider_is_404(client_for, report):
    incident = report()
    client = client_for("other_county_official")
    assert (
        client.post(reverse("incidents:incident_file_request", args=[incident.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("incidents:incident_file_download", args=[incident.pk])).status_code
        == 404
    )
    assert not Incident.objects.get().file_pdf


def test_incident_file_text_is_chinese(people, report):
    from django.template.loader import render_to_string
    from django.utils import translation

    from reporting.incidents import selectors

    incident = report()
    with translation.override("zh-hans"):
        html = render_to_string(
            "reporting/incidents/pdf/incident_file.html", selectors.incident_file_context(incident)
        )
    assert "两名学生课间在楼梯摔倒受伤" in html
    assert "甲区实验小学" in html
