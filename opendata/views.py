import json

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opendata import records

# The kinds of content, in the order the page explains them.
KINDS = [
    ("countries", _("Countries")),
    ("groups", _("Working groups")),
    ("organizations", _("Organizations")),
    ("documents", _("Documents")),
    ("contacts", _("Contacts")),
]


def open_data_page(request):
    """What the API, CSV and feeds offer, with live examples: addresses that answer now, and a record of
    this portal's own content as the API gives it."""
    language = get_language()
    endpoints = [
        {
            "label": label,
            "list": reverse(f"api:{name}") + f"?lang={language}",
            "csv": reverse(f"api:{name}_csv") + f"?lang={language}",
        }
        for name, label in KINDS
    ]
    context = {
        "endpoints": endpoints,
        "index": reverse("api:index"),
        "openapi": reverse("api:openapi-json"),
        # Only its id, for example addresses: not the whole record with its members and activities.
        "group_id": records.published_groups().order_by("pk").values_list("pk", flat=True).first(),
    }
    country = records.countries().order_by("pk").first()
    if country is not None:
        record = records.country_record(country, language, request)
        context["example"] = json.dumps(record, indent=2, ensure_ascii=False, default=str)
        context["example_address"] = reverse("api:countries_detail", args=[country.pk]) + f"?lang={language}"
    return render(request, "opendata/open_data.html", context)
