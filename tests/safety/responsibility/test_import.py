"""Import of holders and assignments: preview, all rows or none, one error per bad row."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from safety.models import Assignment, Certificate, Holder
from safety.responsibility import imports

pytestmark = pytest.mark.django_db
HEADER = [label for _key, label in imports.COLUMNS]


def xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("分工.xlsx", buffer.getvalue())


def csv_file(rows: list[list[str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile("分工.csv", buffer.getvalue().encode("utf-8-sig"))


def good_rows(code: str) -> list[list[str]]:
    return [
        [code, "校长", "张伟", "13900000001", "校长", "", "2026-09-01", "", "", "", ""],
        [
            code,
            "食堂管理员",
            "陈红",
            "13900000002",
            "",
            "饮食饮水",
            "2026/9/1",
            "2026-2027",
            "健康证",
            "JK1",
            "2027-08-31",
        ],
        [code, "电工", "王强", "", "", "", "2026-09-01", "", "电工证", "DG7", "2028-01-01"],
        [
            code,
            "班主任",
            "陈红",
            "13900000002",
            "",
            "教育教学活动、心理",
            "2026-09-01",
            "",
            "",
            "",
            "",
        ],
    ]


def upload(client, file):
    with translation.override("zh-hans"):
        return client.post(reverse("responsibility:import"), {"file": file})


@pytest.mark.parametrize("make", [xlsx, csv_file], ids=["xlsx", "csv"])
def test_a_good_file_is_previewed_then_imported_whole(make, city, client_for):
    client = client_for("leader_a")
    response = upload(client, make(good_rows(city.school_a.code)))
    assert response.status_code == 200
    check = response.context["check"]
    assert check.is_valid and len(check.rows) == 4
    assert not Assignment.objects.exists()  # nothing written by the preview
    response = client.post(
        reverse("responsibility:import_confirm"), {"token": response.context["token"]}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(unit=city.school_a).count() == 4
    assert Holder.objects.filter(unit=city.school_a).count() == 3  # 陈红 holds two posts
    chen = Holder.objects.get(name="陈红")
    teacher = Assignment.objects.get(holder=chen, post__key="class_teacher")
    assert sorted(a.key for a in teacher.areas.all()) == ["psychological", "teaching"]
    principal = Assignment.objects.get(post__key="principal")
    assert principal.areas.count() == 0 and principal.school_year == "2026-2027"
    assert set(Certificate.objects.values_list("kind", flat=True)) == {"health", "electrician"}


def test_a_file_with_bad_rows_is_rejected_whole_with_one_chinese_error_per_bad_row(
    city, client_for
):
    code = city.school_a.code
    rows = good_rows(code) + [
        ["9999999999", "校长", "某人", "", "", "", "2026-09-01", "", "", "", ""],
        [city.school_b.code, "校长", "外县人", "", "", "", "2026-09-01", "", "", "", ""],
        [code, "厨师长", "某人", "", "", "", "2026-09-01", "", "", "", ""],
        [code, "门卫及安保人员", "", "", "", "", "2026-09-01", "", "", "", ""],
        [code, "门卫及安保人员", "老李", "", "", "", "9月1日", "", "", "", ""],
        [code, "校长", "张伟", "13900000001", "", "", "2026-09-01", "", "", "", ""],
        [code, "宿舍管理员", "宿管", "", "", "", "2026-09-01", "", "", "", ""],
    ]
    response = upload(client_for("leader_a"), xlsx(rows))
    check = response.context["check"]
    assert not check.is_valid and response.context["token"] == ""
    errors = {row.number: row.error for row in check.bad_rows}
    assert errors == {
        6: "未知的学校标识码“9999999999”。",
        7: f"未知的学校标识码“{city.school_b.code}”。",  # outside the jurisdiction
        8: "本校没有“厨师长”这个岗位。",
        9: "缺少姓名。",
        10: "日期“9月1日”有误，请写成 2026-09-01 的格式。",
        11: "与第 2 行重复。",
        12: "本校没有“宿舍管理员”这个岗位。",  # a day school
    }
    assert len(check.bad_rows) == 7 and len(check.rows) == 11
    content = response.content.decode()
    assert "缺少姓名。" in content
    assert not Assignment.objects.exists() and not Holder.objects.exists()


def test_a_row_duplicating_a_current_assignment_is_an_error(city, client_for):
    client = client_for("leader_a")
    response = upload(client, xlsx(good_rows(city.school_a.code)[:1]))
    client.post(reverse("responsibility:import_confirm"), {"token": response.context["token"]})
    response = upload(client, xlsx(good_rows(city.school_a.code)[:1]))
    assert [row.error for row in response.context["check"].rows] == ["重复：张伟已担任该岗位。"]


def test_the_confirm_step_rechecks_and_writes_nothing_if_a_row_went_bad(city, client_for):
    client = client_for("leader_a")
    response = upload(client, xlsx(good_rows(city.school_a.code)))
    token = response.context["token"]
    # Meanwhile someone made 张伟 principal: the whole file is refused on confirm.
    other = upload(client, xlsx(good_rows(city.school_a.code)[:1]))
    client.post(reverse("responsibility:import_confirm"), {"token": other.context["token"]})
    response = client.post(reverse("responsibility:import_confirm"), {"token": token})
    assert response.status_code == 200 and response.context["check"].bad_rows
    assert Assignment.objects.count() == 1


def test_a_token_of_another_user_is_refused(city, client_for):
    response = upload(client_for("leader_a"), xlsx(good_rows(city.school_a.code)))
    stolen = client_for("county_admin").post(
        reverse("responsibility:import_confirm"), {"token": response.context["token"]}
    )
    assert stolen.status_code == 403
    assert not Assignment.objects.exists()


def test_read_only_roles_cannot_import(city, client_for):
    for persona in ("staff_a", "county_official"):
        assert client_for(persona).get(reverse("responsibility:import")).status_code == 403


def test_the_template_downloads_with_the_columns(client_for, city):
    response = client_for("staff_a").get(reverse("responsibility:import_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == HEADER


def test_a_file_that_is_not_a_table_is_refused_with_a_message(city, client_for):
    response = upload(client_for("leader_a"), SimpleUploadedFile("x.xlsx", b"not excel"))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def _preview_error(response) -> str:
    """The file error (form) or the first row error of a preview; "" when it is ready."""
    if response.context.get("form") is not None and response.context["form"].errors:
        return " ".join(response.context["form"].errors["file"])
    check = response.context["check"]
    assert not response.context["token"]  # never "ready" with a bad cell
    return check.bad_rows[0].error if check.bad_rows else ""


def test_a_workbook_declaring_20000_rows_is_read_only_to_the_bound(city, client_for):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(good_rows(city.school_a.code)[0])
    sheet.cell(row=20000, column=16384, value="x")  # declares A1:XFD20000
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    read = 0
    with pytest.raises(imports.ImportFileError):
        for row in imports.read_table(data, "big.xlsx"):
            read += 1
            assert len(row) <= imports.MAX_COLUMNS
    assert read == imports.MAX_ROWS_READ
    response = upload(client_for("leader_a"), SimpleUploadedFile("big.xlsx", data))
    assert str(imports.MAX_ROWS) in _preview_error(response)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (2, "陈" * 40000, "“姓名”超过 50 字"),
        (4, "主任\x00", "“职务”含有控制字符"),
        (9, "X" * 200_000, "第 2 行无法读取"),
    ],
    ids=["long-name", "nul", "200kb-field"],
)
def test_oversized_or_control_cells_are_refused_at_preview(
    city, client_for, column, value, message
):
    row = good_rows(city.school_a.code)[0]
    row[column] = value
    response = upload(client_for("leader_a"), csv_file([row]))
    assert response.status_code == 200
    assert message in _preview_error(response)
    assert not Holder.objects.exists()
