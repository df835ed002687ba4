from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from documents.models import Document

FEED_LENGTH = 30


class LatestDocumentsFeed(Feed):
    """The documents most recently added to the library, in the language of the address (/es/… or /en/…)."""

    feed_type = Atom1Feed

    def title(self):
        return _("New documents of the In-Country Working Groups")

    def subtitle(self):
        return _("Documents published in the ICWG Portal library, newest first.")

    def link(self):
        return reverse("documents:list")

    def feed_url(self):
        return reverse("documents:feed")

    def items(self):
        documents = Document.objects.published().select_related("document_type", "publisher")
        return documents.order_by("-created_at")[:FEED_LENGTH]

    def item_title(self, document):
        return document.title

    def item_description(self, document):
        return document.summary

    def item_pubdate(self, document):
        return document.created_at

    def item_updateddate(self, document):
        return document.updated_at

    def item_categories(self, document):
        return [document.document_type.name]

    def item_author_name(self, document):
        return document.publisher.name if document.publisher else None
