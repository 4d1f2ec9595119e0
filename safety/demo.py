"""The demo city loaded by `manage.py seed_demo`: a fictional prefecture-level city with a
realistic shape (an urban district, a suburban district, two rural counties, a city-direct
school). Later features add their demo rows through `seed_demo` too."""

from __future__ import annotations

from typing import Any

from . import services
from .models import Organisation, SafetyArea, User

DEMO_PASSWORD = "SafeCampus@2026"  # noqa: S105 - printed and documented: demo only

CITY = {"code": "360800", "name": "临江市教育局", "phone": "0796-8221001"}

COUNTIES = [
    {"code": "360802", "name": "临江市江城区教育局", "phone": "0796-8231100"},
    {"code": "360803", "name": "临江市东湖区教育局", "phone": "0796-8265200"},
    {"code": "360821", "name": "青山县教育局", "phone": "0796-6112300"},
    {"code": "360822", "name": "云溪县教育局", "phone": "0796-6328400"},
]

# (parent code, code, name, type, boarding, locality, students, staff, address)
SCHOOLS = [
    (
        "360800",
        "2136080001",
        "临江市第一中学",
        "senior_middle",
        True,
        "urban",
        3120,
        265,
        "临江市江城区学府路18号",
    ),
    (
        "360802",
        "2136080201",
        "江城区实验小学",
        "primary",
        False,
        "urban",
        2150,
        118,
        "临江市江城区解放路56号",
    ),
    (
        "360802",
        "2136080202",
        "江城区第三中学",
        "junior_middle",
        False,
        "urban",
        1680,
        132,
        "临江市江城区人民路202号",
    ),
    (
        "360802",
        "2136080203",
        "江城区机关幼儿园",
        "kindergarten",
        False,
        "urban",
        420,
        56,
        "临江市江城区青年路9号",
    ),
    (
        "360802",
        "2136080204",
        "江城区外国语学校",
        "twelve_year",
        True,
        "urban",
        2860,
        240,
        "临江市江城区滨江大道300号",
    ),
    (
        "360803",
        "2136080301",
        "东湖区滨湖小学",
        "primary",
        False,
        "urban",
        1320,
        86,
        "临江市东湖区湖滨路77号",
    ),
    (
        "360803",
        "2136080302",
        "东湖区阳光幼儿园",
        "kindergarten",
        False,
        "urban",
        360,
        48,
        "临江市东湖区阳光新村12栋",
    ),
    (
        "360803",
        "2136080303",
        "东湖区特殊教育学校",
        "special",
        True,
        "urban",
        146,
        52,
        "临江市东湖区康宁路3号",
    ),
    (
        "360803",
        "2136080304",
        "东湖区职业中等专业学校",
        "vocational",
        True,
        "urban",
        2240,
        178,
        "临江市东湖区工业大道88号",
    ),
    (
        "360821",
        "2136082101",
        "青山县城关镇中心小学",
        "primary",
        False,
        "urban",
        1560,
        92,
        "青山县城关镇文化路21号",
    ),
    (
        "360821",
        "2136082102",
        "青山县第二中学",
        "junior_middle",
        True,
        "rural",
        980,
        81,
        "青山县龙潭镇中学路1号",
    ),
    (
        "360821",
        "2136082103",
        "青山县石门乡九年一贯制学校",
        "nine_year",
        True,
        "rural",
        640,
        58,
        "青山县石门乡石门村",
    ),
    (
        "360821",
        "2136082104",
        "青山县中学",
        "senior_middle",
        True,
        "urban",
        2480,
        196,
        "青山县城关镇育才路5号",
    ),
    (
        "360822",
        "2136082201",
        "云溪县桃源镇中心幼儿园",
        "kindergarten",
        False,
        "rural",
        210,
        24,
        "云溪县桃源镇桃源街32号",
    ),
    (
        "360822",
        "2136082202",
        "云溪县白沙九年一贯制学校",
        "nine_year",
        True,
        "rural",
        720,
        63,
        "云溪县白沙镇白沙村",
    ),
    (
        "360822",
        "2136082203",
        "云溪县职业技术学校",
        "vocational",
        True,
        "rural",
        1180,
        96,
        "云溪县云溪镇职教路2号",
    ),
]

# (username, full name, title, unit code, role, description for the credentials table)
ACCOUNTS = [
    (
        "city.admin",
        "林志远",
        "信息中心主任",
        "360800",
        "administrator",
        "City bureau administrator (whole system)",
    ),
    (
        "city.official",
        "王建国",
        "安全稳定科科长",
        "360800",
        "bureau_official",
        "City bureau official",
    ),
    (
        "jc.admin",
        "陈晓梅",
        "办公室副主任",
        "360802",
        "administrator",
        "County administrator (江城区)",
    ),
    (
        "jc.official",
        "刘洋",
        "安全股股长",
        "360802",
        "bureau_official",
        "County bureau official (江城区)",
    ),
    (
        "dh.official",
        "赵敏",
        "安全股干事",
        "360803",
        "bureau_official",
        "Official of another county (东湖区)",
    ),
    (
        "school.leader",
        "张伟",
        "校长",
        "2136080201",
        "school_leader",
        "School leader, principal (江城区实验小学)",
    ),
    (
        "school.staff",
        "李娜",
        "安全办干事",
        "2136080201",
        "school_staff",
        "School staff (江城区实验小学)",
    ),
    (
        "school.b.staff",
        "周杰",
        "总务处干事",
        "2136080202",
        "school_staff",
        "School staff of another school in the same county (江城区第三中学)",
    ),
]


def seed() -> tuple[int, int]:
    """Create the demo units and accounts that do not exist yet; return how many."""
    _ensure_safety_areas()
    return seed_units(), seed_accounts()


def _ensure_safety_areas() -> None:
    """The nine areas come from a data migration; a test database flushed by transactional
    tests has lost them, so load them again the same way."""
    if not SafetyArea.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("safety.migrations.0002_safety_areas").load_areas(apps, None)


def seed_units() -> int:
    existing = set(Organisation.objects.values_list("code", flat=True))
    units = {unit.code: unit for unit in Organisation.objects.all()}
    created = 0

    def create(code: str, **fields: Any) -> None:
        nonlocal created
        if code in existing:
            return
        units[code] = services.organisation_create(actor=None, code=code, **fields)
        created += 1

    create(
        CITY["code"],
        name=CITY["name"],
        phone=CITY["phone"],
        kind=Organisation.Kind.CITY,
    )
    for county in COUNTIES:
        create(
            county["code"],
            name=county["name"],
            phone=county["phone"],
            kind=Organisation.Kind.COUNTY,
            parent=units[CITY["code"]],
        )
    for (
        parent,
        code,
        name,
        school_type,
        boarding,
        locality,
        students,
        staff,
        address,
    ) in SCHOOLS:
        create(
            code,
            name=name,
            kind=Organisation.Kind.SCHOOL,
            parent=units[parent],
            school_type=school_type,
            is_boarding=boarding,
            locality=locality,
            student_count=students,
            staff_count=staff,
            address=address,
        )
    return created


def seed_accounts() -> int:
    units = {unit.code: unit for unit in Organisation.objects.all()}
    existing = set(User.objects.values_list("username", flat=True))
    created = 0
    for username, full_name, title, code, role, _description in ACCOUNTS:
        if username in existing:
            continue
        services.user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            title=title,
            organisation=units[code],
            role=role,
        )
        created += 1
    return created


# --- Responsibility system demo rows ----------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN_NAMES = [
    "建华",
    "丽娟",
    "志强",
    "秀英",
    "海燕",
    "国庆",
    "春梅",
    "晓东",
    "文静",
    "永红",
    "俊杰",
    "慧敏",
    "宏伟",
    "玉兰",
    "明辉",
    "红霞",
    "立新",
    "雪梅",
    "振华",
    "美玲",
    "德胜",
    "桂芳",
]
# School code → what is left undone there, so the coverage pages have something to show.
DEMO_GAPS = {
    # 江城区实验小学 (school.leader): nobody for the internet area, no psychological
    # counsellor, two letters unsigned.
    "2136080201": {"skip_posts": {"psychological_counsellor"}, "no_internet": True, "unsigned": 2},
    "2136080202": {"skip_posts": {"canteen_manager"}, "unsigned": 1},
    "2136080203": {},  # fully covered, every letter signed
    "2136080204": {"skip_posts": {"dormitory_manager"}, "expired_certificate": True},
    "2136080301": {"unsigned": 99},  # letters issued, none signed
    "2136082101": {"skip_posts": {"canteen_manager", "gate_security", "electrician"}},
    "2136082102": {"nothing": True},  # a school that has not started at all
    "2136082201": {"expired_certificate": True, "no_internet": True},
}


def _demo_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN_NAMES[(index * 7) % len(GIVEN_NAMES)]


def seed_responsibilities() -> None:
    """Holders, assignments and letters for every demo unit that has none yet (idempotent):
    bureaus get their leaders, schools their posts, with the gaps listed in DEMO_GAPS."""
    import datetime

    from .models import (
        Assignment,
        Certificate,
        Holder,
        LetterEvent,
        Post,
        ResponsibilityLetter,
        SafetyArea,
        current_school_year,
        school_year_bounds,
    )

    _ensure_catalogues()
    year = current_school_year()
    start = school_year_bounds(year)[0]
    units = Organisation.objects.filter(
        code__in=[CITY["code"], *(c["code"] for c in COUNTIES), *(s[1] for s in SCHOOLS)]
    ).order_by("path")
    started = set(Assignment.objects.values_list("unit_id", flat=True))
    posts = list(Post.objects.filter(is_active=True))
    all_areas = list(SafetyArea.objects.filter(is_active=True))
    counter = 0
    for unit in units:
        if unit.pk in started:
            continue
        gaps = DEMO_GAPS.get(unit.code, {})
        if gaps.get("nothing"):
            continue
        for post in posts:
            if not post.is_required_for(unit) or post.key in gaps.get("skip_posts", set()):
                continue
            copies = 2 if post.key in ("class_teacher", "grade_leader") else 1
            for _copy in range(copies):
                counter += 1
                holder = services.holder_save(
                    actor=None,
                    holder=Holder(
                        unit=unit,
                        name=_demo_name(counter + unit.pk * 3),
                        phone=f"139{unit.pk:04d}{counter:04d}",
                        job_title=post.name_zh,
                    ),
                )
                areas = None
                if gaps.get("no_internet"):
                    areas = [a for a in post.default_areas.all() if a.key != "internet"]
                elif post.key == "safety_vice_principal":
                    areas = all_areas  # the vice-principal backs up every area
                services.assignment_create(
                    actor=None, unit=unit, post=post, holder=holder, start_date=start, areas=areas
                )
                if post.certificate_kind:
                    expired = gaps.get("expired_certificate")
                    Certificate.objects.create(
                        holder=holder,
                        kind=post.certificate_kind,
                        number=f"DEMO{unit.pk:03d}{counter:04d}",
                        expires_on=start - datetime.timedelta(days=30)
                        if expired and post.certificate_kind == "electrician"
                        else start + datetime.timedelta(days=3 * 365),
                    )
        if unit.is_bureau:
            services.letters_issue_bulk(actor=None, unit=unit, school_year=year)
            continue
        services.letters_issue_bulk(actor=None, unit=unit, school_year=year)
        letters = ResponsibilityLetter.objects.filter(
            assignment__unit=unit, school_year=year
        ).order_by("-assignment__post__order", "id")
        unsigned = {letter.pk for letter in letters[: gaps.get("unsigned", 0)]}
        for letter in letters:
            if letter.pk in unsigned:
                continue
            # Signed on paper at the start of the year (the demo attaches no scan).
            ResponsibilityLetter.objects.filter(pk=letter.pk).update(
                status=ResponsibilityLetter.Status.SIGNED,
                signed_on=start + datetime.timedelta(days=5),
            )
            LetterEvent.objects.create(
                letter=letter,
                from_status=ResponsibilityLetter.Status.ISSUED,
                to_status=ResponsibilityLetter.Status.SIGNED,
                comment="demo",
            )


def _ensure_catalogues() -> None:
    """The safety areas and standard posts come from data migrations; a database flushed
    since (a test database between browser tests) gets them back. Existing rows are kept."""
    from importlib import import_module

    from django.apps import apps

    from .models import SafetyArea

    if not SafetyArea.objects.exists():
        import_module("safety.migrations.0002_safety_areas").load_areas(apps, None)
    import_module("safety.migrations.0006_standard_posts").load_posts(apps, None)
