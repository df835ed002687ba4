from collections.abc import Sequence
from functools import cached_property

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from groups.models import Country, WorkingGroup


class InEachLanguage(Sequence):
    """``items`` once per language: the (item, language) pairs an i18n sitemap lists, read a slice at a time.

    Django's ``Sitemap`` builds the list of pairs for every item before it paginates: 20,000 documents loaded
    for each page of 1,000 addresses. This counts the items, and fetches only those of the slice asked for.
    """

    def __init__(self, items, languages):
        self.items = items
        self.languages = languages

    @cached_property
    def item_count(self):
        return self.items.count() if isinstance(self.items, QuerySet) else len(self.items)

    def __len__(self):
        return self.item_count * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            position = range(len(self))[index]
            return self[position : position + 1][0]
        start, stop, _step = index.indices(len(self))
        per_item = len(self.languages)
        first = start // per_item
        pairs = [
            (item, language)
            for item in self.items[first : -(-stop // per_item)]
            for language in self.languages
        ]
        return pairs[start - first * per_item : stop - first * per_item]


class BilingualSitemap(Sitemap):
    """Every page in Spanish and English, each listing the other as its alternate.

    One ``<url>`` per page and language: a page of the sitemap holds at most ``limit`` of them (the index,
    /sitemap.xml, lists the pages), read from the database one page at a time. Every page is listed in every
    language (``get_languages_for_item`` is not overridden).
    """

    i18n = True
    alternates = True
    x_default = True
    limit = 1000
    languages = [code for code, _name in settings.LANGUAGES]

    @cached_property
    def paginator(self):
        return Paginator(InEachLanguage(self.items(), self.languages), self.limit)

    def location(self, item):
        """The item's address in the active language, worked out once: Django asks for each address four times
        (as the ``<loc>`` of its entry and as an alternate of the entries in every language)."""
        key = (item, get_language())
        if key not in self.addresses:
            self.addresses[key] = self.address(item)
        return self.addresses[key]

    @cached_property
    def addresses(self):
        return {}

    def address(self, item):
        return item.get_absolute_url()

    def get_latest_lastmod(self):
        # For the index: the newest change in the section, from one aggregate instead of every item.
        if not hasattr(self, "lastmod"):
            return None
        return self.items().order_by().aggregate(latest=Max("updated_at"))["latest"]


class StaticPageSitemap(BilingualSitemap):
    priority = 0.6

    def items(self):
        return ["home", "about", "documents:list"]

    def address(self, item):
        return reverse(item)


class CountrySitemap(BilingualSitemap):
    def items(self):
        return Country.objects.with_published_groups().only("slug", "updated_at").order_by("slug")

    def lastmod(self, country):
        return country.updated_at


class WorkingGroupSitemap(BilingualSitemap):
    priority = 0.8

    def items(self):
        return (
            WorkingGroup.objects.published()
            .select_related("country")
            .only("slug", "updated_at", "country__slug")
            .order_by("country__slug", "slug")
        )

    def lastmod(self, group):
        return group.updated_at
