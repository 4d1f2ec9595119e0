"""The one writer of every spreadsheet the product hands out (.xlsx and .csv).

Text that users typed ends up in cells that officials open in Excel or WPS. A cell whose text
starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by spreadsheet programs as
a formula (and openpyxl itself stores any string starting with `=` as one), so a hazard
described as `=HYPERLINK(…)` would become a live link in the bureau's ledger. Following the
OWASP advice on CSV injection, such text is prefixed with a single quote, and every xlsx text
cell is written with the string data type; numbers and dates keep their own types.

Views return `xlsx_response` or `csv_response` (tests/safety/test_exports.py finds every view
that does and feeds it hostile text); no other product module writes a spreadsheet
(tests/safety/test_exports.py holds that).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# OWASP "CSV Injection": the characters that make a spreadsheet program read a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NUMBER_TYPES = (int, float, decimal.Decimal)


def neutralise(text: str) -> str:
    """`text` as a spreadsheet shows it literally: prefixed with `'` when it would start a
    formula; characters an xlsx file cannot hold (control characters) dropped."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _typed(value: Any) -> Any:
    """A cell value: None, bool, a number, a naive local date/datetime, or neutralised text."""
    if value is None or isinstance(value, (bool, *NUMBER_TYPES)):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    return neutralise(str(value))  # lazy translations and model choices too


@dataclass
class Sheet:
    """One worksheet: a title, a header row and rows of cells (any iterable, read once).
    `widths` are column widths in characters, from column A."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = field(default_factory=tuple)


def _xlsx_cell(sheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_typed(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    elif isinstance(cell.value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(cell.value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def _attachment(response, filename: str) -> None:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"


def write_xlsx(
    sheets: Sequence[Sheet], handle: IO[bytes], on_row: Callable[[int], None] | None = None
) -> int:
    """Write the sheets as an .xlsx file to the binary `handle`, row by row (openpyxl
    write-only mode: memory stays bounded). `on_row(rows_so_far)` is called after every
    data row (a background export reports its progress with it). Returns the data rows."""
    workbook = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        sheet = workbook.create_sheet(neutralise(str(spec.title))[:31])
        for index, width in enumerate(spec.widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        sheet.append([_xlsx_cell(sheet, value) for value in spec.header])
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
            written += 1
            if on_row is not None:
                on_row(written)
    workbook.save(handle)
    return written


def xlsx_response(sheets: Sequence[Sheet], *, filename: str) -> FileResponse:
    """The sheets as an .xlsx download, written to a temporary file that the response
    streams. Only for files bounded by nature (an import template, one school's list):
    anything that grows with the data is a background export (safety.exportjobs)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    write_xlsx(sheets, handle)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    _attachment(response, filename)
    return response


def _csv_text(value: Any, tz: datetime.tzinfo) -> str:
    """A cell of the .csv: the rules of `_typed`, written for speed (the hot loop of a large
    export: one call per cell; `tz` is the current time zone, looked up once per file)."""
    kind = type(value)
    if kind is str:
        return neutralise(value)
    if value is None:
        return ""
    if kind is datetime.datetime:
        if timezone.is_aware(value):
            value = value.astimezone(tz)
        return value.strftime("%Y-%m-%d %H:%M")
    if kind is datetime.date:
        return value.isoformat()
    if isinstance(value, (bool, *NUMBER_TYPES)):
        return str(value)
    return neutralise(str(value))  # lazy translations and model choices too


CSV_BATCH_ROWS = 1000  # rows per chunk sent: one write to the socket per chunk, not per row


def csv_chunks(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    on_row: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The rows as UTF-8 .csv text (with a byte-order mark, so that Excel reads the Chinese
    as UTF-8): the header first, before `rows` is read, then chunks of CSV_BATCH_ROWS rows;
    `on_row(rows_so_far)` is called after each chunk and at the end."""
    tz = timezone.get_current_timezone()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_text(value, tz) for value in header])
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007 - the count is reported below
        writer.writerow([_csv_text(value, tz) for value in row])
        if count % CSV_BATCH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if on_row is not None:
                on_row(count)
    if buffer.tell():
        yield buffer.getvalue()
    if on_row is not None:
        on_row(count)


def csv_response(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, filename: str):
    """The rows as a streamed UTF-8 .csv download (csv_chunks): the header leaves at once,
    before `rows` is read; the rows follow in chunks of CSV_BATCH_ROWS."""
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CSV_CONTENT_TYPE)
    _attachment(response, filename)
    return response


# The names tests/safety/test_exports.py looks for in the views of the URL patterns: a view
# that answers with a file, or one that starts a background export (safety.exportviews).
RESPONSE_BUILDERS = ("xlsx_response", "csv_response", "export_start")
