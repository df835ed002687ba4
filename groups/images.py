"""Images staff upload: checked by Pillow in bounded memory, resized and stripped of metadata (camera, GPS)
before storage."""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from icwg_portal.images import ImageTooLarge, open_image, shrink

# Pillow format → (extension, save options). Anything else is re-encoded as PNG or JPEG.
SAVE_AS = {
    "JPEG": (".jpg", {"quality": 85, "optimize": True, "progressive": True}),
    "PNG": (".png", {"optimize": True}),
    "WEBP": (".webp", {"quality": 85}),
}


def validate_image_upload(file):
    if file.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This image is %(size)s; the largest accepted is %(limit)s. Please upload a smaller image.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES)},
            code="image_too_large",
        )


def normalise_image(uploaded, max_side=None):
    """Return a new file holding only the pixels: upright, at most ``max_side`` pixels, no metadata.

    Raises ValidationError for an image larger than the portal opens (checked from its header, before any
    pixel is decoded: icwg_portal/images.py) and for a file Pillow cannot decode to the end (damaged, cut).
    """
    max_side = max_side or settings.IMAGE_MAX_SIDE
    name = Path(str(uploaded.name)).name
    try:
        with open_image(uploaded, name, (max_side, max_side)) as original:
            source_format = original.format
            image = shrink(original, (max_side, max_side))
    except ImageTooLarge as error:
        raise ValidationError(str(error), code="image_too_many_pixels") from error
    except (OSError, SyntaxError, ValueError) as error:
        # Django's image field only reads the header; decoding the pixels is where damage shows.
        raise ValidationError(
            _("This image could not be read: the file may be damaged or incomplete. Please upload it again."),
            code="invalid_image",
        ) from error
    if source_format not in SAVE_AS:
        source_format = "PNG" if image.mode == "RGBA" else "JPEG"
    if source_format == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    extension, options = SAVE_AS[source_format]
    # shrink kept only the pixels (and colour profile): no EXIF, XMP or comment of the original is saved.
    buffer = io.BytesIO()
    image.save(buffer, format=source_format, **options)
    return ContentFile(buffer.getvalue(), name=Path(uploaded.name).stem + extension)
