"""Every spreadsheet the product hands out: text that users typed is never a formula.

The exports are found, not listed: every URL pattern whose view builds its response with
`safety.exports.xlsx_response` or `csv_response`, and no other product module may write a
spreadsheet. Each export gets hostile text through the real forms and services, is downloaded
through its real view and read back with openpyxl or csv.
"""

from __future__ import annotations

import csv
import datetime
import inspect
import io
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from inspections.campaigns import services as campaign_services
from inspections.models import CampaignTask, ChecklistTemplate, Hazard
from reporting.activities import services as activity_services
from reporting.incidents import services as incident_services
from reporting.models import AccountabilityAction
from safety import exports, services
from safety.guarding import services as guarding_services
from safety.models import Holder, SafetyArea
from tests.builders import exported_file, report_incident
from tests.reporting.activities.factories import draft as activity_draft
from tests.reporting.assessment import factories as assessment_factories

from ..inspections.conftest import photo_upload
from ..reporting.conftest import record_all_items
from .guarding.conftest import build_school

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://example.invalid","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
]
# Leading whitespace does not survive a form (CharField strips it); a service keeps it.
HOSTILE_WHITESPACE = ["\t=1+1", "\r=1+1"]
PRODUCT_PACKAGES = ("safety", "inspections", "reporting", "config")
# Writes COPY input for PostgreSQL, not a download (a tool being moved out of the product).
NOT_DOWNLOADS = {"reporting/generator.py"}
SPREADSHEET_WRITERS = re.compile(
    r"csv\.(writer|DictWriter)|\bWorkbook\(|text/csv|spreadsheetml|xlsxwriter"
)


def _views(resolver: URLResolver | None = None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _views(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", inspect.unwrap(entry.callback)


def _source(view) -> str:
    try:
        return inspect.getsource(view)
    except (OSError, TypeError):
        return ""


# Background exports of a PDF (#23: a document that grows with the data); tested with the
# other PDFs (tests/safety/test_pdf_kinds.py) and through their job in their feature's tests,
# not fed spreadsheet formulas.
DOCUMENT_EXPORTS = {"assessment:results_pdf"}


def export_names() -> set[str]:
    """The URL names whose view answers with a spreadsheet from safety.exports, or starts
    a background export of one (#23)."""
    return {
        name
        for name, view in _views()
        if any(builder in _source(view) for builder in exports.RESPONSE_BUILDERS)
    } - DOCUMENT_EXPORTS


def job_export_names() -> set[str]:
    """The exports that are background jobs (#23: everything that grows with the data)."""
    return {name for name, view in _views() if "export_start" in _source(view)}


def download(client, url: str, capture):
    """The file of an export as its user gets it: a job export through its job
    (tests.builders.exported_file); any other export answers the GET itself."""
    if resolve(url.split("?")[0]).view_name in job_export_names():
        return exported_file(client, url, capture)
    return client.get(url)


def test_no_module_but_the_writer_writes_spreadsheets():
    root = Path(settings.BASE_DIR)
    offenders = []
    for package in PRODUCT_PACKAGES:
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if relative in NOT_DOWNLOADS or relative == "safety/exports.py":
                continue
            if "/migrations/" not in relative and SPREADSHEET_WRITERS.search(path.read_text()):
                offenders.append(relative)
    assert not offenders, f"write spreadsheets through safety/exports.py: {offenders}"


# --- how each export gets hostile text, through the product's own forms and services ---


def _ledger(city, people, client_for):
    client = client_for("staff_a")
    area = SafetyArea.objects.filter(is_active=True).first()
    for text in HOSTILE:
        response = client.post(
            reverse("inspections:hazard_new"),
            {
                "area": area.pk,
                "location": text,
                "description": text,
                "kind": Hazard.Kind.TANGIBLE,
                "severity": Hazard.Severity.GENERAL,
                "photos": photo_upload(),
            },
        )
        assert response.status_code == 302, response.content[:2000]
    services.organisation_save(
        actor=people.administrator, organisation=_renamed(city.school_a, HOSTILE[0])
    )
    return client_for("county_official"), reverse("inspections:ledger_export"), HOSTILE


def _dashboard(city, people, client_for):
    hostile = HOSTILE + HOSTILE_WHITESPACE
    for text, area in zip(hostile, SafetyArea.objects.filter(is_active=True), strict=False):
        area.name_zh = area.name_en = text
        services.safety_area_save(actor=people.administrator, area=area, changed_fields=["name_zh"])
    services.organisation_save(
        actor=people.administrator, organisation=_renamed(city.school_a, HOSTILE[0])
    )
    _ledger(city, people, client_for)
    Hazard.objects.filter(school=city.school_a).update(is_overdue=True)  # the nightly pass
    return client_for("county_official"), reverse("dashboards:dashboard_csv"), hostile


def _template(city, people, client_for):
    return client_for("leader_a"), reverse("responsibility:import_template"), []


def _renamed(unit, name):
    unit.name = name
    return unit


def _campaign(city, people, client_for):
    """Issue #18: the campaign board's export, with a hostile title, school name and report."""
    services.organisation_save(
        actor=people.administrator, organisation=_renamed(city.school_a, HOSTILE[0])
    )
    campaign = campaign_services.campaign_launch(
        actor=people.city_official,
        bureau=city.city,
        title=HOSTILE[1][:100],
        purpose=HOSTILE[2],
        deadline=timezone.localdate() + datetime.timedelta(days=5),
        filters={},
        template=ChecklistTemplate.objects.get(area__key="fire"),
    )
    CampaignTask.objects.filter(school=city.school_a).update(report=HOSTILE[2])
    url = reverse("campaigns:export", args=[campaign.pk])
    return client_for("city_official"), url, [HOSTILE[0], HOSTILE[2]]


def _pupils(city, people, client_for):
    """Issue #15: the boarding pupils' export (a leader), with hostile names and classes."""
    school = build_school(city, people)
    hostile = [HOSTILE[0], HOSTILE[1], HOSTILE[3]]
    for pupil, text in zip(school.pupils, hostile, strict=True):
        pupil.name = text
        pupil.class_name = HOSTILE[2]
        guarding_services.pupil_save(actor=school.leader, unit=school.unit, pupil=pupil)
    client = Client()
    client.force_login(school.leader)
    url = reverse("guarding:pupil_export", args=[school.unit.pk])
    return client, url, [*hostile, HOSTILE[2]]


def _pupil_template(city, people, client_for):
    """Issue #15: the pupil import template (fixed text, still checked for formulas)."""
    return client_for("leader_a"), reverse("guarding:pupil_template"), []


def _preparedness_coverage(city, people, client_for):
    """Issue #14: the bureau's preparedness coverage export, with a hostile school name."""
    services.organisation_save(
        actor=people.administrator, organisation=_renamed(city.school_a, HOSTILE[0])
    )
    return client_for("county_official"), reverse("preparedness:coverage_export"), [HOSTILE[0]]


def _activity_calendar(city, people, client_for):
    """Issue #16: the activity calendar's export, with a hostile school name and title."""
    services.organisation_save(
        actor=people.administrator, organisation=_renamed(city.school_a, HOSTILE[0])
    )
    activity = activity_draft(people.staff_a, city.school_a, title=HOSTILE[1][:100])
    activity_services.activity_submit(actor=people.staff_a, activity=activity)
    day = timezone.localtime(activity.starts_at).date().isoformat()
    url = reverse("activities:calendar_export") + f"?view=day&day={day}"
    return client_for("county_official"), url, [HOSTILE[0], HOSTILE[1][:100]]


def _assessment_results(city, people, client_for):
    """Issue #19: the published results' export, with a hostile school name."""
    services.organisation_save(
        actor=people.administrator, organisation=_renamed(city.school_a, HOSTILE[0])
    )
    run = assessment_factories.finish_run(
        assessment_factories.open_run(city.city, people.city_official), city, people
    )
    url = reverse("assessment:results_xlsx", args=[run.pk])
    return client_for("city_official"), url, [HOSTILE[0]]


def _honours_bar(city, people, client_for):
    """Issue #19: the honours-bar list's export, with a hostile holder name and note."""
    holder = Holder.objects.create(unit=city.school_a, name=HOSTILE[3][:50], job_title=HOSTILE[2])
    incident = report_incident(people.staff_a)
    official = people.county_official
    incident_services.incident_acknowledge(actor=official, incident=incident)
    record_all_items(official, incident)
    incident_services.person_dealt_with_record(
        actor=official,
        incident=incident,
        holder=holder,
        action=AccountabilityAction.objects.get(key="warning"),
        dealt_on=timezone.localdate(),
        note=HOSTILE[0],
    )
    incident_services.incident_close(actor=official, incident=incident, is_liability=True)
    year = timezone.localtime(incident.occurred_at).year
    url = reverse("incidents:honours_bar_xlsx") + f"?year={year}"
    return client_for("city_official"), url, [HOSTILE[3], HOSTILE[2], HOSTILE[0]]


RECIPES: dict[str, Callable] = {
    "inspections:ledger_export": _ledger,
    "dashboards:dashboard_csv": _dashboard,
    "responsibility:import_template": _template,
    "campaigns:export": _campaign,  # issue #18
    # issue #15 daily guarding
    "guarding:pupil_export": _pupils,
    "guarding:pupil_template": _pupil_template,
    "preparedness:coverage_export": _preparedness_coverage,  # issue #14
    "activities:calendar_export": _activity_calendar,  # issue #16
    "assessment:results_xlsx": _assessment_results,  # issue #19
    "incidents:honours_bar_xlsx": _honours_bar,  # issue #19 accountability
}


def test_every_export_is_fed_hostile_text():
    assert export_names() == set(RECIPES), "add a recipe for each export to RECIPES"


def _read(response) -> list[list]:
    """Every cell of the download, per row; xlsx cells as openpyxl cells."""
    body = b"".join(response.streaming_content)
    if response["Content-Type"].startswith(exports.XLSX_CONTENT_TYPE):
        workbook = load_workbook(io.BytesIO(body))
        return [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows()]
    assert response["Content-Type"] == exports.CSV_CONTENT_TYPE
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _value(cell):
    return cell if isinstance(cell, str) else cell.value


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_hostile_text_is_never_a_formula(
    name, city, people, client_for, django_capture_on_commit_callbacks
):
    client, url, hostile = RECIPES[name](city, people, client_for)
    with translation.override("zh-hans"):
        response = download(client, url, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    rows = _read(response)
    for row in rows:
        for cell in row:
            if not isinstance(cell, str):
                assert cell.data_type != "f", (cell.coordinate, cell.value)
            value = _value(cell)
            if isinstance(value, str):
                assert not value.startswith(exports.FORMULA_TRIGGERS), value
    texts = {_value(cell) for row in rows for cell in row}
    for text in hostile:
        assert "'" + text in texts, f"{text!r} missing from {name}"


def test_ledger_numbers_and_dates_stay_typed(
    city, people, client_for, django_capture_on_commit_callbacks
):
    client, url, _hostile = _ledger(city, people, client_for)
    rows = _read(download(client, url, django_capture_on_commit_callbacks))
    first = [cell.value for cell in rows[1]]
    assert isinstance(first[0], int)
    assert isinstance(first[1], datetime.datetime)
    assert rows[1][1].number_format == exports.DATETIME_FORMAT


def test_dashboard_counts_stay_numbers(city, people, client_for):
    client, url, _hostile = _dashboard(city, people, client_for)
    with translation.override("zh-hans"):
        rows = _read(client.get(url))
    values = [row[2] for row in rows if row[0] == "逾期隐患"]
    assert values and all(value.isdigit() for value in values)


def test_template_dates_are_dates(client_for, city):
    rows = _read(client_for("leader_a").get(reverse("responsibility:import_template")))
    example = [cell.value for cell in rows[1]]
    assert isinstance(example[6], datetime.datetime)  # openpyxl reads a date cell so
    assert example[0] == "2136080201"  # a code keeps its digits as text


@pytest.mark.parametrize("text", [*HOSTILE, *HOSTILE_WHITESPACE, "\x01=1"])
def test_neutralise_quotes_every_formula_trigger(text):
    assert exports.neutralise(text).startswith("'")
    assert exports.neutralise("校园安全 = 责任") == "校园安全 = 责任"


def test_the_ledger_file_is_named_in_chinese_with_its_day(
    client_for, people, django_capture_on_commit_callbacks
):
    client = client_for("county_official")
    url = reverse("inspections:ledger_export")
    response = download(client, url, django_capture_on_commit_callbacks)
    disposition = response["Content-Disposition"]
    day = timezone.localdate().isoformat()
    assert (
        disposition.lower()
        == f"attachment; filename*=utf-8''{quote(f'隐患台账_{day}.xlsx')}".lower()
    )
    streamed = client.get(url, {"format": "csv"})["Content-Disposition"]
    assert streamed == f"attachment; filename*=UTF-8''{quote(f'隐患台账_{day}.csv')}"


def test_what_grows_with_the_data_is_a_background_export():
    """#23: no request builds a file that grows with the data; what stays in the request is
    bounded by nature (a fixed template, one school's boarders, the dashboard's figures, one
    year's people dealt with for liability incidents: tens of rows, hundreds in a province)."""
    assert export_names() - job_export_names() == {
        "incidents:honours_bar_xlsx",
        "responsibility:import_template",
        "guarding:pupil_template",
        "guarding:pupil_export",
        "dashboards:dashboard_csv",
    }
    assert job_export_names() == {
        "inspections:ledger_export",
        "campaigns:export",
        "preparedness:coverage_export",
        "activities:calendar_export",
        "assessment:results_xlsx",
        "assessment:results_pdf",  # a PDF of every school of the city
    }


def test_the_streamed_ledger_csv_neutralises_hostile_text_too(city, people, client_for):
    client, url, hostile = _ledger(city, people, client_for)
    rows = _read(client.get(url, {"format": "csv"}))
    cells = {cell for row in rows for cell in row}
    assert not any(cell.startswith(exports.FORMULA_TRIGGERS) for cell in cells)
    assert all("'" + text in cells for text in hostile)
