"""Every page of the product has a row in the benchmark (#23: "a page without a row fails the
suite"): each URL pattern the permission matrix opens with GET is the path of a bench row
(bench/pages.py, bench/feature_pages), or is listed below with the reason it has none."""

from __future__ import annotations

from collections import defaultdict

from django.urls import Resolver404, resolve

from bench.pages import PAGES, PROVINCE_PAGES
from tests.matrix.test_permission_matrix import RULES

# Patterns measured elsewhere in the benchmark, or not a page a person waits for.
NO_ROW: dict[str, str] = {
    "guarding:home": "a redirect to the school's guarding page or the bureau's (both benched)",
}

# Pages still without a row: this set may only shrink (a new page must come with its row).
NOT_YET: set[str] = {
    # assessment
    "assessment:assessment_detail", "assessment:certificate_pdf", "assessment:evidence",
    "assessment:results", "assessment:results_pdf", "assessment:results_xlsx",
    "assessment:run_detail", "assessment:scheme_detail", "assessment:scheme_new",
    "assessment:scoring_detail",
    # campaigns
    "campaigns:board", "campaigns:export", "campaigns:forward", "campaigns:new", "campaigns:pdf",
    "campaigns:spot_checks", "campaigns:task",
    # channels
    "channels:account", "channels:mine",
    # dashboards
    "dashboards:dashboard_csv",
    # education
    "education:coverage_school", "education:legal_vp_new", "education:plan_edit",
    "education:record_detail", "education:record_material", "education:record_new",
    "education:settings",
    # (root)
    "export_download",
    # incidents
    "incidents:attachment_download", "incidents:honours_bar_xlsx",
    "incidents:incident_add_report", "incidents:incident_create", "incidents:incident_detail",
    "incidents:incident_file_download", "incidents:late_explanation_file",
    # inspections
    "inspections:draw_detail", "inspections:draw_new", "inspections:hazard_new",
    "inspections:inspection_detail", "inspections:inspection_new", "inspections:ledger_export",
    "inspections:photo",
    # monthly
    "monthly:index", "monthly:overview_pdf", "monthly:report", "monthly:unit",
    "monthly:version_pdf",
    # notices
    "notices:attachment", "notices:detail", "notices:new", "notices:recipient",
    # orders
    "orders:detail", "orders:evidence", "orders:new_from_campaign", "orders:new_from_hazard",
    "orders:new_from_incident", "orders:new_from_spot_check", "orders:pdf",
    # preparedness
    "preparedness:coverage_export", "preparedness:drill_detail", "preparedness:drill_new",
    "preparedness:drill_photo", "preparedness:drill_record", "preparedness:home",
    "preparedness:plan_detail", "preparedness:plan_document", "preparedness:plan_new",
    "preparedness:team_member_add", "preparedness:unit",
    # (root)
    "record_history",
    # responsibility
    "responsibility:assignment_create", "responsibility:assignment_detail",
    "responsibility:assignment_end", "responsibility:assignment_handover",
    "responsibility:certificate_create", "responsibility:holder_create",
    "responsibility:holder_detail", "responsibility:holder_edit", "responsibility:holder_list",
    "responsibility:home", "responsibility:import", "responsibility:import_template",
    "responsibility:letter_list", "responsibility:letter_pdf", "responsibility:letter_scan",
    "responsibility:letter_sign", "responsibility:unit_coverage",
    # risks
    "risks:check_photo", "risks:plan", "risks:plan_image", "risks:plan_pdf", "risks:point_check",
    "risks:point_detail", "risks:point_edit", "risks:point_new", "risks:report_detail",
    # surroundings
    "surroundings:meeting_detail", "surroundings:meeting_list", "surroundings:meeting_minutes",
    "surroundings:meeting_new", "surroundings:poster", "surroundings:public_form",
    "surroundings:report_detail", "surroundings:report_list", "surroundings:report_photo",
    "surroundings:spot_detail", "surroundings:spot_new", "surroundings:spot_photo",
}  # fmt: skip


def _benched() -> set[str]:
    ids = defaultdict(lambda: 1)
    names = set()
    for _key, title, _persona, path, _admin in [*PAGES, *PROVINCE_PAGES]:
        try:
            names.add(resolve(path.format_map(ids).split("?", 1)[0]).view_name)
        except Resolver404:
            assert path.startswith("/bench"), f"{title}: {path} is not a page of the product"
    return names


def test_every_page_of_the_product_has_a_bench_row():
    pages = {name for name, rule in RULES.items() if rule.get is not None}
    missing = pages - _benched() - set(NO_ROW)
    assert missing <= NOT_YET, f"pages without a bench row: {sorted(missing - NOT_YET)}"
    assert missing >= NOT_YET, f"remove from NOT_YET (now benched): {sorted(NOT_YET - missing)}"


def test_exemptions_name_real_pages_with_a_reason():
    pages = {name for name, rule in RULES.items() if rule.get is not None}
    assert set(NO_ROW) <= pages
    assert all(reason.strip() for reason in NO_ROW.values())
    assert not set(NO_ROW) & _benched(), "a benched page needs no exemption"
