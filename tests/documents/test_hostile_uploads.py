"""Hostile files (issue #9): every upload is inspected in bounded memory, and no active content gets in.

The files are made by code (tests/documents/hostile.py). Memory is measured as the growth of this process's
peak resident memory (VmHWM, reset through /proc/self/clear_refs) or, for Python's own allocations, with
tracemalloc; only bounds are asserted, never timings.
"""

import io
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from documents.uploads import COVER_MAX_HEIGHT, COVER_MAX_WIDTH, inspect_upload
from tests.documents import hostile, samples

MB = 1024 * 1024


def refusal(name, content, language="en"):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        inspect_upload(samples.upload(name, content))
    return " ".join(caught.value.messages)


@contextmanager
def peak_memory_growth():
    """Yields a dict whose "mb" is, afterwards, how far this process's peak resident memory rose."""
    status = Path("/proc/self/status")

    def field(name):
        line = next(line for line in status.read_text().splitlines() if line.startswith(name + ":"))
        return int(line.split()[1]) / 1024

    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from what is resident now
    growth = {"start": field("VmRSS")}
    yield growth
    growth["mb"] = field("VmHWM") - growth["start"]


@pytest.fixture(scope="module")
def docx_bomb():
    return hostile.expanding_docx()


@pytest.fixture(scope="module")
def png_bomb():
    return hostile.png_bomb()


class TestPackages:
    def test_a_word_document_expanding_to_300_mb_is_refused_from_its_directory(self, docx_bomb):
        assert len(docx_bomb) < 1 * MB
        message = refusal("informe.docx", docx_bomb)
        assert "“informe.docx” expands to more than 256.0\xa0MB when opened" in message
        assert "damaged" not in message and "save it again" in message

    def test_one_part_growing_a_thousand_times_is_refused_even_within_the_sizes(self, settings):
        settings.PACKAGE_MAX_ENTRY_BYTES = settings.PACKAGE_MAX_UNCOMPRESSED_BYTES
        message = refusal("informe.docx", hostile.expanding_docx(20 * MB))
        assert "expands to more than 200 times its size when opened" in message
        assert "inside it become 2" in message  # about 20 MB

    def test_the_total_a_package_declares_is_limited(self, settings):
        settings.PACKAGE_MAX_UNCOMPRESSED_BYTES = 5 * MB
        settings.PACKAGE_MAX_RATIO = 10_000
        assert "expands to more than 5.0\xa0MB when opened" in refusal(
            "x.docx", hostile.expanding_docx(8 * MB)
        )

    def test_a_package_with_too_many_entries_is_refused_before_they_are_read(self, settings):
        settings.PACKAGE_MAX_ENTRIES = 100
        message = refusal("hoja.xlsx", hostile.many_entries_zip(150))
        assert "holds more than 100 files inside it" in message

    def test_a_package_lying_about_a_size_is_read_no_further_than_it_declares(self):
        assert "damaged or incomplete" in refusal("informe.docx", hostile.lying_docx())

    def test_the_refusals_are_in_the_staff_members_language(self, docx_bomb, settings):
        assert "se expande a más de 256,0\xa0MB al abrirlo" in refusal("informe.docx", docx_bomb, "es")
        settings.PACKAGE_MAX_ENTRIES = 100
        assert "contiene más de 100 archivos" in refusal("hoja.xlsx", hostile.many_entries_zip(150), "es")

    def test_a_40_mb_report_full_of_photos_is_accepted(self):
        # A few hundred photographs (which do not compress) and a long text that compresses very well.
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(samples.docx_bytes())) as model,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package,
        ):
            for info in model.infolist():
                if info.filename != "word/document.xml":
                    package.writestr(info, model.read(info))
            paragraph = (
                "<w:p><w:r><w:t>Párrafo {} del informe sobre seguridad y derechos humanos.</w:t></w:r></w:p>"
            )
            package.writestr(
                "word/document.xml",
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                + "".join(paragraph.format(n) for n in range(100_000))
                + "</w:body></w:document>",
            )
            photo = io.BytesIO()
            Image.effect_noise((400, 400), 80).convert("RGB").save(photo, "JPEG", quality=95)
            for number in range(40 * MB // len(photo.getvalue())):
                package.writestr(f"word/media/image{number}.jpeg", photo.getvalue())
        content = buffer.getvalue()
        assert len(content) > 38 * MB
        inspected = inspect_upload(samples.upload("Informe anual.docx", content))
        assert inspected.format == "docx" and inspected.text.startswith("Párrafo 0 del informe")

    def test_reading_a_huge_text_part_keeps_python_s_memory_bounded(self, settings):
        # Limits lifted so the 300 MB part is read: it is parsed as it streams, up to a cap, never whole.
        settings.PACKAGE_MAX_ENTRY_BYTES = settings.PACKAGE_MAX_UNCOMPRESSED_BYTES
        settings.PACKAGE_MAX_RATIO = 10_000
        content = hostile.expanding_docx()
        tracemalloc.start()
        try:
            inspected = inspect_upload(samples.upload("informe.docx", content))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert inspected.text.startswith("x\nx\n")
        assert peak < 64 * MB, peak / MB

    def test_inspecting_the_bomb_does_not_grow_the_process(self, docx_bomb):
        with peak_memory_growth() as growth:
            refusal("informe.docx", docx_bomb)
        assert growth["mb"] < 20, growth


class TestImages:
    def test_a_140_kb_png_of_12000_by_12000_pixels_is_refused_before_decoding(self, png_bomb):
        assert len(png_bomb) < 200 * 1024
        with peak_memory_growth() as growth:
            message = refusal("mapa.png", png_bomb)
        assert growth["mb"] < 20, growth
        assert message == (
            "“mapa.png” is larger than 50 megapixels (12,000 × 12,000 pixels), the most the portal opens "
            "for a PNG image. Save a smaller copy of it and upload that."
        )

    def test_a_20000_by_20000_image_is_said_to_be_too_large_not_damaged(self):
        message = refusal("plano.png", hostile.png_bomb(20000, 20000), "es")
        assert "«plano.png» tiene más de 50 megapíxeles (20\xa0000 × 20\xa0000 píxeles)" in message
        assert "dañad" not in message

    def test_the_memory_an_image_takes_to_decode_is_limited_by_format(self, settings):
        # 4,000 × 3,000 colour pixels decode to 48 MB as a PNG, but to 192 MB as a WebP.
        png, webp = io.BytesIO(), io.BytesIO()
        picture = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
        picture.save(png, "PNG")
        picture.save(webp, "WEBP")
        assert inspect_upload(samples.upload("mapa.png", png.getvalue())).cover_width == COVER_MAX_WIDTH
        message = refusal("mapa.webp", webp.getvalue())
        assert (
            "larger than 5 megapixels (4,000 × 3,000 pixels), the most the portal opens for a WebP" in message
        )

    def test_an_accepted_large_image_grows_the_process_by_less_than_100_mb(self):
        png = io.BytesIO()
        Image.linear_gradient("L").resize((4500, 4500)).convert("RGB").save(png, "PNG")
        with peak_memory_growth() as growth:
            inspected = inspect_upload(samples.upload("plano.png", png.getvalue()))
        assert inspected.cover_width == COVER_MAX_WIDTH
        assert growth["mb"] < 100, growth

    def test_a_50_megapixel_photo_is_decoded_at_a_reduced_scale(self):
        photo = io.BytesIO()
        Image.linear_gradient("L").resize((8000, 6000)).convert("RGB").save(photo, "JPEG")
        with peak_memory_growth() as growth:
            inspected = inspect_upload(samples.upload("foto.jpg", photo.getvalue()))
        assert (inspected.cover_width, inspected.cover_height) == (240, 180)
        assert growth["mb"] < 40, growth  # 192 MB decoded at full size

    def test_pillow_s_own_limit_does_not_interfere(self):
        assert Image.MAX_IMAGE_PIXELS is None  # icwg_portal.images.use_our_pixel_limit, at start-up


class TestPdfActiveContent:
    @pytest.mark.parametrize(
        ("content", "found"),
        [(c, f) for _n, c, f in hostile.REFUSED_PDFS],
        ids=[n for n, _c, _f in hostile.REFUSED_PDFS],
    )
    def test_is_refused_saying_what_was_found(self, content, found):
        message = refusal("informe.pdf", content)
        assert message.startswith("“informe.pdf” contains "), message
        assert found in message
        assert "print it to PDF" in message

    def test_links_bookmarks_and_plain_form_fields_are_accepted(self):
        inspected = inspect_upload(samples.upload("informe.pdf", hostile.ACCEPTED_PDF))
        assert inspected.page_count == 1 and "Hostile" in inspected.text

    def test_a_page_tree_that_contains_itself_is_refused_as_damaged(self):
        assert "damaged or incomplete" in refusal("bucle.pdf", hostile.PAGE_TREE_LOOP)

    def test_the_walk_is_bounded(self, settings):
        settings.PDF_MAX_OBJECTS = 20
        content = samples.pdf_bytes([f"Página {n}" for n in range(30)])
        message = refusal("largo.pdf", content)
        assert "has more than 20 objects inside it" in message and "print it to PDF" in message

    def test_the_refusal_is_in_the_staff_members_language(self):
        message = refusal("informe.pdf", hostile.REFUSED_PDFS[0][1], "es")
        assert message.startswith("«informe.pdf» contiene scripts (JavaScript)")
        assert "Imprimir como PDF" in message

    def test_a_first_page_drawing_70_mb_of_lines_is_accepted_without_a_cover(self):
        content = hostile.drawing_bomb()
        assert len(content) < 200 * 1024
        with peak_memory_growth() as growth:
            inspected = inspect_upload(samples.upload("plano.pdf", content))
        assert inspected.page_count == 1 and inspected.cover is None
        assert growth["mb"] < 40, growth

    def test_pages_sharing_one_huge_drawing_are_read_within_one_budget(self, settings):
        content = hostile.drawing_bomb(6 * MB, pages=400)
        tracemalloc.start()
        try:
            inspected = inspect_upload(samples.upload("plano.pdf", content))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert inspected.page_count == 400 and inspected.cover is None and inspected.text == ""
        assert peak < 3 * settings.PDF_MAX_PAGE_DRAWING_BYTES, peak / MB

    def test_a_page_within_the_drawing_limit_has_its_cover_and_text(self, settings):
        settings.PDF_MAX_PAGE_DRAWING_BYTES = 100
        inspected = inspect_upload(samples.upload("informe.pdf", samples.pdf_bytes(("Uno", "x" * 200))))
        assert inspected.cover is not None and inspected.text == "Uno"  # the second page: too much

    @pytest.mark.parametrize("points", [14_400, 10_000_000, 0])
    def test_the_cover_fits_whatever_size_the_page_declares(self, points):
        inspected = inspect_upload(samples.upload("plano.pdf", hostile.huge_page_pdf(points)))
        assert inspected.cover_width <= COVER_MAX_WIDTH and inspected.cover_height <= COVER_MAX_HEIGHT
