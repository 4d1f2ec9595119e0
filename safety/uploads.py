"""One upload path for every feature: photos (JPEG, PNG, WebP), documents (PDF) and, where a
feature takes them (emergency plans), Word documents (.docx).

Files are checked by their content, not their name: images are opened and verified with
Pillow, limited in bytes and pixels, re-encoded (orientation applied, all metadata such as
EXIF location dropped) and given a thumbnail; PDFs are parsed with pypdf (names normalised, so
`#xx` escapes hide nothing) and refused when encrypted, damaged, too large to check, or when
they carry active content (scripts, automatic actions, launch actions, embedded files, XFA
forms, multimedia). Word documents are opened as the zip container they are and refused
unless they hold `[Content_Types].xml` and `word/document.xml` with the Word document content
type, stay within entry-count and unpacked-size limits (no zip bombs), are not encrypted and
carry no macros (`vbaProject.bin`, a macro-enabled content type: .docm), ActiveX controls or
embedded OLE objects. Stored names are generated, never taken from the user. Errors name the
file and the true reason, in the user's language.
"""

from __future__ import annotations

import io
import uuid
import zipfile
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
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from .exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (480, 480)

# Bounds on the PDF check, so a hostile file cannot make it slow: containers (dictionaries,
# arrays, streams) visited from the catalog, and pages. A signed letter or a 100-page scan
# stays far below both.
PDF_MAX_OBJECTS = 20_000
PDF_MAX_PAGES = 300

# Active content, by the name the parser gives it (after `#xx` decoding), and the reason shown.
# A key anywhere in the document is enough; some kinds are also recognised by the value of
# /S (action type), /Subtype (annotation or XObject type) or /Type.
_PDF_SCRIPT = "script"
_PDF_ACTION = "action"
_PDF_LAUNCH = "launch"
_PDF_EMBEDDED = "embedded"
_PDF_XFA = "xfa"
_PDF_MEDIA = "media"
PDF_ACTIVE_KEYS = {
    "/JS": _PDF_SCRIPT,
    "/JavaScript": _PDF_SCRIPT,
    "/AA": _PDF_ACTION,
    "/Launch": _PDF_LAUNCH,
    "/EmbeddedFiles": _PDF_EMBEDDED,
    "/EmbeddedFile": _PDF_EMBEDDED,
    "/EF": _PDF_EMBEDDED,
    "/XFA": _PDF_XFA,
    "/RichMedia": _PDF_MEDIA,
    "/RichMediaContent": _PDF_MEDIA,
    "/RichMediaSettings": _PDF_MEDIA,
}
PDF_ACTIVE_VALUES = {
    ("/S", "/JavaScript"): _PDF_SCRIPT,
    ("/S", "/Launch"): _PDF_LAUNCH,
    ("/S", "/ImportData"): _PDF_ACTION,
    ("/S", "/SubmitForm"): _PDF_ACTION,
    ("/S", "/GoToE"): _PDF_EMBEDDED,
    ("/S", "/RichMediaExecute"): _PDF_MEDIA,
    ("/S", "/Rendition"): _PDF_MEDIA,
    ("/S", "/Movie"): _PDF_MEDIA,
    ("/S", "/Sound"): _PDF_MEDIA,
    ("/Type", "/EmbeddedFile"): _PDF_EMBEDDED,
    ("/Subtype", "/FileAttachment"): _PDF_EMBEDDED,
    ("/Subtype", "/RichMedia"): _PDF_MEDIA,
    ("/Subtype", "/Screen"): _PDF_MEDIA,
    ("/Subtype", "/Movie"): _PDF_MEDIA,
    ("/Subtype", "/Sound"): _PDF_MEDIA,
    ("/Subtype", "/3D"): _PDF_MEDIA,
}


# Word documents (.docx, Office Open XML): the content type served back, and bounds on the
# zip container so a hostile file cannot make the check (or a later reader) slow: the number
# of parts, and the unpacked size, in total and of one part. A 300-page plan with pictures
# stays far below them.
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_MAIN_PART_TYPE = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
DOCX_MAX_ENTRIES = 1_000
DOCX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
DOCX_MAX_PART_BYTES = 30 * 1024 * 1024
# Parts that carry code or foreign programs: macros (VBA), ActiveX controls, OLE objects.
DOCX_ACTIVE_PARTS = ("vbaproject.bin", "vbadata.xml")
DOCX_ACTIVE_FOLDERS = ("word/activex/",)
DOCX_OLE_PREFIX = "word/embeddings/oleobject"
# Content types of served files that the file name alone does not give reliably.
SERVED_CONTENT_TYPES = {
    ".docx": DOCX_CONTENT_TYPE,
    ".pdf": "application/pdf",
    ".xlsx": XLSX_CONTENT_TYPE,  # #23 background exports
    ".csv": CSV_CONTENT_TYPE,
}


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

    @property
    def extension(self) -> str:
        """The extension to store the file under ("pdf", "jpg", "png", "docx")."""
        return PurePosixPath(self.content.name or "").suffix.lstrip(".") or "bin"


def generated_name(prefix: str, extension: str) -> str:
    """A storage path that reveals nothing the user typed: prefix/YYYY/MM/<uuid>.<ext>."""
    now = timezone.now()
    return f"{prefix}/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def _reject(upload: UploadedFile, reason: str, code: str = "invalid") -> ValidationError:
    name = PurePosixPath(upload.name or "").name or _("(no name)")
    return ValidationError(
        _("“%(name)s” was not accepted: %(reason)s"),
        code=code,
        params={"name": name, "reason": reason},
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
    """Check a photo by its content and re-encode it without metadata.

    Raises ValidationError naming the file with one reason: larger than UPLOAD_MAX_BYTES,
    empty, not a JPEG/PNG/WebP (code "not_an_image"), more than UPLOAD_MAX_PIXELS pixels
    (checked from the header, before decoding), or damaged (it could not be decoded).
    Returns a CleanUpload with the re-encoded picture and a thumbnail.
    """
    data = _read_limited(upload)
    not_an_image = _("it is not a JPEG, PNG or WebP photo.")
    too_many_pixels = _("the picture has too many pixels.")
    damaged = _("the photo is damaged or incomplete.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
    except Image.DecompressionBombError as exc:
        raise _reject(upload, too_many_pixels) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _reject(upload, not_an_image, code="not_an_image") from exc
    if image_format not in IMAGE_FORMATS:
        raise _reject(upload, not_an_image, code="not_an_image")
    if width * height > settings.UPLOAD_MAX_PIXELS:
        raise _reject(upload, too_many_pixels)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            return _reencode(upload, image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _reject(upload, damaged) from exc


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
    """A PDF (signed letters, incident documents) or, failing that, a photo.

    A file that does not start with the PDF signature is checked as a photo (clean_image):
    its own reason stands (too many pixels, damaged…), except "not a photo", which becomes
    "not a PDF document or a photo". A PDF is parsed and refused when it is encrypted,
    damaged, has no pages, exceeds PDF_MAX_PAGES or PDF_MAX_OBJECTS, or carries active
    content (see `pdf_refusal`). Raises ValidationError naming the file and that reason;
    returns a CleanUpload of the original bytes (PDFs are not rewritten).
    """
    data = _read_limited(upload)
    if not data.startswith(b"%PDF-"):
        try:
            return clean_image(upload)
        except ValidationError as exc:
            if exc.code != "not_an_image":
                raise
            raise _reject(
                upload, _("it is not a PDF document or a photo."), code="not_a_document"
            ) from exc
    reason = pdf_refusal(data)
    if reason:
        raise _reject(upload, reason)
    return CleanUpload(
        original_name=PurePosixPath(upload.name or "").name[:200],
        content=ContentFile(data, name="document.pdf"),
        thumbnail=None,
        content_type="application/pdf",
    )


def clean_plan_document(upload: UploadedFile) -> CleanUpload:
    """A PDF, a photo or a Word document (.docx): the documents a plan may be.

    A file that begins like a zip container is checked as a Word document (`docx_refusal`);
    anything else as a PDF or photo (`clean_document`), whose "not a PDF or a photo" becomes
    "not a PDF, Word document or photo". Raises ValidationError naming the file and the
    reason; returns a CleanUpload of the original bytes.
    """
    data = _read_limited(upload)
    if not data.startswith(b"PK\x03\x04"):
        try:
            return clean_document(upload)
        except ValidationError as exc:
            if exc.code != "not_a_document":
                raise
            raise _reject(
                upload, _("it is not a PDF document, a Word document (.docx) or a photo.")
            ) from exc
    reason = docx_refusal(data, upload.name or "")
    if reason:
        raise _reject(upload, reason)
    return CleanUpload(
        original_name=PurePosixPath(upload.name or "").name[:200],
        content=ContentFile(data, name="document.docx"),
        thumbnail=None,
        content_type=DOCX_CONTENT_TYPE,
    )


def docx_refusal(data: bytes, name: str = "") -> str | None:
    """Why a Word document must be refused, in the user's language, or None.

    Precondition: `data` is within UPLOAD_MAX_BYTES. Only the zip directory and the content
    types part are read, and every part's checksum is verified within DOCX_MAX_UNPACKED_BYTES
    (the sizes are checked from the directory first, so a zip bomb is refused before any of
    it is unpacked). Never raises.
    """
    if PurePosixPath(name.lower()).suffix in (".docm", ".dotm"):
        return _("macro-enabled Word documents (.docm) are not accepted; save it as .docx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _docx_archive_refusal(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return _("the Word document is damaged and cannot be read.")
    except Exception:  # noqa: BLE001 - any failure on hostile input means "damaged"
        return _("the Word document is damaged and cannot be read.")


def _docx_archive_refusal(archive: zipfile.ZipFile) -> str | None:
    entries = archive.infolist()
    if len(entries) > DOCX_MAX_ENTRIES:
        return _("the Word document has too many parts to check.")
    if sum(entry.file_size for entry in entries) > DOCX_MAX_UNPACKED_BYTES or any(
        entry.file_size > DOCX_MAX_PART_BYTES for entry in entries
    ):
        return _("the Word document unpacks to more than its size allows.")
    if any(entry.flag_bits & 0x1 for entry in entries):
        return _("the Word document is encrypted (password-protected); save it without one.")
    names = {entry.filename.lower() for entry in entries}
    if "[content_types].xml" not in names or "word/document.xml" not in names:
        return _("it is not a Word document (.docx), although it is a zip archive.")
    if any(_is_active_part(part) for part in names):
        return _("the Word document contains macros, ActiveX controls or embedded programs.")
    content_types = archive.read(_original_name(archive, "[content_types].xml"))
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        return _("macro-enabled Word documents (.docm) are not accepted; save it as .docx.")
    if DOCX_MAIN_PART_TYPE not in content_types:
        return _("it is not a Word document (.docx), although it is a zip archive.")
    if archive.testzip() is not None:
        return _("the Word document is damaged and cannot be read.")
    return None


def _is_active_part(name: str) -> bool:
    return (
        PurePosixPath(name).name in DOCX_ACTIVE_PARTS
        or name.startswith(DOCX_ACTIVE_FOLDERS)
        or name.startswith(DOCX_OLE_PREFIX)
    )


def _original_name(archive: zipfile.ZipFile, lowered: str) -> str:
    return next(name for name in archive.namelist() if name.lower() == lowered)


def pdf_refusal(data: bytes) -> str | None:
    """Why a PDF must be refused, in the user's language, or None when it is acceptable.

    Precondition: `data` starts with the PDF signature and is within UPLOAD_MAX_BYTES.
    The file is parsed with pypdf, so names are compared after `#xx` decoding; every
    dictionary, array and stream reachable from the catalog (pages, annotations, forms, name
    trees, XObjects…) is visited once, at most PDF_MAX_OBJECTS of them. Never raises: a file
    the parser cannot read is "damaged".
    """
    if b"endobj" not in data:
        return _("it is not a PDF document, although it begins like one.")
    if b"%%EOF" not in data[-2048:]:
        return _("the PDF document is incomplete (the end of the file is missing).")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return _("the PDF is encrypted (password-protected); upload it without a password.")
        kind = _pdf_active_content(reader.trailer["/Root"])
        page_count = len(reader.pages) if kind is None else 0
    except _PdfTooComplex:
        return _("the PDF is too complex to check (more than %(count)s objects).") % {
            "count": PDF_MAX_OBJECTS
        }
    except _PdfTooManyPixels:
        return _("the PDF contains a picture with too many pixels.")
    except Exception:  # noqa: BLE001 - any parser failure on hostile input means "damaged"
        return _("the PDF document is damaged and cannot be read.")
    if kind is not None:
        return {
            _PDF_SCRIPT: _("the PDF contains scripts (JavaScript)."),
            _PDF_ACTION: _("the PDF runs actions by itself (when opened, viewed or filled in)."),
            _PDF_LAUNCH: _("the PDF tries to start other programs."),
            _PDF_EMBEDDED: _("the PDF contains embedded files."),
            _PDF_XFA: _("the PDF contains an XFA form."),
            _PDF_MEDIA: _("the PDF contains multimedia (Flash, video, sound or 3D)."),
        }[kind]
    if page_count == 0:
        return _("the PDF document has no pages.")
    if page_count > PDF_MAX_PAGES:
        return _("the PDF has more than %(count)s pages.") % {"count": PDF_MAX_PAGES}
    return None


class _PdfTooComplex(Exception):
    pass


class _PdfTooManyPixels(Exception):
    pass


def _pdf_active_content(root: object) -> str | None:
    """The kind of the first active content found from the catalog, or None."""
    if not isinstance(root, DictionaryObject):
        raise ValueError("no catalog")
    stack: list[object] = [root]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            children = dict.items(node)
        elif isinstance(node, ArrayObject):
            children = enumerate(node)
        else:
            continue
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise _PdfTooComplex
        if isinstance(node, DictionaryObject):
            kind = _pdf_dictionary_kind(node)
            if kind is not None:
                return kind
        for _key, child in children:
            if isinstance(child, IndirectObject | DictionaryObject | ArrayObject):
                stack.append(child)
    return None


def _pdf_entry_kind(node: DictionaryObject) -> str | None:
    for key, value in dict.items(node):
        if key in PDF_ACTIVE_KEYS:
            return PDF_ACTIVE_KEYS[key]
        if isinstance(value, NameObject) and (key, value) in PDF_ACTIVE_VALUES:
            return PDF_ACTIVE_VALUES[(key, value)]
    return None


def _pdf_dictionary_kind(node: DictionaryObject) -> str | None:
    kind = _pdf_entry_kind(node)
    if kind is not None:
        return kind
    open_action = dict.get(node, "/OpenAction")
    if open_action is not None:
        action = open_action.get_object()
        # A destination (which page to show first) is harmless and common in office
        # documents; any other action on opening is refused, by its most specific kind.
        if isinstance(action, DictionaryObject):
            if action.get("/S") != "/GoTo":
                return _pdf_entry_kind(action) or _PDF_ACTION
        elif not isinstance(action, ArrayObject):
            return _PDF_ACTION
    if node.get("/Subtype") == "/Image":
        width, height = node.get("/Width", 0), node.get("/Height", 0)
        if (
            isinstance(width, int)
            and isinstance(height, int)
            and width * height > settings.UPLOAD_MAX_PIXELS
        ):
            raise _PdfTooManyPixels
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """A form field taking up to UPLOAD_MAX_FILES files, each cleaned into a CleanUpload.

    `kind` is "image" (photos only; the phone opens its camera), "document" (PDF or photo)
    or "plan" (PDF, Word .docx or photo).
    Every rejected file is reported, by name, in one error list.
    """

    def __init__(self, *, kind: str = "image", max_files: int | None = None, **kwargs):
        self.kind = kind
        self.max_files = max_files or settings.UPLOAD_MAX_FILES
        accept = "image/jpeg,image/png,image/webp"
        if kind in ("document", "plan"):
            accept += ",application/pdf"
        if kind == "plan":
            accept += f",.docx,{DOCX_CONTENT_TYPE}"
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
                else gettext_lazy("PDF or photos, up to 10 MB each, at most {count} files.")
                if kind == "document"
                else gettext_lazy("PDF, Word (.docx) or photos, up to 10 MB each."),
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
        cleaner = {"image": clean_image, "plan": clean_plan_document}.get(self.kind, clean_document)
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
    if extension.lower() in SERVED_CONTENT_TYPES:
        response["Content-Type"] = SERVED_CONTENT_TYPES[extension.lower()]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
