"""Import holders and assignments from an Excel (.xlsx) or CSV file.

Two steps: `import_check` parses and validates every row against the actor's jurisdiction
and shows what would be saved (nothing is written); `import_apply` writes all rows in one
transaction, or none if any row is wrong. The file is kept between the steps under a
generated name, and the confirm form carries a signed token naming it.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from safety import audit, roles
from safety.exports import Sheet
from safety.forms import SINGLE_LINE_CONTROL_CHARACTERS
from safety.models import Organisation, SafetyArea, User, is_school_year, school_year_of
from safety.uploads import generated_name
from safety.validators import PHONE_RULE, is_valid_phone

from . import services
from .models import Assignment, Certificate, CertificateKind, Holder, Post

# The template's columns (a Chinese data format: bureaus fill it in Excel).
COLUMNS = [
    ("school_code", "学校标识码"),
    ("post", "岗位"),
    ("name", "姓名"),
    ("phone", "手机号码"),
    ("job_title", "职务"),
    ("areas", "负责安全领域"),
    ("start_date", "开始日期"),
    ("school_year", "学年"),
    ("certificate_kind", "证书类型"),
    ("certificate_number", "证书编号"),
    ("certificate_expires_on", "证书有效期"),
]
REQUIRED_COLUMNS = {"school_code", "post", "name", "start_date"}
MAX_ROWS = 2000
# Rows read in all (blank ones too): a sheet's declared dimensions are not trusted.
MAX_ROWS_READ = MAX_ROWS + 200
MAX_COLUMNS = 30
MAX_CELL_CHARACTERS = 500
TOKEN_SALT = "safety.responsibility-import"  # noqa: S105 - a signing salt, not a secret
EXAMPLE_ROW = [
    "2136080201",
    "食堂管理员",
    "陈红",
    "13800000000",
    "食堂主管",
    "饮食饮水",
    datetime.date(2026, 9, 1),
    "2026-2027",
    "健康证",
    "JK2026001",
    datetime.date(2027, 8, 31),
]


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, too many rows)."""


@dataclass
class ImportRow:
    number: int  # the row number in the file, header = 1
    values: dict[str, str]
    error: str = ""
    school: Organisation | None = None
    post: Post | None = None
    areas: list[SafetyArea] = field(default_factory=list)
    start_date: datetime.date | None = None
    school_year: str = ""
    certificate_kind: str = ""
    certificate_expires_on: datetime.date | None = None
    existing_holder: Holder | None = None


@dataclass
class ImportCheck:
    rows: list[ImportRow]

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.error]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.bad_rows


TEMPLATE_NOTES = [
    ["岗位", "填写岗位名称，例如：校长、分管安全副校长、班主任、食堂管理员"],
    ["负责安全领域", "多个领域用顿号分隔；留空则使用该岗位的默认领域"],
    ["日期", "格式 2026-09-01"],
    ["学年", "格式 2026-2027；留空则按开始日期计算"],
    ["证书", "电工、锅炉工等持证岗位填写证书类型、编号和有效期"],
    ["行数", f"每个文件最多 {MAX_ROWS} 行，超过请分成几个文件"],
]


def template_sheets() -> list[Sheet]:
    """The import template (for `safety.exports.xlsx_response`): the column titles and an
    example row, and a sheet of notes."""
    return [
        Sheet(
            title="责任分工",
            header=[label for _key, label in COLUMNS],
            rows=[EXAMPLE_ROW],
            widths=(14, 16, 10, 14, 12, 24, 12, 11, 12, 14, 12),
        ),
        Sheet(title="填写说明", header=TEMPLATE_NOTES[0], rows=TEMPLATE_NOTES[1:]),
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_upload(upload: Any) -> bytes:
    """The uploaded file's bytes; `ImportFileError` when it is larger than UPLOAD_MAX_BYTES
    (read no further than one byte past the limit)."""
    data = upload.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    return data


def _xlsx_table(data: bytes) -> Iterator[tuple]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from exc
    # Bounds passed explicitly: without them openpyxl pads every row to the declared width.
    yield from sheet.iter_rows(max_row=MAX_ROWS_READ + 1, max_col=MAX_COLUMNS, values_only=True)


def _csv_table(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The CSV file is not in UTF-8 or GBK.")) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error as exc:  # a field over csv.field_size_limit(), a stray quote
        raise ImportFileError(
            _("Row %(row)s cannot be read: %(reason)s.") % {"row": reader.line_num, "reason": exc}
        ) from exc


def read_table(data: bytes, filename: str) -> Iterator[list[str]]:
    """The cells of an .xlsx or .csv file as text, row by row, the header first. Reads at
    most MAX_ROWS_READ rows and MAX_COLUMNS columns, whatever the file declares; raises
    `ImportFileError` past them."""
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_table(data)
    elif filename.lower().endswith(".csv"):
        table = _csv_table(data)
    else:
        raise ImportFileError(_("Upload an Excel (.xlsx) or CSV file."))
    for count, row in enumerate(table, start=1):
        if count > MAX_ROWS_READ:
            raise ImportFileError(_too_many_rows())
        yield [_cell(value) for value in row]


def _too_many_rows() -> str:
    return _("The file has more than %(count)s rows: split it.") % {"count": MAX_ROWS}


def read_rows(data: bytes, filename: str) -> list[ImportRow]:
    """Rows of an .xlsx or .csv file, keyed by column, numbered as in the file (see
    `read_table` for the bounds)."""
    table = read_table(data, filename)
    header = next(table, None)
    labels = {label: key for key, label in COLUMNS} | {key: key for key, _label in COLUMNS}
    keys = [labels.get((h or "").strip()) for h in header or []]
    if not set(keys) >= REQUIRED_COLUMNS:
        raise ImportFileError(_("The first row must be the template's column titles."))
    rows = []
    for number, values in enumerate(table, start=2):
        if not any(values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_too_many_rows())
        row = {key: "" for key, _label in COLUMNS}
        for key, value in zip(keys, values, strict=False):
            if key:
                row[key] = value
        rows.append(ImportRow(number=number, values=row))
    return rows


DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _date(value: str) -> datetime.date | None:
    match = DATE_PATTERN.match(value.strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def import_check(*, actor: User, rows: list[ImportRow]) -> ImportCheck:
    """Validate every row (a fixed number of queries); nothing is written."""
    roles.require_permission(actor, roles.MANAGE_RESPONSIBILITIES)
    codes = {row.values["school_code"] for row in rows}
    schools = {
        unit.code: unit
        for unit in Organisation.objects.visible_to(actor).filter(code__in=codes, is_active=True)
    }
    posts: dict[str, Post] = {}
    for post in Post.objects.filter(is_active=True):
        posts[post.key] = posts[post.name_zh] = posts[post.name_en.lower()] = post
    areas: dict[str, SafetyArea] = {}
    for area in SafetyArea.objects.filter(is_active=True):
        areas[area.key] = areas[area.name_zh] = area
    certificate_kinds = {str(label): key for key, label in CertificateKind.choices}
    certificate_kinds |= {key: key for key in CertificateKind.values}
    certificate_kinds |= {"电工证": "electrician", "锅炉证": "boiler", "健康证": "health"}
    holders: dict[tuple[int, str], list[Holder]] = {}
    for holder in Holder.objects.filter(unit__in=schools.values(), is_active=True):
        holders.setdefault((holder.unit_id, holder.name), []).append(holder)
    current = set(
        Assignment.objects.current()
        .filter(unit__in=schools.values())
        .values_list("unit_id", "post_id", "holder__name")
    )
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        row.error = _check_row(row, schools, posts, areas, certificate_kinds, seen, current)
        if not row.error:
            candidates = holders.get((row.school.pk, row.values["name"]), [])
            phone = row.values["phone"]
            row.existing_holder = next(
                (h for h in candidates if not phone or not h.phone or h.phone == phone), None
            )
    return ImportCheck(rows=rows)


def _check_row(
    row: ImportRow,
    schools: dict[str, Organisation],
    posts: dict[str, Post],
    areas: dict[str, SafetyArea],
    certificate_kinds: dict[str, str],
    seen: dict[tuple[str, str, str], int],
    current: set[tuple[int, int, str]],
) -> str:
    """The first thing wrong with a row, in the user's language; "" when it is good."""
    values = row.values
    problem = _cell_problem(values)
    if problem:
        return problem
    row.school = schools.get(values["school_code"])
    if row.school is None:
        return _("Unknown school code “%(code)s”.") % {"code": values["school_code"]}
    row.post = posts.get(values["post"]) or posts.get(values["post"].lower())
    if row.post is None or not row.post.applies_to(row.school):
        return _("Unknown post “%(post)s” for this school.") % {"post": values["post"]}
    if not values["name"]:
        return _("The name is missing.")
    if values["phone"] and not is_valid_phone(values["phone"]):
        return _("Bad phone number “%(value)s”: %(rule)s") % {
            "value": values["phone"],
            "rule": PHONE_RULE,
        }
    row.start_date = _date(values["start_date"])
    if row.start_date is None:
        return _("Bad date “%(value)s”: write it like 2026-09-01.") % {
            "value": values["start_date"]
        }
    row.school_year = values["school_year"] or school_year_of(row.start_date)
    if not is_school_year(row.school_year):
        return _("Bad school year “%(value)s”: write it like 2026-2027.") % {
            "value": values["school_year"]
        }
    problem = _check_areas(row, areas) or _check_certificate(row, certificate_kinds)
    if problem:
        return problem
    key = (row.school.code, row.post.key, values["name"])
    if key in seen:
        return _("Duplicate of row %(row)s.") % {"row": seen[key]}
    seen[key] = row.number
    if (row.school.pk, row.post.pk, values["name"]) in current:
        return _("Duplicate: %(name)s already holds this post.") % {"name": values["name"]}
    return ""


def _check_areas(row: ImportRow, areas: dict[str, SafetyArea]) -> str:
    row.areas = []
    for name in filter(None, re.split(r"[、,，;；\s]+", row.values["areas"])):
        if name not in areas:
            return _("Unknown safety area “%(area)s”.") % {"area": name}
        row.areas.append(areas[name])
    return ""


def _check_certificate(row: ImportRow, certificate_kinds: dict[str, str]) -> str:
    values = row.values
    if not values["certificate_kind"]:
        return ""
    row.certificate_kind = certificate_kinds.get(values["certificate_kind"], "")
    if not row.certificate_kind:
        return _("Unknown certificate kind “%(kind)s”.") % {"kind": values["certificate_kind"]}
    if not values["certificate_number"]:
        return _("The certificate number is missing.")
    row.certificate_expires_on = _date(values["certificate_expires_on"])
    if row.certificate_expires_on is None:
        return _("Bad date “%(value)s”: write it like 2026-09-01.") % {
            "value": values["certificate_expires_on"]
        }
    return ""


def _column_limits() -> dict[str, int]:
    """The longest text each column may hold: what its field stores, else MAX_CELL_CHARACTERS."""
    stored = {
        "name": Holder._meta.get_field("name"),
        "phone": Holder._meta.get_field("phone"),
        "job_title": Holder._meta.get_field("job_title"),
        "certificate_number": Certificate._meta.get_field("number"),
    }
    return {
        key: stored[key].max_length if key in stored else MAX_CELL_CHARACTERS
        for key, _label in COLUMNS
    }


def _cell_problem(values: dict[str, str]) -> str:
    """A cell too long for its field or holding a control character (NUL…), named by its
    column title; "" when every cell is fine. Checked at preview, so that "ready" means the
    confirmation will store every cell."""
    limits = _column_limits()
    for key, label in COLUMNS:
        value = values[key]
        if SINGLE_LINE_CONTROL_CHARACTERS.search(value):
            return _("“%(column)s” contains a control character (such as NUL): remove it.") % {
                "column": label
            }
        if len(value) > limits[key]:
            return _("“%(column)s” is longer than %(limit)s characters (it has %(count)s).") % {
                "column": label,
                "limit": limits[key],
                "count": len(value),
            }
    return ""


@audit.atomic
def import_apply(*, actor: User, rows: list[ImportRow]) -> int:
    """Write every row of a checked file, or none: any error rolls the whole file back.

    Precondition: `import_check` found no bad row."""
    if not rows or any(row.error for row in rows):
        raise ValidationError(_("The file has errors: nothing was imported."))
    created_holders: dict[tuple[int, str, str], Holder] = {}
    for row in rows:
        values = row.values
        holder_key = (row.school.pk, values["name"], values["phone"])
        holder = row.existing_holder or created_holders.get(holder_key)
        if holder is None:
            holder = services.holder_save(
                actor=actor,
                holder=Holder(
                    unit=row.school,
                    name=values["name"],
                    phone=values["phone"],
                    job_title=values["job_title"],
                ),
                changed_fields=["name", "phone", "job_title"],
            )
            created_holders[holder_key] = holder
        services.assignment_create(
            actor=actor,
            unit=row.school,
            post=row.post,
            holder=holder,
            start_date=row.start_date,
            areas=row.areas or None,
            school_year=row.school_year,
            note=_("Imported"),
        )
        if row.certificate_kind:
            services.certificate_save(
                actor=actor,
                certificate=Certificate(
                    holder=holder,
                    kind=row.certificate_kind,
                    number=values["certificate_number"],
                    expires_on=row.certificate_expires_on,
                ),
            )
    return len(rows)


def store_upload(data: bytes, filename: str, actor: User) -> str:
    """Keep the uploaded file for the confirm step; return a signed token naming it."""
    extension = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    name = default_storage.save(generated_name("imports", extension), ContentFile(data))
    return signing.dumps({"name": name, "user": actor.pk}, salt=TOKEN_SALT)


def load_upload(token: str, actor: User) -> tuple[bytes, str]:
    """The bytes and storage name of a file kept by `store_upload`. Raises
    `PermissionDenied` for a forged, expired or another user's token and `ImportFileError`
    when the file is gone."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=3600)
    except signing.BadSignature as exc:
        raise PermissionDenied from exc
    if payload.get("user") != actor.pk or not str(payload.get("name", "")).startswith("imports/"):
        raise PermissionDenied
    name = payload["name"]
    if not default_storage.exists(name):
        raise ImportFileError(_("The checked file has expired: upload it again."))
    with default_storage.open(name, "rb") as handle:
        return handle.read(), name


def discard_upload(name: str) -> None:
    """Delete a kept import file (names outside imports/ are ignored)."""
    if name.startswith("imports/") and default_storage.exists(name):
        default_storage.delete(name)
