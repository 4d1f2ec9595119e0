"""Notices (#18) of the generated city: each city publishes about two a month to its schools
(some urgent, an incident bulletin now and then also to the county bureaus), each county one
a month to its own; about a third ask for a reply by a date. Most schools open a notice (a
receipt by their staff account) and answer those that ask: accepted, a few returned, the
latest still waiting. Each notice carries one attached file."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from demo.features import _city, _files
from reporting.notices.models import (
    Notice,
    NoticeAttachment,
    NoticeReceipt,
    NoticeRecipient,
    NoticeReply,
)

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = Notice

TITLES = [
    "关于做好汛期校园安全工作的通知",
    "关于开展消防安全隐患排查的通知",
    "关于报送防溺水安全教育开展情况的通知",
    "关于加强校园食品安全管理的通知",
    "关于做好寒假前安全教育的通知",
    "关于开展校车安全专项检查的通知",
]
BULLETIN = "关于近期一起校园踩踏险情的通报"
BODY = "各学校：\n\n请按照通知要求，结合本校实际认真落实，并做好相关记录。"


def generate(gen: Generator) -> None:
    city = _city.load()
    days = 365 * gen.plan.years
    notices, recipients = [], []
    for bureau in [*city.cities, *city.counties]:
        per_year = 24 if bureau["kind"] == "city" else 12
        count = max(1, round(per_year * gen.plan.years * min(gen.plan.scale, 2)))
        schools = city.schools_of(bureau)
        counties = [c for c in city.counties if c["parent_id"] == bureau["id"]]
        for number in range(count):
            published = gen.today - datetime.timedelta(days=days * (count - number) // count - 1)
            bulletin = bureau["kind"] == "city" and number % 6 == 5
            asks = not bulletin and number % 3 == 0
            notices.append(
                (bureau, "incident_bulletin" if bulletin else "notice",
                 BULLETIN if bulletin else TITLES[number % len(TITLES)],
                 number % 8 == 0, published + datetime.timedelta(days=7) if asks else None,
                 "开展情况、覆盖人数，附照片。" if asks else "", gen._moment(published),
                 [*schools, *(counties if bulletin else [])])
            )  # fmt: skip
    notice_ids = gen._ids(Notice, len(notices))
    receipts, replies, attachments = [], [], []
    stored = _files.stored_pdf()
    for pk, (bureau, _kind, _title, _urgent, due, _instr, published, units) in zip(
        notice_ids, notices, strict=True
    ):
        official = city.official[bureau["id"]]
        attachments.append((pk, None, stored, "通知附件.pdf", "application/pdf", official,
                            published))  # fmt: skip
        age = (gen.now - published).days
        for unit in units:
            user = city.staff.get(unit["id"]) or city.official.get(unit["id"])
            read = gen.rng.random() < min(0.95, 0.3 + age / 10)
            read_at = published + datetime.timedelta(hours=gen.rng.randint(1, 72)) if read else None
            status = ""
            if due is not None and read and (age > 3 or gen.rng.random() < 0.3):
                roll = gen.rng.random()
                status = "submitted" if age < 10 or roll < 0.05 else (
                    "returned" if roll < 0.1 else "accepted")  # fmt: skip
            local = len(recipients)
            recipients.append((pk, unit["id"], read_at, status))
            if read:
                receipts.append((local, user, read_at))
            if status:
                replied = read_at + datetime.timedelta(days=gen.rng.randint(0, 5))
                decided = status != "submitted"
                replies.append(
                    (local, 1, status, user, replied,
                     "请补充覆盖人数。" if status == "returned" else "",
                     official if decided else None,
                     replied + datetime.timedelta(days=1) if decided else None,
                     "本校已按通知要求落实，开展专题教育两次，覆盖全体学生。")
                )  # fmt: skip
    gen._write(
        Notice,
        ["id", "bureau_id", "kind", "title", "body", "urgent", "reply_due",
         "reply_instructions", "filters", "published_by_id", "published_at"],
        (
            (pk, n[0]["id"], n[1], n[2], BODY, n[3], n[4], n[5], {}, city.official[n[0]["id"]],
             n[6])
            for pk, n in zip(notice_ids, notices, strict=True)
        ),
    )  # fmt: skip
    recipient_ids = gen._ids(NoticeRecipient, len(recipients))
    gen._write(
        NoticeRecipient,
        ["id", "notice_id", "unit_id", "first_read_at", "reply_status", "reminded_on"],
        ((pk, *r, None) for pk, r in zip(recipient_ids, recipients, strict=True)),
    )
    gen._write(
        NoticeReceipt,
        ["id", "recipient_id", "user_id", "read_at"],
        (
            (pk, recipient_ids[r[0]], r[1], r[2])
            for pk, r in zip(gen._ids(NoticeReceipt, len(receipts)), receipts, strict=True)
        ),
    )
    reply_ids = gen._ids(NoticeReply, len(replies))
    gen._write(
        NoticeReply,
        ["id", "recipient_id", "version", "status", "submitted_by_id", "submitted_at",
         "comment", "decided_by_id", "decided_at", "text"],
        ((pk, recipient_ids[r[0]], *r[1:]) for pk, r in zip(reply_ids, replies, strict=True)),
    )  # fmt: skip
    # A reply in ten carries its photo.
    for pk, r in zip(reply_ids, replies, strict=True):
        if pk % 10 == 0:
            notice = recipients[r[0]][0]
            attachments.append((notice, pk, stored, "开展情况.pdf", "application/pdf", r[3], r[4]))
    gen._write(
        NoticeAttachment,
        ["id", "notice_id", "reply_id", "file", "original_name", "content_type",
         "uploaded_by_id", "uploaded_at"],
        ((pk, *a) for pk, a in zip(gen._ids(NoticeAttachment, len(attachments)), attachments,
                                   strict=True)),
    )  # fmt: skip
