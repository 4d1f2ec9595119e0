"""The incident file: a Chinese PDF with the bundled font, rendered by a task and stored."""

from __future__ import annotations

import io

from django.urls import reverse
from pypdf import PdfReader

from reporting.incidents import selectors, services
from reporting.models import Incident
from safety.pdf import render_pdf
from safety.uploads import clean_document, clean_image
from tests.pdfs import plain_pdf
from tests.safety.test_pdf import pdffonts
from tests.safety.test_uploads import jpeg_bytes, upload

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


def test_incident_file_lists_every_attachment_and_draws_small_pictures(people):
    """The file lists the attachments of every report version and closure item — name, kind,
    size, what it belongs to — and draws a small photo (read back from the PDF)."""
    photo = clean_image(upload("楼梯现场.jpg", jpeg_bytes(size=(120, 90))))
    document = clean_document(upload("书面报告.pdf", plain_pdf()))
    incident = services.incident_report(
        actor=people.staff_a, facts=facts(), attachments=[photo, document]
    )
    evidence = clean_image(upload("整改照片.jpg", jpeg_bytes()))
    services.incident_acknowledge(actor=people.county_official, incident=incident)
    services.closure_item_record(
        actor=people.county_official,
        incident=incident,
        kind="rectification",
        text="加装照明",
        attachments=[evidence],
    )
    context = selectors.incident_file_context(incident)
    assert [line.name for line in context["attachments"]] == [
        "楼梯现场.jpg",
        "书面报告.pdf",
        "整改照片.jpg",
    ]
    assert all(line.size > 0 for line in context["attachments"])
    pdf = render_pdf("reporting/incidents/pdf/incident_file.html", context)
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    for name in ("楼梯现场.jpg", "书面报告.pdf", "整改照片.jpg"):
        assert name in text
    assert "附件" in text and "第1版" in text
    # WeasyPrint may list one picture in the resources of several pages: count distinct ones.
    pictures = {image.data for page in reader.pages for image in page.images}
    assert len(pictures) == 2  # the two photos; the PDF is listed only
