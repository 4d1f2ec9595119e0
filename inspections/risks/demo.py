"""Demo risk grading (run by seed_demo): 江城区实验小学's risk points in four colours on a
drawn campus plan, a check that found the canteen not controlled (a hazard), its
yellow-and-above list waiting for 江城区's acknowledgement, the city's grading settings,
and 江城区's rectification deadlines counted in working days."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from safety.models import Organisation, SafetyArea, User
from safety.responsibility.models import Post
from safety.uploads import clean_image
from safety.workdays import DayUnit

from ..models import InspectionSettings
from . import services
from .models import RiskPoint, RiskSettings

SCHOOL_CODE = "2136080201"

# (place or activity, area key, what can go wrong, L, S, control measures, post key, x, y)
POINTS = (
    (
        "放学时段教学楼楼梯间",
        "buildings",
        "放学时学生集中下楼，拥挤推搡可能发生踩踏。",
        4,
        5,
        "分年级错峰放学；每个楼梯口安排教师值守；楼梯设靠右行走标识和应急照明。",
        "grade_leader",
        0.20,
        0.38,
    ),
    (
        "食堂操作间",
        "food",
        "食材储存或加工不当可能引起食物中毒；燃气泄漏可能引起火灾。",
        3,
        5,
        "食材索证索票、留样48小时；燃气报警器每月检测；操作间专人上锁。",
        "canteen_manager",
        0.70,
        0.38,
    ),
    (
        "学校大门（上下学时段）",
        "traffic",
        "接送车辆与学生混行，可能发生交通事故；外来人员可能趁乱进入。",
        3,
        4,
        "上下学时段门卫与护学岗到岗；校门口设隔离护栏和减速带。",
        "gate_security",
        0.40,
        0.97,
    ),
    (
        "配电房",
        "fire",
        "线路老化或违规操作可能引起触电、电气火灾。",
        2,
        5,
        "配电房上锁，电工持证上岗；每月检查线路并记录。",
        "electrician",
        0.875,
        0.81,
    ),
    (
        "大课间及体育课活动",
        "teaching",
        "器材松动或运动强度不当可能造成学生受伤。",
        3,
        3,
        "课前检查器材；体育教师现场看护；特异体质学生名单到班。",
        "teaching_head",
        0.22,
        0.80,
    ),
    (
        "科学实验室",
        "teaching",
        "实验器材使用不当可能造成割伤、烫伤。",
        2,
        3,
        "实验前安全讲解；危险器材专柜存放。",
        "teaching_head",
        0.68,
        0.66,
    ),
)

BUILDINGS = (
    ("教学楼", (120, 120, 600, 360)),
    ("食堂", (760, 120, 1080, 360)),
    ("操场", (120, 460, 600, 720)),
    ("实验楼", (760, 440, 1000, 560)),
    ("配电房", (1020, 560, 1140, 660)),
    ("大门", (520, 760, 680, 800)),
)


def _plan_image() -> SimpleUploadedFile:
    """A simple drawn campus plan (1200 × 800) with the buildings named in Chinese."""
    image = Image.new("RGB", (1200, 800), "#f4f1e8")
    draw = ImageDraw.Draw(image)
    font_path = settings.BASE_DIR / "static" / "fonts" / "NotoSansCJKsc-Regular.otf"
    font = ImageFont.truetype(str(font_path), 32)
    for name, box in BUILDINGS:
        draw.rectangle(box, fill="#d9e2ec", outline="#486581", width=4)
        draw.text(
            ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
            name,
            fill="#102a43",
            font=font,
            anchor="mm",
        )
    draw.text((600, 40), "江城区实验小学校园平面图", fill="#102a43", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("校园平面图.png", buffer.getvalue(), content_type="image/png")


def seed() -> None:
    school = Organisation.objects.filter(code=SCHOOL_CODE).first()
    leader = User.objects.filter(username="school.leader").first()
    staff = User.objects.filter(username="school.staff").first()
    if not (school and leader and staff) or RiskPoint.objects.filter(school=school).exists():
        return
    city = Organisation.objects.filter(kind=Organisation.Kind.CITY).first()
    if city is not None:
        RiskSettings.objects.get_or_create(bureau=city)
    county = school.parent
    if county is not None:
        InspectionSettings.objects.update_or_create(
            bureau=county,
            defaults={
                "general_deadline_days": 5,
                "major_deadline_days": 15,
                "deadline_unit": DayUnit.WORKING,
            },
        )
    posts = {post.key: post for post in Post.objects.filter(unit_kind=Post.UnitKind.SCHOOL)}
    areas = {area.key: area for area in SafetyArea.objects.all()}
    services.plan_upload(actor=leader, school=school, image=clean_image(_plan_image()))
    points = []
    for name, area, danger, likelihood, severity, measures, post, x, y in POINTS:
        point = services.point_save(
            actor=leader,
            school=school,
            values={
                "name": name,
                "area": areas[area],
                "danger": danger,
                "method": "ls",
                "likelihood": Decimal(likelihood),
                "severity": Decimal(severity),
                "exposure": None,
                "control_measures": measures,
                "post": posts[post],
            },
        )
        services.point_place(actor=leader, point=point, x=x, y=y)
        points.append(point)
    services.point_check(
        actor=staff, point=points[0], controlled=True, note="各楼梯口值守教师到岗，秩序正常。"
    )
    services.point_check(
        actor=staff,
        point=points[1],
        controlled=False,
        note="燃气报警器本月未检测，检测记录缺失。",
    )
    services.report_submit(actor=leader, school=school)
