"""Word documents (.docx) for the upload tests, built byte by byte with the standard zip
module: a minimal valid document and the hostile variants the check must refuse."""

from __future__ import annotations

import io
import zipfile

MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def content_types(main: str = MAIN, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>'
    )


RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>消防安全应急预案</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes(
    *, parts: dict[str, bytes | str] | None = None, main: str = MAIN, drop: tuple = ()
) -> bytes:
    """A minimal Word document; `parts` adds (or replaces) parts, `drop` removes some."""
    files: dict[str, bytes | str] = {
        "[Content_Types].xml": content_types(main),
        "_rels/.rels": RELS,
        "word/document.xml": DOCUMENT,
    }
    files.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            if name not in drop:  # a fixed date: the same bytes on every call
                info = zipfile.ZipInfo(name, date_time=(2026, 9, 1, 8, 0, 0))
                archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def macro_docx() -> bytes:
    """A .docm in disguise: the macro content type and a VBA project."""
    return docx_bytes(main=MACRO_MAIN, parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def vba_part_docx() -> bytes:
    """The plain content type, but a VBA project part all the same."""
    return docx_bytes(parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def bomb_docx() -> bytes:
    """A Word document with one part of 60 MB of zeros (a few dozen kilobytes packed)."""
    return docx_bytes(parts={"word/media/image1.png": b"\x00" * (60 * 1024 * 1024)})


def plain_zip() -> bytes:
    """A zip archive that is not a Word document."""
    return docx_bytes(drop=("word/document.xml",), parts={"readme.txt": "hello"})
