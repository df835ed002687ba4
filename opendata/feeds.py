"""A group's Atom feed: its activities and published documents, newest first, in the language of the address.

An activity has no record of when it was added, only of when it takes place: it enters the feed at its start
date (midnight, in the portal's time zone), and one without a date does not enter it. A document enters it
when it was added to the library, as in the library's own feed (documents/feeds.py).
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from documents.models import Document
from groups.models import WorkingGroup
from icwg_portal.routes import SlugRoute

FEED_LENGTH = 30
ACTIVITY_LIST = SlugRoute("groups:activities")


@dataclass(frozen=True)
class Entry:
    """What the feed says of an activity or a document."""

    title: str
    summary: str
    link: str  # also the entry's id
    published: datetime.datetime
    updated: datetime.datetime
    author: str
    categories: list


def activity_entry(activity, group):
    moment = datetime.datetime.combine(
        activity.start_date, datetime.time.min, timezone.get_default_timezone()
    )
    return Entry(
        title=activity.title,
        summary=activity.description,
        # The list of the group's activities, with a fragment that makes it the entry's id of its own.
        link=f"{ACTIVITY_LIST(country_slug=group.country.slug, slug=group.slug)}#activity-{activity.pk}",
        published=moment,
        updated=moment,
        author=group.name,
        categories=[activity.get_kind_display()],
    )


def document_entry(document, group):
    return Entry(
        title=document.title,
        summary=document.summary,
        link=document.get_absolute_url(),
        published=document.created_at,
        updated=document.updated_at,
        author=document.publisher.name if document.publisher else group.name,
        categories=[document.document_type.name],
    )


class GroupFeed(Feed):
    """/es/paises/<country>/<group>/novedades/ (/en/…/feed/): the feed of a published group."""

    feed_type = Atom1Feed

    def get_object(self, request, country_slug, slug):
        groups = WorkingGroup.objects.published().with_country()
        return get_object_or_404(groups, country__slug=country_slug, slug=slug)

    def title(self, group):
        return _("%(group)s: activities and documents") % {"group": group.name}

    def subtitle(self, group):
        return _("The latest activities and public documents of %(group)s in the ICWG Portal.") % {
            "group": group.name
        }

    def link(self, group):
        return group.get_absolute_url()

    def feed_url(self, group):
        return reverse("opendata:group_feed", kwargs={"country_slug": group.country.slug, "slug": group.slug})

    def author_name(self, group):
        return group.name

    def items(self, group):
        activities = group.activities.filter(start_date__isnull=False).latest_first()[:FEED_LENGTH]
        documents = (
            Document.objects.published()
            .for_group(group)
            .select_related("document_type", "publisher")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )
        entries = [activity_entry(activity, group) for activity in activities]
        entries += [document_entry(document, group) for document in documents]
        entries.sort(key=lambda entry: entry.published, reverse=True)
        return entries[:FEED_LENGTH]

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.summary

    def item_link(self, entry):
        return entry.link

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated

    def item_author_name(self, entry):
        return entry.author

    def item_categories(self, entry):
        return entry.categories
