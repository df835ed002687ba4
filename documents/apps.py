from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from documents.models import DocumentFile, touch_document
        from icwg_portal import media

        # A document's last update includes its files' (the sitemap's lastmod, the open data's updated_since).
        post_save.connect(touch_document, sender=DocumentFile, dispatch_uid="documents.touch-on-save")
        post_delete.connect(touch_document, sender=DocumentFile, dispatch_uid="documents.touch-on-delete")

        # A cover shows the first page: a draft document's cover is as private as the draft.
        media.register(
            "documents/covers/", "cover", DocumentFile.objects.published, DocumentFile.objects.visible_to
        )
