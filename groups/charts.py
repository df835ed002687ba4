"""Numbers drawn as server-rendered SVG: no script, readable by screen readers through the chart's title."""

from django.utils.translation import gettext as _

from groups.templatetags.portal import text_and_language

BAR_AREA = 150  # width in SVG units available to the longest bar
ROW_HEIGHT = 24


def composition_chart(pillar_sections, observers):
    counts = [(text_and_language(s["pillar"], "name")[0], len(s["memberships"])) for s in pillar_sections]
    counts.append((_("Observers"), len(observers)))
    largest = max((count for _label, count in counts), default=0) or 1
    rows = []
    for index, (label, count) in enumerate(counts):
        width = round(BAR_AREA * count / largest)
        rows.append(
            {"label": label, "count": count, "y": index * ROW_HEIGHT, "width": width, "label_x": 125 + width}
        )
    return {"rows": rows, "height": len(rows) * ROW_HEIGHT}
