"""Special campaigns (#18) of the generated city: each city launches three a year to its
schools (the start-of-term check twice, a drowning-prevention campaign), each county one of
its own (volumes times --scale, at most twice); the counties forward the city's with an
earlier deadline; every covered school has its task, a submitted one with its campaign
inspection and short report. The latest city
campaign is a few days old: about half the schools have started, and half the counties (the
even-numbered) have forwarded it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from demo.features import _city
from inspections.campaigns import services as campaign_services
from inspections.campaigns.models import Campaign, CampaignForward, CampaignTask
from inspections.models import ChecklistTemplate, Inspection

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = Campaign

CITY_CAMPAIGNS = [
    ("秋季开学校园安全大检查", "fire", "全面排查消防、校舍、食品、交通等方面安全隐患。"),
    ("防溺水专项整治行动", "surroundings", "排查校园周边水域风险，落实防溺水教育和家校共管。"),
    ("春季开学校园安全大检查", "buildings", "开学前全面排查校舍、消防、食堂安全隐患。"),
]
COUNTY_CAMPAIGN = ("食品安全专项检查", "food", "对学校食堂从业人员、留样、进货查验进行专项检查。")
REPORTS = [
    "已按检查表逐项检查，发现问题已登记为隐患并落实整改。",
    "已完成专项检查，未发现重大隐患，个别问题已现场整改。",
    "检查已完成，相关隐患已明确责任人和整改期限。",
]


def generate(gen: Generator) -> None:
    city = _city.load()
    versions = dict(
        ChecklistTemplate.objects.filter(current_version__isnull=False).values_list(
            "area__key", "current_version_id"
        )
    )
    fallback = next(iter(versions.values()))
    campaigns, forwards, tasks, inspections = [], [], [], []
    # (bureau, title, area, purpose, launched on, deadline) — one round every four months.
    launches = []
    rounds = max(1, round(3 * gen.plan.years * min(gen.plan.scale, 2)))
    for number in range(rounds):
        # Spread over the period, the latest four days old.
        spacing = 365 * gen.plan.years // rounds
        launched = gen.today - datetime.timedelta(days=4 + spacing * (rounds - 1 - number))
        title, area, purpose = CITY_CAMPAIGNS[number % len(CITY_CAMPAIGNS)]
        for bureau in city.cities:
            launches.append((bureau, f"{launched.year}年{title}", area, purpose, launched, 30))
        if number % 3 == 1:
            for county in city.counties:
                title, area, purpose = COUNTY_CAMPAIGN
                launches.append((county, f"{launched.year}年{title}", area, purpose,
                                 launched - datetime.timedelta(days=20), 21))  # fmt: skip
    campaign_ids = gen._ids(Campaign, len(launches))
    county_index = {c["id"]: i for i, c in enumerate(city.counties, 1)}
    for pk, (bureau, title, area, purpose, launched, days) in zip(
        campaign_ids, launches, strict=True
    ):
        deadline = launched + datetime.timedelta(days=days)
        created = gen._moment(launched)
        campaigns.append(
            (pk, bureau["id"], title, purpose, versions.get(area, fallback), {}, launched,
             deadline, city.official[bureau["id"]], created)
        )  # fmt: skip
        fresh = deadline >= gen.today
        county_deadline = {}
        if bureau["kind"] == "city":
            for county in city.counties:
                if county["parent_id"] != bureau["id"]:
                    continue
                if fresh and county_index[county["id"]] % 2:
                    continue  # the odd-numbered counties have not forwarded it yet
                day = launched + datetime.timedelta(days=gen.rng.randint(1, 3))
                if day > gen.today:
                    continue
                county_deadline[county["id"]] = deadline - datetime.timedelta(days=7)
                forwards.append(
                    (pk, county["id"], county_deadline[county["id"]],
                     "请各校提前完成，局里将组织抽查。", city.official[county["id"]],
                     gen._moment(day))
                )  # fmt: skip
        for school in city.schools_of(bureau):
            due = county_deadline.get(school["parent_id"], deadline)
            roll = gen.rng.random()
            if fresh:
                status = "submitted" if roll < 0.15 else "in_progress" if roll < 0.5 else ""
            else:
                status = "submitted" if roll < 0.93 else "in_progress" if roll < 0.97 else ""
            inspection = submitted = None
            if status:
                day = gen._day(launched, min(gen.today, due + datetime.timedelta(days=5)))
                inspection = len(inspections)
                done = status == "submitted"
                inspections.append(
                    [school["id"], "campaign", "submitted" if done else "draft",
                     versions.get(area, fallback), city.staff[school["id"]], day,
                     "按专项检查表逐项检查" if done else "", None, gen._moment(day),
                     gen._moment(day, 16, 20) if done else None, pk]
                )  # fmt: skip
                submitted = gen._moment(day, 16, 21) if done else None
            tasks.append(
                [pk, school["id"], due, status or "not_started", inspection,
                 gen.rng.choice(REPORTS) if submitted else "",
                 city.staff[school["id"]] if submitted else None, submitted,
                 None if fresh or submitted else deadline]
            )  # fmt: skip
    gen._write(
        Campaign,
        ["id", "bureau_id", "title", "purpose", "checklist_id", "filters", "starts_on",
         "deadline", "created_by_id", "created_at"],
        campaigns,
    )  # fmt: skip
    gen._write(
        CampaignForward,
        ["id", "campaign_id", "county_id", "deadline", "note", "forwarded_by_id", "created_at"],
        ((pk, *row) for pk, row in zip(gen._ids(CampaignForward, len(forwards)), forwards,
                                        strict=True)),
    )  # fmt: skip
    inspection_ids = gen._ids(Inspection, len(inspections))
    gen._write(
        Inspection,
        ["id", "school_id", "kind", "status", "checklist_id", "inspector_id", "inspected_on",
         "summary", "spot_check_draw_id", "created_at", "submitted_at", "campaign_id"],
        ([pk, *row] for pk, row in zip(inspection_ids, inspections, strict=True)),
    )  # fmt: skip
    gen._write(
        CampaignTask,
        ["id", "campaign_id", "school_id", "deadline", "status", "inspection_id", "report",
         "submitted_by_id", "submitted_at", "reminded_on"],
        (
            [pk, row[0], row[1], row[2], row[3],
             None if row[4] is None else inspection_ids[row[4]], *row[5:]]
            for pk, row in zip(gen._ids(CampaignTask, len(tasks)), tasks, strict=True)
        ),
    )  # fmt: skip
    campaign_services.campaign_counts_refresh()  # #23: the list's "submitted / tasks"
