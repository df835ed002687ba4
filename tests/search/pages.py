"""Reading search pages in tests: the results' links and titles, the sections, the whole HTML."""

import re

from django.urls import reverse
from django.utils import translation

# A word no seed text holds, to find one record and nothing else.
RARE = "quimpiri"
OTHER_RARE = "zorblat"


def html(response):
    return response.content.decode()


def search(client, query, language="es", **params):
    with translation.override(language):
        url = reverse("search")
    return client.get(url, {"q": query, **params})


def results(response):
    """Each result's address and title text (marks removed), in the page's order."""
    found = re.findall(r'class="search-result">\s*<h3><a href="([^"]+)">(.*?)</a></h3>', html(response), re.S)
    return [(url, re.sub(r"<[^>]+>", "", title)) for url, title in found]


def result_urls(response):
    return [url for url, _title in results(response)]


def sections(response):
    """The kinds of the page's sections, in order, with their counts as shown."""
    return re.findall(
        r'<h2 id="results-(\w+)">[^<]*<span class="search-count">\(([^)]*)\)</span>', html(response)
    )


def result_items(response):
    """Each result's whole <li>, for what is shown under its title."""
    return re.findall(r'<li class="search-result">.*?</li>', html(response), re.S)
