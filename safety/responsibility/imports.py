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
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from safety import audit, roles
from safety.models import Organisation, SafetyArea, User, is_school_year, school_year_of
from safety.uploads import generated_name

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
MAX_ROWS = 3000
TOKEN_SALT = "safety.responsibility-import"  # noqa: S105 - a signing salt, not a secret
EXAMPLE_ROW = [
    "2136080201",
    "食堂管理员",
    "陈红",
    "13800000000",
    "食堂主管",
    "饮食饮水",
    "2026-09-01",
    "2026-2027",
    "健康证",
    "JK2026001",
    "2027-08-31",
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


def template_xlsx() -> bytes:
    """The import template: the column titles, an example row and a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "责任分工"
    sheet.append([label for _key, label in COLUMNS])
    sheet.append(EXAMPLE_ROW)
    for column, width in zip(
        "ABCDEFGHIJK", (14, 16, 10, 14, 12, 24, 12, 11, 12, 14, 12), strict=True
    ):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    notes.append(["岗位", "填写岗位名称，例如：校长、分管安全副校长、班主任、食堂管理员"])
    notes.append(["负责安全领域", "多个领域用顿号分隔；留空则使用该岗位的默认领域"])
    notes.append(["日期", "格式 2026-09-01"])
    notes.append(["学年", "格式 2026-2027；留空则按开始日期计算"])
    notes.append(["证书", "电工、锅炉工等持证岗位填写证书类型、编号和有效期"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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


def read_rows(data: bytes, filename: str) -> list[ImportRow]:
    """Rows of an .xlsx or .csv file, keyed by column, numbered as in the file."""
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("The file is not a readable Excel workbook.")) from exc
        table = (
            [_cell(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)
        )
    elif filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise ImportFileError(_("The CSV file is not in UTF-8 or GBK.")) from exc
        table = ([_cell(v) for v in row] for row in csv.reader(io.StringIO(text)))
    else:
        raise ImportFileError(_("Upload an Excel (.xlsx) or CSV file."))
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
            raise ImportFileError(
                _("The file has more than %(count)s rows: split it.") % {"count": MAX_ROWS}
            )
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
    row.school = schools.get(values["school_code"])
    if row.school is None:
        return _("Unknown school code “%(code)s”.") % {"code": values["school_code"]}
    row.post = posts.get(values["post"]) or posts.get(values["post"].lower())
    if row.post is None or not row.post.applies_to(row.school):
        return _("Unknown post “%(post)s” for this school.") % {"post": values["post"]}
    if not values["name"]:
        return _("The name is missing.")
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
    row.areas = []
    for name in filter(None, re.split(r"[、,，;；\s]+", values["areas"])):
        if name not in areas:
            return _("Unknown safety area “%(area)s”.") % {"area": name}
        row.areas.append(areas[name])
    if values["certificate_kind"]:
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
    key = (row.school.code, row.post.key, values["name"])
    if key in seen:
        return _("Duplicate of row %(row)s.") % {"row": seen[key]}
    seen[key] = row.number
    if (row.school.pk, row.post.pk, values["name"]) in current:
        return _("Duplicate: %(name)s already holds this post.") % {"name": values["name"]}
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
