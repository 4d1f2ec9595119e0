"""Notices (#18): a notice's page with its recipients, one unit's replies, an attached file,
the publishing form, a school's notices."""

from __future__ import annotations

from bench.feature_pages._common import CITY, COUNTY, PROVINCE, STAFF, first, unit_of
from reporting.notices.models import Notice, NoticeAttachment, NoticeRecipient

PAGES = [
    ("notice", "A city notice and its recipients", CITY, "/notices/{notice}/", None),
    ("notice", "A county notice and its recipients", COUNTY, "/notices/{county_notice}/", None),
    ("notice", "A city notice, as a school", STAFF, "/notices/{notice}/", None),
    ("notice_recipient", "One school's replies to a notice", CITY,
     "/notices/units/{notice_recipient}/", None),
    ("notice_recipient", "One school's replies to a notice", STAFF,
     "/notices/units/{notice_recipient}/", None),
    ("notice_attachment", "A notice's attached file", STAFF,
     "/notices/attachments/{notice_attachment}/", None),
    ("notice_new", "Publish a notice (form)", CITY, "/notices/new/", None),
    ("notices_school", "A school's notices", STAFF, "/notices/", None),
    ("notices", "Notices", PROVINCE, "/notices/", None),
]  # fmt: skip
LIST_KEYS = {"notices_school"}


def ids() -> dict[str, int]:
    school, county = unit_of(STAFF), unit_of(COUNTY)
    notice = first(
        Notice.objects.filter(bureau__kind="city", recipients__unit=school)
        .exclude(reply_due=None)
        .order_by("-published_at")
    )
    return {
        "notice": notice,
        "county_notice": first(Notice.objects.filter(bureau=county).order_by("-published_at")),
        "notice_recipient": first(NoticeRecipient.objects.filter(notice=notice, unit=school)),
        "notice_attachment": first(NoticeAttachment.objects.filter(notice=notice)),
    }
