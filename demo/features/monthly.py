"""The monthly reports' rendered PDFs (#23) on the generated city: every submitted version's
PDF (rendered when it was submitted) and each bureau's monthly overview PDF for every past
month of the period — what the report page links and the download serves (one stored PDF;
the bytes matter to no page measured, safety.pdf is measured in bench.measure_pdfs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F

from demo.features import _city, _files
from reporting.models import MonthlyReportVersion
from reporting.monthly.models import MonthlyOverview
from reporting.monthly.periods import add_months

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = MonthlyOverview


def generate(gen: Generator) -> None:
    city = _city.load()
    pdf = _files.stored_pdf()
    _city.update_rows(
        MonthlyReportVersion.objects.filter(pdf=""),
        pdf=pdf,
        pdf_requested_at=F("submitted_at"),
        pdf_rendered_at=F("submitted_at"),
    )
    current = gen.today.replace(day=1)
    months = [add_months(current, -n) for n in range(1, 12 * gen.plan.years + 1)]
    rows = [
        (unit["id"], month, gen._moment(add_months(month, 1)), pdf,
         gen._moment(add_months(month, 1)))
        for unit in [*city.cities, *city.counties]
        for month in months
    ]  # fmt: skip
    gen._write(
        MonthlyOverview,
        ["id", "unit_id", "month", "requested_at", "pdf", "pdf_rendered_at"],
        ((pk, *row) for pk, row in zip(gen._ids(MonthlyOverview, len(rows)), rows, strict=True)),
    )
