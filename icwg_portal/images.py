"""Opening the images staff upload in bounded memory, whatever their header claims.

A PNG of 140 KB can declare 12,000 × 12,000 pixels, which Pillow would decode into 576 MB. So an image is
opened (Pillow reads only the header), its size checked against ``IMAGE_MAX_PIXELS``, and what decoding it
would cost estimated against ``IMAGE_MAX_DECODE_BYTES`` before any pixel is decoded; a refusal says what is
wrong, in the staff member's language. What decoding costs, measured with Pillow 13 (BENCHMARKS.md):

- a JPEG is decoded at a reduced scale (``Image.draft``: 1/2, 1/4 or 1/8) when only a smaller copy is needed,
  4 bytes for each pixel decoded; a progressive JPEG also keeps its whole image's coefficients, 2 bytes for
  each pixel of each colour component at full size (3 bytes a pixel for a usual colour photo);
- PNG, GIF, TIFF and the rest decode at full size: 1 byte a pixel for grey or palette images, 4 for colour;
- WebP decodes at full size through libwebp's own buffers besides Pillow's: about 16 bytes a pixel.

``shrink`` then makes the smaller copy without a second full-size copy (the colour conversion and the
premultiplied alpha of a reduction are done a strip at a time).

Pillow's own guard (``Image.MAX_IMAGE_PIXELS``: a warning above 89 megapixels, DecompressionBombError in
``Image.open`` above 179) is turned off in ``PortalConfig.ready``: it fired before the size could be read,
with an English message that the portal showed as "damaged", and ours is stricter. Every decoding of an
uploaded image goes through ``open_image`` (documents/uploads.py, groups/images.py).
"""

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import ExifTags, Image

# A strip of the image converted at a time while shrinking: about 4 MB of pixels.
STRIP_PIXELS = 1024 * 1024
ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class ImageTooLarge(ValueError):
    """The image's header declares more than the portal decodes; ``str()`` says so to staff."""


def use_our_pixel_limit():
    """Turn off Pillow's pixel limit, which ``open_image`` replaces (called once, from PortalConfig.ready)."""
    Image.MAX_IMAGE_PIXELS = None


def open_image(file, name, box, formats=None):
    """``Image.open(file)``, set to decode no more than it takes to make a copy of at most ``box``.

    Raises ImageTooLarge before any pixel is decoded when the image has more pixels than IMAGE_MAX_PIXELS or
    would take more than IMAGE_MAX_DECODE_BYTES to shrink to ``box``; Pillow's own errors (OSError and the
    like, for a file that is not an image it reads) pass through. Use it as a context manager, as Image.open.
    """
    file.seek(0)
    image = Image.open(file, formats=formats)
    size = image.size
    limit = settings.IMAGE_MAX_PIXELS
    if size[0] * size[1] > limit:
        raise ImageTooLarge(too_large_message(name, image.format, size, limit))
    side = max(box)  # either way up: the image may stand turned by its EXIF orientation
    image.draft(None, fitted(size, (side, side)))  # a JPEG decodes at 1/2, 1/4 or 1/8; others ignore it
    cost = shrink_bytes(image, size, (side, side))
    if cost > settings.IMAGE_MAX_DECODE_BYTES:
        # The most pixels an image like this one (same format and colours) may have.
        limit = min(limit, int(size[0] * size[1] * settings.IMAGE_MAX_DECODE_BYTES / cost))
        raise ImageTooLarge(too_large_message(name, image.format, size, limit))
    return image


def fitted(size, box):
    """The size of an image of ``size`` made to fit ``box``, keeping its proportions (never larger)."""
    ratio = min(1, box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio))


def reduction(size, box):
    """The whole factor ``shrink`` first reduces an image by: to between once and twice what fits ``box``."""
    return max(1, int(max(size[0] / box[0], size[1] / box[1])))


def transparent(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def shrink_bytes(image, full_size, box):
    """Roughly the memory ``shrink(image, box)`` takes, from the header alone (``image`` after ``draft``)."""
    decoded = image.width * image.height
    if image.format == "WEBP":
        cost = decoded * 16
    else:
        cost = decoded * (1 if image.mode in ("1", "L", "P") else 2 if image.mode.startswith("I;16") else 4)
    reduced = decoded // reduction(image.size, box) ** 2 * 4
    if reduction(image.size, box) > 1 or image.mode != ("RGBA" if transparent(image) else "RGB"):
        cost += reduced  # the reduced copy
    if transparent(image):
        cost += reduced  # and its premultiplied copy while it is resampled
    cost += box[0] * box[1] * 4 * 2  # the result, and its copy while it is turned or converted
    if image.format == "JPEG" and image.info.get("progressive"):
        # The whole image's coefficients, each component at its sampling: (id, horizontal, vertical, table).
        layers = getattr(image, "layer", None) or [(None, 1, 1, None)] * 3
        full = max(h for _id, h, _v, _q in layers) * max(v for _id, _h, v, _q in layers)
        cost += int(full_size[0] * full_size[1] * 2 * sum(h * v for _id, h, v, _q in layers) / full)
    return cost


FORMAT_NAMES = {"WEBP": "WebP"}


def too_large_message(name, image_format, size, limit):
    megapixels = limit / 1_000_000
    return _(
        "“%(name)s” is larger than %(limit)s megapixels (%(width)s × %(height)s pixels), the most the portal "
        "opens for a %(format)s image. Save a smaller copy of it and upload that."
    ) % {
        "name": name,
        "limit": number_format(int(megapixels) if megapixels >= 1 else round(megapixels, 1)),
        "width": number_format(size[0], force_grouping=True),
        "height": number_format(size[1], force_grouping=True),
        "format": FORMAT_NAMES.get(image_format, image_format),
    }


def shrink(image, box):
    """The pixels of ``image`` (from open_image) at most ``box``, upright, RGB (RGBA if it has transparency).

    Decodes it (OSError, SyntaxError or ValueError for a damaged or truncated file), then reduces it by a
    whole factor, converting a strip at a time, so that only the decoded image, a strip and the reduced copy
    are in memory at once.
    """
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    if orientation in (5, 6, 7, 8):  # turned a quarter: the box applies to the image as it will stand
        box = (box[1], box[0])
    image.load()
    mode = "RGBA" if transparent(image) else "RGB"
    factor = reduction(image.size, box)
    if image.mode == mode and factor == 1:
        small = image
    elif image.mode == mode == "RGB":
        small = image.reduce(factor)
    else:  # a conversion, or a premultiplied reduction of transparent pixels: a strip at a time
        small = Image.new(mode, (-(-image.width // factor), -(-image.height // factor)))
        rows = factor * max(1, STRIP_PIXELS // (image.width * factor))
        for top in range(0, image.height, rows):
            strip = image.crop((0, top, image.width, min(image.height, top + rows))).convert(mode)
            small.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    small.thumbnail(box, Image.Resampling.LANCZOS)
    if orientation in ORIENTATIONS:
        small = small.transpose(ORIENTATIONS[orientation])
    # Pixels only: no EXIF (camera, place), XMP or comment goes on; the colour profile does, for true colour.
    small.info = {key: value for key, value in small.info.items() if key == "icc_profile"}
    return small
