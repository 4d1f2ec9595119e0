"""Demo activities and school buses for 江城区实验小学 (the demo school leader's school) and
江城区第三中学: an application waiting for the county, one approved by the county, one
returned and one draft; a past study tour held with its summary; buses with a document
expiring soon and one expired (a gap). Idempotent: a school that has activities is left
alone. Dates follow today, so the demo always shows upcoming activities."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safety.models import Organisation, User
from safety.responsibility.models import Holder
from safety.responsibility.services import holder_save

from . import services
from .models import Activity, ActivityApproval, BusEscort, BusRoute, SchoolBus, SchoolBusDriver

SCHOOL_CODE = "2136080201"  # 江城区实验小学
OTHER_CODE = "2136080202"  # 江城区第三中学
Decision = ActivityApproval.Decision
PLAN = "分班编组，每班两名教师随队；出发前清点人数，集合点名；全程不得单独行动。"
MEASURES = "随队校医一名，携带急救箱；就近医院：临江市人民医院；走失按预案报警。"
RETURN_COMMENT = "过夜住宿安排不明确，请补充住宿地点、男女分区和夜间值守教师名单。"


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def _holder(school: Organisation, name: str, phone: str) -> Holder:
    found = Holder.objects.filter(unit=school, name=name).first()
    return found or holder_save(actor=None, holder=Holder(unit=school, name=name, phone=phone))


def _account(school: Organisation, role: str) -> User | None:
    return User.objects.filter(unit=school, role=role, is_active=True).order_by("pk").first()


def _official(unit: Organisation | None) -> User | None:
    if unit is None:
        return None
    return _account(unit, User.Role.BUREAU_OFFICIAL)


def _register(school: Organisation, *, expired: bool) -> tuple[SchoolBus, SchoolBusDriver]:
    today = timezone.localdate()
    soon, far = today + datetime.timedelta(days=20), today + datetime.timedelta(days=300)
    past = today - datetime.timedelta(days=12)
    first = SchoolBus.objects.create(
        school=school,
        plate="赣G·C1208" if not expired else "赣G·C3301",
        seats=45,
        permit_number="JC-XC-2024-018" if not expired else "JC-XC-2023-007",
        permit_expires=far,
        inspection_expires=past if expired else far,
        insurance_expires=soon if not expired else far,
    )
    SchoolBus.objects.create(
        school=school,
        plate="赣G·C1209" if not expired else "赣G·C3302",
        seats=35,
        permit_number="JC-XC-2024-019" if not expired else "JC-XC-2023-008",
        permit_expires=far,
        inspection_expires=far,
        insurance_expires=far,
    )
    driver = SchoolBusDriver.objects.create(
        school=school,
        name="黄国强" if not expired else "吴志明",
        phone="13907920001" if not expired else "13907920002",
        licence_class="A1",
        licence_number="360403197805120011",
        licence_expires=far,
        checked_on=today - datetime.timedelta(days=60),
        check_record="无犯罪记录、无酒驾记录；年度体检合格。",
    )
    SchoolBusDriver.objects.create(
        school=school,
        name="刘海" if not expired else "钱立新",
        licence_class="B1",
        licence_number="360403198203150022",
        licence_expires=soon if not expired else past,
    )
    escort = BusEscort.objects.create(school=school, name="陈秀兰", phone="13907920003")
    BusRoute.objects.create(
        school=school,
        name="城东线",
        bus=first,
        driver=driver,
        escort=escort,
        stops="东湖花园北门\n滨江小区\n实验小学东门",
        pupils=38,
    )
    # Emergency preparedness (issue #14): a school with buses drills a bus evacuation.
    services.sync_school_buses(actor=None, school=school)
    return first, driver


def _fields(school: Organisation, **values) -> dict:
    base = {
        "is_off_campus": False,
        "is_overnight": False,
        "is_outside_city": False,
        "person_in_charge": _holder(school, "张伟", "13907920100"),
        "safety_officer": _holder(school, "李娜", "13907920101"),
        "safety_plan": PLAN,
        "emergency_measures": MEASURES,
        "insurance": "中国人寿学生团体意外险 第2026-0318号",
        "transport": Activity.Transport.NONE,
        "operator_name": "",
        "operator_licence": "",
    }
    base.update(values)
    return base


def _submit(actor: User, school: Organisation, fields: dict, vehicles=(), now=None) -> Activity:
    activity = services.activity_save_draft(
        actor=actor, school=school, fields=fields, vehicles=list(vehicles), now=now
    )
    services.activity_submit(actor=actor, activity=activity, now=now)
    activity.refresh_from_db()
    return activity


def _decide(actor: User | None, activity: Activity, decision: str, comment: str = "") -> None:
    if actor is not None:
        services.activity_decide(actor=actor, activity=activity, decision=decision, comment=comment)
        activity.refresh_from_db()


def _seed_school(school: Organisation) -> None:
    staff = _account(school, User.Role.SCHOOL_STAFF)
    leader = _account(school, User.Role.SCHOOL_LEADER)
    if staff is None or leader is None:
        return
    county = _official(school.parent)
    bus, driver = _register(school, expired=False)
    vehicle = {"bus": bus, "driver": driver, "passengers": 43, "plate": "", "seats": None,
               "driver_name": "", "licence_class": ""}  # fmt: skip
    tour = _submit(
        staff,
        school,
        _fields(
            school,
            kind="study_tour",
            title="五年级滕王阁研学",
            starts_at=_at(10, 8),
            ends_at=_at(10, 17),
            place="滕王阁景区",
            is_off_campus=True,
            pupils=40,
            staff=3,
            consent_count=38,
            transport=Activity.Transport.OWN_BUSES,
        ),
        [vehicle],
    )
    _decide(leader, tour, Decision.APPROVED)  # waits for the county now
    meet = _submit(
        staff,
        school,
        _fields(
            school,
            kind="sports_meet",
            title="2026年秋季田径运动会",
            starts_at=_at(5, 8),
            ends_at=_at(6, 16),
            place="学校田径场",
            pupils=620,
            staff=48,
            consent_count=0,
        ),
    )
    _decide(leader, meet, Decision.APPROVED)
    _decide(county, meet, Decision.APPROVED)
    trip = _submit(
        leader,
        school,
        _fields(
            school,
            kind="social_practice",
            title="六年级赴南昌八一纪念馆社会实践",
            starts_at=_at(20, 7),
            ends_at=_at(21, 18),
            place="南昌八一起义纪念馆",
            is_off_campus=True,
            is_overnight=True,
            is_outside_city=True,
            pupils=52,
            staff=6,
            consent_count=52,
            transport=Activity.Transport.HIRED,
            operator_name="临江顺达旅游客运有限公司",
            operator_licence="赣交运管许可临字360400001号",
        ),
        [
            {
                "bus": None,
                "driver": None,
                "plate": "赣G·A5566",
                "seats": 55,
                "passengers": 55,
                "driver_name": "孙建华",
                "licence_class": "A1",
            }
        ],  # fmt: skip
    )
    _decide(leader, trip, Decision.APPROVED)
    _decide(
        county,
        trip,
        Decision.RETURNED,
        "过夜住宿安排不明确，请补充住宿地点、男女分区和夜间值守教师名单。",
    )
    past_start = _at(-9, 8)
    outing = _submit(
        staff,
        school,
        _fields(
            school,
            kind="outing",
            title="三年级湿地公园秋游",
            starts_at=past_start,
            ends_at=_at(-9, 15),
            place="临江湿地公园",
            is_off_campus=True,
            pupils=42,
            staff=4,
            consent_count=42,
        ),
        now=past_start - datetime.timedelta(days=12),
    )
    _decide(leader, outing, Decision.APPROVED)
    _decide(county, outing, Decision.APPROVED)
    services.activity_file_summary(
        actor=staff,
        activity=outing,
        outcome=Activity.Outcome.AS_PLANNED,
        text="按计划完成，学生全部安全返校；返程时集合点调整到公园南门，今后提前踩点。",
    )
    services.activity_save_draft(
        actor=staff,
        school=school,
        fields=_fields(
            school,
            kind="performance",
            title="元旦文艺汇演",
            starts_at=_at(30, 14),
            ends_at=_at(30, 17),
            place="学校报告厅",
            pupils=300,
            staff=30,
            consent_count=0,
        ),
        vehicles=[],
    )


def seed() -> None:
    for code, expired_register in ((SCHOOL_CODE, False), (OTHER_CODE, True)):
        school = Organisation.objects.filter(code=code).first()
        if school is None or Activity.objects.filter(school=school).exists():
            continue
        if SchoolBus.objects.filter(school=school).exists():
            continue
        if expired_register:
            _register(school, expired=True)
        else:
            _seed_school(school)
