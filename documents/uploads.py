"""What a file staff upload really is, read from its content, and what the library shows about it.

``inspect_upload`` refuses anything that is not, by its bytes, one of the accepted formats (the name and
the browser's claimed type are ignored), then reads the metadata visitors see: size, format, page count, text
and a cover thumbnail. It stores nothing: documents/services.py does, atomically.

The type check is our own short allow-list of signatures, followed by a full parse of the format found
(pypdf and PDFium for PDFs, the ZIP package's declared content type for Word/Excel/OpenDocument, Pillow for
images): a generic "magic" library would only name the type, and we must also know the file is whole and safe.
"""

import hashlib
import io
import re
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

import pypdf
import pypdfium2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from documents.models import FileFormat

COVER_MAX_WIDTH = 240  # pixels: shown at 120 CSS pixels in lists, so sharp on high-density screens
COVER_MAX_HEIGHT = 340
TEXT_MAX_CHARS = 1_000_000  # enough for searching; a 2,000-page report does not bloat the row
TEXT_MAX_PAGES = 500
CHUNK = 1024 * 1024

MIME_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.ODT: "application/vnd.oasis.opendocument.text",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    FileFormat.PNG: "image/png",
    FileFormat.JPEG: "image/jpeg",
    FileFormat.WEBP: "image/webp",
}
EXTENSIONS = {FileFormat.JPEG: "jpg"}  # otherwise the format's own value

# An OOXML package names the content type of its main part; macro-enabled variants (docm, xlsm) differ.
OOXML_MAIN_PARTS = {
    "/word/document.xml": (
        FileFormat.DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "/xl/workbook.xml": (
        FileFormat.XLSX,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
ODF_MIME_TYPES = {MIME_TYPES[FileFormat.ODT]: FileFormat.ODT, MIME_TYPES[FileFormat.ODS]: FileFormat.ODS}
PACKAGE_MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # a "zip bomb" claims far more than any real document

# PDFium is not thread-safe; the development server and the test server run requests in threads.
PDFIUM_LOCK = threading.Lock()


@dataclass
class InspectedFile:
    format: str
    mime_type: str
    extension: str
    size: int
    sha256: str
    page_count: int | None = None
    text: str = ""
    cover: bytes | None = None  # JPEG
    cover_width: int | None = None
    cover_height: int | None = None


class Refused(Exception):
    """The file is not acceptable; ``message`` says why, in the staff member's language."""


def inspect_upload(uploaded):
    """Return an InspectedFile for an uploaded file, or raise ValidationError saying why it is refused."""
    name = PurePath(str(uploaded.name or "")).name
    if not uploaded.size:
        raise ValidationError(
            _("“%(name)s” is empty (0 bytes). Please upload the complete file.") % {"name": name},
            code="empty",
        )
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(4096)
    try:
        file_format = sniff(head, uploaded)
        inspected = InspectedFile(
            format=file_format,
            mime_type=MIME_TYPES[file_format],
            extension=EXTENSIONS.get(file_format, file_format.value),
            size=uploaded.size,
            sha256=sha256_of(uploaded),
        )
        READERS[file_format](uploaded, inspected)
    except Refused as refusal:
        raise ValidationError(str(refusal), code="refused") from refusal
    finally:
        uploaded.seek(0)
    return inspected


# --- What the content is ------------------------------------------------------------------------------------


def sniff(head, uploaded):
    if head.startswith(b"%PDF-"):
        return FileFormat.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileFormat.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return FileFormat.JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileFormat.WEBP
    if head.startswith(b"PK\x03\x04"):
        return package_format(uploaded)
    raise Refused(not_accepted_message(uploaded.name, describe(head)))


def describe(head):
    """A visitor-language description of content that is not accepted."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(
        (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"\xca\xfe\xba\xbe", b"#!")
    ):
        return _("a program (an executable file)")
    if b"<svg" in text[:2048]:
        return _("an SVG image, which can carry scripts")
    if (
        text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script"))
        or b"<html" in text[:1024]
    ):
        return _("a web page (HTML)")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _("an old Office 97–2003 file")
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return _("a compressed archive")
    return _("not a format the portal recognises")


def not_accepted_message(name, description):
    name = PurePath(str(name or "")).name
    claimed = PurePath(name).suffix.lower().lstrip(".")
    accepted = _("Upload a PDF, a Word, Excel or OpenDocument file, or a PNG, JPEG or WebP image.")
    if claimed in {"pdf", "docx", "odt", "xlsx", "ods", "png", "jpg", "jpeg", "webp"}:
        return (
            _("“%(name)s” is named as a %(claimed)s file, but its content is %(what)s. It was refused.")
            % {
                "name": name,
                "claimed": claimed.upper(),
                "what": description,
            }
            + " "
            + accepted
        )
    return (
        _("The content of “%(name)s” is %(what)s, which the portal does not accept.")
        % {
            "name": name,
            "what": description,
        }
        + " "
        + accepted
    )


def package_format(uploaded):
    """Word, Excel and OpenDocument files are ZIP packages: their declared content type says which."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as package:
            names = set(package.namelist())
            if sum(info.file_size for info in package.infolist()) > PACKAGE_MAX_UNCOMPRESSED:
                raise Refused(not_accepted_message(uploaded.name, _("an oversized compressed package")))
            if "mimetype" in names:
                declared = package.read("mimetype").decode("ascii", "replace").strip()
                if declared in ODF_MIME_TYPES and "content.xml" in names:
                    return ODF_MIME_TYPES[declared]
            elif "[Content_Types].xml" in names:
                types = ElementTree.fromstring(package.read("[Content_Types].xml"))
                for override in types:
                    part, expected = override.get("PartName"), OOXML_MAIN_PARTS.get(override.get("PartName"))
                    if expected and override.get("ContentType") == expected[1] and part.lstrip("/") in names:
                        return expected[0]
                if any("macroEnabled" in (o.get("ContentType") or "") for o in types):
                    raise Refused(
                        _(
                            "“%(name)s” contains macros, small programs that run when it is opened, so it "
                            "was refused. Save it as a document without macros (.docx, .xlsx) or as a PDF."
                        )
                        % {"name": PurePath(str(uploaded.name)).name}
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ElementTree.ParseError, EOFError, KeyError) as error:
        raise Refused(damaged_message(uploaded)) from error
    finally:
        uploaded.seek(0)
    raise Refused(not_accepted_message(uploaded.name, _("a compressed archive")))


def sha256_of(uploaded):
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in iter(lambda: uploaded.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def damaged_message(uploaded):
    return _("“%(name)s” could not be read: the file is damaged or incomplete. Please upload it again.") % {
        "name": PurePath(str(uploaded.name)).name
    }


# --- What each format tells about itself ---------------------------------------------------------------


def read_pdf(uploaded, inspected):
    uploaded.seek(max(0, uploaded.size - 2048))
    if b"%%EOF" not in uploaded.read():
        # A download cut short: the end of the file, where a PDF keeps its table of contents, is missing.
        raise Refused(damaged_message(uploaded))
    uploaded.seek(0)
    try:
        reader = pypdf.PdfReader(uploaded)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused(
                _(
                    "“%(name)s” is protected by a password, so visitors could not open it. "
                    "Upload it without the password."
                )
                % {"name": PurePath(str(uploaded.name)).name}
            )
        if pdf_runs_scripts(reader):
            raise Refused(
                _(
                    "“%(name)s” contains scripts that run when it is opened, so it was refused. Save it "
                    "again as a plain PDF (for example with “Print to PDF”) and upload that."
                )
                % {"name": PurePath(str(uploaded.name)).name}
            )
        inspected.page_count = len(reader.pages)
        if not inspected.page_count:
            raise Refused(damaged_message(uploaded))
        inspected.text = pdf_text(reader)
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise Refused(damaged_message(uploaded)) from error
    uploaded.seek(0)
    # The cover is drawn by PDFium, the renderer Chromium uses: a PDF it cannot open, visitors cannot either.
    # It reads from the upload's own file (a temporary file for large uploads) rather than a copy in memory.
    stream = getattr(uploaded, "file", uploaded)
    source = stream if hasattr(stream, "readinto") else uploaded.read()
    with PDFIUM_LOCK:
        try:
            pdf = pypdfium2.PdfDocument(source)
        except pypdfium2.PdfiumError as error:
            raise Refused(damaged_message(uploaded)) from error
        try:
            page = pdf[0]
            width, height = page.get_size()
            scale = min(COVER_MAX_WIDTH / max(width, 1), COVER_MAX_HEIGHT / max(height, 1))
            image = page.render(scale=scale).to_pil()
        except pypdfium2.PdfiumError as error:
            raise Refused(damaged_message(uploaded)) from error
        finally:
            pdf.close()
    set_cover(inspected, image)


def pdf_runs_scripts(reader):
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    action = root.get("/OpenAction")
    action = action.get_object() if action is not None else None
    return isinstance(action, dict) and action.get("/S") == "/JavaScript"


def pdf_text(reader):
    parts, length = [], 0
    for page in reader.pages[:TEXT_MAX_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length >= TEXT_MAX_CHARS:
            break
    return clean_text("\n".join(parts))


def read_package(uploaded, inspected):
    uploaded.seek(0)
    with zipfile.ZipFile(uploaded) as package:
        names = set(package.namelist())
        try:
            if inspected.format in (FileFormat.ODT, FileFormat.ODS):
                inspected.page_count = odf_page_count(package) if inspected.format == FileFormat.ODT else None
                if inspected.format == FileFormat.ODT:
                    inspected.text = xml_text(package.read("content.xml"))
                thumbnails = ["Thumbnails/thumbnail.png"]
            else:
                if inspected.format == FileFormat.DOCX:
                    inspected.page_count = ooxml_page_count(package, names)
                    inspected.text = xml_text(package.read("word/document.xml"))
                thumbnails = sorted(n for n in names if n.startswith("docProps/thumbnail."))
        except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, EOFError) as error:
            raise Refused(damaged_message(uploaded)) from error
        for name in thumbnails:
            if name in names:
                try:
                    with Image.open(io.BytesIO(package.read(name))) as image:
                        image.load()
                        set_cover(inspected, image)
                    break
                except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
                    continue  # e.g. a Windows metafile thumbnail: no cover rather than a refusal


def odf_page_count(package):
    if "meta.xml" not in package.namelist():
        return None
    meta = ElementTree.fromstring(package.read("meta.xml"))
    for element in meta.iter():
        if element.tag.endswith("}document-statistic"):
            for key, value in element.attrib.items():
                if key.endswith("}page-count") and value.isdigit():
                    return int(value)
    return None


def ooxml_page_count(package, names):
    if "docProps/app.xml" not in names:
        return None
    for element in ElementTree.fromstring(package.read("docProps/app.xml")).iter():
        if element.tag.endswith("}Pages") and (element.text or "").strip().isdigit():
            return int(element.text)
    return None


def xml_text(data):
    root = ElementTree.fromstring(data)
    paragraphs = []
    for element in root.iter():
        # Word's paragraphs (w:p) and OpenDocument's (text:p, text:h) each become a line.
        if element.tag.rsplit("}", 1)[-1] in {"p", "h"}:
            line = "".join(element.itertext()).strip()
            if line:
                paragraphs.append(line)
    return clean_text("\n".join(paragraphs))


def read_image(uploaded, inspected):
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            image.load()  # decoding every pixel is where a truncated or damaged image shows
            set_cover(inspected, ImageOps.exif_transpose(image))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise Refused(damaged_message(uploaded)) from error


READERS = {
    FileFormat.PDF: read_pdf,
    FileFormat.DOCX: read_package,
    FileFormat.ODT: read_package,
    FileFormat.XLSX: read_package,
    FileFormat.ODS: read_package,
    FileFormat.PNG: read_image,
    FileFormat.JPEG: read_image,
    FileFormat.WEBP: read_image,
}


def set_cover(inspected, image):
    """A small JPEG of the first page (or the image itself): pixels only, no metadata."""
    image = image.copy()
    image.thumbnail((COVER_MAX_WIDTH, COVER_MAX_HEIGHT), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    inspected.cover = buffer.getvalue()
    inspected.cover_width, inspected.cover_height = image.size


def clean_text(text):
    text = text.replace("\x00", "")
    return re.sub(r"[ \t]+", " ", re.sub(r"\n{3,}", "\n\n", text)).strip()[:TEXT_MAX_CHARS]


# --- Names -------------------------------------------------------------------------------------------

UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*]+')


def readable_filename(name, extension):
    """The name visitors download the file under: the staff member's own, with the real extension.

    "Formalización minera.pdf" stays as it is; folders, control and direction-changing characters
    (a right-to-left override can make "gpj.exe" read "exe.jpg") and characters Windows refuses are removed.
    """
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    stem = "".join(c for c in stem if unicodedata.category(c)[0] != "C")
    stem = " ".join(UNSAFE_IN_NAMES.sub(" ", stem).split()).strip(" .-_")
    return f"{stem[:150].strip() or 'document'}.{extension}"


def storage_filename(readable_name):
    """An ASCII name for the storage (any file system, any object store): "formalizacion-minera.pdf"."""
    stem, _dot, extension = readable_name.rpartition(".")
    return f"{slugify(stem)[:80].strip('-') or 'document'}.{extension}"
