"""The demo city loaded by `manage.py seed_demo`: a fictional prefecture-level city with a
realistic shape (an urban district, a suburban district, two rural counties, a city-direct
school). Later features add their demo rows through `seed_demo` too."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps

from . import services
from .models import Organisation, SafetyArea, User
from .preparedness import demo as preparedness_demo
from .responsibility import demo as responsibility_demo

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
    # Daily guarding (issue #15): the gatekeeper of the day school, the leader and the
    # dormitory manager of a boarding school of 江城区.
    ("gate.keeper", "陈守义", "门卫", "2136080201", "school_staff", "Gatekeeper (江城区实验小学)"),
    (
        "boarding.leader",
        "吴海涛",
        "副校长",
        "2136080204",
        "school_leader",
        "School leader of a boarding school (江城区外国语学校)",
    ),
    (
        "dorm.manager",
        "黄秀兰",
        "宿舍管理员",
        "2136080204",
        "school_staff",
        "Dormitory manager of a boarding school (江城区外国语学校)",
    ),
    # #17: the police liaison officer of 江城区 (sees its surroundings ledger only).
    (
        "jc.police",
        "黄振华",
        "江城派出所社区民警",
        "360802",
        "department_liaison",
        "Department liaison of the police (江城区): surroundings ledger and joint meetings only",
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
        import_module("safety.migrations.0002_safety_areas").load_areas(apps, None)


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
            unit=units[code],
            role=role,
        )
        created += 1
    return created


def _ensure_catalogues() -> None:
    """The safety areas and standard posts come from data migrations; a database flushed
    since (a test database between browser tests) gets them back. Existing rows are kept."""
    _ensure_safety_areas()
    responsibility_demo.ensure_posts()


def seed_responsibilities() -> None:
    """The responsibility system's demo rows for every unit of the demo city
    (safety.responsibility.demo); idempotent."""
    _ensure_catalogues()
    unit_codes = [CITY["code"], *(c["code"] for c in COUNTIES), *(s[1] for s in SCHOOLS)]
    responsibility_demo.seed(unit_codes=unit_codes)


def seed_preparedness():
    """Emergency preparedness demo rows for every demo school (safety.preparedness.demo);
    idempotent. Returns the drill problem the hazard ledger should take up, or None."""
    return preparedness_demo.seed(school_codes=[s[1] for s in SCHOOLS])
