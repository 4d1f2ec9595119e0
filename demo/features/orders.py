"""Rectification orders (#18) of the generated city: the county bureaus (the city for the
schools it runs) issue about one order per school a year (times --scale) to rectify what a
supervisory inspection, a major hazard, an incident or a campaign found, numbered per
bureau and year ("<bureau>督〔<year>〕<seq>号"). Past their deadline most are replied to and
accepted (the reply with its evidence file), a few returned; recent ones await the school's
reply."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from demo.features import _city, _files
from inspections.campaigns.models import CampaignTask
from inspections.models import Hazard, Inspection
from reporting.models import Incident
from reporting.orders.models import OrderEvidence, OrderReply, RectificationOrder
from reporting.orders.services import format_number

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = RectificationOrder

LEGAL_BASIS = "《中华人民共和国消防法》第十六条、《中小学幼儿园安全管理办法》第二十条"
REQUIREMENTS = "立即落实临时管控措施，限期完成整改并书面回复。"


def _by_school(rows) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = {}
    for row in rows:
        found.setdefault(row[1], []).append(row)
    return found


def generate(gen: Generator) -> None:
    city = _city.load()
    sources = {
        "spot_check": _by_school(
            Inspection.objects.filter(
                kind__in=["county", "spot_check"], status="submitted"
            ).values_list("id", "school_id", "inspected_on", "summary")
        ),
        "hazard": _by_school(
            Hazard.objects.filter(severity="major").values_list(
                "id", "school_id", "created_at", "description"
            )
        ),
        "incident": _by_school(
            Incident.objects.values_list("id", "school_id", "occurred_at", "summary")
        ),
        "campaign": _by_school(
            CampaignTask.objects.filter(status="submitted").values_list(
                "id", "school_id", "submitted_at", "report"
            )
        ),
    }
    orders, replies = [], []
    sequence: dict[tuple[int, int], int] = {}
    bureaus = {b["id"]: b for b in [*city.cities, *city.counties]}
    per_school = 0.35 * gen.plan.scale
    for school in city.schools:
        bureau = bureaus[school["parent_id"]]
        for source in ("spot_check", "hazard", "incident", "campaign"):
            for record in sources[source].get(school["id"], []):
                if gen.rng.random() > per_school / 4 * (3 if source == "incident" else 1):
                    continue
                found = record[2]
                day = found.date() if isinstance(found, datetime.datetime) else found
                issued_day = min(gen.today, day + datetime.timedelta(days=gen.rng.randint(1, 6)))
                seq = sequence[(bureau["id"], issued_day.year)] = (
                    sequence.get((bureau["id"], issued_day.year), 0) + 1
                )
                deadline = issued_day + datetime.timedelta(days=gen.rng.choice([7, 15, 30]))
                age = (gen.today - issued_day).days
                roll = gen.rng.random()
                if deadline < gen.today - datetime.timedelta(days=7):
                    status = "accepted" if roll < 0.9 else "returned" if roll < 0.95 else "issued"
                else:
                    status = "replied" if age > 3 and roll < 0.5 else "issued"
                issued_at = gen._moment(issued_day)
                local = len(orders)
                orders.append(
                    [bureau, school, issued_day.year, seq, source, record[0],
                     (record[3] or "监督检查发现的问题")[:500], deadline, status, issued_at]
                )  # fmt: skip
                if status != "issued":
                    replied = issued_at + datetime.timedelta(days=gen.rng.randint(1, 7))
                    decided = status in ("accepted", "returned")
                    replies.append(
                        (local, 1, "submitted" if status == "replied" else status,
                         city.leader[school["id"]], replied,
                         "整改不到位，请补充整改照片。" if status == "returned" else
                         "整改到位。" if decided else "",
                         city.official[bureau["id"]] if decided else None,
                         replied + datetime.timedelta(days=2) if decided else None,
                         "已完成整改并经学校复查，整改照片附后。")
                    )  # fmt: skip
    order_ids = gen._ids(RectificationOrder, len(orders))
    field = {"hazard": 0, "incident": 1, "spot_check": 2, "campaign": 3}

    def links(source: str, record: int) -> list:
        values = [None, None, None, None]
        values[field[source]] = record
        return values

    gen._write(
        RectificationOrder,
        ["id", "bureau_id", "school_id", "year", "sequence", "number", "source", "hazard_id",
         "incident_id", "inspection_id", "campaign_task_id", "problems", "legal_basis",
         "requirements", "deadline", "responder_id", "status", "issued_by_id", "issued_at",
         "accepted_at", "escalated_at", "escalated_to_id"],
        (
            (pk, o[0]["id"], o[1]["id"], o[2], o[3],
             format_number(None, _Named(o[0]["name"]), o[2], o[3]), o[4], *links(o[4], o[5]),
             o[6], LEGAL_BASIS, REQUIREMENTS, o[7], city.leader[o[1]["id"]], o[8],
             city.official[o[0]["id"]], o[9],
             o[9] + datetime.timedelta(days=9) if o[8] == "accepted" else None, None, None)
            for pk, o in zip(order_ids, orders, strict=True)
        ),
    )  # fmt: skip
    reply_ids = gen._ids(OrderReply, len(replies))
    gen._write(
        OrderReply,
        ["id", "order_id", "version", "status", "submitted_by_id", "submitted_at", "comment",
         "decided_by_id", "decided_at", "text"],
        ((pk, order_ids[r[0]], *r[1:]) for pk, r in zip(reply_ids, replies, strict=True)),
    )  # fmt: skip
    _files.write_pdf_rows(
        gen, OrderEvidence, "reply_id", "整改完成说明.pdf",
        [(reply, r[3], r[4]) for reply, r in zip(reply_ids, replies, strict=True)],
    )  # fmt: skip


class _Named:
    """What format_number reads of a bureau without settings: its name."""

    def __init__(self, name: str) -> None:
        self.name = name
