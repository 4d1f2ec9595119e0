"""PDFs for tests, written by pypdf: a plain one, and one per kind of active or broken
content the upload path refuses (safety.uploads.pdf_refusal)."""

from __future__ import annotations

import io
from collections.abc import Callable

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)


def plain_pdf(pages: int = 1) -> bytes:
    """An ordinary PDF of blank A4 pages."""
    return _pdf(pages=pages)


def _pdf(build: Callable[[PdfWriter], None] | None = None, *, pages: int = 1) -> bytes:
    """A real PDF written by pypdf; `build(writer)` adds the hostile part."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if build is not None:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _add_annotation(writer: PdfWriter, annotation: dict) -> None:
    writer.add_annotation(
        0,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Rect"): ArrayObject(
                    [NumberObject(0), NumberObject(0), NumberObject(10), NumberObject(10)]
                ),
                **annotation,
            }
        ),
    )


def _set_catalog(key: str, value) -> Callable[[PdfWriter], None]:
    def build(writer: PdfWriter) -> None:
        writer._root_object[NameObject(key)] = value

    return build


def _action(kind: str, **entries) -> DictionaryObject:
    action = {NameObject("/S"): NameObject(kind)}
    action.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return DictionaryObject(action)


def pdf_with_javascript() -> bytes:
    """A document-level script in the catalog's name tree (runs when the file opens)."""
    script = _action("/JavaScript", JS=TextStringObject("app.alert(1);"))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), script])})
    return _pdf(_set_catalog("/Names", DictionaryObject({NameObject("/JavaScript"): tree})))


def pdf_opening_with_an_action() -> bytes:
    """Prints itself on opening (no script, still an action nobody asked for)."""
    return _pdf(_set_catalog("/OpenAction", _action("/Named", N=NameObject("/Print"))))


def pdf_with_page_actions() -> bytes:
    def build(writer):
        writer.pages[0][NameObject("/AA")] = DictionaryObject(
            {NameObject("/O"): _action("/URI", URI=TextStringObject("https://evil.example/"))}
        )

    return _pdf(build)


def pdf_launching_a_program() -> bytes:
    return _pdf(
        lambda writer: _add_annotation(
            writer,
            {
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/A"): _action("/Launch", F=TextStringObject("cmd.exe")),
            },
        )
    )


def pdf_with_an_embedded_file() -> bytes:
    return _pdf(lambda writer: writer.add_attachment("setup.exe", b"MZ\x90\x00"))


def pdf_with_an_xfa_form() -> bytes:
    return _pdf(
        _set_catalog(
            "/AcroForm",
            DictionaryObject(
                {
                    NameObject("/Fields"): ArrayObject(),
                    NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
                }
            ),
        )
    )


def pdf_with_rich_media() -> bytes:
    return _pdf(
        lambda writer: _add_annotation(
            writer,
            {
                NameObject("/Subtype"): NameObject("/RichMedia"),
            },
        )
    )


def pdf_with_escaped_names() -> bytes:
    """/OpenAction and /JavaScript written as /Open#41ction and /Java#53cript."""
    return _pdf().replace(
        b"/Type /Catalog",
        b"/Type /Catalog /Open#41ction << /S /Java#53cript /#4AS (app.alert(1)) >>",
    )


def pdf_with_a_pixel_bomb() -> bytes:
    """A page showing a 50,000 × 50,000 picture (the stream itself is tiny)."""

    def build(writer):
        image = StreamObject()
        image.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(50_000),
                NameObject("/Height"): NumberObject(50_000),
                NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                NameObject("/BitsPerComponent"): NumberObject(8),
            }
        )
        image.set_data(b"\x00")
        resources = DictionaryObject(
            {
                NameObject("/XObject"): DictionaryObject(
                    {NameObject("/Im0"): writer._add_object(image)}
                )
            }
        )
        writer.pages[0][NameObject("/Resources")] = resources

    return _pdf(build)


def encrypted_pdf() -> bytes:
    return _pdf(lambda writer: writer.encrypt("secret"))


def pdf_without_pages() -> bytes:
    return _pdf(pages=0)


def truncated_pdf() -> bytes:
    """The first half of a PDF (an interrupted upload or copy)."""
    data = plain_pdf()
    return data[: len(data) // 2]


def unreadable_pdf() -> bytes:
    """Signature, an object and the end marker, but no cross-reference table or pages."""
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n%%EOF\n"


def html_with_a_pdf_signature() -> bytes:
    return b"%PDF-1.7\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


def weasyprint_pdf() -> bytes:
    """A PDF as the application itself writes them (links, a destination, CJK text)."""
    from weasyprint import HTML

    return HTML(
        string="<h1 id='top'>安全责任书</h1><a href='https://example.com/'>链接</a>"
        "<a href='#top'>回到顶部</a>"
    ).write_pdf()
