from documents.models import Document
from groups.sitemaps import BilingualSitemap


class DocumentSitemap(BilingualSitemap):
    def items(self):
        return Document.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, document):
        return document.updated_at
