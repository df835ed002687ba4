import json

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from opendata import records

# The kinds of content, in the order the page explains them, with a one-record example each.
KINDS = ["countries", "groups", "organizations", "documents", "contacts"]


def open_data_page(request):
    """What the API, CSV and feeds offer, with live examples: addresses that answer now, and a record of
    this portal's own content as the API gives it."""
    language = get_language()
    country = records.countries().order_by("pk").first()
    group = records.groups().order_by("pk").first()
    endpoints = [
        {
            "name": name,
            "list": reverse(f"api:{name}") + f"?lang={language}",
            "csv": reverse(f"api:{name}_csv") + f"?lang={language}",
        }
        for name in KINDS
    ]
    context = {
        "endpoints": endpoints,
        "index": reverse("api:index"),
        "openapi": reverse("api:openapi-json"),
        "group": group,
        "example": (
            json.dumps(
                records.country_record(country, language, request), indent=2, ensure_ascii=False, default=str
            )
            if country
            else ""
        ),
        "example_address": reverse("api:countries_detail", args=[country.pk]) + f"?lang={language}"
        if country
        else "",
    }
    return render(request, "opendata/open_data.html", context)
