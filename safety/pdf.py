"""PDF rendering with WeasyPrint and the bundled CJK font (static/fonts), shared by every
feature that produces a document (responsibility letters, incident files, monthly reports).

Templates extend `pdf/base.html`, which declares the font with @font-face relative to a
filesystem base URL, so no system font and no network is needed. Large documents are rendered
in Celery tasks, never inside a request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

PDF_BASE_DIR = settings.BASE_DIR / "static"


def render_pdf(template_name: str, context: dict[str, Any], *, language: str = "zh-hans") -> bytes:
    """Render a template extending pdf/base.html to PDF bytes (Chinese by default)."""
    with translation.override(language):
        html = render_to_string(template_name, context)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """PDF bytes for an HTML document whose relative URLs point into static/."""
    from weasyprint import HTML  # imported lazily: WeasyPrint loads Pango on import
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return HTML(string=html, base_url=str(PDF_BASE_DIR)).write_pdf(font_config=font_config)
