"""What a staff upload really is, read from its bytes: accepted formats, refusals, computed metadata."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from documents.uploads import inspect_upload, readable_filename, storage_filename
from tests.documents import samples


def refusal(name, content, language="en"):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        inspect_upload(samples.upload(name, content))
    return " ".join(caught.value.messages)


class TestAccepted:
    def test_a_pdf_gives_its_pages_text_digest_and_a_cover_of_its_first_page(self):
        content = samples.pdf_bytes(("Formalización minera en el Perú", "Segunda página", "Tercera"))
        inspected = inspect_upload(samples.upload("Formalización minera.pdf", content))
        assert (inspected.format, inspected.mime_type, inspected.extension) == (
            "pdf",
            "application/pdf",
            "pdf",
        )
        assert inspected.size == len(content)
        assert inspected.page_count == 3
        assert "Formalización minera en el Perú" in inspected.text and "Tercera" in inspected.text
        assert inspected.sha256 == hashlib.sha256(content).hexdigest()
        # The cover is a real JPEG of the first page (portrait, like the page), at most 240 pixels wide.
        cover = Image.open(io.BytesIO(inspected.cover))
        assert cover.format == "JPEG" and cover.size == (inspected.cover_width, inspected.cover_height)
        assert inspected.cover_width == 240 and inspected.cover_height > inspected.cover_width

    def test_a_word_document_is_recognised_by_its_package_not_its_name(self):
        inspected = inspect_upload(samples.upload("informe.pdf", samples.docx_bytes(), "application/pdf"))
        assert inspected.format == "docx" and inspected.extension == "docx"
        assert inspected.mime_type.endswith("wordprocessingml.document")
        assert inspected.page_count == 3
        assert "Mapeo de actores de Cusco" in inspected.text
        assert inspected.cover and inspected.cover_width == 200  # the package's own thumbnail

    def test_an_opendocument_text(self):
        inspected = inspect_upload(samples.upload("acta.odt", samples.odt_bytes()))
        assert (inspected.format, inspected.mime_type) == ("odt", "application/vnd.oasis.opendocument.text")
        assert inspected.page_count == 2
        assert "Informe del Grupo de Trabajo de Lima" in inspected.text
        assert inspected.cover is not None

    def test_a_png_image_is_its_own_cover(self):
        inspected = inspect_upload(samples.upload("mapa.png", samples.png_bytes((800, 600)), "image/png"))
        assert (inspected.format, inspected.mime_type, inspected.page_count) == ("png", "image/png", None)
        assert (inspected.cover_width, inspected.cover_height) == (240, 180)

    def test_a_jpeg_with_no_extension(self):
        inspected = inspect_upload(samples.upload("foto", samples.jpeg_bytes(), "application/octet-stream"))
        assert (inspected.format, inspected.extension) == ("jpeg", "jpg")


class TestRefused:
    def test_html_renamed_pdf(self):
        message = refusal("informe.pdf", samples.HTML_PAGE)
        assert "named as a PDF file" in message and "web page (HTML)" in message

    def test_svg_with_a_script_renamed_pdf(self):
        message = refusal("logo.pdf", samples.SVG_WITH_SCRIPT)
        assert "SVG image, which can carry scripts" in message

    def test_an_executable(self):
        assert "a program (an executable file)" in refusal("setup.exe", samples.EXECUTABLE)
        assert "named as a PDF file" in refusal("factura.pdf", samples.EXECUTABLE)

    def test_a_truncated_pdf(self):
        content = samples.pdf_bytes()
        assert "damaged or incomplete" in refusal("cortado.pdf", content[: len(content) // 2])

    def test_a_pdf_whose_end_is_cut_off(self):
        content = samples.pdf_bytes()
        assert "damaged or incomplete" in refusal("cortado.pdf", content[:-40])

    def test_a_pdf_that_runs_a_script_when_opened(self):
        assert "contains scripts" in refusal("formulario.pdf", samples.pdf_bytes(javascript=True))

    def test_a_word_document_with_macros(self):
        assert "contains macros" in refusal("macro.docx", samples.docx_bytes(macros=True))

    def test_a_truncated_word_document(self):
        content = samples.docx_bytes()
        assert "damaged or incomplete" in refusal("informe.docx", content[:-100])

    def test_a_plain_zip_archive(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hola")
        assert "compressed archive" in refusal("documento.docx", buffer.getvalue())

    def test_a_damaged_image(self):
        assert "damaged or incomplete" in refusal("foto.png", samples.png_bytes()[:60])

    def test_an_empty_file(self):
        assert "is empty (0 bytes)" in refusal("vacio.pdf", b"")

    def test_a_file_over_the_size_limit(self, settings):
        settings.DOCUMENT_MAX_UPLOAD_BYTES = 1000
        message = refusal("grande.pdf", samples.pdf_bytes(("x" * 2000,)))
        assert "the largest file accepted is 1000\xa0bytes" in message

    def test_the_message_is_in_the_staff_members_language(self):
        message = refusal("informe.pdf", samples.HTML_PAGE, language="es")
        assert "tiene nombre de archivo PDF" in message and "página web (HTML)" in message
        assert "está vacío" in refusal("vacio.pdf", b"", language="es")


class TestNames:
    @pytest.mark.parametrize(
        ("given", "extension", "expected"),
        [
            ("Formalización minera.pdf", "pdf", "Formalización minera.pdf"),
            ("C:\\Users\\ana\\Escritorio\\Mapeo de actores.PDF", "pdf", "Mapeo de actores.pdf"),
            ("../../etc/passwd", "pdf", "passwd.pdf"),
            ("informe.pdf", "docx", "informe.docx"),  # the real type wins over the name
            ("informe\u202egpj.exe", "pdf", "informegpj.pdf"),  # no right-to-left override trick
            ('a<b>c:"d|e?.pdf', "pdf", "a b c d e.pdf"),
            ("...", "pdf", "document.pdf"),
            ("Acta nº 3 — sesión.odt", "odt", "Acta nº 3 — sesión.odt"),
        ],
    )
    def test_the_download_name_is_readable_and_safe(self, given, extension, expected):
        assert readable_filename(given, extension) == expected

    def test_the_stored_name_is_plain_ascii(self):
        assert storage_filename("Formalización minera — 2019.pdf") == "formalizacion-minera-2019.pdf"
        assert storage_filename("ñ.pdf") == "n.pdf"
        assert storage_filename("—.pdf") == "document.pdf"
