"""Files the feature steps point their rows at (#23): each stored once, every row names it
(the bytes matter to no page measured; a download streams the same small file)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from demo.generator import _stored_photo

# A one-page PDF (what a scanned letter, an evidence file or a rendered report is served as).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 1/Kids[3 0 R]>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def stored_pdf(name: str = "bench/document.pdf") -> str:
    """The storage name of the one generated PDF (stored on first use)."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(PDF))
    return name


def stored_photo() -> tuple[str, str]:
    """The storage names of the one generated JPEG and its thumbnail."""
    return _stored_photo()


def write_pdf_rows(gen, model, owner: str, name: str, rows: list[tuple[int, int, Any]]) -> int:
    """Rows of an uploaded-file table (`model`: owner, file, original_name, content_type,
    uploaded_by, uploaded_at) pointing at the stored PDF, one per (owner id, uploader id,
    moment) of `rows`, all named `name`; returns the count."""
    stored = stored_pdf()
    return gen._write(
        model,
        ["id", owner, "file", "original_name", "content_type", "uploaded_by_id", "uploaded_at"],
        (
            (pk, parent, stored, name, "application/pdf", user, moment)
            for pk, (parent, user, moment) in zip(gen._ids(model, len(rows)), rows, strict=True)
        ),
    )
