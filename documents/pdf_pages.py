"""What a PDF page costs to draw or to read, counted before PDFium draws it or pypdf reads its text.

PDFium turns each drawing instruction of a page into an object in memory as it loads the page: 20 MB of
instructions took 314 MB and 5 s, and a 174 KB file can hold 70 MB of them, compressed (they took 1.2 GB).
pypdf, reading a page's text, works through the same instructions at about 1 MB a second. So a page's
instructions — its content streams, and those of the forms, patterns, Type 3 glyphs and annotation appearances
it draws — are decoded and counted first, never beyond the limit asked for. Images are not decoded: PDFium
reads them a line at a time, and pypdf's text extraction skips them.
"""

from pypdf import apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

# What leads to more drawing, from each kind of object: the keys followed and the kind of what they hold.
CONTENTS, RESOURCES, NAMED, DRAWN, ANNOTATION, APPEARANCES, APPEARANCE = range(7)
FOLLOWED = {
    RESOURCES: {"/XObject": NAMED, "/Pattern": NAMED, "/Font": NAMED},
    DRAWN: {"/Resources": RESOURCES, "/CharProcs": NAMED},  # a form, a pattern, a Type 3 font, an appearance
    ANNOTATION: {"/AP": APPEARANCES},
}
# Dictionaries whose every value is drawn: XObjects, patterns or fonts by name, Type 3 glyphs; an annotation's
# appearances (normal, rollover, down), each a stream or, by state (on, off), a dictionary of streams.
VALUES = {NAMED: DRAWN, APPEARANCES: APPEARANCE}


def drawing_bytes(page, limit):
    """The bytes of drawing instructions ``page`` holds, decoded; anything over ``limit`` once it is passed.

    pypdf's errors for a damaged stream pass through.
    """
    total, seen = 0, set()
    pending = [(page.get("/Contents"), CONTENTS), (page.get("/Resources"), RESOURCES)]
    pending.append((page.get("/Annots"), ANNOTATION))
    while pending:
        item, kind = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, ArrayObject):  # the parts of a page's contents, or its annotations
            pending.extend((part, kind) for part in list.__iter__(item))
            continue
        if not isinstance(item, DictionaryObject):
            continue
        if kind == APPEARANCE:
            kind = DRAWN if isinstance(item, StreamObject) else NAMED
        if kind in VALUES:
            pending.extend((value, VALUES[kind]) for value in dict.values(item))
            continue
        if isinstance(item, StreamObject) and item.get("/Subtype") != "/Image":
            total += decoded_length(item, limit - total)
            if total > limit:
                return total
        for key, leads_to in FOLLOWED.get(kind, {}).items():
            if key in item:
                pending.append((dict.__getitem__(item, key), leads_to))
    return total


def decoded_length(stream, budget):
    """The decoded length of ``stream``, decoding no more than ``budget`` + 1 bytes of it."""
    limit = max(budget, 0) + 1
    with apply_configuration(
        zlib_maximum_output_length=limit,
        lzw_maximum_output_length=limit,
        run_length_maximum_output_length=limit,
        brotli_maximum_output_length=limit,
        array_based_stream_maximum_output_length=limit,
    ):
        try:
            return len(stream.get_data())
        except LimitReachedError:
            return limit
