"""What a file staff upload really is, read from its content, and what the library shows about it.

``inspect_upload`` refuses anything that is not, by its bytes, one of the accepted formats (the name and
the browser's claimed type are ignored), then reads the metadata visitors see: size, format, page count, text
and a cover thumbnail. It stores nothing: documents/services.py does, atomically.

The type check is our own short allow-list of signatures, followed by a full parse of the format found
(pypdf and PDFium for PDFs, the ZIP package's declared content type for Word/Excel/OpenDocument, Pillow for
images): a generic "magic" library would only name the type, and we must also know the file is whole and safe.

Whatever a file claims, its inspection stays bounded in memory and time (issue #9): ZIP packages are checked
from their central directory before anything is decompressed, then read streamed with caps
(documents/packages.py); images from their header before any pixel is decoded (icwg_portal/images.py); a
PDF's objects are walked once, with a bound, for anything that could act on a visitor's computer
(documents/active_content.py), and its pages' drawing instructions counted before PDFium draws the cover or
pypdf reads their text (documents/pdf_pages.py); the cover is drawn at a scale that fits, whatever the page.
"""

import hashlib
import io
import re
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.parsers import expat

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium_c
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from documents import active_content, packages, pdf_pages
from documents.models import FileFormat
from icwg_portal.images import ImageTooLarge, open_image, shrink

COVER_MAX_WIDTH = 240  # pixels: shown at 120 CSS pixels in lists, so sharp on high-density screens
COVER_MAX_HEIGHT = 340
TEXT_MAX_CHARS = 1_000_000  # enough for searching; a 2,000-page report does not bloat the row
TEXT_MAX_PAGES = 500
TEXT_MAX_XML_BYTES = 32 * 1024 * 1024  # of a package's text part read: about 1 s of parsing
PART_MAX_BYTES = 1024 * 1024  # of a package's small parts read ([Content_Types].xml, metadata)
THUMBNAIL_MAX_BYTES = 4 * 1024 * 1024  # a package's own preview image; a larger one is ignored
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
IMAGE_FORMATS = {FileFormat.PNG: "PNG", FileFormat.JPEG: "JPEG", FileFormat.WEBP: "WEBP"}  # Pillow's names
# ZIP packages' failures that mean a damaged file (NotImplementedError: a compression zipfile does not read;
# RuntimeError: an entry protected by a password).
PACKAGE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, expat.ExpatError, EOFError, KeyError, OSError)
PACKAGE_ERRORS += (NotImplementedError, RuntimeError, ValueError)

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
    name = PurePath(str(uploaded.name)).name
    try:
        with packages.open_package(uploaded, name) as package:
            names = set(package.namelist())
            if "mimetype" in names:
                declared = (packages.read_part(package, "mimetype", 256) or b"").decode("ascii", "replace")
                if declared.strip() in ODF_MIME_TYPES and "content.xml" in names:
                    return ODF_MIME_TYPES[declared.strip()]
            elif "[Content_Types].xml" in names:
                overrides = []
                packages.parse_part(
                    package,
                    "[Content_Types].xml",
                    PART_MAX_BYTES,
                    start=lambda _tag, attributes: overrides.append(attributes),
                )
                for override in overrides:
                    part, expected = override.get("PartName"), OOXML_MAIN_PARTS.get(override.get("PartName"))
                    if expected and override.get("ContentType") == expected[1] and part.lstrip("/") in names:
                        return expected[0]
                if any("macroEnabled" in (o.get("ContentType") or "") for o in overrides):
                    raise Refused(
                        _(
                            "“%(name)s” contains macros, small programs that run when it is opened, so it "
                            "was refused. Save it as a document without macros (.docx, .xlsx) or as a PDF."
                        )
                        % {"name": name}
                    )
    except packages.PackageRefused as refusal:
        raise Refused(str(refusal)) from refusal
    except PACKAGE_ERRORS as error:
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
    name = PurePath(str(uploaded.name)).name
    uploaded.seek(max(0, uploaded.size - 2048))
    if b"%%EOF" not in uploaded.read():
        # A download cut short: the end of the file, where a PDF keeps its table of contents, is missing.
        raise Refused(damaged_message(uploaded))
    uploaded.seek(0)
    try:
        with pypdf.apply_configuration(jbig2dec_binary=None):  # pypdf runs no program on what staff upload
            reader = pypdf.PdfReader(uploaded)
            if reader.is_encrypted and not reader.decrypt(""):
                raise Refused(
                    _(
                        "“%(name)s” is protected by a password, so visitors could not open it. "
                        "Upload it without the password."
                    )
                    % {"name": name}
                )
            found = active_content.find_active_content(reader)
            if found:
                raise Refused(active_content_message(name, found))
            inspected.page_count = len(reader.pages)
            if not inspected.page_count:
                raise Refused(damaged_message(uploaded))
            limit = settings.PDF_MAX_PAGE_DRAWING_BYTES
            draw_cover = pdf_pages.drawing_bytes(reader.pages[0], limit) <= limit
            inspected.text = pdf_text(reader)
    except active_content.TooComplex as error:
        raise Refused(
            _(
                "“%(name)s” has more than %(limit)s objects inside it, more than the portal checks for "
                "scripts, so it was refused."
            )
            % {"name": name, "limit": number_format(settings.PDF_MAX_OBJECTS, force_grouping=True)}
            + " "
            + print_to_pdf_advice()
        ) from error
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise Refused(damaged_message(uploaded)) from error
    uploaded.seek(0)
    # The cover is drawn by PDFium, the renderer Chromium uses: a PDF it cannot open, visitors cannot either.
    # It reads from the upload's own file (a temporary file for large uploads) rather than a copy in memory.
    # A first page with more drawing than PDF_MAX_PAGE_DRAWING_BYTES is not drawn: the file has no cover.
    stream = getattr(uploaded, "file", uploaded)
    source = stream if hasattr(stream, "readinto") else uploaded.read()
    image = None
    with PDFIUM_LOCK:
        try:
            pdf = pypdfium2.PdfDocument(source)
        except pypdfium2.PdfiumError as error:
            raise Refused(damaged_message(uploaded)) from error
        try:
            # PDFium's own reading of the document's scripts, should it see the file differently from pypdf.
            if pdfium_c.FPDFDoc_GetJavaScriptActionCount(pdf.raw) > 0:
                raise Refused(active_content_message(name, active_content.JAVASCRIPT))
            if draw_cover:
                page = pdf[0]
                image = page.render(scale=cover_scale(*page.get_size())).to_pil()
        except pypdfium2.PdfiumError as error:
            raise Refused(damaged_message(uploaded)) from error
        finally:
            pdf.close()
    if image is not None:
        set_cover(inspected, image)


def cover_scale(width, height):
    """The scale that draws a page of ``width`` × ``height`` points within the cover, whatever its size.

    At most COVER_MAX_WIDTH × COVER_MAX_HEIGHT pixels for a 200 × 200 inch page as for a zero-sized one.
    """
    return min(COVER_MAX_WIDTH / max(width, 1), COVER_MAX_HEIGHT / max(height, 1))


def active_content_message(name, kind):
    return (
        _("“%(name)s” contains %(what)s, so it was refused: a visitor’s PDF reader could run or open it.")
        % {"name": name, "what": active_content.describe(kind)}
        + " "
        + print_to_pdf_advice()
    )


def print_to_pdf_advice():
    return _(
        "To make a clean copy, open the file and print it to PDF (choose “Print to PDF” or “Save as PDF” as "
        "the printer), then upload the new file."
    )


def pdf_text(reader):
    """The text of the first TEXT_MAX_PAGES pages, up to TEXT_MAX_CHARS characters, from no more than
    PDF_TEXT_MAX_DRAWING_BYTES of drawing instructions decoded in all (pypdf reads about 1 MB of them a
    second); a page with more than PDF_MAX_PAGE_DRAWING_BYTES of its own is skipped."""
    parts, length = [], 0
    budget, page_limit = settings.PDF_TEXT_MAX_DRAWING_BYTES, settings.PDF_MAX_PAGE_DRAWING_BYTES
    for page in reader.pages[:TEXT_MAX_PAGES]:
        cost = pdf_pages.drawing_bytes(page, min(budget, page_limit))
        budget -= cost  # what was decoded counts, whether the page is then read or not
        if budget < 0:
            break
        if cost > page_limit:
            continue
        try:
            text = page.extract_text() or ""
        except pypdf.errors.LimitReachedError:
            continue  # more than pypdf's own limits allow (stream_parsing_work_maximum_count…): no text
        parts.append(text)
        length += len(text)
        if length >= TEXT_MAX_CHARS:
            break
    return clean_text("\n".join(parts))


def read_package(uploaded, inspected):
    name = PurePath(str(uploaded.name)).name
    try:
        with packages.open_package(uploaded, name) as package:
            names = set(package.namelist())
            if inspected.format in (FileFormat.ODT, FileFormat.ODS):
                if inspected.format == FileFormat.ODT:
                    inspected.page_count = odf_page_count(package, names)
                    inspected.text = package_text(package, "content.xml")
                thumbnails = ["Thumbnails/thumbnail.png"]
            else:
                if inspected.format == FileFormat.DOCX:
                    inspected.page_count = ooxml_page_count(package, names)
                    inspected.text = package_text(package, "word/document.xml")
                thumbnails = sorted(n for n in names if n.startswith("docProps/thumbnail."))
            for thumbnail in thumbnails:
                if thumbnail in names and package_cover(package, thumbnail, inspected):
                    break
    except packages.PackageRefused as refusal:
        raise Refused(str(refusal)) from refusal
    except PACKAGE_ERRORS as error:
        raise Refused(damaged_message(uploaded)) from error


def package_text(package, part):
    return clean_text(packages.paragraphs_text(package, part, TEXT_MAX_XML_BYTES, TEXT_MAX_CHARS))


def package_cover(package, thumbnail, inspected):
    """Make the cover from the package's own preview image; False if it cannot (no cover then, no refusal)."""
    content = packages.read_part(package, thumbnail, THUMBNAIL_MAX_BYTES)
    if content is None:
        return False
    try:
        with open_image(io.BytesIO(content), thumbnail, (COVER_MAX_WIDTH, COVER_MAX_HEIGHT)) as image:
            set_cover(inspected, shrink(image, (COVER_MAX_WIDTH, COVER_MAX_HEIGHT)))
        return True
    except (ImageTooLarge, OSError, SyntaxError, ValueError):
        return False  # e.g. a Windows metafile preview


def odf_page_count(package, names):
    if "meta.xml" not in names:
        return None
    counts = []

    def start(tag, attributes):
        if tag == "document-statistic":
            counts.extend(v for k, v in attributes.items() if k.rpartition(" ")[2] == "page-count")
            raise packages.Stop

    packages.parse_part(package, "meta.xml", PART_MAX_BYTES, start=start)
    return int(counts[0]) if counts and counts[0].isdigit() else None


def ooxml_page_count(package, names):
    if "docProps/app.xml" not in names:
        return None
    inside, digits = False, []

    def start(tag, _attributes):
        nonlocal inside
        inside = tag == "Pages"

    def end(tag):
        if tag == "Pages":
            raise packages.Stop

    def text(data):
        if inside:
            digits.append(data)

    packages.parse_part(package, "docProps/app.xml", PART_MAX_BYTES, start=start, end=end, text=text)
    pages = "".join(digits).strip()
    return int(pages) if pages.isdigit() else None


def read_image(uploaded, inspected):
    name = PurePath(str(uploaded.name)).name
    box = (COVER_MAX_WIDTH, COVER_MAX_HEIGHT)
    try:
        with open_image(uploaded, name, box, formats=[IMAGE_FORMATS[inspected.format]]) as image:
            # Decoding every pixel (at the reduced scale a JPEG allows) is where a truncated image shows.
            set_cover(inspected, shrink(image, box))
    except ImageTooLarge as refusal:
        raise Refused(str(refusal)) from refusal
    except (OSError, SyntaxError, ValueError) as error:
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
