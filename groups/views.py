from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from contacts.models import Contact
from documents.models import Document
from groups.charts import composition_chart, country_map
from groups.models import Country, Latest, Pillar, WorkingGroup

# Lists that grow with the content: a country's groups on the home page (the rest a link away, on the
# country's page), a country's groups on its page, a group's activities on the page of all of them.
HOME_GROUPS_PER_COUNTRY = 5
COUNTRY_PAGE_SIZE = 30
ACTIVITY_PAGE_SIZE = 20


def visible_groups(request):
    """Visitors see published groups; staff also preview the drafts they may edit."""
    return WorkingGroup.objects.visible_to(request.user)


def countries_with_groups(request, shown=0):
    """Countries with groups the visitor may see, with how many, and the first ``shown`` of them."""
    groups = visible_groups(request)
    countries = Country.objects.with_group_counts(groups)
    if not shown:
        return countries
    first = Prefetch("working_groups", queryset=groups.with_list_details()[:shown], to_attr="visible_groups")
    return countries.prefetch_related(first)


def home(request):
    countries = countries_with_groups(request, shown=HOME_GROUPS_PER_COUNTRY)
    return render(request, "groups/home.html", {"countries": countries})


def about(request):
    return render(request, "groups/about.html", {"countries": countries_with_groups(request)})


def country_detail(request, slug):
    country = get_object_or_404(Country, slug=slug)
    groups = visible_groups(request).in_country(country).with_list_details()
    page = Paginator(groups, COUNTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    # The map shows where the groups of this page meet: all of them, unless a country has very many.
    groups = list(page)
    context = {"country": country, "page": page, "groups": groups, "map": country_map(country, groups)}
    return render(request, "groups/country_detail.html", context)


def group_detail(request, country_slug, slug):
    """A group's page: the group (``with_page_content``) with what the other apps hold of it, its public
    contacts (prefetched with it, as ``public_contacts``) and its latest published documents."""
    contacts = Prefetch(
        "contacts", queryset=Contact.objects.public().with_card_details(), to_attr="public_contacts"
    )
    group = get_object_or_404(
        visible_groups(request).with_page_content().prefetch_related(contacts),
        country__slug=country_slug,
        slug=slug,
    )
    documents = Document.objects.published().for_group(group).with_list_details().latest_first()
    pillar_sections, observers = group.members_by_pillar(Pillar.objects.only("name"))
    context = {
        "group": group,
        "documents": Latest(documents),
        "activities": group.latest_activities(),
        "pillar_sections": pillar_sections,
        "observers": observers,
        "chart": composition_chart(pillar_sections, observers),
        "structured_data": group_structured_data(request, group),
    }
    return render(request, "groups/workinggroup_detail.html", context)


def group_activities(request, country_slug, slug):
    """All of a group's activities, page by page: the group's own page shows only the latest few."""
    group = get_object_or_404(
        visible_groups(request).with_list_details(), country__slug=country_slug, slug=slug
    )
    activities = group.activities.latest_first()
    page = Paginator(activities, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"group": group, "page": page, "activities": page.object_list}
    return render(request, "groups/activity_list.html", context)


def group_structured_data(request, group):
    """schema.org description of the group as an organization, for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": group.name,
        "url": request.build_absolute_uri(group.get_absolute_url()),
        "areaServed": {"@type": "Place", "name": f"{group.location}, {group.country.name}"},
        "member": [
            {"@type": "Organization", "name": membership.organization.name}
            for membership in group.public_memberships
            if not membership.is_observer
        ],
    }
    if group.acronym:
        data["alternateName"] = group.acronym
    if group.year_founded:
        data["foundingDate"] = str(group.year_founded)
    if group.vision or group.overview:
        data["description"] = group.vision or group.overview
    if group.public_contacts:
        data["contactPoint"] = [
            {"@type": "ContactPoint", "name": contact.person, "contactType": contact.get_role_display()}
            for contact in group.public_contacts
        ]
    return data
