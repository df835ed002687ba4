"""Numbers drawn as server-rendered SVG: no script, readable by screen readers through the chart's title."""

import math

from django.utils.translation import gettext as _

BAR_AREA = 150  # width in SVG units available to the longest bar
ROW_HEIGHT = 24


def composition_chart(pillar_sections, observers):
    # modeltranslation's attribute already falls back to the other language when a name is missing.
    counts = [(section["pillar"].name, len(section["memberships"])) for section in pillar_sections]
    counts.append((_("Observers"), len(observers)))
    largest = max((count for _label, count in counts), default=0) or 1
    rows = []
    for index, (label, count) in enumerate(counts):
        width = round(BAR_AREA * count / largest)
        rows.append(
            {"label": label, "count": count, "y": index * ROW_HEIGHT, "width": width, "label_x": 125 + width}
        )
    return {"rows": rows, "height": len(rows) * ROW_HEIGHT}


MAP_WIDTH = 300
MAP_MARGIN = 10


def country_map(country, groups):
    """Where a country's groups are: its outline and a labelled dot per group, projected to fit the box.

    An equirectangular projection scaled by the cosine of the middle latitude: faithful enough at a country's
    scale, and cheap to draw on the server.
    """
    outline = country.outline or []
    if len(outline) < 3:
        return None
    longitudes = [point[0] for point in outline]
    latitudes = [point[1] for point in outline]
    west, east, south, north = min(longitudes), max(longitudes), min(latitudes), max(latitudes)
    x_scale = math.cos(math.radians((north + south) / 2))
    span_x, span_y = (east - west) * x_scale or 1, (north - south) or 1
    unit = (MAP_WIDTH - 2 * MAP_MARGIN) / span_x
    height = round(span_y * unit + 2 * MAP_MARGIN)

    def project(longitude, latitude):
        x = MAP_MARGIN + (float(longitude) - west) * x_scale * unit
        y = MAP_MARGIN + (north - float(latitude)) * unit
        return round(x, 1), round(y, 1)

    points = " ".join("{},{}".format(*project(lon, lat)) for lon, lat in outline)
    places = []
    for group in groups:
        if group.latitude is None or group.longitude is None:
            continue
        x, y = project(group.longitude, group.latitude)
        # Labels go on the side with more room, so they stay inside the drawing.
        right = x < MAP_WIDTH * 0.6
        places.append(
            {
                "group": group,
                "x": x,
                "y": y,
                "label_x": x + 10 if right else x - 10,
                "anchor": "start" if right else "end",
            }
        )
    return {"width": MAP_WIDTH, "height": height, "points": points, "places": places}
