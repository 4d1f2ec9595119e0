"""Reading the boarding-pupil Excel file (openpyxl): columns 姓名, 班级, 家长电话, 宿舍, 房间,
床号 in the first sheet, a header row first. Every row is checked; the import is all or
nothing (services.pupils_import)."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from safety.exports import Sheet
from safety.validators import is_valid_phone

from .services import PupilRow

COLUMNS = ["姓名", "班级", "家长电话", "宿舍", "房间", "床号"]
MAX_ROWS = 2000


def template_sheets() -> list[Sheet]:
    return [
        Sheet(
            title="寄宿生",
            header=COLUMNS,
            rows=[["张小明", "七年级（1）班", "13800001111", "男生宿舍", "101", 1]],
        )
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _table(data: bytes) -> list[tuple]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        return list(sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=len(COLUMNS), values_only=True))
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("The file is not a readable Excel workbook.")) from exc


def _row(line: int, values: list[str]) -> tuple[PupilRow | None, str]:
    name, class_name, phone, dormitory, room, bed = values
    if not all((name, class_name, phone, dormitory, room, bed)):
        return None, _("Line %(line)s: every column must be filled.") % {"line": line}
    if not is_valid_phone(phone):
        return None, _("Line %(line)s: %(phone)s is not a phone number.") % {
            "line": line,
            "phone": phone,
        }
    if not bed.isdigit() or not 1 <= int(bed) <= 24:
        return None, _("Line %(line)s: the bed must be a number from 1 to 24.") % {"line": line}
    if len(name) > 50 or len(class_name) > 30:
        return None, _("Line %(line)s: a name or class is too long.") % {"line": line}
    return PupilRow(line, name, class_name, phone, dormitory, room, int(bed)), ""


def read_pupils(data: bytes) -> list[PupilRow]:
    """The checked rows; `ValidationError` listing every bad line (nothing is saved)."""
    table = _table(data)
    if not table or [_text(cell) for cell in table[0]][: len(COLUMNS)] != COLUMNS:
        raise ValidationError(
            _("The first row must be the headers: %(columns)s.") % {"columns": "、".join(COLUMNS)}
        )
    if len(table) > MAX_ROWS + 1:
        raise ValidationError(_("At most 2000 pupils per file."))
    rows, errors = [], []
    for line, cells in enumerate(table[1:], start=2):
        values = [_text(cell) for cell in (list(cells) + [None] * len(COLUMNS))[: len(COLUMNS)]]
        if not any(values):
            continue
        row, error = _row(line, values)
        if error:
            errors.append(error)
        else:
            rows.append(row)
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has no pupils."))
    return rows
