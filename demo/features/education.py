"""The generated city's safety education (safety/education): for every school and term of
the period a term plan naming its grades, lessons over the topics (each in two to four
grades; a few schools short of the minimum), a themed week, the national safety-education
day in spring, letters to parents before the holidays with their receipts, a staff training,
the legal vice-principal's law lesson; and the legal vice-principals' appointments
(three-year terms, a few schools without one in force). Some records carry a photo (one
stored file).

Volume at 2,000 schools and one year: ~4,000 term plans, ~110,000 records, ~2,000
appointments (bench/notes.md has the timings)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from demo.features._kit import moment, school_rows, unit_accounts, write_numbered
from safety.education import services as education_services
from safety.education.models import (
    EducationRecord,
    LegalVicePrincipal,
    Term,
    TermPlan,
    term_of,
)

MODEL = EducationRecord

PRIMARY = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]
JUNIOR = ["初一年级", "初二年级", "初三年级"]
SENIOR = ["高一年级", "高二年级", "高三年级"]
GRADES = {
    "kindergarten": ["小班", "中班", "大班"],
    "primary": PRIMARY,
    "junior_middle": JUNIOR,
    "senior_middle": SENIOR,
    "nine_year": PRIMARY + JUNIOR,
    "twelve_year": PRIMARY + JUNIOR + SENIOR,
    "vocational": ["中职一年级", "中职二年级", "中职三年级"],
    "special": PRIMARY,
}
LESSONS = {
    "drowning": "防溺水专题教育",
    "traffic": "上下学路上的交通安全",
    "fire": "消防疏散与灭火器使用",
    "food": "食品安全与卫生习惯",
    "bullying": "远离校园欺凌",
    "internet": "网络安全与防范电信诈骗",
    "psychological": "心理健康：学会调节情绪",
    "law": "法治课：做知法守法的好少年",
}
TOPICS = list(LESSONS)
LESSONS_PER_TERM = 6
HELD_ROWS = 50_000  # records held in memory before they are written
TEACHERS = "李娜张伟王芳刘洋陈静杨帆赵敏周杰"
POLICE = ["派出所", "人民法院", "人民检察院", "司法所"]
KIND_OF = {
    "派出所": "police",
    "人民法院": "court",
    "人民检察院": "procuratorate",
    "司法所": "justice",
}
POSITION = {"police": "副所长", "court": "审判员", "procuratorate": "检察官", "justice": "所长"}


def generate(gen) -> None:
    schools = school_rows()
    accounts = unit_accounts()
    from demo.generator import _stored_photo

    photo = _stored_photo()[0]
    terms = _terms(gen.start, gen.today)
    vps = _appointments(gen, schools, accounts)
    plans, records = [], []
    for school in schools:
        if len(records) >= HELD_ROWS:
            _write_records(gen, records)
        school["first"] = school is schools[0]
        own = accounts.get(school["id"])
        staff = own.staff if own else None
        grades = GRADES.get(school["school_type"], PRIMARY)
        per_grade = max(30, (school["student_count"] or 300) // len(grades))
        zeal = min(1.3, max(0.4, gen.rng.gauss(0.95, 0.2)))  # some schools fall short
        appointed = vps.get(school["id"], [])
        for term in terms:
            end = min(term.end, gen.today)
            if gen.rng.random() < 0.95:
                topics = sorted(gen.rng.sample(list(LESSONS), 5))
                plans.append(
                    (school["id"], term.key, "\n".join(grades), topics, Decimal("6"),
                     "开学第一课；消防安全宣传月；安全教育日主题活动；假期致家长的一封信。",
                     staff, moment(gen, term.start))
                )  # fmt: skip
            # Lessons, each held in two to four grades at once (one record): about six a
            # term (times the plan's scale), some schools fewer.
            for _ in range(round(LESSONS_PER_TERM * zeal * gen.plan.scale)):
                topic = TOPICS[gen.rng.randrange(len(TOPICS))]
                lowest = gen.rng.randrange(len(grades))
                reached = grades[lowest : lowest + gen.rng.randint(2, 4)]
                records.append(_record(
                    gen, school, staff, term, end, "lesson", topic, LESSONS[topic],
                    "、".join(reached), per_grade * len(reached), Decimal("1"), _teacher(gen),
                    photo,
                ))  # fmt: skip
            everyone = school["student_count"] or 300
            records.append(_record(
                gen, school, staff, term, end, "themed_week", "bullying", "防欺凌主题教育周",
                "、".join(grades), everyone, Decimal("2"), "", photo,
            ))  # fmt: skip
            if term.key.endswith("spring"):
                day = _last_monday_of_march(term.start.year)
                if day <= gen.today:
                    records.append(_record(
                        gen, school, staff, term, end, "safety_day", "fire",
                        "全国中小学生安全教育日主题活动", "、".join(grades), everyone,
                        Decimal("1"), "", photo, day=day,
                    ))  # fmt: skip
            records.append(_record(
                gen, school, staff, term, end, "parent_letter", "drowning",
                "致家长的一封信：假期安全", "", 0, Decimal("0"), "", None,
            ))  # fmt: skip
            records.append(_record(
                gen, school, staff, term, end, "staff_training", "fire", "教职工消防安全培训",
                "", 0, Decimal("2"), "消防救援大队宣传员", None,
            ))  # fmt: skip
            vp = next((v for v in appointed if v[1] <= end and v[2] >= term.start), None)
            if vp is not None:
                records.append(_record(
                    gen, school, staff, term, end, "lesson", "law", LESSONS["law"],
                    grades[-1], per_grade, Decimal("1"), vp[3], photo, vp=vp[0],
                    first=max(term.start, vp[1]),
                ))  # fmt: skip
    write_numbered(
        gen,
        TermPlan,
        ["school_id", "term", "classes", "planned_topics", "planned_hours", "activities",
         "updated_by_id", "updated_at"],
        plans,
    )  # fmt: skip
    _write_records(gen, records)
    education_services.education_summaries_refresh()  # #23: what the homes read


def _write_records(gen, records: list) -> None:
    """Write the records held so far and empty the list (the step writes as it goes, so
    that a province's million records are never all in memory)."""
    rows = [row for row in records if row is not None]
    records.clear()
    write_numbered(
        gen,
        EducationRecord,
        ["school_id", "kind", "topic", "title", "held_on", "classes", "pupils", "hours",
         "teacher", "legal_vice_principal_id", "letters_sent", "receipts_returned", "notes",
         "material", "material_name", "recorded_by_id", "created_at"],
        rows,
    )  # fmt: skip


def _record(  # noqa: PLR0913
    gen,
    school,
    staff,
    term: Term,
    end,
    kind,
    topic,
    title,
    classes,
    pupils,
    hours,
    teacher,
    photo,
    *,
    day=None,
    vp=None,
    first=None,
):
    """One education record's row, held on a day of the term up to today (None when the
    term has not reached its day yet)."""
    first = first or term.start
    if end < first:
        return None
    day = day or gen._day(first, end)
    sent = returned = 0
    if kind == "parent_letter":
        sent = school["student_count"] or 300
        returned = int(sent * gen.rng.uniform(0.8, 1.0))
    # The first school (the benchmark's s00001) has a photo of every lesson.
    material = photo if photo and (gen.rng.random() < 0.3 or school["first"]) else ""
    return (
        school["id"],
        kind,
        topic,
        title,
        day,
        classes,
        pupils,
        hours,
        teacher,
        vp,
        sent,
        returned,
        "",
        material,
        "活动照片.jpg" if material else "",
        staff,
        moment(gen, day, 16, 20),
    )


def _appointments(gen, schools, accounts) -> dict[int, list[tuple]]:
    """Legal vice-principals: three-year terms of office back from today (one school in
    fifteen has none in force); returns (id, starts, ends, name) by school."""
    rows, found = [], {}
    ids = iter(gen._ids(LegalVicePrincipal, len(schools) * 3))
    for school in schools:
        own = accounts.get(school["id"])
        leader = own.leader if own else None
        ends = gen.today + datetime.timedelta(days=gen.rng.randint(30, 3 * 365))
        if gen.rng.random() < 0.07:
            ends = gen.today - datetime.timedelta(days=gen.rng.randint(5, 200))  # a gap
        for _term in range(3):
            starts = ends - datetime.timedelta(days=3 * 365)
            source = POLICE[gen.rng.randrange(len(POLICE))]
            kind = KIND_OF[source]
            name = gen._person()
            pk = next(ids)
            area = school["name"][:2]
            rows.append(
                (pk, school["id"], name, kind, f"{area}{source}", POSITION[kind],
                 f"139{pk:08d}"[:11], starts, ends, None, leader, moment(gen, starts))
            )  # fmt: skip
            found.setdefault(school["id"], []).append((pk, starts, ends, name))
            if starts <= gen.start:
                break
            ends = starts - datetime.timedelta(days=1)
    gen._write(
        LegalVicePrincipal,
        ["id", "school_id", "name", "organisation_kind", "organisation", "position", "phone",
         "starts_on", "ends_on", "reminded_at", "created_by_id", "created_at"],
        rows,
    )  # fmt: skip
    return found


def _terms(start: datetime.date, today: datetime.date) -> list[Term]:
    """The terms from `start` to `today`, oldest first."""
    terms, day = [], start
    while day <= today:
        term = term_of(day)
        terms.append(term)
        day = term.end + datetime.timedelta(days=1)
    return terms


def _last_monday_of_march(year: int) -> datetime.date:
    day = datetime.date(year, 3, 31)
    return day - datetime.timedelta(days=day.weekday())


def _teacher(gen) -> str:
    return TEACHERS[gen.rng.randrange(len(TEACHERS))] + "老师"
