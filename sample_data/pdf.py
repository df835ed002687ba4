"""A small PDF writer for generated documents: pages of text lines in Helvetica, nothing else.

Each line is drawn with its own text-showing operator and a line break (``T*``), so a PDF reader reads the
lines back exactly as written, one per line. ``written_pdf`` returns the file with the text that the portal's
upload inspection (documents/uploads.py, through pypdf) would extract from it, so generated files can carry
their ``text`` without being inspected one by one.

Text must be representable in Windows-1252 (the fonts' WinAnsiEncoding): Spanish and English are. Lines have
single spaces and none at either end, as ``wrapped()`` makes them.
"""

import io
import re
import zlib
from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
MARGIN = 72
BODY_SIZE, BODY_LEADING = 10.5, 14
HEADING_SIZE = 13


@dataclass(frozen=True)
class WrittenPdf:
    content: bytes
    text: str  # what pypdf extracts, cleaned as documents/uploads.py cleans it
    page_count: int


def escaped(text):
    return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def page_stream(lines):
    """The drawing instructions of a page: ``lines`` of (is_heading, text); an empty text is a blank line."""
    parts = [b"BT /F1 %g Tf %g TL %d %d Td" % (BODY_SIZE, BODY_LEADING, MARGIN, PAGE_HEIGHT - MARGIN)]
    for is_heading, text in lines:
        if not text:
            parts.append(b"T*")
        elif is_heading:
            parts.append(b"/F2 %g Tf (%s) Tj T* /F1 %g Tf" % (HEADING_SIZE, escaped(text), BODY_SIZE))
        else:
            parts.append(b"(%s) Tj T*" % escaped(text))
    parts.append(b"ET")
    return b"\n".join(parts)


def written_pdf(pages, title=""):
    """A PDF with one page per item of ``pages`` (lists of (is_heading, text) lines), compressed."""
    objects = []

    def add(body):
        objects.append(body)
        return len(objects)

    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + 2 * len(pages)  # the page tree comes after the pages and their contents
    page_ids = []
    for lines in pages:
        stream = zlib.compress(page_stream(lines), 6)
        content = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
        )
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                % (pages_id, PAGE_WIDTH, PAGE_HEIGHT, content, regular, bold)
            )
        )
    kids = b" ".join(b"%d 0 R" % page for page in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == pages_id
    info = add(b"<< /Title (%s) /Producer (ICWG Portal sample data) >>" % escaped(title))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)

    content = pdf_file(objects, root=catalog, info=info)
    # pypdf reads each page as its lines joined by new lines (blank ones leave nothing), ending with one;
    # documents/uploads.py joins the pages with a new line, keeps at most one empty line in a row, and strips
    # the ends. With lines as wrapped() makes them (single spaces, none at either end), that is:
    page_texts = ["\n".join(text for _heading, text in lines if text) for lines in pages]
    return WrittenPdf(content, "\n\n".join(text for text in page_texts if text), len(pages))


def pdf_file(objects, root, info=None, version=b"1.4"):
    """The bytes of a PDF whose numbered objects are ``objects`` (bodies, object 1 first), with its
    cross-reference table and a trailer naming the catalog ``root`` (and the ``info`` dictionary)."""
    out = io.BytesIO()
    out.write(b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % version)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    info_entry = b" /Info %d 0 R" % info if info else b""
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, info_entry, xref)
    )
    return out.getvalue()


def wrapped(text, width):
    """``text`` in lines of at most ``width`` characters, broken between words (a longer word gets a line)."""
    return re.findall(rf"\S.{{0,{width - 1}}}(?=\s|$)|\S+", text)
