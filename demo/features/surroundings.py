"""The generated city's surroundings (inspections/surroundings): problem spots near the
schools (found by the school, the bureau or the public; most referred to a department and
resolved, some still open), reports from the public through the schools' QR forms (accepted
as spots, dismissed, or waiting), and each county bureau's quarterly joint meeting with the
departments: the spots it discussed, its decisions tracked to done, its minutes.

Volume at 2,000 schools and one year: ~2,600 spots, ~1,000 public reports, 44 meetings with
~130 decisions (bench/notes.md has the timings). Photos and minutes point at one stored file
each."""

from __future__ import annotations

import datetime

from demo.features._kit import (
    EVENT_COLUMNS,
    UnitAccounts,
    moment,
    school_rows,
    stored_pdf,
    unit_accounts,
    write_numbered,
)
from inspections.surroundings.models import (
    JointMeeting,
    MeetingDecision,
    PublicReport,
    SpotEvent,
    SurroundingsSpot,
)
from safety.models import Organisation

MODEL = SurroundingsSpot
NOBODY = UnitAccounts()

SPOTS = [
    ("vendor", "校门口东侧人行道", "放学时段有流动摊贩售卖无标识食品，学生围聚，占用人行道。",
     "police", "请会同市场监管所在放学时段加强巡查，依法取缔无证摊贩。"),
    ("vendor", "学校北门对面小卖部", "小卖部向学生出售香烟和“三无”零食。",
     "market", "请市场监管部门核查该店经营资质并依法处理。"),
    ("internet_cafe", "学校西侧约150米网吧", "网吧距学校不足200米，周末有疑似未成年学生出入。",
     "culture", "请文化和旅游部门核查该网吧的经营许可和未成年人入场登记。"),
    ("hostel", "学校南侧居民楼", "居民楼内开设无证小旅馆，人员流动复杂。",
     "police", "请派出所核查无证旅馆并加强治安巡查。"),
    ("traffic", "校门口主干道", "上下学高峰无减速带和斑马线，家长车辆随意停放，学生横穿马路。",
     "traffic", "请交警部门施划斑马线、设置减速带，上下学时段安排警力疏导。"),
    ("loiterers", "学校围墙外小巷", "放学后常有社会闲散人员聚集，向学生索要财物。",
     "police", "请派出所在放学时段加强巡逻，必要时设立护学岗。"),
    ("other", "学校东侧建筑工地", "工地围挡破损，渣土车进出校门口路段。",
     "urban", "请城管部门督促施工单位修复围挡，错开上下学时段运输。"),
]  # fmt: skip
ANSWERS = [
    "已联合开展专项整治，取缔无证摊贩3处，放学时段安排民警巡逻。",
    "已责令限期整改，并纳入日常监管。",
    "已施划斑马线并设置减速带和警示标志。",
    "已立案调查，依法予以处罚。",
]
PUBLIC = [
    ("surroundings", "学校门口小卖部向学生卖烟，好几次看到了。"),
    ("surroundings", "放学时校门口有人发传单推销网络游戏。"),
    ("hazard", "操场东边的篮球架底座松动，孩子们还在上面玩。"),
    ("hazard", "学校后墙有一段开裂，下雨后更明显。"),
]
DISMISS = "经现场核实，反映情况不属实。"
DEPARTMENTS = ["police", "market", "culture", "traffic", "urban"]
DECISIONS = [
    ("放学时段在学校门口设置固定巡逻点，取缔流动摊贩", "公安派出所"),
    ("在校门口路段施划斑马线、设置减速带和警示标志", "交警大队"),
    ("对学校周边200米内网吧开展专项检查", "文化和旅游局"),
    ("清理校园周边无证经营摊点", "市场监督管理局"),
    ("督促周边工地修复围挡，错开上下学时段运输", "城市管理局"),
]


def generate(gen) -> None:
    schools = school_rows()
    accounts = unit_accounts()
    from demo.generator import _stored_photo

    photo = _stored_photo()[0]
    years = max(1.0, (gen.today - gen.start).days / 365)
    report_spots = _public_reports(gen, schools, accounts, photo, years)
    open_by_county = _spots(gen, schools, accounts, photo, years, report_spots)
    _meetings(gen, accounts, open_by_county)


def _public_reports(gen, schools, accounts, photo, years):
    """Reports through the QR forms, about one a school every two years; returns, for each
    report accepted as a spot, what its spot is made of."""
    rows, as_spot = [], []
    count = max(1, int(len(schools) * 0.5 * years * gen.plan.scale))
    ids = gen._ids(PublicReport, count)
    for number, pk in enumerate(ids):
        # The first school (the benchmark's s00001) has a report with a photo.
        school = schools[gen.rng.randrange(len(schools))] if number else schools[0]
        own = accounts.get(school["id"])
        staff = own.staff if own else None
        category, text = PUBLIC[gen.rng.randrange(len(PUBLIC))]
        created = moment(gen, gen._day(gen.start, gen.today), 7, 22)
        recent = (gen.today - created.date()).days < 10
        status = (
            "unverified"
            if recent and gen.rng.random() < 0.7
            else gen.rng.choice(["accepted", "accepted", "dismissed"])
        )
        if status == "accepted" and category == "hazard":
            status = "dismissed"  # a report taken into the ledger is the hazards' own (core)
        decided = created + datetime.timedelta(hours=gen.rng.randint(2, 48))
        rows.append(
            (pk, school["id"], f"JB{pk:08d}", category, text,
             f"139{gen.rng.randint(10000000, 99999999)}" if gen.rng.random() < 0.6 else "",
             photo if not number or gen.rng.random() < 0.4 else "", status,
             DISMISS if status == "dismissed" else "",
             staff if status != "unverified" else None,
             decided if status != "unverified" else None, created)
        )  # fmt: skip
        if status == "accepted":
            as_spot.append((pk, school, decided, text, rows[-1][6]))
    gen._write(
        PublicReport,
        ["id", "school_id", "reference", "category", "text", "phone", "photo", "status",
         "dismiss_reason", "decided_by_id", "decided_at", "created_at"],
        rows,
    )  # fmt: skip
    return as_spot


def _spots(gen, schools, accounts, photo, years, from_reports) -> dict[int, list[int]]:
    """Spots found by schools and bureaus (about 1.2 a school a year) and the public reports
    accepted as spots; returns the open spots' ids by county (the meetings discuss them)."""
    found = []
    for number in range(max(1, int(len(schools) * 1.2 * years * gen.plan.scale))):
        # The first school (the benchmark's s00001) has a spot with a photo.
        school = schools[gen.rng.randrange(len(schools))] if number else schools[0]
        by = "school" if gen.rng.random() < 0.75 else "bureau"
        found.append((school, by, moment(gen, gen._day(gen.start, gen.today)), None, None, None))
    for report, school, created, text, report_photo in from_reports:
        found.append((school, "public", created, report, text, report_photo))
    spots, events, open_by_county = [], [], {}
    ids = gen._ids(SurroundingsSpot, len(found))
    for number, (pk, (school, by, created, report, text, spot_photo)) in enumerate(
        zip(ids, found, strict=True)
    ):
        first = number == 0
        own = accounts.get(school["id"]) or NOBODY
        bureau = accounts.get(school["parent_id"]) or NOBODY
        kind, place, description, department, request = SPOTS[gen.rng.randrange(len(SPOTS))]
        recorder = own.staff if by in ("school", "public") else bureau.official
        age = (gen.today - created.date()).days
        roll = gen.rng.random()
        if age < 20:
            status = "open" if roll < 0.5 else "referred"
        elif age < 90:
            status = "referred" if roll < 0.45 else "resolved" if roll < 0.95 else "unresolved"
        else:
            status = "resolved" if roll < 0.9 else "unresolved" if roll < 0.96 else "referred"
        referred = created + datetime.timedelta(days=gen.rng.randint(0, 3))
        answered = referred + datetime.timedelta(days=gen.rng.randint(3, 30))
        if answered.date() > gen.today:
            answered = referred
        events.append((pk, recorder, "", "open", "", created))
        if status != "open":
            events.append((pk, bureau.official, "open", "referred", request, referred))
        answer = ""
        if status in ("resolved", "unresolved"):
            answer = ANSWERS[gen.rng.randrange(len(ANSWERS))]
            # The department's answer closes the spot (services.spot_answer), or the bureau
            # closes it unresolved after an answer that did not settle it (spot_close).
            events.append((pk, None, "referred", status, answer, answered))
            if status == "unresolved":
                events[-1] = (pk, None, "referred", "referred", answer, answered)
                comment = "部门答复后复查仍未解决，提交联席会议。"
                events.append((pk, bureau.official, "referred", "unresolved", comment, answered))
        spots.append(
            (pk, school["id"], kind, place, text or description, by,
             department if status != "open" else "", request if status != "open" else "",
             referred if status != "open" else None, answer,
             answered if answer else None, None, status,
             spot_photo if by == "public" else photo if first or gen.rng.random() < 0.5 else "",
             recorder, report, created)
        )  # fmt: skip
        if status in ("open", "referred", "unresolved"):
            open_by_county.setdefault(school["parent_id"], []).append(pk)
    gen._write(
        SurroundingsSpot,
        ["id", "school_id", "kind", "place", "description", "found_by", "department",
         "request_text", "referred_at", "answer_text", "answered_at", "answered_by_id",
         "status", "photo", "reported_by_id", "public_report_id", "created_at"],
        spots,
    )  # fmt: skip
    write_numbered(gen, SpotEvent, ["spot_id", *EVENT_COLUMNS], events)
    return open_by_county


def _meetings(gen, accounts, open_by_county) -> None:
    """Each county bureau's quarterly joint meeting with the departments."""
    minutes = stored_pdf()
    counties = list(
        Organisation.objects.filter(kind="county").order_by("id").values_list("id", "name")
    )
    meetings, decisions, links = [], [], []
    quarters = max(1, round((gen.today - gen.start).days / 91))
    ids = iter(gen._ids(JointMeeting, len(counties) * quarters))
    for county, name in counties:
        official = (accounts.get(county) or NOBODY).official
        for quarter in range(quarters, 0, -1):
            held = gen.today - datetime.timedelta(days=91 * quarter - gen.rng.randint(0, 60))
            pk = next(ids)
            departments = sorted(gen.rng.sample(DEPARTMENTS, gen.rng.randint(3, 5)))
            meetings.append(
                (pk, county, held, f"{name.removesuffix('教育局')}校园周边环境综合治理联席会议",
                 departments, "教育局；公安派出所；市场监管所；文化和旅游局；交警大队",
                 minutes, "会议纪要.pdf", official, moment(gen, held, 17, 20))
            )  # fmt: skip
            for text, owner in gen.rng.sample(DECISIONS, gen.rng.randint(2, 4)):
                due = held + datetime.timedelta(days=gen.rng.choice((14, 30, 60)))
                done = due < gen.today and gen.rng.random() < 0.85
                decisions.append(
                    (pk, text, owner, due, moment(gen, due - datetime.timedelta(days=3))
                     if done else None, official if done else None)
                )  # fmt: skip
            spots = open_by_county.get(county, [])
            for spot in gen.rng.sample(spots, min(len(spots), gen.rng.randint(2, 5))):
                links.append((pk, spot))
    gen._write(
        JointMeeting,
        ["id", "bureau_id", "held_on", "title", "departments", "attendees", "minutes",
         "minutes_name", "recorded_by_id", "created_at"],
        meetings,
    )  # fmt: skip
    write_numbered(
        gen,
        MeetingDecision,
        ["meeting_id", "text", "owner", "due_on", "done_at", "done_by_id"],
        decisions,
    )  # fmt: skip
    through = JointMeeting.spots.through
    write_numbered(
        gen,
        through,
        ["jointmeeting_id", "surroundingsspot_id"],
        links,
    )
