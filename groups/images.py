"""Images staff upload: checked by Pillow, resized and stripped of metadata (camera, GPS) before storage."""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

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

    Raises ValidationError for a file Pillow cannot decode to the end (a damaged or truncated image).
    """
    try:
        return _normalise_image(uploaded, max_side or settings.IMAGE_MAX_SIDE)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        # Django's image field only reads the header; decoding the pixels is where damage shows.
        raise ValidationError(
            _("This image could not be read: the file may be damaged or incomplete. Please upload it again."),
            code="invalid_image",
        ) from error


def _normalise_image(uploaded, max_side):
    uploaded.seek(0)
    with Image.open(uploaded) as original:
        source_format = original.format
        image = ImageOps.exif_transpose(original)
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        if source_format not in SAVE_AS:
            source_format = "PNG" if image.mode in ("RGBA", "LA", "P") else "JPEG"
        if source_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        extension, options = SAVE_AS[source_format]
        # A fresh save writes no EXIF or XMP unless asked to, but the JPEG writer copies the image's comment.
        for key in ("comment", "exif", "xmp"):
            image.info.pop(key, None)
        buffer = io.BytesIO()
        image.save(buffer, format=source_format, **options)
    name = Path(uploaded.name).stem + extension
    return ContentFile(buffer.getvalue(), name=name)
