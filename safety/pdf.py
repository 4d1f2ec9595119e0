"""PDF rendering with WeasyPrint and the bundled CJK font (static/fonts), shared by every
feature that produces a document (responsibility letters, incident files, monthly reports).

Templates extend `pdf/base.html`, which declares the fonts with @font-face relative to a
filesystem base URL (the CJK font, then a monochrome emoji font as fallback), so no system font
and no network is needed. Large documents are rendered in Celery tasks, never inside a request.

Every kind of PDF is registered in `PDF_KINDS`, and `render_pdf` renders registered templates
only: tests/safety/test_pdf_kinds.py renders each kind with every text field at its longest
(render time linear in the text, nothing beyond the right margin, bundled fonts only) and fails
for a template under a `pdf/` folder that no kind covers. A new kind adds its row here and its
builder there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

PDF_BASE_DIR = settings.BASE_DIR / "static"


@dataclass(frozen=True)
class PdfKind:
    """One kind of document the product prints: its name and its template."""

    name: str
    template: str


PDF_KINDS: tuple[PdfKind, ...] = (
    PdfKind("responsibility_letter", "safety/responsibility/pdf/letter.html"),
    PdfKind("incident_file", "reporting/incidents/pdf/incident_file.html"),
    PdfKind("monthly_school", "reporting/monthly/pdf/monthly_school.html"),
    PdfKind("monthly_county", "reporting/monthly/pdf/monthly_county.html"),
    PdfKind("monthly_city", "reporting/monthly/pdf/monthly_city.html"),
    # #23: the province's overview of its cities.
    PdfKind("monthly_province", "reporting/monthly/pdf/monthly_province.html"),
    # Bureau supervision (issue #18).
    PdfKind("campaign_summary", "inspections/campaigns/pdf/campaign_summary.html"),
    PdfKind("rectification_order", "reporting/orders/pdf/order.html"),
    PdfKind("activity_application", "reporting/activities/pdf/application.html"),  # issue #16
    # #17 surroundings: the school's QR poster for public reports.
    PdfKind("public_report_poster", "inspections/surroundings/pdf/poster.html"),
    PdfKind("campus_plan", "inspections/risks/pdf/campus_plan.html"),  # #20 risk grading
    # #19 the year-end safe-campus assessment.
    PdfKind("assessment_results", "reporting/assessment/pdf/results.html"),
    PdfKind("assessment_certificate", "reporting/assessment/pdf/certificate.html"),
)

# The families pdf/base.html declares (and server-drawn SVG charts name): the only fonts a PDF
# may embed. pdffonts shows them as e.g. "SafeCampus-CJK-Bold".
BUNDLED_FONT_FAMILIES = ("SafeCampus CJK", "SafeCampus Emoji")


def render_pdf(template_name: str, context: dict[str, Any], *, language: str = "zh-hans") -> bytes:
    """Render a registered template (`PDF_KINDS`, extending pdf/base.html) to PDF bytes,
    Chinese by default.

    Raises `ImproperlyConfigured` for a template no kind registers.
    """
    if template_name not in {kind.template for kind in PDF_KINDS}:
        raise ImproperlyConfigured(f"{template_name} is not a PDF kind in safety.pdf.PDF_KINDS")
    with translation.override(language):
        html = render_to_string(template_name, context)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """PDF bytes for an HTML document whose relative URLs point into static/."""
    from weasyprint import HTML  # imported lazily: WeasyPrint loads Pango on import
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return HTML(string=html, base_url=str(PDF_BASE_DIR)).write_pdf(font_config=font_config)
