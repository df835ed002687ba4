from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from documents.models import DocumentFile
        from icwg_portal import media

        # A cover shows the first page: a draft document's cover is as private as the draft.
        media.register(
            "documents/covers/", "cover", DocumentFile.objects.published, DocumentFile.objects.visible_to
        )
