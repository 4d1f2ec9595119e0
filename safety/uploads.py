"""One upload path for every feature: photos (JPEG, PNG, WebP) and documents (PDF).

Files are checked by their content, not their name: images are opened and verified with
Pillow, limited in bytes and pixels, re-encoded (orientation applied, all metadata such as
EXIF location dropped) and given a thumbnail; PDFs must start with the PDF signature and
contain no JavaScript or embedded files. Stored names are generated, never taken from the
user. Errors name the file and the reason, in the user's language.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (480, 480)
PDF_FORBIDDEN_MARKERS = (b"/JavaScript", b"/JS", b"/EmbeddedFile", b"/Launch", b"/OpenAction")


@dataclass(frozen=True)
class CleanUpload:
    """A checked file ready to store: the content and a thumbnail for images."""

    original_name: str
    content: ContentFile
    thumbnail: ContentFile | None
    content_type: str

    @property
    def is_image(self) -> bool:
        return self.thumbnail is not None


def generated_name(prefix: str, extension: str) -> str:
    """A storage path that reveals nothing the user typed: prefix/YYYY/MM/<uuid>.<ext>."""
    now = timezone.now()
    return f"{prefix}/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def _reject(upload: UploadedFile, reason: str) -> ValidationError:
    name = PurePosixPath(upload.name or "").name or _("(no name)")
    return ValidationError(
        _("“%(name)s” was not accepted: %(reason)s"), params={"name": name, "reason": reason}
    )


def _read_limited(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise _reject(
            upload,
            _("the file is larger than %(limit)s MB.")
            % {"limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    data = upload.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise _reject(
            upload,
            _("the file is larger than %(limit)s MB.")
            % {"limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
        )
    if not data:
        raise _reject(upload, _("the file is empty."))
    return data


def clean_image(upload: UploadedFile) -> CleanUpload:
    data = _read_limited(upload)
    not_an_image = _("it is not a JPEG, PNG or WebP photo.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _reject(upload, not_an_image) from exc
    except Image.DecompressionBombError as exc:
        raise _reject(upload, _("the picture has too many pixels.")) from exc
    if image_format not in IMAGE_FORMATS:
        raise _reject(upload, not_an_image)
    if width * height > settings.UPLOAD_MAX_PIXELS:
        raise _reject(upload, _("the picture has too many pixels."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            return _reencode(upload, image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _reject(upload, not_an_image) from exc


def _reencode(upload: UploadedFile, image: Image.Image) -> CleanUpload:
    # Everything is stored as JPEG, except images with transparency (PNG): a fresh encode
    # carries no metadata and no trailing bytes of the original.
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        image = image.convert("RGBA")
        fmt, extension, content_type = "PNG", "png", "image/png"
    else:
        image = image.convert("RGB")
        fmt, extension, content_type = "JPEG", "jpg", "image/jpeg"
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=85, optimize=True)
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    thumb_buffer = io.BytesIO()
    thumbnail.save(thumb_buffer, format=fmt, quality=80)
    return CleanUpload(
        original_name=PurePosixPath(upload.name or "").name[:200],
        content=ContentFile(buffer.getvalue(), name=f"photo.{extension}"),
        thumbnail=ContentFile(thumb_buffer.getvalue(), name=f"thumb.{extension}"),
        content_type=content_type,
    )


def clean_document(upload: UploadedFile) -> CleanUpload:
    """A PDF (signed letters, incident documents) or, failing that, a photo."""
    data = _read_limited(upload)
    if not data.startswith(b"%PDF-"):
        try:
            return clean_image(upload)
        except ValidationError as exc:
            raise _reject(upload, _("it is not a PDF document or a photo.")) from exc
    if b"%%EOF" not in data[-2048:]:
        raise _reject(upload, _("the PDF document is damaged or incomplete."))
    if any(marker in data for marker in PDF_FORBIDDEN_MARKERS):
        raise _reject(upload, _("the PDF contains scripts or embedded files."))
    return CleanUpload(
        original_name=PurePosixPath(upload.name or "").name[:200],
        content=ContentFile(data, name="document.pdf"),
        thumbnail=None,
        content_type="application/pdf",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """A form field taking up to UPLOAD_MAX_FILES files, each cleaned into a CleanUpload.

    `kind` is "image" (photos only; the phone opens its camera) or "document" (PDF or photo).
    Every rejected file is reported, by name, in one error list.
    """

    def __init__(self, *, kind: str = "image", max_files: int | None = None, **kwargs):
        self.kind = kind
        self.max_files = max_files or settings.UPLOAD_MAX_FILES
        accept = "image/jpeg,image/png,image/webp"
        if kind == "document":
            accept += ",application/pdf"
        attrs = {"accept": accept, "multiple": True}
        if kind == "image":
            attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            format_lazy(
                gettext_lazy("JPEG, PNG or WebP, up to 10 MB each, at most {count} files.")
                if kind == "image"
                else gettext_lazy("PDF or photos, up to 10 MB each, at most {count} files."),
                count=self.max_files,
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[CleanUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                _("At most %(count)s files can be attached.") % {"count": self.max_files}
            )
        cleaner = clean_image if self.kind == "image" else clean_document
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(cleaner(upload))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return cleaned


def file_response(field_file, *, download_name: str, as_attachment: bool) -> FileResponse:
    """Serve a stored file from a permission-checked view with safe headers."""
    extension = PurePosixPath(field_file.name).suffix
    name = PurePosixPath(download_name).stem[:80] + extension
    response = FileResponse(field_file.open("rb"), as_attachment=as_attachment, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
