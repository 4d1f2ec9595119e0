"""Incident pages: scoping (404 outside), roles, the forms, the list's filters and budget."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reporting.incidents import services
from reporting.models import Incident, IncidentAttachment, SchoolVeto
from tests.builders import jpeg_upload

from ..conftest import facts, record_all_items

VISIBLE = {
    "staff_a": True,
    "staff_a2": False,
    "county_official": True,
    "county_admin": True,
    "other_county_official": False,
    "city_official": True,
    "administrator": True,
}


def form_data(**overrides):
    data = facts(**overrides)
    data["occurred_at"] = timezone.localtime(data["occurred_at"]).strftime("%Y-%m-%dT%H:%M")
    return data


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_incident_pages_are_404_outside_the_jurisdiction(persona, client_for, report):
    incident = report()
    client = client_for(persona)
    expected = 200 if VISIBLE[persona] else 404
    assert client.get(reverse("incidents:incident_detail", args=[incident.pk])).status_code == (
        expected
    )
    listed = client.get(reverse("incidents:incident_list")).context["page"].object_list
    assert (incident in listed) is VISIBLE[persona]
    attachment_url = reverse("incidents:attachment_download", args=[999])
    assert client.get(attachment_url).status_code == 404


def test_outsider_cannot_acknowledge_by_posting(client_for, report):
    incident = report()
    response = client_for("other_county_official").post(
        reverse("incidents:incident_acknowledge", args=[incident.pk])
    )
    assert response.status_code == 404
    incident.refresh_from_db()
    assert incident.status == Incident.Status.REPORTED


def test_school_staff_cannot_acknowledge(client_for, report):
    incident = report()
    response = client_for("staff_a").post(
        reverse("incidents:incident_acknowledge", args=[incident.pk])
    )
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client_for):
    response = client_for("anonymous").get(reverse("incidents:incident_list"))
    assert response.status_code == 302


def test_administrator_cannot_report(client_for):
    assert client_for("administrator").get(reverse("incidents:incident_create")).status_code == 403


def test_school_staff_files_an_initial_report_with_a_photo(client_for, people):
    data = form_data()
    data["attachments"] = [jpeg_upload()]
    response = client_for("staff_a").post(reverse("incidents:incident_create"), data)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:incident_detail", args=[incident.pk])
    attachment = IncidentAttachment.objects.get()
    assert attachment.report.number == 1
    assert attachment.original_name == "现场.jpg"
    download = client_for("county_official").get(
        reverse("incidents:attachment_download", args=[attachment.pk])
    )
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"


def test_bad_attachment_is_rejected_and_the_rest_of_the_form_kept(client_for):
    data = form_data(place="操场西北角")
    data["attachments"] = [
        SimpleUploadedFile("病毒.exe", b"MZ\x90\x00evil", content_type="image/jpeg")
    ]
    response = client_for("staff_a").post(reverse("incidents:incident_create"), data)
    assert response.status_code == 200
    assert not Incident.objects.exists()
    form = response.context["form"]
    assert "attachments" in form.errors
    assert "病毒.exe" in str(form.errors["attachments"])
    html = response.content.decode()
    assert 'value="操场西北角"' in html
    assert "两名学生课间在楼梯摔倒受伤" in html


def test_bureau_records_an_incident_by_school_code(client_for, city):
    data = form_data()
    data.update(school=city.school_a.code, source_note="县人民医院告知")
    response = client_for("county_official").post(reverse("incidents:incident_create"), data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.school == city.school_a and incident.is_missed


def test_bureau_cannot_record_for_a_school_outside(client_for, city):
    data = form_data()
    data.update(school=city.school_b.code, source_note="x")
    response = client_for("county_official").post(reverse("incidents:incident_create"), data)
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_follow_up_form_is_prefilled_with_the_latest_facts(client_for, report):
    incident = report(place="实验楼三楼")
    url = reverse("incidents:incident_add_report", args=[incident.pk, "follow_up"])
    response = client_for("staff_a").get(url)
    assert response.context["form"].initial["place"] == "实验楼三楼"
    response = client_for("staff_a").post(url, form_data(injured=4))
    assert response.status_code == 302
    assert incident.reports.count() == 2


def test_close_form_says_which_items_are_missing(client_for, people, report):
    incident = report()
    services.incident_acknowledge(actor=people.county_official, incident=incident)
    record_all_items(people.county_official, incident, skip=("education",))
    response = client_for("county_official").post(
        reverse("incidents:incident_close", args=[incident.pk]), {"is_liability": "yes"}
    )
    assert response.status_code == 400
    assert "People concerned educated" in response.content.decode() or "教育" in (
        response.content.decode()
    )
    assert not SchoolVeto.objects.exists()


def test_close_button_waits_until_no_item_is_missing(client_for, people, report, closable):
    incident = report()
    services.incident_acknowledge(actor=people.county_official, incident=incident)
    record_all_items(people.county_official, incident, skip=("education",))
    url = reverse("incidents:incident_detail", args=[incident.pk])
    page = client_for("county_official").get(url).content.decode()
    assert 'disabled aria-describedby="close-blocked"' in page
    ready = closable()
    page = (
        client_for("county_official")
        .get(reverse("incidents:incident_detail", args=[ready.pk]))
        .content.decode()
    )
    assert 'data-testid="close-form"' in page and "close-blocked" not in page


def test_liability_closure_shows_the_veto_on_the_school_page(client_for, people, closable, city):
    incident = closable()
    response = client_for("county_official").post(
        reverse("incidents:incident_close", args=[incident.pk]),
        {"is_liability": "yes", "comment": "责任事故", "confirm": "yes"},
    )
    assert response.status_code == 302
    page = client_for("staff_a").get(reverse("school_detail", args=[city.school_a.pk]))
    assert 'data-testid="veto"' in page.content.decode()
    other = client_for("staff_a2").get(reverse("school_detail", args=[city.school_a2.pk]))
    assert 'data-testid="veto"' not in other.content.decode()


def test_closure_item_form_error_keeps_the_text(client_for, people, report):
    incident = report()
    response = client_for("county_official").post(
        reverse("incidents:closure_item_record", args=[incident.pk, "education"]),
        {"education-kind": "education", "education-text": "安全班会"},
    )
    assert response.status_code == 400
    assert "安全班会" in response.content.decode()


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("late", {"late"}),
        ("missed", {"missed"}),
        ("concealed", {"concealed"}),
        ("on_time", {"on_time", "concealed"}),
    ],
)
def test_list_filters_by_reporting_flag(client_for, people, city, report, flag, expected):
    now = timezone.now()
    made = {
        "on_time": report(),
        "late": report(occurred_at=now - datetime.timedelta(hours=3)),
        "missed": services.incident_record(
            actor=people.county_official,
            school=city.school_a,
            source_note="医院",
            facts=facts(),
        ),
        "concealed": report(),
    }
    services.incident_mark_concealed(
        actor=people.county_official, incident=made["concealed"], reason="隐瞒伤情"
    )
    response = client_for("county_official").get(reverse("incidents:incident_list"), {"flag": flag})
    shown = {incident.pk for incident in response.context["page"].object_list}
    assert shown == {made[name].pk for name in expected}


def test_list_filters_by_severity_county_school_and_dates(client_for, people, city, report):
    general = report()
    major = report(severity="major", occurred_at=timezone.now() - datetime.timedelta(days=3))
    other = services.incident_report(actor=people.staff_a2, facts=facts(category="traffic"))
    client = client_for("city_official")
    url = reverse("incidents:incident_list")

    def shown(**params):
        return {i.pk for i in client.get(url, params).context["page"].object_list}

    assert shown(severity="major") == {major.pk}
    assert shown(category="traffic") == {other.pk}
    assert shown(county=city.county_a.pk) == {general.pk, major.pk, other.pk}
    assert shown(county=city.county_b.pk) == set()
    assert shown(school=city.school_a2.pk) == {other.pk}
    # The local day of the two recent reports (not "today": they happened 20 minutes ago,
    # which is yesterday just after midnight in Asia/Shanghai).
    day = timezone.localtime(general.occurred_at).date().isoformat()
    assert shown(date_from=day) == {general.pk, other.pk}
    assert shown(status="reported") == {general.pk, major.pk, other.pk}


def test_list_query_count_does_not_grow_with_rows(
    client_for, report, django_assert_max_num_queries
):
    client = client_for("county_official")
    for _ in range(3):
        report()
    with django_assert_max_num_queries(12):
        client.get(reverse("incidents:incident_list"))
    for _ in range(10):
        report()
    with django_assert_max_num_queries(12):
        client.get(reverse("incidents:incident_list"))


def test_detail_query_count_is_bounded(client_for, people, report, django_assert_max_num_queries):
    incident = report()
    for _ in range(5):
        services.incident_add_report(
            actor=people.staff_a, incident=incident, kind="follow_up", facts=facts()
        )
    client = client_for("county_official")
    with django_assert_max_num_queries(8):  # #23
        response = client.get(reverse("incidents:incident_detail", args=[incident.pk]))
    assert len(response.context["reports"]) == 6
