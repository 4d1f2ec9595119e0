"""Every change to checklists, inspections, spot checks and hazards, one module per concern:

- checklists: publishing checklist versions;
- inspections: filing an inspection (start, save the draft, submit);
- spot_checks: drawing schools for a spot check;
- hazards: reporting a hazard and its rectification transitions;
- extensions: asking for and deciding a later deadline;
- overdue: the daily overdue job;
- workflow, photos: the steps those share.

Each function takes the acting user, checks the permission with the core guard
(safety.access.check_unit_permission), changes rows inside one transaction and, for hazards,
appends a HazardEvent per transition. Reads live in inspections.selectors. Callers import
this package (`from inspections import services`); the names below are its public API.
"""

from .checklists import checklist_publish
from .drills import hazard_from_drill_problem  # emergency preparedness (issue #14)
from .extensions import hazard_decide_extension, hazard_request_extension
from .hazards import (
    hazard_assign,
    hazard_fix_on_spot,
    hazard_reopen,
    hazard_report,
    hazard_return,
    hazard_submit_rectification,
    hazard_verify,
)
from .inspections import inspection_save_draft, inspection_start, inspection_submit
from .overdue import OverdueRun, mark_overdue
from .patrols import hazard_from_patrol  # daily guarding (issue #15)
from .public_reports import hazard_from_public_report, lock_unverified_report  # #17
from .risk_hazards import hazard_from_risk_check  # #20 risk grading
from .spot_checks import draw_sample, spot_check_draw

__all__ = [
    "OverdueRun",
    "checklist_publish",
    "draw_sample",
    "hazard_assign",
    "hazard_decide_extension",
    "hazard_fix_on_spot",
    "hazard_from_drill_problem",
    "hazard_from_patrol",
    "hazard_from_risk_check",
    "hazard_reopen",
    "hazard_report",
    "hazard_request_extension",
    "hazard_return",
    "hazard_submit_rectification",
    "hazard_verify",
    "inspection_save_draft",
    "inspection_start",
    "inspection_submit",
    "mark_overdue",
    "hazard_from_public_report",
    "lock_unverified_report",
    "spot_check_draw",
]
