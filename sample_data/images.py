"""Pictures for generated content, drawn with Pillow: country landscapes, group logos and document covers.

Covers look like the first page of a report (a coloured title band over lines of text) at the size the
upload inspection makes them (documents/uploads.py): a dozen are drawn, and the files take them in turn.
"""

import io
import math

from PIL import Image, ImageDraw, ImageFont

from documents.uploads import COVER_MAX_HEIGHT, COVER_MAX_WIDTH
from sample_data.pdf import PAGE_HEIGHT, PAGE_WIDTH

COLOURS = [(10, 79, 138), (139, 58, 42), (36, 110, 72), (112, 64, 140), (178, 112, 20), (60, 72, 84)]


def encoded(image, image_format):
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, format="JPEG", quality=82, optimize=True)
    else:
        image.save(buffer, format=image_format, optimize=True)
    return buffer.getvalue()


def landscape(rng, size=(640, 360)):
    """A JPEG of hills under a sky: a country's picture."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = (rng.randint(90, 140), rng.randint(150, 190), 235), (235, 228, rng.randint(190, 220))
    for y in range(height):
        share = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True)),
        )
    sun = (rng.randint(60, width - 60), rng.randint(40, 120))
    draw.ellipse([sun[0] - 28, sun[1] - 28, sun[0] + 28, sun[1] + 28], fill=(250, 214, 120))
    for layer in range(3):
        base = height * (0.45 + 0.17 * layer)
        phase, waves = rng.uniform(0, math.tau), rng.uniform(1.5, 4)
        points = [(0, height)]
        for x in range(0, width + 16, 16):
            points.append((x, base - 45 * math.sin(phase + waves * x / width * math.pi) - rng.uniform(0, 14)))
        points.append((width, height))
        shade = 40 + 35 * layer
        draw.polygon(points, fill=(shade, 90 + 30 * layer, shade + 10))
    return encoded(image, "JPEG")


def logo(rng, initials, size=240):
    """A PNG of a coloured disc with the group's initials: a group's logo."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    colour = rng.choice(COLOURS)
    draw.ellipse([8, 8, size - 8, size - 8], fill=colour)
    draw.ellipse([28, 28, size - 28, size - 28], outline="white", width=4)
    font = ImageFont.load_default(size=size // 4)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    return encoded(image, "PNG")


def covers(count=12):
    """``count`` JPEG first pages (bytes, width, height), in colours and layouts documents take in turn."""
    scale = min(COVER_MAX_WIDTH / PAGE_WIDTH, COVER_MAX_HEIGHT / PAGE_HEIGHT)
    width, height = round(PAGE_WIDTH * scale), round(PAGE_HEIGHT * scale)
    drawn = []
    for number in range(count):
        image = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(image)
        colour = COLOURS[number % len(COLOURS)]
        band = 40 + 14 * (number % 3)
        draw.rectangle([0, 0, width, band + 20], fill=colour)
        for line in range(2 + number % 2):
            draw.rectangle([20, 14 + line * 14, width - 30 - 25 * line, 22 + line * 14], fill="white")
        y = band + 36
        while y < height - 24:
            paragraph_end = (y // 6) % 7 == 0
            draw.rectangle([20, y, width - (70 if paragraph_end else 20), y + 3], fill=(170, 170, 170))
            y += 14 if paragraph_end else 8
        drawn.append((encoded(image, "JPEG"), width, height))
    return drawn
