"""The responsibility letters' timeline (#23) on the generated city: each letter's issue and,
for a signed one, its signing with the signed scan (one stored PDF) — what a letter's page
and its scan download show. The holders, assignments and letters themselves are the core
step's (demo.generator.responsibilities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.features import _city, _files
from safety.models import ResponsibilityLetter
from safety.responsibility.models import LetterEvent

if TYPE_CHECKING:
    from demo.generator import Generator

MODEL = LetterEvent


def generate(gen: Generator) -> None:
    city = _city.load()
    stored = _files.stored_pdf()
    letters = ResponsibilityLetter.objects.values_list(
        "id", "status", "issued_at", "issued_by_id", "signed_on", "assignment__unit_id"
    )
    events = []
    for pk, status, issued_at, issued_by, signed_on, school in letters.iterator():
        events.append((pk, issued_by, "", "issued", "", issued_at))
        if status == "signed" and signed_on:
            moment = gen._moment(signed_on)
            events.append((pk, city.leader.get(school), "issued", "signed", "", moment))
    gen._write(
        LetterEvent,
        ["id", "letter_id", "actor_id", "from_status", "to_status", "comment", "created_at"],
        ((pk, *e) for pk, e in zip(gen._ids(LetterEvent, len(events)), events, strict=True)),
    )
    # Every signed letter carries its scan (one UPDATE; the file is the same stored PDF).
    _city.update_rows(
        ResponsibilityLetter.objects.filter(status="signed", signed_scan=""),
        signed_scan=stored,
        signed_scan_name="安全责任书-签字页.pdf",
    )
