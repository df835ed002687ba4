"""Group and country images are opened in bounded memory (issue #9): one too large to decode is refused from
its header, saying so in the staff member's language, never as "damaged"."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from groups.images import normalise_image
from tests import factories
from tests.documents import hostile
from tests.groups.test_admin import add_group, error_messages, nothing_saved

pytestmark = pytest.mark.django_db


@pytest.fixture
def peru():
    return factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "“plano.png” is larger than 50 megapixels (20,000 × 20,000 pixels)"),
        ("es", "«plano.png» tiene más de 50 megapíxeles (20\xa0000 × 20\xa0000 píxeles)"),
    ],
)
def test_an_image_of_20000_by_20000_pixels_is_refused_as_too_large(
    superuser_client, peru, language, expected
):
    image = SimpleUploadedFile("plano.png", hostile.png_bomb(20000, 20000), content_type="image/png")
    response = add_group(superuser_client, peru, image=image, language=language)
    [message] = error_messages(response)
    assert message.startswith(expected), message
    assert "damaged" not in message and "dañad" not in message
    assert nothing_saved()


def test_a_large_photo_is_shrunk_upright_from_a_reduced_decoding():
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: turn the picture a quarter
    Image.new("RGB", (4000, 3000), (20, 90, 160)).save(photo, "JPEG", exif=exif)
    stored = normalise_image(SimpleUploadedFile("foto.jpg", photo.getvalue(), content_type="image/jpeg"))
    with Image.open(stored) as image:
        assert image.size == (1200, 1600) and not image.getexif()


def test_a_transparent_logo_keeps_its_transparency():
    logo = io.BytesIO()
    Image.new("RGBA", (3000, 1000), (200, 30, 30, 0)).save(logo, "PNG")
    stored = normalise_image(SimpleUploadedFile("logo.png", logo.getvalue(), content_type="image/png"))
    with Image.open(stored) as image:
        assert image.format == "PNG" and image.mode == "RGBA" and image.size == (1600, 533)
        assert image.getpixel((10, 10))[3] == 0
