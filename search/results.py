"""One search as the results page shows it: the public records of each kind that match what the visitor
typed, best first, a few of each kind (or one kind page by page), their titles and excerpts marked in the
visitor's language; and, when nothing matches but a name is close to a word typed, "did you mean".

However many records match, a search is a few queries (search/queries.py): the ranked records of every kind
with their counts, in one; the documents found by their files' text alone, when there is room for them; the
rows shown, with their matches marked; the excerpts of the documents found by their files. Counts stop at
MAX_COUNTED ("more than 1,000"), and so do the pages of one kind.
"""

import math
import re
from typing import NamedTuple

from django.urls import get_script_prefix
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from search.highlighting import highlighted
from search.models import Entry
from search.queries import Query, Ranked, engine_for
from search.words import STOP_WORDS, TYPO_LENGTH, WORD, closest_name, fold

MAX_QUERY_LENGTH = 200
MAX_COUNTED = 1000
# Results shown of each kind on the search page, and per page when the visitor asks for all of one kind.
PREVIEW_SIZE = 5
PAGE_SIZE = 20
# At most this many of the words typed are checked for a misspelt name.
CHECKED_WORDS = 6


class Kind(NamedTuple):
    """A section of the results page: the entries' kind, its name in the page's address, its heading and
    the link to all its results."""

    kind: str
    slug: str
    heading: str
    see_all: str  # ngettext_lazy, with %(counter)s
    see_more_than: str  # with %(limit)s

    @property
    def label(self):
        return Entry.Kind(self.kind).label


KINDS = (
    Kind(
        Entry.Kind.GROUP,
        "groups",
        _("Working groups"),
        ngettext_lazy(
            "See the %(counter)s working group found", "See all %(counter)s working groups found", "counter"
        ),
        _("See more than %(limit)s working groups found"),
    ),
    Kind(
        Entry.Kind.DOCUMENT,
        "documents",
        _("Documents"),
        ngettext_lazy("See the %(counter)s document found", "See all %(counter)s documents found", "counter"),
        _("See more than %(limit)s documents found"),
    ),
    Kind(
        Entry.Kind.ORGANIZATION,
        "organizations",
        _("Organizations"),
        ngettext_lazy(
            "See the %(counter)s organization found", "See all %(counter)s organizations found", "counter"
        ),
        _("See more than %(limit)s organizations found"),
    ),
    Kind(
        Entry.Kind.CONTACT,
        "contacts",
        _("Contacts"),
        ngettext_lazy("See the %(counter)s contact found", "See all %(counter)s contacts found", "counter"),
        _("See more than %(limit)s contacts found"),
    ),
    Kind(
        Entry.Kind.ACTIVITY,
        "activities",
        _("Activities"),
        ngettext_lazy(
            "See the %(counter)s activity found", "See all %(counter)s activities found", "counter"
        ),
        _("See more than %(limit)s activities found"),
    ),
    Kind(
        Entry.Kind.OBJECTIVE,
        "objectives",
        _("Objectives"),
        ngettext_lazy(
            "See the %(counter)s objective found", "See all %(counter)s objectives found", "counter"
        ),
        _("See more than %(limit)s objectives found"),
    ),
    Kind(
        Entry.Kind.COUNTRY,
        "countries",
        _("Countries"),
        ngettext_lazy("See the %(counter)s country found", "See all %(counter)s countries found", "counter"),
        _("See more than %(limit)s countries found"),
    ),
)
KIND_BY_SLUG = {kind.slug: kind for kind in KINDS}


def prefixed(url):
    """A stored address (without a script prefix) as this request reaches it."""
    return f"{get_script_prefix()}{url.lstrip('/')}" if url else ""


class Result:
    """One record found: where it leads, its title and excerpt (``(text, language)``, matches marked) and a
    line of context (for an organization, links to its groups)."""

    def __init__(self, kind, object_id, rank, shown):
        self.kind, self.object_id, self.rank = kind, object_id, rank
        self.title, self.excerpt = shown["title"], shown["excerpt"]
        self.url = prefixed(shown["url"])
        self.context = shown["context"]
        self.links = [(name, prefixed(url)) for name, url in shown["links"]]

    @property
    def title_html(self):
        return highlighted(self.title, 0)

    @property
    def excerpt_html(self):
        return highlighted(self.excerpt)


class Section:
    """The results of one kind: how many (up to MAX_COUNTED), and those of page ``number`` (a page past the
    last, from an old link, is the last)."""

    limit = MAX_COUNTED

    def __init__(self, kind, total, hits, number, size):
        self.kind, self.size = kind, size
        self.is_capped = total > MAX_COUNTED
        self.total = min(total, MAX_COUNTED)
        self.num_pages = max(1, math.ceil(self.total / size))
        self.number = min(number, self.num_pages)
        start = (self.number - 1) * size
        self.hits = hits[start : start + size]
        self.results = []

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def see_all(self):
        if self.is_capped:
            return self.kind.see_more_than % {"limit": number_format(MAX_COUNTED, force_grouping=True)}
        return self.kind.see_all % {"counter": self.total}


class Search:
    """What ``typed`` finds, as a ``language`` page shows it: every kind's first few results, or with
    ``kind`` (a slug of KINDS) that kind's page ``number``. ``suggestion``: the words searched instead when
    the typed ones found nothing and a name is close to one of them."""

    def __init__(self, typed, language, kind="", number=1, using="default"):
        self.typed, self.language = typed, language
        self.kind = KIND_BY_SLUG.get(kind)
        self.engine = engine_for(using)
        self.suggestion = ""
        self.sections = self.find(Query.parse(typed), number)
        if not self.total:
            corrected = self.corrected(typed)
            if corrected:
                sections = self.find(Query.parse(corrected), number)
                if any(section.total for section in sections):
                    self.suggestion, self.sections = corrected, sections

    @property
    def searched(self):
        """What the results are of: the suggestion, when it replaced the words typed."""
        return self.suggestion or self.typed

    @property
    def total(self):
        return sum(section.total for section in self.sections)

    def find(self, query, number):
        if not query:
            return []
        kinds = [self.kind] if self.kind else list(KINDS)
        size, limit = (PAGE_SIZE, MAX_COUNTED + 1) if self.kind else (PREVIEW_SIZE, PREVIEW_SIZE)
        ranked = self.engine.top(query, [kind.kind for kind in kinds], limit, MAX_COUNTED + 1)
        sections, in_files = [], set()
        for kind in kinds:
            total, hits = ranked.get(kind.kind, Ranked(0, []))
            if kind.kind == Entry.Kind.DOCUMENT and total <= MAX_COUNTED:
                # Found by their files' text alone: after those found by their own, unranked.
                found = self.engine.found_in_files(query, MAX_COUNTED + 1 - total)
                total += len(found)
                hits = hits + [(pk, 0.0) for pk in found[: max(0, limit - len(hits))]]
                in_files.update(found)
            sections.append(Section(kind, total, hits, number if self.kind else 1, size))
        keys = [(section.kind.kind, pk) for section in sections for pk, _rank in section.hits]
        if keys:
            self.show(query, sections, keys, in_files)
        return sections

    def show(self, query, sections, keys, in_files):
        shown = self.engine.shown(query, self.language, keys)
        documents = [pk for kind, pk in keys if kind == Entry.Kind.DOCUMENT and pk in in_files]
        excerpts = self.engine.file_excerpts(query, self.language, documents) if documents else {}
        for section in sections:
            for pk, rank in section.hits:
                row = shown.get((section.kind.kind, pk))
                if row is None:  # deleted in between
                    continue
                if pk in excerpts and section.kind.kind == Entry.Kind.DOCUMENT:
                    row["excerpt"] = excerpts[pk]
                section.results.append(Result(section.kind.kind, pk, rank, row))

    def corrected(self, typed):
        """``typed`` with its words that are misspelt names replaced by those names as written, or ""."""
        checked = [word for word in dict.fromkeys(WORD.findall(fold(typed))) if word not in STOP_WORDS]
        checked = [word for word in checked if len(word) >= TYPO_LENGTH - 1][:CHECKED_WORDS]
        if not checked:
            return ""
        vocabulary = self.engine.name_words(checked)
        replaced = {word: closest_name(word, vocabulary) for word in checked}
        replaced = {word: vocabulary[name] for word, name in replaced.items() if name}
        if not replaced:
            return ""
        return re.sub(WORD, lambda found: replaced.get(fold(found[0]), found[0]), typed)
