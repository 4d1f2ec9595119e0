"""Bar charts drawn as SVG on the server (no browser, no JavaScript), inlined in PDFs and
pages. Text uses the document's font, so Chinese labels render with the bundled CJK font."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

STATUS_COLOURS = {
    "not_started": "#adb5bd",
    "draft": "#6c757d",
    "on_time": "#0d6efd",
    "late": "#fd7e14",
    "returned": "#ffc107",
    "approved": "#198754",
    "missing": "#dc3545",
}


def bar_chart_svg(
    bars: list[tuple[str, float, str]], *, title: str = "", width: int = 480, bar_height: int = 18
) -> SafeString:
    """Horizontal bars, one per (label, value, colour), with the value written at the end."""
    label_width, gap, top = 150, 6, 24 if title else 4
    height = top + len(bars) * (bar_height + gap) + 4
    largest = max((value for _label, value, _colour in bars), default=0) or 1
    plot_width = width - label_width - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
    ]
    if title:
        parts.append(f'<text x="0" y="14" font-size="12" font-weight="bold">{escape(title)}</text>')
    for index, (label, value, colour) in enumerate(bars):
        y = top + index * (bar_height + gap)
        length = round(plot_width * value / largest, 1)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" font-size="10" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{escape(colour)}"/>'
            f'<text x="{label_width + length + 4}" y="{y + bar_height - 5}" '
            f'font-size="10">{value:g}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped
