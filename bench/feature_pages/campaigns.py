"""Special campaigns (#18): a campaign's board, its export and summary PDF, a county's
forwarding form, a school's task, the launch form and a school's spot-check results."""

from __future__ import annotations

from django.db.models import Q

from bench.feature_pages._common import CITY, COUNTY, PROVINCE, STAFF, first, unit_of
from inspections.campaigns.models import Campaign, CampaignForward, CampaignTask

PAGES = [
    ("campaign_board", "Campaign board (city campaign)", CITY, "/campaigns/{campaign}/", None),
    ("campaign_board", "Campaign board (city campaign)", COUNTY, "/campaigns/{campaign}/", None),
    ("campaign_board", "Campaign board (city campaign)", PROVINCE, "/campaigns/{campaign}/",
     None),
    ("campaign_export", "Campaign board export: its start page (the file is a job)", CITY,
     "/campaigns/{campaign}/export.xlsx", None),
    ("campaign_pdf", "Campaign summary PDF (rendered in the request)", CITY,
     "/campaigns/{campaign}/summary.pdf", None),
    ("campaign_forward", "Forward a city campaign (form)", COUNTY,
     "/campaigns/{campaign_to_forward}/forward/", None),
    ("campaign_new", "Launch a campaign (form)", CITY, "/campaigns/new/", None),
    ("campaign_task", "A school's campaign task", STAFF, "/campaigns/tasks/{campaign_task}/",
     None),
    ("campaign_task", "A school's campaign task", COUNTY,
     "/campaigns/tasks/{campaign_county_task}/", None),
    ("campaign_tasks", "A school's campaign tasks", STAFF, "/campaigns/", None),
    ("campaigns", "Campaign list", PROVINCE, "/campaigns/", None),
    ("spot_checks", "A school's spot-check results", CITY,
     "/campaigns/coverage/schools/{school}/spot-checks/", None),
]  # fmt: skip
LIST_KEYS = {"campaign_tasks", "campaign_board"}


def ids() -> dict[str, int]:
    county = unit_of(COUNTY)
    school = unit_of(STAFF)
    city_campaigns = Campaign.objects.filter(bureau__kind="city").order_by("-created_at", "-id")
    forwarded = CampaignForward.objects.filter(county=county).values("campaign")
    return {
        "campaign": first(city_campaigns.filter(tasks__school__parent=county).distinct()),
        "campaign_to_forward": first(
            city_campaigns.filter(
                Q(bureau=county.parent), ~Q(pk__in=forwarded), tasks__school__parent=county
            ).distinct()
        ),
        "campaign_task": first(CampaignTask.objects.filter(school=school).order_by("-id")),
        "campaign_county_task": first(
            CampaignTask.objects.filter(school__parent=county, status="submitted").order_by("-id")
        ),
    }
