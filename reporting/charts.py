"""Bar charts drawn as SVG on the server (no browser, no JavaScript), inlined in PDFs and
pages. An SVG does not inherit the document's font in WeasyPrint, so every chart names the
PDF's bundled families (pdf/base.html's @font-face: CJK, then emoji); a browser, which has
neither, falls back to its sans-serif."""

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

# The families declared in pdf/base.html, for the <svg> root (its text elements inherit it).
FONT_FAMILY = "'SafeCampus CJK', 'SafeCampus Emoji', sans-serif"


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
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" role="img" '
        f'aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
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


def _open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" role="img" '
        f'aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]


def _legend(series: list[tuple[str, str]], y: int) -> list[str]:
    parts, x = [], 0
    for name, colour in series:
        parts.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{escape(colour)}"/>'
            f'<text x="{x + 14}" y="{y + 9}" font-size="10">{escape(name)}</text>'
        )
        x += 24 + 11 * len(str(name))
    return parts


def column_chart_svg(
    labels: list[str],
    series: list[tuple[str, str, list[float]]],
    *,
    title: str,
    width: int = 480,
    height: int = 200,
) -> SafeString:
    """Vertical columns grouped by label (e.g. months), one column per (name, colour,
    values) series, with a legend; the values are written above the columns."""
    top, bottom, left = 34, 18, 4
    plot_height = height - top - bottom
    largest = max((v for _n, _c, values in series for v in values), default=0) or 1
    slot = (width - left) / max(len(labels), 1)
    column = max(slot / (len(series) + 1), 2)
    parts = _open(width, height, title)
    parts.append(f'<text x="0" y="12" font-size="12" font-weight="bold">{escape(title)}</text>')
    parts += _legend([(name, colour) for name, colour, _values in series], 18)
    baseline = top + plot_height
    parts.append(
        f'<line x1="{left}" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="#6c757d"/>'
    )
    for index, label in enumerate(labels):
        x0 = left + index * slot + column / 2
        for position, (_name, colour, values) in enumerate(series):
            value = values[index]
            length = round(plot_height * value / largest, 1)
            x = round(x0 + position * column, 1)
            parts.append(
                f'<rect x="{x}" y="{baseline - length}" width="{round(column - 1, 1)}" '
                f'height="{length}" fill="{escape(colour)}"/>'
            )
            if value:
                parts.append(
                    f'<text x="{x + column / 2}" y="{baseline - length - 2}" font-size="8" '
                    f'text-anchor="middle">{value:g}</text>'
                )
        parts.append(
            f'<text x="{round(left + index * slot + slot / 2, 1)}" y="{height - 4}" '
            f'font-size="9" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


def stacked_bar_chart_svg(
    rows: list[tuple[str, list[float]]],
    series: list[tuple[str, str]],
    *,
    title: str,
    width: int = 480,
    bar_height: int = 18,
) -> SafeString:
    """Horizontal bars, one per (label, values) row, each split into the series' colours,
    with the row's total written at the end."""
    label_width, gap, top = 110, 6, 38
    height = top + len(rows) * (bar_height + gap) + 4
    largest = max((sum(values) for _label, values in rows), default=0) or 1
    plot_width = width - label_width - 40
    parts = _open(width, height, title)
    parts.append(f'<text x="0" y="12" font-size="12" font-weight="bold">{escape(title)}</text>')
    parts += _legend(series, 20)
    for index, (label, values) in enumerate(rows):
        y = top + index * (bar_height + gap)
        x = float(label_width)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" font-size="10" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for value, (_name, colour) in zip(values, series, strict=True):
            length = round(plot_width * value / largest, 1)
            if length:
                parts.append(
                    f'<rect x="{round(x, 1)}" y="{y}" width="{length}" height="{bar_height}" '
                    f'fill="{escape(colour)}"/>'
                )
            x += length
        parts.append(
            f'<text x="{round(x + 4, 1)}" y="{y + bar_height - 5}" '
            f'font-size="10">{sum(values):g}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped
