"""The responsibility system's pages (#23) on the core step's holders, assignments and
letters: the school's pages and forms (its leader manages them), a letter's PDF and signed
scan, the import page and template; the bureau's lists; a county's bulk letter issue under
way (its page and the status fragment it polls, #23)."""

from __future__ import annotations

from bench.feature_pages._common import COUNTY, LEADER, first, unit_of
from safety.models import Assignment, Holder, LetterIssueRequest, ResponsibilityLetter, User

# The county's administrator (MANAGE_RESPONSIBILITIES: who bulk-issues the county's letters).
COUNTY_ADMIN = "c01.admin"

R = "/responsibility"
PAGES = [
    ("unit_coverage", "A school's responsibility coverage", LEADER, f"{R}/units/{{own_school}}/",
     None),
    ("unit_coverage", "A school's responsibility coverage", COUNTY, f"{R}/units/{{school}}/",
     None),
    ("holder_create", "Add a holder (form)", LEADER, f"{R}/units/{{own_school}}/holders/new/",
     None),
    ("assignment_create", "Assign a post (form)", LEADER,
     f"{R}/units/{{own_school}}/assignments/new/", None),
    ("holder_list", "Holders", LEADER, f"{R}/holders/", None),
    ("holder_list", "Holders", COUNTY, f"{R}/holders/", None),
    ("holder", "A holder's page", LEADER, f"{R}/holders/{{holder}}/", None),
    ("holder_edit", "Edit a holder (form)", LEADER, f"{R}/holders/{{holder}}/edit/", None),
    ("certificate_create", "Add a certificate (form)", LEADER,
     f"{R}/holders/{{holder}}/certificates/new/", None),
    ("assignment", "An assignment's page", LEADER, f"{R}/assignments/{{assignment}}/", None),
    ("assignment_handover", "Hand an assignment over (form)", LEADER,
     f"{R}/assignments/{{assignment}}/handover/", None),
    ("assignment_end", "End an assignment (form)", LEADER, f"{R}/assignments/{{assignment}}/end/",
     None),
    ("letter_list", "Responsibility letters", LEADER, f"{R}/letters/", None),
    ("letter_list", "Responsibility letters", COUNTY, f"{R}/letters/", None),
    ("letter_pdf", "A letter's PDF (rendered in the request)", LEADER,
     f"{R}/letters/{{letter}}/pdf/", None),
    ("letter_sign", "Record a letter's signing (form)", LEADER,
     f"{R}/letters/{{unsigned_letter}}/sign/", None),
    ("letter_scan", "A signed letter's scan", LEADER, f"{R}/letters/{{signed_letter}}/scan/",
     None),
    ("responsibility_import", "Import holders and posts (upload page)", LEADER, f"{R}/import/",
     None),
    ("import_template", "Import template (xlsx)", LEADER, f"{R}/import/template.xlsx", None),
    ("letter_issue", "A county's bulk letter issue (progress page)", COUNTY_ADMIN,
     f"{R}/letter-issues/{{letter_issue}}/", None),
    ("letter_issue_status", "Bulk letter issue status fragment (polled)", COUNTY_ADMIN,
     f"{R}/letter-issues/{{letter_issue}}/status/", None),
]  # fmt: skip
LIST_KEYS = {"holder_list", "letter_list"}


def ids() -> dict[str, int]:
    school = unit_of(LEADER)
    letters = ResponsibilityLetter.objects.filter(assignment__unit=school).order_by("id")
    assignment = first(Assignment.objects.filter(unit=school, end_date=None).order_by("id"))
    return {
        "own_school": school.pk,
        "holder": first(Holder.objects.filter(unit=school).order_by("id")),
        "assignment": assignment,
        "letter": first(letters),
        "unsigned_letter": first(letters.filter(status="issued")),
        "signed_letter": first(letters.filter(status="signed")),
        "letter_issue": _letter_issue(),
    }


def _letter_issue() -> int:
    """The county administrator's bulk issue of the county's letters, under way (made here
    when missing: the generated city has none, and a job would finish it)."""
    admin = User.objects.select_related("unit").get(username=COUNTY_ADMIN)
    issue, _created = LetterIssueRequest.objects.get_or_create(
        unit=admin.unit,
        requested_by=admin,
        school_year="2026-2027",
        status=LetterIssueRequest.Status.RUNNING,
        defaults={"total": 4000, "progress": 1500},
    )
    return issue.pk
