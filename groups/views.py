from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from groups.models import Country, WorkingGroup


def visible_groups(request):
    """Visitors see published groups; signed-in staff also see drafts, to preview them."""
    groups = WorkingGroup.objects.all()
    if not request.user.is_staff:
        groups = groups.published()
    return groups


def home(request):
    countries = Country.objects.prefetch_related(
        Prefetch("working_groups", queryset=visible_groups(request), to_attr="visible_groups")
    )
    return render(request, "groups/home.html", {"countries": [c for c in countries if c.visible_groups]})


def country_detail(request, slug):
    country = get_object_or_404(Country, slug=slug)
    groups = visible_groups(request).in_country(country)
    return render(request, "groups/country_detail.html", {"country": country, "groups": groups})


def group_detail(request, country_slug, slug):
    group = get_object_or_404(
        visible_groups(request).with_page_content(), country__slug=country_slug, slug=slug
    )
    return render(request, "groups/workinggroup_detail.html", {"group": group})
