"""At phone width (375 px) a 300-character unbroken string (a pasted URL) in every user
text field of the demo school's hazard, incident, monthly report, holder and letter wraps:
no page is wider than the screen."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse
from playwright.sync_api import Page

from inspections.models import Hazard
from reporting.incidents.models import ClosureItem, Incident, IncidentEvent, IncidentReport
from reporting.models import MonthlyReport, MonthlyReportEvent, MonthlyReportVersion
from safety.models import Organisation
from safety.responsibility.models import Assignment, Holder, LetterEvent, ResponsibilityLetter
from tests.e2e.test_journey import PHONE, log_in

UNBROKEN = "https://example.com/" + "x" * 280
SCHOOL_CODE = "2136080201"
# Text fields whose format is checked where they are used (codes, phone numbers, years).
FORMATTED = {"code", "phone", "reporter_phone", "school_year", "content_type", "name_sort_key"}


def smear(queryset: models.QuerySet) -> None:
    """Every free-text field of the rows: the unbroken string, cut to the field's length."""
    fields = {
        field.name: UNBROKEN[: field.max_length or len(UNBROKEN)]
        for field in queryset.model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not isinstance(field, models.EmailField)
        and field.name not in FORMATTED
    }
    queryset.update(**fields)


@pytest.mark.browser_context_args(viewport=PHONE)
def test_long_unbroken_words_wrap_at_phone_width(page: Page, live_server, demo_city):
    school = Organisation.objects.get(code=SCHOOL_CODE)
    hazard = Hazard.objects.filter(school=school).first()
    incident = Incident.objects.filter(school=school).first()
    report = MonthlyReport.objects.filter(unit=school, latest_version__isnull=False).first()
    holder = Holder.objects.filter(unit=school).first()
    letter = ResponsibilityLetter.objects.filter(assignment__holder__unit=school).first()
    assert hazard and incident and report and holder and letter, "the demo city changed"
    smear(Hazard.objects.filter(school=school))
    smear(Incident.objects.filter(pk=incident.pk))
    smear(IncidentReport.objects.filter(incident=incident))
    smear(ClosureItem.objects.filter(incident=incident))
    smear(IncidentEvent.objects.filter(incident=incident))
    smear(MonthlyReport.objects.filter(pk=report.pk))
    smear(MonthlyReportVersion.objects.filter(report=report))
    smear(MonthlyReportEvent.objects.filter(report=report))
    smear(Holder.objects.filter(unit=school))
    smear(Assignment.objects.filter(holder__unit=school))
    smear(ResponsibilityLetter.objects.filter(assignment__holder__unit=school))
    smear(LetterEvent.objects.filter(letter__assignment__holder__unit=school))

    pages = [
        reverse("inspections:ledger"),
        reverse("inspections:hazard_detail", args=[hazard.pk]),
        reverse("incidents:incident_list"),
        reverse("incidents:incident_detail", args=[incident.pk]),
        reverse("monthly:report", args=[school.pk, report.month.strftime("%Y-%m")]),
        reverse("responsibility:unit_coverage", args=[school.pk]),
        reverse("responsibility:holder_list"),
        reverse("responsibility:holder_detail", args=[holder.pk]),
        reverse("responsibility:letter_list"),
    ]
    log_in(page, live_server.url, "school.leader")
    too_wide, without_text = {}, []
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, path
        if UNBROKEN[:50] not in page.content():
            without_text.append(path)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide[path] = widths
    assert without_text == [], "these pages no longer show the long text"
    assert too_wide == {}
