from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from groups.models import Country, WorkingGroup


class BilingualSitemap(Sitemap):
    """Every page in Spanish and English, each listing the other as its alternate."""

    i18n = True
    alternates = True
    x_default = True


class StaticPageSitemap(BilingualSitemap):
    priority = 0.6

    def items(self):
        return ["home", "about", "documents:list"]

    def location(self, item):
        return reverse(item)


class CountrySitemap(BilingualSitemap):
    def items(self):
        return Country.objects.filter(working_groups__status="published").distinct().order_by("slug")

    def lastmod(self, country):
        return country.updated_at


class WorkingGroupSitemap(BilingualSitemap):
    priority = 0.8

    def items(self):
        return WorkingGroup.objects.published().with_country().order_by("country__slug", "slug")

    def lastmod(self, group):
        return group.updated_at
