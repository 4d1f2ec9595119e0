"""The shared upload path refuses hostile files by content and re-encodes photos."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safety import uploads
from safety.uploads import UploadField, clean_document, clean_image
from tests import pdfs
from tests.builders import jpeg_bytes
from tests.pdfs import plain_pdf


def png_bytes(size=(10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_photo_is_reencoded_rotated_and_stripped_of_location():
    clean = clean_image(upload("灭火器.jpg", jpeg_bytes(exif_gps=True)))
    reopened = Image.open(io.BytesIO(clean.content.read()))
    assert reopened.size == (48, 64)
    assert not reopened.getexif()
    assert clean.thumbnail is not None
    assert clean.original_name == "灭火器.jpg"


def test_transparent_png_stays_png():
    clean = clean_image(upload("a.png", png_bytes()))
    assert clean.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("text.jpg", b"just some text, not a photo", "不是"),
        ("page.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "不是"),
        ("empty.jpg", b"", "为空"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "不是"),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "不是"),
    ],
)
def test_hostile_or_wrong_files_are_rejected_by_content(name, data, reason):
    with pytest.raises(ValidationError) as error:
        clean_image(upload(name, data))
    message = " ".join(error.value.messages)
    assert name in message
    assert reason in message


def test_oversized_file_is_rejected(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        clean_image(upload("big.jpg", jpeg_bytes(size=(400, 400))))
    assert "big.jpg" in " ".join(error.value.messages)


def test_pixel_bomb_is_rejected_without_decoding(settings):
    settings.UPLOAD_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as error:
        clean_image(upload("huge.png", png_bytes(size=(200, 200))))
    assert "像素" in " ".join(error.value.messages)


def test_pdf_documents_are_accepted_and_scripts_refused():
    good = plain_pdf()
    assert clean_document(upload("signed.pdf", good)).content_type == "application/pdf"
    with pytest.raises(ValidationError):
        clean_document(upload("evil.pdf", pdfs.pdf_with_javascript()))
    with pytest.raises(ValidationError):
        clean_document(upload("fake.pdf", b"MZ\x90\x00 not a pdf"))


def test_pdf_check_is_bounded_in_objects_and_pages(monkeypatch):
    """A hostile file cannot make the check walk without end: past either bound it is refused."""
    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 3)
    with pytest.raises(ValidationError) as error:
        clean_document(upload("deep.pdf", plain_pdf(pages=5)))
    assert "过于复杂" in " ".join(error.value.messages)
    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 1000)
    monkeypatch.setattr(uploads, "PDF_MAX_PAGES", 4)
    with pytest.raises(ValidationError) as error:
        clean_document(upload("long.pdf", plain_pdf(pages=5)))
    assert "超过 4 页" in " ".join(error.value.messages)
    monkeypatch.setattr(uploads, "PDF_MAX_PAGES", 5)
    assert clean_document(upload("ok.pdf", plain_pdf(pages=5)))


def test_a_pdf_refusal_never_raises_on_garbage():
    for data in (
        b"%PDF-",
        b"%PDF-1.7 endobj %%EOF",
        b"%PDF-1.4\n" + b"[" * 5000 + b" endobj %%EOF",
    ):
        assert uploads.pdf_refusal(data)


def test_upload_field_reports_every_bad_file_and_limits_the_count():
    field = UploadField(kind="image", max_files=2)
    with pytest.raises(ValidationError) as error:
        field.clean([upload("a.jpg", b"x"), upload("b.jpg", b"y")])
    assert len(error.value.messages) == 2
    with pytest.raises(ValidationError):
        field.clean([upload(f"{n}.jpg", jpeg_bytes()) for n in range(3)])
    assert len(field.clean([upload("ok.jpg", jpeg_bytes())])) == 1
