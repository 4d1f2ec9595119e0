"""Rectification orders (#18): an order's page, its PDF and an evidence file; the issuing
form from each kind of record (a hazard, an incident, a supervisory inspection, a campaign
task)."""

from __future__ import annotations

from bench.feature_pages._common import CITY, COUNTY, LEADER, PROVINCE, first, unit_of
from inspections.campaigns.models import CampaignTask
from inspections.models import Inspection
from reporting.models import Incident
from reporting.orders.models import OrderEvidence, RectificationOrder

PAGES = [
    ("order", "A rectification order", COUNTY, "/orders/{order}/", None),
    ("order", "A rectification order", CITY, "/orders/{order}/", None),
    ("order_pdf", "A rectification order's PDF (rendered in the request)", COUNTY,
     "/orders/{order}/order.pdf", None),
    ("order_evidence", "An order reply's evidence file", COUNTY,
     "/orders/evidence/{order_evidence}/", None),
    ("order_new_hazard", "Issue an order from a hazard (form)", COUNTY,
     "/orders/new/hazard/{hazard}/", None),
    ("order_new_incident", "Issue an order from an incident (form)", COUNTY,
     "/orders/new/incident/{county_incident}/", None),
    ("order_new_spot_check", "Issue an order from a supervisory inspection (form)", COUNTY,
     "/orders/new/spot-check/{supervision}/", None),
    ("order_new_campaign", "Issue an order from a campaign task (form)", COUNTY,
     "/orders/new/campaign/{campaign_county_task}/", None),
    ("orders", "Rectification orders", PROVINCE, "/orders/", None),
    ("orders_school", "A school's rectification orders", LEADER, "/orders/", None),
]  # fmt: skip
LIST_KEYS = {"orders_school"}


def ids() -> dict[str, int]:
    county = unit_of(COUNTY)
    mine = RectificationOrder.objects.filter(bureau=county).order_by("-issued_at")
    order = first(mine.filter(status="accepted"))
    return {
        "order": order,
        "order_evidence": first(OrderEvidence.objects.filter(reply__order=order)),
        "county_incident": first(Incident.objects.filter(school__parent=county).order_by("-id")),
        "supervision": first(
            Inspection.objects.filter(
                school__parent=county, kind__in=["county", "spot_check"], status="submitted"
            ).order_by("-id")
        ),
        "campaign_county_task": first(
            CampaignTask.objects.filter(school__parent=county, status="submitted").order_by("-id")
        ),
    }
