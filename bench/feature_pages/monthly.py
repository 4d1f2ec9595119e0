"""Monthly reports (#23) on the core step's reports: the index, a unit's months, a month's
report, a version's PDF and a bureau's overview PDF (rendered as jobs: the rows measure the
download of the rendered file)."""

from __future__ import annotations

from bench.feature_pages._common import CITY, COUNTY, LEADER, first, unit_of
from reporting.models import MonthlyReport, MonthlyReportVersion
from reporting.monthly.models import MonthlyOverview

# The month as two ints ({report_yy}: the year's last two digits) so that every id is a
# number (bench.measure_ids) and the template still resolves with placeholder ids.
MONTH = "20{report_yy:02d}-{report_mm:02d}"
PAGES = [
    ("monthly_unit", "A school's months", LEADER, "/monthly/unit/{own_school}/", None),
    ("monthly_unit", "A school's months", COUNTY, "/monthly/unit/{school}/", None),
    ("monthly_report", "A school's monthly report", LEADER,
     f"/monthly/unit/{{own_school}}/{MONTH}/", None),
    ("monthly_report", "A school's monthly report", CITY,
     f"/monthly/unit/{{own_school}}/{MONTH}/", None),
    ("monthly_version_pdf", "A submitted version's PDF (rendered as a job)", LEADER,
     "/monthly/versions/{monthly_version}/pdf/", None),
    ("monthly_overview_pdf", "A bureau's monthly overview PDF (rendered as a job)", CITY,
     "/monthly/overviews/{monthly_overview}/pdf/", None),
]  # fmt: skip
LIST_KEYS = {"monthly_unit"}


def ids() -> dict[str, int]:
    school, city = unit_of(LEADER), unit_of(CITY)
    report = (
        MonthlyReport.objects.filter(unit=school)
        .exclude(latest_version=None)
        .order_by("-month")
        .first()
    )
    if report is None:
        raise LookupError("no submitted monthly report of the leader's school")
    return {
        "own_school": school.pk,
        "report_yy": report.month.year % 100,
        "report_mm": report.month.month,
        "monthly_version": first(
            MonthlyReportVersion.objects.filter(report=report).exclude(pdf="").order_by("-id")
        ),
        "monthly_overview": first(
            MonthlyOverview.objects.filter(unit=city).exclude(pdf="").order_by("-month")
        ),
    }
